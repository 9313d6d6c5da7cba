from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development and tests only: production settings do not install it, so `seed_demo` (and
    its demo logins) do not exist there."""

    name = "demo"
    verbose_name = "Demo store"
