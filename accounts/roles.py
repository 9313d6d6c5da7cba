"""The three roles as Django groups, made from core.permissions.ROLE_PERMISSIONS."""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions

from core.permissions import PANEL_APPS, ROLE_PERMISSIONS, VIEW_ONLY


def sync_roles(apps, schema_editor=None) -> None:
    """Create or update the groups; used by migrations so every database has the roles."""
    for app_config in apps.get_app_configs():
        # Migration states' app configs have no models module, which create_permissions skips.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_perms = list(
        Permission.objects.filter(
            content_type__app_label__in=PANEL_APPS, codename__startswith="view_"
        )
    )
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for code in codes:
            if code == VIEW_ONLY:
                permissions.extend(view_perms)
                continue
            app_label, codename = code.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            # An older migration runs this before the model that declares a newer permission
            # exists; the migration that adds that model runs it again.
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)


def ensure_roles() -> None:
    """Make the groups exist now (tests that flush the database, seed_demo)."""
    sync_roles(installed_apps)
