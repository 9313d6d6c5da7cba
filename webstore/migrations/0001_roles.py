from django.db import migrations

from accounts.roles import sync_roles


class Migration(migrations.Migration):
    """The Owner, Staff and Viewer groups with their permissions (no users: seed_demo makes those)."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("configuration", "0001_initial"),
        ("catalog", "0001_initial"),
        ("customers", "0001_initial"),
        ("purchases", "0001_initial"),
        ("shipments", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
