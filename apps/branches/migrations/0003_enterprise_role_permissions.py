from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0002_enterprise"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
