"""Logging in, with a limit on failed attempts so a password cannot be guessed by brute force."""

import hashlib
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render


def client_ip(request) -> str:
    """Where the request came from. Behind N proxies of our own (settings.TRUSTED_PROXIES), the
    address the outermost one saw, read from X-Forwarded-For; a client cannot forge that entry."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def failure_key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}\x00{ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


class RateLimitedLoginView(auth_views.LoginView):
    """Django's login page; after settings.LOGIN_MAX_FAILURES wrong passwords for one username from
    one address within LOGIN_FAILURE_WINDOW seconds, further attempts get HTTP 429 until it ends.
    Someone already logged in goes on to the dashboard (or ?next=)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        key = failure_key(request.POST.get("username", ""), client_ip(request))
        if cache.get(key, 0) >= settings.LOGIN_MAX_FAILURES:
            return self.refuse(key)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: the credentials were wrong
            if cache.add(
                key, 0, timeout=settings.LOGIN_FAILURE_WINDOW
            ):  # the window starts at the first failure
                cache.set(
                    f"{key}:until",
                    time.time() + settings.LOGIN_FAILURE_WINDOW,
                    timeout=settings.LOGIN_FAILURE_WINDOW,
                )
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)
        else:
            cache.delete_many([key, f"{key}:until"])
        return response

    def refuse(self, key: str):
        minutes = max(1, -(-self.seconds_left(key) // 60))
        messages.error(
            self.request,
            f"Too many failed attempts to log in. Wait {minutes} "
            f"minute{'s' if minutes != 1 else ''} and try again, "
            "or ask the store owner to reset the password.",
        )
        # An unbound form: the refused password is never checked, not even to say it was wrong.
        form = self.get_form_class()(
            self.request, initial={"username": self.request.POST.get("username", "")}
        )
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 429
        return response

    @staticmethod
    def seconds_left(key: str) -> int:
        until = cache.get(f"{key}:until")
        return max(1, int(until - time.time())) if until else settings.LOGIN_FAILURE_WINDOW


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST (so no link or image on another site can log anyone out); the address
    typed or bookmarked (a GET) shows the button to press, rather than an empty error."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):  # LoginRequiredMiddleware sends strangers to log in
        return render(request, "registration/logout_confirm.html", {"page_title": "Log out"})
