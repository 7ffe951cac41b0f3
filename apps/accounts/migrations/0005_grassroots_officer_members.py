from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    """The grassroots officer adds and corrects their own union's members and imports its roster."""

    dependencies = [
        ("accounts", "0004_statement_level_history"),
        ("branches", "0010_union_approval_document_elections"),
        ("complaints", "0008_answered_at_not_later_than_now"),
        ("core", "0005_one_milestone_sweep"),
        ("members", "0013_member_code_list_checks_id_correction"),
    ]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
