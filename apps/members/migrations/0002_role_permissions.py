from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    dependencies = [("members", "0001_members_transfers_imports")]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
