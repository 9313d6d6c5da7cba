from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Every role sees the returns."""

    dependencies = [("returns", "0001_initial"), ("deliveries", "0002_roles")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
