from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    dependencies = [("branches", "0005_approve_union_permission")]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
