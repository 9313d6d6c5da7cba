from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Give every role the view permissions of the channels' models: the Sales Channels list (no
    secret on it but the Owner's once) and Refused Orders."""

    dependencies = [
        ("channels", "0001_initial"),
        ("catalog", "0002_stock"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
