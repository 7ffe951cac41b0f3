"""The ledger's pages as a user meets them: the list's filters, totals, export and query count;
the entry forms' refusals in Chinese (nothing written); 工会直收 and its receipt; reversals;
deferrals and write-offs; an enterprise's channel; the enterprise page's fund panel."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.dues.choices import ArrearsStage, EntryStatus
from apps.dues.models import ArrearsAction, ChannelOverride, LedgerEntry, Payment
from apps.dues.services import ledger
from apps.dues.services.receipts import direct_payment_record
from tests.dues.conftest import JULY, make_entry
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

LIST = reverse("dues:entry_list")
EXPORT = reverse("dues:entry_export")
TODAY = timezone.localdate


def _rows(response):
    return list(response.context["table"].page.object_list)


def _names(response):
    return sorted({row.record.enterprise.name for row in _rows(response)})


def _sheet(response):
    assert response.status_code == 200, response
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.fixture
def ledger_rows(dues_world):
    """July and August for each of A's enterprises and B's; Q3 for a quarterly payer; some paid."""
    w = dues_world
    entries = {
        "tax_jul": make_entry(w.tax_a, JULY, "100000.00"),
        "tax_aug": make_entry(w.tax_a, datetime.date(2026, 8, 1), "120000.00"),
        "direct_jul": make_entry(w.direct_a, JULY, "50000.00"),
        "finance_jul": make_entry(w.finance_a, JULY, "300000.00"),
        "b_jul": make_entry(w.tax_b, JULY, "80000.00"),
    }
    quarterly = EnterpriseFactory(township=w.tree["a"], name="白塔埠镇季报企业有限公司", ownership="private")
    entries["quarter"] = make_entry(quarterly, JULY, "90000.00", kind="quarter")
    ledger.payment_add(entries["tax_jul"], amount="2000.00", paid_on=JULY, user=w.finance, source="tax_statement")
    ledger.payment_add(entries["finance_jul"], amount="1000.00", paid_on=JULY, user=w.finance)
    return entries


# --- the list ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["tax_jul", "tax_aug", "direct_jul", "finance_jul", "b_jul", "quarter"]),
        ({"channel": "direct"}, ["direct_jul"]),
        ({"channel": "finance"}, ["finance_jul"]),
        ({"fund_kind": "preparatory"}, ["direct_jul", "finance_jul", "quarter"]),
        ({"status": "paid"}, ["tax_jul"]),
        ({"owing": "on"}, ["tax_aug", "direct_jul", "finance_jul", "b_jul", "quarter"]),
        ({"period_kind": "quarter"}, ["quarter"]),
        ({"period_from": "2026-08"}, ["tax_aug"]),
        ({"period_to": "2026-07"}, ["tax_jul", "direct_jul", "finance_jul", "b_jul", "quarter"]),
        ({"period_from": "2026-07", "period_to": "2026-07", "channel": "tax"}, ["tax_jul", "b_jul", "quarter"]),
        ({"q": "供销"}, ["direct_jul"]),
    ],
)
def test_each_filter_lists_its_entries(ledger_rows, dues_world, client_for, params, expected):
    response = client_for(dues_world.county).get(LIST, params)
    assert response.status_code == 200
    assert sorted(row.record.pk for row in _rows(response)) == sorted(ledger_rows[key].pk for key in expected)


def test_the_township_filter_and_the_credit_code_search(ledger_rows, dues_world, client_for):
    w = dues_world
    client = client_for(w.county)
    assert _names(client.get(LIST, {"township": w.tree["b"].pk})) == [w.tax_b.name]
    assert _names(client.get(LIST, {"q": w.tax_a.credit_code.lower()})) == [w.tax_a.name]


def test_a_chair_sees_their_townships_entries_only_and_cannot_pick_another_township(
    ledger_rows, dues_world, client_for
):
    w = dues_world
    client = client_for(w.chair)
    assert w.tax_b.name not in _names(client.get(LIST))
    response = client.get(LIST, {"township": w.tree["b"].pk})
    assert response.context["filter"].errors and not _rows(response)


@pytest.mark.parametrize("bad", [{"period_from": "2026-13"}, {"period_to": "七月"}, {"status": "nope"}])
def test_a_bad_filter_is_a_chinese_error_and_lists_nothing(ledger_rows, dues_world, client_for, bad):
    response = client_for(dues_world.county).get(LIST, bad)
    assert response.status_code == 200 and not _rows(response)
    errors = " ".join(str(e) for e in response.context["filter"].errors.values())
    assert any("\u4e00" <= char <= "\u9fff" for char in errors), errors


def test_the_totals_are_the_filtered_sets_not_the_pages(ledger_rows, dues_world, client_for):
    w = dues_world
    response = client_for(w.county).get(LIST, {"township": w.tree["a"].pk, "per_page": 2})
    totals = response.context["table"].totals
    a_entries = LedgerEntry.objects.filter(enterprise__township=w.tree["a"])
    assert totals["rows"] == a_entries.count() == 5
    assert totals["due"] == sum(e.due for e in a_entries) == Decimal("13200.00")
    assert totals["received"] == Decimal("3000.00")
    assert totals["arrears"] == sum(e.arrears for e in a_entries) == Decimal("10200.00")
    content = response.content.decode()
    assert "<tfoot" in content and "13,200.00" in content and "10,200.00" in content


def test_a_written_off_entry_owes_nothing_in_the_totals(ledger_rows, dues_world, client_for):
    w = dues_world
    ledger.entry_write_off(ledger_rows["b_jul"], reason="企业已注销", user=w.county, on=TODAY())
    totals = client_for(w.county).get(LIST, {"township": w.tree["b"].pk}).context["table"].totals
    assert totals["due"] == Decimal("1600.00") and totals["arrears"] == Decimal("0.00")


def test_the_export_holds_exactly_the_filtered_rows(ledger_rows, dues_world, client_for):
    w = dues_world
    client = client_for(w.county)
    header, rows = _sheet(client.get(EXPORT, {"channel": "tax", "period_to": "2026-07", "period_kind": "month"}))
    assert len(header) == 16
    assert sorted(row[0] for row in rows) == sorted([w.tax_a.name, w.tax_b.name])
    _header, chair_rows = _sheet(client_for(w.chair).get(EXPORT))
    assert w.tax_b.name not in {row[0] for row in chair_rows} and len(chair_rows) == 5
    tax_jul = next(row for row in rows if row[0] == w.tax_a.name)
    due, received, arrears = tax_jul[10:13]  # money as numbers, to the cent
    assert (Decimal(str(due)), Decimal(str(received)), Decimal(str(arrears))) == (
        Decimal("2000.00"),
        Decimal("2000.00"),
        Decimal("0.00"),
    )


def _many(world, count):
    for index in range(count):
        enterprise = EnterpriseFactory(township=world.tree["a"])
        make_entry(enterprise, JULY, f"{10000 + index}.00")


# The session, the user, the township choices, the count, the totals and the page's rows (and
# the menu's and header's own); a chosen township is looked up once more to validate it.
COUNTY_QUERIES, COUNTY_IN_A_TOWNSHIP_QUERIES, CHAIR_QUERIES = 7, 8, 7


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_at_any_size(dues_world, client_for, count, django_assert_num_queries):
    w = dues_world
    _many(w, count)
    for user, expected, params in (
        (w.county, COUNTY_QUERIES, {}),
        (w.county, COUNTY_IN_A_TOWNSHIP_QUERIES, {"township": w.tree["a"].pk, "owing": "on"}),
        (w.chair, CHAIR_QUERIES, {}),
    ):
        client = client_for(user)
        client.get(reverse("overview:home"))
        with django_assert_num_queries(expected):
            response = client.get(LIST, params)
        assert response.status_code == 200 and len(_rows(response)) == count


# --- the entry forms -----------------------------------------------------------------------------


def _new(who, **changes):
    return {
        "enterprise": who.pk,
        "period_kind": "month",
        "period": "2026-09",
        "payroll": "88000.50",
        "rate_percent": "2",
        **changes,
    }


def _form_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def test_a_chair_adds_a_month_and_the_due_is_the_rate_times_the_payroll(dues_world, client_for):
    w = dues_world
    response = client_for(w.chair).post(reverse("dues:entry_create"), _new(w.direct_a))
    entry = LedgerEntry.objects.get(enterprise=w.direct_a)
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert (entry.period_start, entry.period_end) == (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
    assert entry.due == Decimal("1760.01") and entry.channel == "direct" and entry.fund_kind == "preparatory"


def test_a_quarter_is_given_by_any_of_its_months_and_a_rate_other_than_two_percent(dues_world, client_for):
    w = dues_world
    client_for(w.county).post(
        reverse("dues:entry_create"), _new(w.tax_a, period_kind="quarter", period="2026-08", rate_percent="1.5")
    )
    entry = LedgerEntry.objects.get(enterprise=w.tax_a)
    assert (entry.period_start, entry.period_end) == (JULY, datetime.date(2026, 9, 30))
    assert entry.rate == Decimal("0.0150") and entry.due == Decimal("1320.01")


def test_a_quarter_over_an_existing_month_is_refused_in_chinese(dues_world, client_for):
    w = dues_world
    make_entry(w.tax_a, JULY)
    response = client_for(w.county).post(
        reverse("dues:entry_create"), _new(w.tax_a, period_kind="quarter", period="2026-09")
    )
    assert response.status_code == 200
    assert "已有2026年7月的经费台账，与2026年第3季度重叠" in _form_errors(response)
    assert LedgerEntry.objects.filter(enterprise=w.tax_a).count() == 1


def test_the_same_period_again_is_refused_not_overwritten(dues_world, client_for):
    w = dues_world
    entry = make_entry(w.tax_a, datetime.date(2026, 9, 1), "10000.00")
    response = client_for(w.county).post(reverse("dues:entry_create"), _new(w.tax_a, payroll="99999"))
    assert response.status_code == 200 and "请在该台账页修改工资总额" in _form_errors(response)
    entry.refresh_from_db()
    assert entry.payroll == Decimal("10000.00")


@pytest.mark.parametrize(
    "bad",
    [
        {"payroll": "-1"},
        {"payroll": "abc"},
        {"payroll": "1e400"},
        {"payroll": "123456789012345.00"},
        {"rate_percent": "101"},
        {"rate_percent": "-2"},
        {"period": "2026-13"},
        {"period": "1980-01"},
        {"period": ""},
        {"period_kind": "week"},
        {"enterprise": "999999999"},
        {"enterprise": "abc"},
    ],
)
def test_bad_input_on_the_entry_form_is_a_chinese_error_and_writes_nothing(dues_world, client_for, bad):
    w = dues_world
    response = client_for(w.chair).post(reverse("dues:entry_create"), _new(w.direct_a, **bad))
    assert response.status_code == 200
    errors = _form_errors(response)
    assert errors and any("\u4e00" <= char <= "\u9fff" for char in errors), errors
    assert not LedgerEntry.objects.exists()


def test_the_payroll_correction_moves_the_due_and_the_status(dues_world, client_for):
    w = dues_world
    entry = make_entry(w.direct_a, JULY, "50000.00")
    direct_payment_record(entry, amount="1000.00", paid_on=JULY, user=w.chair)
    client = client_for(w.chair)
    assert client.post(reverse("dues:entry_update", args=[entry.pk]), {"payroll": "40000", "rate_percent": "2.5"})
    entry.refresh_from_db()
    assert entry.due == Decimal("1000.00") and entry.status == EntryStatus.PAID
    response = client.post(reverse("dues:entry_update", args=[entry.pk]), {"payroll": "-5", "rate_percent": "2"})
    assert response.status_code == 200 and _form_errors(response)
    entry.refresh_from_db()
    assert entry.payroll == Decimal("40000.00")


# --- 工会直收 and the receipt ---------------------------------------------------------------------


def test_a_chair_records_a_payment_and_prints_its_receipt(dues_world, client_for):
    w = dues_world
    entry = make_entry(w.direct_a, JULY, "50000.00")
    client = client_for(w.chair)
    form = client.get(reverse("dues:payment_add", args=[entry.pk]))
    assert form.context["form"].initial["amount"] == Decimal("1000.00")  # the arrears, offered
    response = client.post(
        reverse("dues:payment_add", args=[entry.pk]),
        {"amount": "1000.05", "paid_on": TODAY().isoformat(), "reference": "", "note": "现金缴纳"},
        follow=True,
    )
    payment = Payment.objects.get(entry=entry)
    assert payment.receipt_number.startswith(f"SJ-{TODAY().year}-") and payment.channel == "direct"
    assert payment.receipt_number in response.content.decode()
    receipt = client.get(reverse("dues:payment_receipt", args=[payment.pk]))
    content = receipt.content.decode()
    assert "工会经费收入专用收据" in content and w.direct_a.name in content
    assert "人民币壹仟元零伍分" in content and "¥1,000.05" in content
    assert "A5 landscape" in content
    assert (
        "A4 portrait"
        in client.get(reverse("dues:payment_receipt", args=[payment.pk]), {"paper": "a4"}).content.decode()
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.OVERPAID


def test_a_payment_of_another_channel_is_refused_on_opening_and_on_posting(dues_world, client_for):
    w = dues_world
    entry = make_entry(w.tax_a)
    client = client_for(w.county)
    opened = client.get(reverse("dues:payment_add", args=[entry.pk]), follow=True)
    assert opened.redirect_chain and "不在这里记缴款" in opened.content.decode()
    posted = client.post(reverse("dues:payment_add", args=[entry.pk]), {"amount": "10", "paid_on": TODAY().isoformat()})
    assert posted.status_code == 302 and not Payment.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"amount": "0"},
        {"amount": "-10"},
        {"amount": "abc"},
        {"amount": "0.001"},
        {"amount": ""},
        {"paid_on": "2099-01-01"},
        {"paid_on": "1900-01-01"},
        {"paid_on": "昨天"},
        {"reference": "x" * 61},
    ],
)
def test_bad_input_on_the_payment_form_is_a_chinese_error_and_writes_nothing(dues_world, client_for, bad):
    w = dues_world
    entry = make_entry(w.direct_a)
    data = {"amount": "100", "paid_on": TODAY().isoformat(), "reference": "", "note": "", **bad}
    response = client_for(w.chair).post(reverse("dues:payment_add", args=[entry.pk]), data)
    assert response.status_code == 200
    errors = _form_errors(response)
    assert any("\u4e00" <= char <= "\u9fff" for char in errors), errors
    assert not Payment.objects.exists()


def test_a_payment_without_a_receipt_has_no_receipt_page(dues_world, client_for):
    w = dues_world
    payment = ledger.payment_add(make_entry(w.tax_a), amount="5.00", paid_on=JULY, user=w.finance)
    assert client_for(w.county).get(reverse("dues:payment_receipt", args=[payment.pk])).status_code == 404


# --- reversal, deferral, write-off --------------------------------------------------------------


def test_a_reversal_undoes_the_payment_and_both_stay_on_the_record(dues_world, client_for):
    w = dues_world
    entry = make_entry(w.direct_a, JULY, "50000.00")
    payment = direct_payment_record(entry, amount="1000.00", paid_on=JULY, user=w.chair)
    client = client_for(w.chair)
    url = reverse("dues:payment_reverse", args=[payment.pk])
    blank = client.post(url, {"reason": "  "})
    assert blank.status_code == 200 and _form_errors(blank) and Payment.objects.count() == 1
    assert client.post(url, {"reason": "重复录入"}).status_code == 302
    entry.refresh_from_db()
    assert entry.received == Decimal("0.00") and entry.status == EntryStatus.UNPAID
    reversal = Payment.objects.get(reverses=payment)
    assert reversal.amount == Decimal("-1000.00") and reversal.note == "重复录入"
    again = client.post(url, {"reason": "再冲一次"})
    assert again.status_code == 200 and "已经冲销过了" in _form_errors(again)
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="payment-reversal"' in detail and 'data-testid="payment-reversed"' in detail
    assert 'data-testid="payment-reverse"' not in detail  # no button on a reversed payment
    assert "已冲销" in client.get(reverse("dues:payment_receipt", args=[payment.pk])).content.decode()


def test_a_deferral_needs_a_later_date_and_a_reason(dues_world, client_for):
    w = dues_world
    entry = make_entry(w.tax_a)
    client = client_for(w.county)
    url = reverse("dues:entry_defer", args=[entry.pk])
    past = client.post(url, {"until": TODAY().isoformat(), "reason": "停产"})
    assert "缓缴期限应晚于批准日期" in _form_errors(past)
    no_reason = client.post(url, {"until": (TODAY() + datetime.timedelta(days=9)).isoformat(), "reason": ""})
    assert _form_errors(no_reason)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.UNPAID
    until = TODAY() + datetime.timedelta(days=90)
    client.post(url, {"until": until.isoformat(), "reason": "企业停产整顿"})
    entry.refresh_from_db()
    assert (entry.status, entry.deferred_until, entry.approved_by) == (EntryStatus.DEFERRED, until, w.county)
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="entry-approval"' in detail and "企业停产整顿" in detail


def test_a_paid_entry_cannot_be_written_off_and_the_buttons_are_gone(dues_world, client_for):
    w = dues_world
    entry = make_entry(w.direct_a, JULY, "50000.00")
    direct_payment_record(entry, amount="1000.00", paid_on=JULY, user=w.chair)
    client = client_for(w.county)
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="entry-write-off"' not in detail and 'data-testid="entry-defer"' not in detail
    response = client.post(reverse("dues:entry_write_off", args=[entry.pk]), {"reason": "企业已注销"}, follow=True)
    assert response.redirect_chain and "只有未缴或部分缴纳的经费可以批准缓缴或核销" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PAID


def test_the_relief_buttons_are_danger_styled_and_for_county_staff_only(dues_world, client_for):
    w = dues_world
    entry = make_entry(w.tax_a)
    county = client_for(w.county).get(entry.get_absolute_url()).content.decode()
    assert 'class="btn btn-sm btn-danger"\n           data-testid="entry-write-off"' in county
    form = client_for(w.county).get(reverse("dues:entry_write_off", args=[entry.pk])).content.decode()
    assert "btn-danger" in form
    chair = client_for(w.chair).get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="entry-write-off"' not in chair and 'data-testid="entry-edit"' in chair


# --- an enterprise's channel and its fund panel -------------------------------------------------


def test_county_staff_set_an_enterprises_channel_with_a_reason(dues_world, client_for):
    w = dues_world
    client = client_for(w.county)
    url = reverse("dues:channel_override", args=[w.direct_a.pk])
    blank = client.post(url, {"channel": "tax", "reason": ""})
    assert blank.status_code == 200 and _form_errors(blank) and not ChannelOverride.objects.exists()
    unknown = client.post(url, {"channel": "cash", "reason": "试试"})
    assert unknown.status_code == 200 and not ChannelOverride.objects.exists()
    assert client.post(url, {"channel": "tax", "reason": "企业已办理税务代征"})["Location"] == (
        w.direct_a.get_absolute_url()
    )
    assert ChannelOverride.objects.get(enterprise=w.direct_a).set_by == w.county
    entry = make_entry(w.direct_a, datetime.date(2026, 10, 1))
    assert entry.channel == "tax"  # new periods take the channel set
    client.post(url, {"channel": "direct", "reason": "恢复工会直收"})
    assert ChannelOverride.objects.get(enterprise=w.direct_a).reason == "恢复工会直收"
    entry.refresh_from_db()
    assert entry.channel == "tax"  # an existing entry keeps the channel it was made with


def test_the_enterprise_page_shows_its_fund_panel(dues_world, client_for):
    w = dues_world
    july = make_entry(w.tax_a, JULY, "100000.00")
    make_entry(w.tax_a, datetime.date(2026, 8, 1), "100000.00")
    ledger.payment_add(july, amount="500.00", paid_on=JULY, user=w.finance, source="tax_statement")
    ArrearsAction.objects.create(
        entry=july, stage=ArrearsStage.NOTICE, done_on=JULY, delivery="post", recorded_by=w.chair
    )
    LedgerEntry.objects.filter(pk=july.pk).update(arrears_stage=ArrearsStage.NOTICE)
    for user, sees in ((w.county, True), (w.chair, True), (w.officer, True), (w.users["norole"], False)):
        response = client_for(user).get(w.tax_a.get_absolute_url())
        content = response.content.decode()
        if not sees:
            assert response.status_code == 403 or 'data-testid="fund-panel"' not in content
            continue
        assert 'data-testid="fund-panel"' in content, user
        assert content.count('data-testid="fund-period"') == 2
        assert "3500.00" in content  # 1500.00 + 2000.00 owed
        assert july.get_absolute_url() in content
        assert ('data-testid="fund-set-channel"' in content) == (user == w.county)
        assert ('data-testid="fund-add"' in content) == (user in (w.county, w.chair))
    other = client_for(w.chair).get(w.tax_b.get_absolute_url())
    assert other.status_code == 404


def test_the_panel_costs_the_same_queries_for_two_periods_or_twenty(dues_world, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from apps.dues.rails.ledger import enterprise_fund_panel

    w = dues_world
    request = RequestFactory().get("/")
    request.user = w.county
    w.county.has_perm("dues.view_ledgerentry")  # the permissions cached, as on a page
    counts = []
    for months in (2, 20):
        enterprise = EnterpriseFactory(township=w.tree["a"])
        for index in range(months):
            make_entry(enterprise, datetime.date(2025 + index // 12, index % 12 + 1, 1))
        # As the enterprise page reads it: the override selected with it (register_panel's select_related).
        enterprise = type(enterprise).objects.select_related("union", "fund_channel").get(pk=enterprise.pk)
        enterprise_fund_panel(request, enterprise)  # the template compiled, the user's unit read
        with CaptureQueriesContext(connection) as queries:
            html = enterprise_fund_panel(request, enterprise)
        counts.append(len(queries))
        assert html.count('data-testid="fund-period"') == min(months, 12)
        # What it owes in all counts every period, not only the twelve shown.
        owed = sum(entry.arrears for entry in LedgerEntry.objects.filter(enterprise=enterprise))
        assert owed > 0 and f"{owed}" in html
    assert counts == [1, 1]
