from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaints")]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
