"""Local development: DEBUG on, a fixed secret key, mail to the console."""

from .base import *  # noqa: F403

# The demo store (`manage.py seed_demo`): never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# runserver answers each request in a new thread, so a kept connection would only be dropped with
# its thread (Django's advice: no persistent connections in development).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
