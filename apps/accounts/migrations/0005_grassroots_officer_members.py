from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    """The grassroots officer adds and corrects their own union's members and imports its roster."""

    dependencies = [
        ("accounts", "0004_statement_level_history"),
        ("branches", "0009_plausible_dates"),
        ("complaints", "0007_reminders_are_milestone_claims"),
        ("core", "0005_one_milestone_sweep"),
        ("members", "0010_rosterimport_confirmed_by"),
    ]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
