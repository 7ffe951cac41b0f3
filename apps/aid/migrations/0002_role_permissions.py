from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    """County staff and township chairs keep the hardship files (and may see what they say), record
    and reverse aid and run campaigns; the grassroots officer has none of it: the roles' aid
    permissions (apps.accounts.roles)."""

    dependencies = [("aid", "0001_hardship_files_and_aid"), ("reemployment", "0002_role_permissions")]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
