from django.db import migrations

from apps.accounts.roles import sync_roles_migration
from apps.overview.default_scheme import install_default_scheme


def install(apps, schema_editor):
    models = [
        apps.get_model("overview", name)
        for name in ("ScoringScheme", "SchemeItem", "ScoreBand", "Deduction", "VetoItem")
    ]
    for year in (2025, 2026):
        install_default_scheme(*models, year=year)


class Migration(migrations.Migration):
    """The default scoring scheme of 2025 and 2026 (an example the county edits in the portal),
    and the roles' assessment permissions (apps.accounts.roles)."""

    dependencies = [("overview", "0005_assessment"), ("accounts", "0005_grassroots_officer_members")]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
        migrations.RunPython(sync_roles_migration, migrations.RunPython.noop),
    ]
