from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    """County staff and township chairs register, help and place the laid-off; the county sets the
    targets: the roles' re-employment permissions (apps.accounts.roles)."""

    dependencies = [("reemployment", "0001_reemployment_cases_and_bases"), ("accounts", "0005_grassroots_officer_members")]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
