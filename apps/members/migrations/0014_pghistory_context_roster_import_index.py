from django.db import migrations

INDEX = "pghistory_context_roster_import_idx"


class Migration(migrations.Migration):
    """An index for "the members this roster import wrote" (selectors.members_written_by_import):
    the history contexts by their metadata's roster_import, the expression the selector filters on."""

    dependencies = [
        ("members", "0013_member_code_list_checks_id_correction"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON pghistory_context ((metadata ->> 'roster_import'))",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
