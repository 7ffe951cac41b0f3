from django.db import migrations


def sync_roles(apps, schema_editor):
    from apps.accounts.roles import sync_role_permissions

    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_members_transfers_imports")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
