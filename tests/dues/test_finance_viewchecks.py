"""The finance part's routes through the view-check base: 财政划拨, 经费收缴率, the share-out.

财政划拨 needs `dues.manage_funds`, which is given to county finance staff per user, not by role:
here the county staff user of the view checks holds it (the `world` below), so "county" is
county finance staff; county staff without it get 403 (tests/dues/test_finance_transfer.py).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from apps.branches.choices import Ownership
from apps.dues.models import Payment
from apps.dues.services import ledger
from tests.dues.conftest import make_entry
from tests.factories import EnterpriseFactory
from tests.viewchecks import COUNTY_ONLY, EVERYONE, STAFF, ViewChecks, page


@pytest.fixture
def world(world):
    world.users["county"].user_permissions.add(
        Permission.objects.get(codename="manage_funds", content_type__app_label="dues")
    )
    return world


def _county_direct_unit(world, where, user):
    return EnterpriseFactory(
        township=world.tree[where],
        name=f"{'白塔埠' if where == 'a' else '平明'}县直单位",
        ownership=Ownership.PUBLIC_INSTITUTION,
        is_county_direct=True,
    )


def _transferred(obj):
    assert Payment.objects.filter(entry__enterprise=obj, amount=Decimal("20.00")).exists()


class TestFinanceTransferViews(ViewChecks):
    def make(self, world, where, user):
        return _county_direct_unit(world, where, user)

    routes = (
        page(
            "dues:finance_transfer",
            "create",
            COUNTY_ONLY,
            methods=("get", "post"),
            query="?period=2026-07",
            data=lambda world, obj: {
                "mode": "paste",
                "period": "2026-07",
                "paste-paid_on": "2026-08-10",
                "paste-paste": f"{obj.credit_code}\t1,000.00\t20.00",
            },
            done=_transferred,
            shows=lambda obj: obj.name,
        ),
    )


def _paid_entry(world, where, user):
    enterprise = EnterpriseFactory(
        township=world.tree[where], union=world.tree[f"union_{where}"], ownership=Ownership.PRIVATE
    )
    entry = make_entry(enterprise, start=datetime.date(2026, 7, 1))
    ledger.payment_add(entry, amount=Decimal("1500.00"), paid_on=datetime.date(2026, 8, 1), user=world.users["county"])
    return entry


class TestCollectionRateViews(ViewChecks):
    def make(self, world, where, user):
        return _paid_entry(world, where, user)

    routes = (
        page("dues:collection_rate", "list", EVERYONE, query="?period=2026-07"),
        page("dues:collection_rate_export", "export", EVERYONE, query="?period=2026-Q3"),
    )


class TestShareOutViews(ViewChecks):
    def make(self, world, where, user):
        return _paid_entry(world, where, user)

    routes = (
        page("dues:share_out", "list", STAFF, query="?period=2026", shows=lambda entry: entry.enterprise.union.name),
        page("dues:share_out_export", "export", STAFF, query="?period=2026-07"),
        page("dues:refund_export", "export", STAFF, query="?period=2026-Q3"),
    )
