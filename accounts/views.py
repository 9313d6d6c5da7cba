"""ACCOUNTS › Users and Roles: everyone sees who has which role; the Owner manages them."""

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, ListView

from core.exceptions import ActionRefused
from core.panel import PanelPermissionMixin
from core.permissions import CONFIGURE, VIEW_PURCHASE

from . import services
from .forms import ROLE_CHOICES, ROLE_HELP, UserAddForm

# Seeing colleagues and their roles is part of using the panel; every role may.


class UserListView(PanelPermissionMixin, ListView):
    permission_required = VIEW_PURCHASE
    template_name = "accounts/user_list.html"
    extra_context = {
        "page_title": "Users and Roles",
        "active_menu": "accounts",
        "role_choices": ROLE_CHOICES,
        "role_help": ROLE_HELP,
    }

    def get_queryset(self):
        return User.objects.prefetch_related("groups").order_by("-is_active", "username")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for user in context["object_list"]:
            user.role = services.role_of(user)
        context["can_edit"] = self.request.user.has_perm(CONFIGURE)
        return context


class UserAddView(PanelPermissionMixin, FormView):
    permission_required = CONFIGURE
    form_class = UserAddForm
    template_name = "accounts/user_form.html"
    extra_context = {"page_title": "Add a user", "active_menu": "accounts"}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=self.request.user,
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
        except ActionRefused as refusal:
            messages.error(self.request, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{user.username} added as {data['role']}.")
        return redirect("accounts:user-list")

    def form_invalid(self, form):
        if form.errors:
            messages.error(self.request, "The user was not added: correct the marked fields.")
        return super().form_invalid(form)


class UserActionView(PanelPermissionMixin, View):
    """POST one change to one user: its role, or deactivate / reactivate."""

    permission_required = CONFIGURE

    def post(self, request, pk, action):
        try:
            if action == "role":
                role = request.POST.get("role", "")
                user = services.user_change_role(actor=request.user, user_id=pk, role=role)
                messages.success(request, f"{user.username} is now {role}.")
            elif action == "deactivate":
                user = services.user_deactivate(actor=request.user, user_id=pk)
                messages.success(request, f"{user.username} can no longer log in.")
            elif action == "reactivate":
                user = services.user_reactivate(actor=request.user, user_id=pk)
                messages.success(request, f"{user.username} can log in again.")
            else:
                messages.error(request, "Unknown action.")
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        return redirect("accounts:user-list")


class UserSetPasswordView(PanelPermissionMixin, FormView):
    """The Owner sets a new password for a colleague who forgot theirs."""

    permission_required = CONFIGURE
    form_class = SetPasswordForm
    template_name = "accounts/user_password.html"

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.person}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person,
            page_title=f"New password for {self.person.username}",
            active_menu="accounts",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            user = services.user_set_password(
                actor=self.request.user,
                user_id=self.person.pk,
                password=form.cleaned_data["new_password1"],
            )
        except ActionRefused as refusal:
            messages.error(self.request, refusal.message)
            return redirect("accounts:user-list")
        messages.success(
            self.request,
            f"{user.username} has a new password; give it to them in person. Their open "
            "sessions were ended.",
        )
        return redirect("accounts:user-list")
