"""Who may reach what: every URL pattern of the project, walked as a stranger and as each role.

The expected answers come from README.md's "Who may do what" table (tests/reliability/matrix.py
reads it), so the table a developer reads is the table the suite enforces. A URL that is not in
the table fails test_every_url_is_in_the_matrix: add a row when you add a page.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.permissions import OWNER, STAFF, VIEWER

from . import matrix
from .figures import record
from .urlwalk import Dataset, routes, walk

RULES = matrix.load()
NAMES = [route.name for route in walk()]
PANEL_NAMES = [name for name in NAMES if not name.startswith("admin:")]
# Signed by the partner or a sales channel instead (docs/partner-feed.md, docs/orders-api.md); the
# feed answers with and without its slash.
CSRF_EXEMPT = {
    "partners:feed",
    "partners:feed-without-slash",
    "api:purchase-create",
    "api:purchase-create-without-slash",
    "api:purchase-payment",
    "api:purchase-detail",
}
REDIRECTS = (301, 302, 303, 307, 308)


def login_redirect(response) -> bool:
    """A redirect to a login page that will come back here (LoginRequiredMiddleware, the admin)."""
    location = response.get("Location", "")
    return (
        response.status_code in REDIRECTS
        and "next=" in location
        and any(location.startswith(reverse(name)) for name in ("login", "admin:login"))
    )


def verdict(cell, role: str | None, method: str, response, placeholder: bool) -> str | None:
    """What is wrong with the response, given the matrix cell; None when it is as documented."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if cell == "signed":
        return None if 400 <= status < 500 else f"{status} without a valid signature (4xx expected)"
    if cell == "anyone":
        on_to_dashboard = role is not None and response.headers.get("Location") == reverse("home")
        if method == "GET" and status != 200 and not on_to_dashboard:
            return f"{status}, but the page is public (200 expected)"
        return None
    if role is None:
        if cell == "superuser":
            return None if status in REDIRECTS or status in (403, 405) else f"{status} (no content)"
        return None if login_redirect(response) else f"{status} instead of a redirect to log in"
    if cell == "superuser":
        return (
            None if status in REDIRECTS or status in (403, 404, 405) else f"{status} (no content)"
        )
    if cell == "—":
        return None if status in (403, 405) else f"{status}, but {method} is not accepted (403/405)"
    if role in cell:
        if status in (403, 405):
            return f"{status}, but the matrix allows {role}"
        if login_redirect(response):
            return f"sent to log in, but the matrix allows {role}"
        if status == 404 and not placeholder:
            return "404 with real ids"
        return None
    return None if status == 403 else f"{status}, but the matrix refuses {role} (403 expected)"


def attempt(route, role: str | None, user, method: str):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return getattr(client, method.lower())(route.path)


@pytest.fixture
def dataset(db):
    return Dataset()


def actors(dataset: Dataset):
    return [(None, None), (OWNER, dataset.owner), (STAFF, dataset.staff), (VIEWER, dataset.viewer)]


def check(route, dataset) -> list[str]:
    rule = matrix.rule_for(route.name, RULES)
    problems = []
    for method in ("GET", "POST"):
        for role, user in actors(dataset):
            response = attempt(route, role, user, method)
            problem = verdict(rule.cell(method), role, method, response, bool(route.placeholders))
            if problem:
                who = role or "anonymous"
                problems.append(f"{method} {route.path} as {who}: {problem}")
            elif role in (STAFF, VIEWER) and method == "GET" and response.status_code == 200:
                problems += [
                    f"GET {route.path} as {role} shows a secret"
                    for secret in dataset.secrets()
                    if secret in response.content.decode(errors="replace")
                ]
    return problems


def test_every_url_is_in_the_matrix():
    missing = [name for name in NAMES if matrix.rule_for(name, RULES) is None]
    assert not missing, (
        "These URL names are not in README.md's 'Who may do what' table. Add a row for each "
        "(| `name` | roles for GET | roles for POST |) saying who may use it:\n  "
        + "\n  ".join(missing)
    )


def test_every_matrix_row_names_a_url():
    stale = [
        name
        for name in RULES
        if not (
            name in NAMES or (name.endswith("*") and any(n.startswith(name[:-1]) for n in NAMES))
        )
    ]
    assert not stale, f"README.md's access matrix names URLs that do not exist: {stale}"


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_url_answers_each_role_as_the_matrix_says(name, dataset):
    if matrix.rule_for(name, RULES) is None:
        pytest.fail(
            f"{name} is missing from the access matrix (see test_every_url_is_in_the_matrix)"
        )
    route = next(route for route in routes(dataset) if route.name == name)
    problems = check(route, dataset)
    record(f"access: {name}", attempts=8, broke=len(problems), unit="requests")
    assert not problems, "\n".join(problems)


