from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    """County staff run the county batches, township staff nominate and run their own classes:
    the roles' training permissions (apps.accounts.roles)."""

    dependencies = [("training", "0001_training_programmes"), ("accounts", "0005_grassroots_officer_members")]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
