from decimal import Decimal

from django.db import migrations

from apps.accounts.roles import sync_roles_migration

# The example share-out a county starts from (editable in admin): 60% kept by the grassroots
# union, 40% paid up (the county enters how the 40% splits between the levels above); the
# preparatory fund keeps nothing at the grassroots. Dated 2020: a year without rows of its own
# uses the latest year before it.
DEFAULT_SHARES = [
    ("kept", "grassroots", Decimal("0.6000")),
    ("upward", "county", Decimal("0.4000")),
    ("preparatory", "grassroots", Decimal("0.0000")),
    ("preparatory", "county", Decimal("1.0000")),
]


def default_share_out(apps, schema_editor):
    ShareRate = apps.get_model("dues", "ShareRate")
    if ShareRate.objects.exists():
        return
    ShareRate.objects.bulk_create(
        ShareRate(year=2020, flow=flow, level=level, share=share) for flow, level, share in DEFAULT_SHARES
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dues", "0001_ledger"),
        ("accounts", "0005_grassroots_officer_members"),
    ]

    operations = [
        migrations.RunPython(default_share_out, migrations.RunPython.noop),
        migrations.RunPython(sync_roles_migration, migrations.RunPython.noop),
    ]
