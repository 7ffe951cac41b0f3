"""Fixtures of the dues tests: `dues_world`, a small county with an enterprise on each channel in
township A, one in township B, county finance staff, and a ledger helper."""

import datetime
from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission

from apps.accounts.roles import COUNTY_STAFF
from apps.branches.choices import Ownership
from apps.dues.services import ledger
from tests.factories import EnterpriseFactory, UserFactory

JULY = datetime.date(2026, 7, 1)


@pytest.fixture(autouse=True)
def default_share_out(request):
    """The example share-out (60% kept, 40% up) that migration 0002 makes: a transactional test
    (a real worker's) flushes it, so a later test gets it made again. Tests without the database
    get nothing."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or "live_server" in names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps

    import_module("apps.dues.migrations.0002_default_share_out_roles").default_share_out(apps, None)


def make_entry(enterprise, start=JULY, payroll="100000.00", kind="month", **kwargs):
    """The enterprise's ledger entry for the period containing `start`, through the service."""
    return ledger.ledger_entry_ensure(enterprise, start, kind, payroll=Decimal(payroll), **kwargs)


@pytest.fixture
def dues_world(world):
    """`world` (townships A and B, one user per role) plus, for the funds:

    - tax_a: 白塔埠镇石英制品有限公司, private, covered by union_a → 税务代征, 工会经费;
    - direct_a: 白塔埠镇供销合作社, collective, no union → 工会直收, 工会筹备金;
    - finance_a: 白塔埠镇中心小学, a county-direct public institution → 财政划拨;
    - tax_b: 平明镇水晶制品有限公司 in township B, covered by union_b → 税务代征;
    - finance: county finance staff (county staff with `dues.manage_funds`).
    """
    tree = world.tree
    finance = UserFactory(username="finance", org_unit=tree["county"], role=COUNTY_STAFF, real_name="县总工会财务")
    finance.user_permissions.add(Permission.objects.get(codename="manage_funds", content_type__app_label="dues"))
    return SimpleNamespace(
        tree=tree,
        users={**world.users, "finance": finance},
        county=world.users["county"],
        chair=world.users["chair"],
        chair_b=world.users["chair_b"],
        officer=world.users["officer"],
        finance=finance,
        tax_a=EnterpriseFactory(
            township=tree["a"], union=tree["union_a"], name="白塔埠镇石英制品有限公司", ownership=Ownership.PRIVATE
        ),
        direct_a=EnterpriseFactory(township=tree["a"], name="白塔埠镇供销合作社", ownership=Ownership.COLLECTIVE),
        finance_a=EnterpriseFactory(
            township=tree["a"],
            name="白塔埠镇中心小学",
            ownership=Ownership.PUBLIC_INSTITUTION,
            is_county_direct=True,
        ),
        tax_b=EnterpriseFactory(
            township=tree["b"], union=tree["union_b"], name="平明镇水晶制品有限公司", ownership=Ownership.PRIVATE
        ),
    )
