from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Give the roles the view permission on print jobs (Owner, Staff and Viewer see the job pages)."""

    dependencies = [
        ("printing", "0001_printing_jobs"),
        ("webstore", "0001_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
