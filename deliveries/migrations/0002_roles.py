from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """Every role sees deliveries (scans, refused scans, instructions); the Owner may record
    refunds (purchases.record_refund)."""

    dependencies = [
        ("deliveries", "0001_initial"),
        ("purchases", "0010_record_refund_permission"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
