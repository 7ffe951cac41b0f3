"""The ledger part's pages on the view-check base (tests/viewchecks.py): who may open and post
each, and a chair's 404 for township B's entry, payment or enterprise."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.branches.choices import Ownership
from apps.dues.choices import EntryStatus
from apps.dues.models import ChannelOverride, LedgerEntry, Payment
from apps.dues.services import receipts
from tests.dues.conftest import make_entry
from tests.factories import EnterpriseFactory
from tests.viewchecks import COUNTY_ONLY, EVERYONE, STAFF, ViewChecks, form, page
from tests.viewchecks import Route as R

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2026, 8, 1)


def _enterprise(world, where):
    """A collective of the township, covered by its union (in the officer's scope): 工会直收."""
    return EnterpriseFactory(
        township=world.tree[where], union=world.tree[f"union_{where}"], ownership=Ownership.COLLECTIVE
    )


def _entry(world, where, user=None):
    return make_entry(_enterprise(world, where))


def _payment(world, where, user=None):
    chair = world.users["chair" if where == "a" else "chair_b"]
    return receipts.direct_payment_record(
        _entry(world, where), amount=Decimal("500.00"), paid_on=timezone.localdate(), user=chair
    )


def _status(value):
    def check(entry):
        entry.refresh_from_db()
        assert entry.status == value, entry.status

    return check


def _reversed(payment):
    assert Payment.objects.filter(reverses=payment).exists()


def _paid(entry):
    assert Payment.objects.filter(entry=entry, amount=Decimal("700.00")).exclude(receipt_number="").exists()


def _due_doubled(entry):
    entry.refresh_from_db()
    assert entry.due == Decimal("4000.00"), entry.due


def _august_entry(entry):
    LedgerEntry.objects.get(enterprise=entry.enterprise, period_start=AUGUST)


def _new_entry_data(enterprise):
    return {
        "enterprise": enterprise.pk,
        "period_kind": "month",
        "period": "2026-08",
        "payroll": "50000",
        "rate_percent": "2",
    }


def _overridden(enterprise):
    assert ChannelOverride.objects.get(enterprise=enterprise).channel == "tax"


class TestLedgerViews(ViewChecks):
    def make(self, world, where, user):
        return _entry(world, where)

    routes = (
        page("dues:entry_list", "list", EVERYONE, shows=lambda entry: entry.enterprise.name),
        page("dues:entry_export", "export", EVERYONE),
        page(
            "dues:entry_create",
            "create",
            STAFF,
            methods=("get", "post"),
            data=lambda world, entry: _new_entry_data(entry.enterprise),
            done=_august_entry,
            foreign=lambda world, entry: _new_entry_data(_enterprise(world, "b")),
        ),
        R("dues:entry_detail", "detail", EVERYONE),
        form(
            "dues:entry_update",
            "edit",
            STAFF,
            lambda world, entry: {"payroll": "200000.00", "rate_percent": "2"},
            done=_due_doubled,
        ),
        form(
            "dues:payment_add",
            "create",
            STAFF,
            lambda world, entry: {"amount": "700.00", "paid_on": timezone.localdate().isoformat(), "reference": ""},
            done=_paid,
        ),
        form(
            "dues:entry_defer",
            "edit",
            COUNTY_ONLY,
            lambda world, entry: {
                "until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
                "reason": "企业停产整顿，经批准缓缴三个月",
            },
            done=_status(EntryStatus.DEFERRED),
        ),
        form(
            "dues:entry_write_off",
            "edit",
            COUNTY_ONLY,
            lambda world, entry: {"reason": "企业已注销"},
            done=_status(EntryStatus.WRITTEN_OFF),
        ),
    )


class TestPaymentViews(ViewChecks):
    def make(self, world, where, user):
        return _payment(world, where)

    routes = (
        R("dues:payment_receipt", "detail", EVERYONE),
        form("dues:payment_reverse", "edit", STAFF, lambda world, payment: {"reason": "金额录错"}, done=_reversed),
    )


class TestChannelOverrideViews(ViewChecks):
    def make(self, world, where, user):
        return _enterprise(world, where)

    routes = (
        form(
            "dues:channel_override",
            "edit",
            COUNTY_ONLY,
            lambda world, enterprise: {"channel": "tax", "reason": "企业申请由税务代征"},
            done=_overridden,
        ),
    )
