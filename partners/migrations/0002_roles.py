from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Give the roles the view permissions of the partner feed's models (rejected list, settings)."""

    dependencies = [
        ("partners", "0001_initial"),
        ("webstore", "0001_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