def test_back_office_is_for_superusers_only(dataset):
    admin_routes = [route for route in routes(dataset) if route.is_admin]
    problems = []
    for route in admin_routes:
        if matrix.rule_for(route.name, RULES) is not None:
            problems += check(route, dataset)
    record(
        "access: back office (every admin URL)",
        attempts=8 * len(admin_routes),
        broke=len(problems),
        unit="requests",
    )
    assert admin_routes
    assert not problems, "\n".join(problems)


def test_every_state_change_needs_a_csrf_token(dataset):
    """POST without a token is refused (403) everywhere but the signed partner feed and API."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(dataset.owner)
    problems, exempt = [], set()
    all_routes = routes(dataset)
    for route in all_routes:
        if getattr(route.pattern.callback, "csrf_exempt", False):
            exempt.add(route.name)
            continue
        response = client.post(route.path, {"transition": "approve_fraud", "reason": "x"})
        if response.status_code != 403:
            problems.append(f"POST {route.path} without a CSRF token: {response.status_code}")
    record(
        "CSRF: POST without a token", attempts=len(all_routes), broke=len(problems), unit="requests"
    )
    assert not problems, "\n".join(problems)
    assert exempt == CSRF_EXEMPT, (
        f"views exempt from CSRF: {sorted(exempt)}; documented: {CSRF_EXEMPT}"
    )


def test_login_page_refuses_posts_without_a_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "owner", "password": "webstore"})
    assert response.status_code == 403


# -- Login attempts are rate-limited ------------------------------------------------------


def log_in(client, username, password, ip="10.0.0.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_failed_logins_lock_out_that_username_from_that_address(dataset):
    client = Client()
    limit = settings.LOGIN_MAX_FAILURES
    for _ in range(limit):
        response = log_in(client, "owner", "guess")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()

    refused = log_in(client, "owner", "webstore")  # even the right password, now

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many failed attempts to log in. Wait 15 minutes" in page
    assert "_auth_user_id" not in client.session
    assert log_in(client, "staff", "webstore").status_code == 302  # another user is not locked
    assert log_in(Client(), "owner", "webstore", ip="10.0.0.8").status_code == 302  # nor elsewhere
    record(
        "login: attempts after the limit",
        attempts=1,
        broke=int(refused.status_code != 429),
        unit="requests",
    )


def test_lockout_ends_when_the_window_passes(dataset, settings):
    import time

    settings.LOGIN_FAILURE_WINDOW = 1
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        log_in(client, "Owner ", "guess")  # usernames are counted case- and space-insensitively
    assert log_in(client, "owner", "webstore").status_code == 429
    time.sleep(1.2)
    assert log_in(client, "owner", "webstore").status_code == 302


def test_a_successful_login_clears_the_count(dataset):
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        log_in(client, "owner", "guess")
    assert log_in(client, "owner", "webstore").status_code == 302
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        assert log_in(Client(), "owner", "guess").status_code == 200


# -- Production settings ------------------------------------------------------------------

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "webstore.settings.prod",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "shop.example.in",
}


def run_with(env: dict, *args: str, tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    clean.update(env, WEBSTORE_VAR_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    result = run_with(
        PROD_ENV, "manage.py", "check", "--deploy", "--fail-level", "DEBUG", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing, value",
    [("DJANGO_SECRET_KEY", None), ("DJANGO_ALLOWED_HOSTS", None), ("DJANGO_ALLOWED_HOSTS", " , ")],
)
def test_production_refuses_to_start_without(missing, value, tmp_path):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    if value is not None:
        env[missing] = value
    result = run_with(env, "-c", "import django; django.setup()", tmp_path=tmp_path)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        f"django.core.exceptions.ImproperlyConfigured: {missing} must be set in the environment "
        "for production."
    ), result.stderr


def test_behind_a_proxy_each_client_is_counted_apart(dataset, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def attempt_from(client_address, password="guess"):
        return Client().post(
            reverse("login"),
            {"username": "owner", "password": password},
            HTTP_X_FORWARDED_FOR=f"203.0.113.99, {client_address}",  # the first entry is forgeable
            **proxy,
        )

    for _ in range(settings.LOGIN_MAX_FAILURES):
        attempt_from("198.51.100.7")
    assert attempt_from("198.51.100.7", "webstore").status_code == 429
    assert attempt_from("198.51.100.8", "webstore").status_code == 302
