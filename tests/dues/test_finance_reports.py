"""经费收缴率, the share-out (分成) and the small-enterprise refunds: the numbers to the cent, the
scoping, the query counts, the indicator and the exports."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.branches.choices import OrgUnitKind, Ownership
from apps.branches.services import orgunit_create
from apps.core.indicators import indicator
from apps.dues.choices import PaymentSource, RefundBasis, ShareFlow, ShareLevel
from apps.dues.models import RefundRule, ShareRate
from apps.dues.selectors.finance import (
    collection_rate_by_township,
    entry_list_url,
    period_from_key,
)
from apps.dues.services import ledger
from apps.dues.services.shareout import refund_due, refund_list, share_out_report, share_table, split_cents
from tests.dues.conftest import make_entry
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

JULY = period_from_key("2026-07")
AUGUST = period_from_key("2026-08")
Q3 = period_from_key("2026-Q3")
YEAR = period_from_key("2026")
PAID_ON = datetime.date(2026, 8, 10)


def pay(entry, amount, user):
    return ledger.payment_add(
        entry, amount=Decimal(amount), paid_on=PAID_ON, user=user, source=PaymentSource.HAND_ENTRY
    )


# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2026-07", "2026-07-01", "2026-07-31"),
        ("2026-Q1", "2026-01-01", "2026-03-31"),
        ("2024", "2024-01-01", "2024-12-31"),
    ],
)
def test_a_period_key_names_its_month_quarter_or_year(key, start, end):
    period = period_from_key(key)
    assert (period.start.isoformat(), period.end.isoformat(), period.key) == (start, end, key)


@pytest.mark.parametrize("key", ["", "2026-13", "2026-Q5", "1899", "七月", "2026-07-01"])
def test_a_bad_period_key_names_nothing(key):
    assert period_from_key(key) is None


# --- the last cent ----------------------------------------------------------------------------


def test_a_split_that_rounding_would_not_add_up_gives_the_last_cent_to_the_residual_part():
    # 0.05 split 60/40 → 0.03 + 0.02 (0.02 rounded half up is 0.02): adds up.
    # 1.01 split 1/3 each: 0.34 + 0.34 rounded, the residual takes 0.33 → 1.01.
    third = Decimal(1) / 3
    parts = split_cents(
        Decimal("1.01"), {"grassroots": third, "township": third, "county": third}, residual="grassroots"
    )
    assert parts == {"grassroots": Decimal("0.33"), "township": Decimal("0.34"), "county": Decimal("0.34")}
    assert sum(parts.values()) == Decimal("1.01")
    # 0.25 split 0.5/0.3/0.2: 0.075 → 0.08 and 0.05 rounded, the grassroots takes 0.12, not 0.13.
    parts = split_cents(
        Decimal("0.25"),
        {"grassroots": Decimal("0.5"), "township": Decimal("0.3"), "county": Decimal("0.2")},
        residual="grassroots",
    )
    assert parts == {"grassroots": Decimal("0.12"), "township": Decimal("0.08"), "county": Decimal("0.05")}


def test_shares_short_of_100_percent_leave_the_rest_unallocated():
    parts = split_cents(
        Decimal("100.00"), {"grassroots": Decimal("0.6"), "county": Decimal("0.3")}, residual="grassroots"
    )
    assert parts == {"grassroots": Decimal("60.00"), "county": Decimal("30.00")}


# --- the share table ----------------------------------------------------------------------------


def test_a_year_without_rows_uses_the_latest_year_before_it_never_a_mix(db):
    ShareRate.objects.create(year=2024, flow=ShareFlow.KEPT, level=ShareLevel.GRASSROOTS, share=Decimal("0.5"))
    assert share_table(2026).year == 2024
    assert share_table(2026).share(ShareFlow.UPWARD, ShareLevel.COUNTY) == Decimal("0")  # 2020's row is not mixed in
    assert share_table(2023).year == 2020  # the migration's default example
    assert share_table(2023).share(ShareFlow.UPWARD, ShareLevel.COUNTY) == Decimal("0.4")
    assert share_table(2019).year is None


# --- the share-out report ----------------------------------------------------------------------


@pytest.fixture
def shares_2026(dues_world):
    """2026: kept 60 %, township 10 %, county 30 %; union A keeps 70 % and township A receives
    nothing (unit rows: a unit that differs from its level), so union A's shares are 70/0/30."""
    rows = [
        (ShareFlow.KEPT, ShareLevel.GRASSROOTS, None, "0.6000"),
        (ShareFlow.UPWARD, ShareLevel.TOWNSHIP, None, "0.1000"),
        (ShareFlow.UPWARD, ShareLevel.COUNTY, None, "0.3000"),
        (ShareFlow.KEPT, ShareLevel.GRASSROOTS, dues_world.tree["union_a"], "0.7000"),
        (ShareFlow.UPWARD, ShareLevel.TOWNSHIP, dues_world.tree["a"], "0.0000"),
        (ShareFlow.PREPARATORY, ShareLevel.GRASSROOTS, None, "0.5000"),  # ignored: 筹备金 keeps nothing
        (ShareFlow.PREPARATORY, ShareLevel.TOWNSHIP, None, "0.2500"),
        (ShareFlow.PREPARATORY, ShareLevel.COUNTY, None, "0.7500"),
    ]
    for flow, level, unit, share in rows:
        ShareRate.objects.create(year=2026, flow=flow, level=level, unit=unit, share=Decimal(share))


def test_the_share_out_splits_each_unions_receipts_and_sums_the_townships_upward(dues_world, shares_2026):
    world = dues_world
    pay(make_entry(world.tax_a, payroll="100000.00"), "2000.00", world.finance)  # union A: 2,000.00
    pay(make_entry(world.tax_a, start=AUGUST.start, payroll="1000.33"), "20.01", world.finance)
    pay(make_entry(world.direct_a, payroll="50000.00"), "333.33", world.finance)  # no union: 筹备金
    pay(make_entry(world.tax_b, payroll="100000.00"), "1000.01", world.finance)  # union B, level rows
    report = share_out_report(user=world.county, period=Q3)
    assert report["table_year"] == 2026
    a, b = report["townships"]
    union_a, preparatory_a = a.rows
    assert (union_a.union, union_a.received, union_a.enterprises) == (world.tree["union_a"], Decimal("2020.01"), 1)
    # Township A's unit row: 0 %; 30 % county (level row) = 606.003 → 606.00; 70 % kept takes the rest.
    assert (union_a.kept, union_a.parts["township"], union_a.parts["county"]) == (
        Decimal("1414.01"),
        Decimal("0.00"),
        Decimal("606.00"),
    )
    assert preparatory_a.union is None
    # 筹备金 keeps nothing, whatever the row says; 25 % = 83.3325 → 83.33, 75 % takes the rest.
    assert (preparatory_a.kept, preparatory_a.parts["township"], preparatory_a.parts["county"]) == (
        Decimal("0.00"),
        Decimal("83.33"),
        Decimal("250.00"),
    )
    assert a.upward == Decimal("606.00") + Decimal("83.33") + Decimal("250.00")
    (union_b,) = b.rows
    assert (union_b.kept, union_b.parts["township"], union_b.parts["county"]) == (
        Decimal("600.01"),
        Decimal("100.00"),
        Decimal("300.00"),
    )
    for row in report["total"].rows:
        assert row.kept + row.upward == row.received
    assert report["total"].received == Decimal("3353.35")
    assert report["problems"] == []


def test_a_chair_sees_their_townships_share_out_only(dues_world, shares_2026):
    world = dues_world
    pay(make_entry(world.tax_a), "2000.00", world.finance)
    pay(make_entry(world.tax_b), "2000.00", world.finance)
    report = share_out_report(user=world.chair, period=JULY)
    assert [t.township for t in report["townships"]] == [world.tree["a"]]


def test_the_share_out_costs_the_same_queries_at_two_sizes(dues_world, shares_2026, django_assert_num_queries):
    world = dues_world
    pay(make_entry(world.tax_a), "10.00", world.finance)

    def count():
        with CaptureQueriesContext(connection) as queries:
            share_out_report(user=world.county, period=JULY)
        return len(queries)

    small = count()
    for index in range(12):
        where = "a" if index % 2 else "b"
        enterprise = EnterpriseFactory(township=world.tree[where], union=_union(world, f"第{index}", where))
        pay(make_entry(enterprise), f"{index + 1}.07", world.finance)
    with django_assert_num_queries(small):
        share_out_report(user=world.county, period=JULY)


def _union(world, name, where="a"):
    return orgunit_create(user=None, parent=world.tree[where], name=f"{name}企业工会", kind=OrgUnitKind.ENTERPRISE)


# --- refunds ------------------------------------------------------------------------------------


def test_a_periods_refund_is_the_years_refund_through_its_end_less_before_it():
    share, cap = Decimal("0.5"), Decimal("100.00")
    # 70.01 then 70.01 then 70.01: 35.01 (35.005 half up), then 70.01 − 35.01 = 35.00, then capped at 100.
    quarters = [
        refund_due(share=share, cap=cap, paid_before=Decimal("0.00"), paid_period=Decimal("70.01")),
        refund_due(share=share, cap=cap, paid_before=Decimal("70.01"), paid_period=Decimal("70.01")),
        refund_due(share=share, cap=cap, paid_before=Decimal("140.02"), paid_period=Decimal("70.01")),
        refund_due(share=share, cap=cap, paid_before=Decimal("210.03"), paid_period=Decimal("70.01")),
    ]
    assert quarters == [Decimal("35.01"), Decimal("35.00"), Decimal("29.99"), Decimal("0.00")]
    assert sum(quarters) == cap


def test_the_refund_list_follows_the_years_rule_by_employees(dues_world, client):
    world = dues_world
    small = EnterpriseFactory(township=world.tree["a"], union=_union(world, "小微"), employee_count=20)
    big = EnterpriseFactory(township=world.tree["a"], union=_union(world, "大厂"), employee_count=300)
    RefundRule.objects.create(year=2026, basis=RefundBasis.EMPLOYEES, max_employees=25, share=Decimal("0.6"), cap=None)
    pay(make_entry(small, payroll="10000.00"), "200.00", world.finance)
    pay(make_entry(small, start=AUGUST.start, payroll="10000.00"), "200.00", world.finance)
    pay(make_entry(big), "2000.00", world.finance)
    pay(make_entry(world.direct_a, payroll="10000.00"), "200.00", world.finance)  # 筹备金: no refund
    refunds = refund_list(user=world.county, period=AUGUST)
    client.force_login(world.chair)
    sheet = client.get(reverse("dues:refund_export"), {"period": "2026"})
    rows = list(load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [row[-1] for row in rows] == ["本期应返还", 240, 240]
    assert [(row.enterprise_id, row.paid_period, row.paid_year, row.refund) for row in refunds["rows"]] == [
        (small.pk, Decimal("200.00"), Decimal("400.00"), Decimal("120.00"))
    ]
    assert refund_list(user=world.county, period=YEAR)["total"] == Decimal("240.00")
    assert refund_list(user=world.county, period=period_from_key("2025"))["rule"] is None


def test_the_refund_list_by_yearly_amount_counts_the_whole_years_payments(dues_world):
    world = dues_world
    RefundRule.objects.create(
        year=2026,
        basis=RefundBasis.YEARLY_AMOUNT,
        max_yearly_amount=Decimal("300.00"),
        share=Decimal("0.5"),
        cap=Decimal("120.00"),
    )
    pay(make_entry(world.tax_a, payroll="10000.00"), "200.00", world.finance)
    pay(make_entry(world.tax_a, start=AUGUST.start, payroll="10000.00"), "200.00", world.finance)  # 400 in the year
    pay(make_entry(world.tax_b, payroll="10000.00"), "250.01", world.finance)
    rows = refund_list(user=world.county, period=Q3)["rows"]
    assert [(row.enterprise_id, row.refund) for row in rows] == [(world.tax_b.pk, Decimal("120.00"))]  # capped


# --- 经费收缴率 ------------------------------------------------------------------------------------


def test_the_collection_rate_per_township_and_channel_counts_overpayments_up_to_the_due(dues_world):
    world = dues_world
    pay(make_entry(world.tax_a, payroll="100000.00"), "2500.00", world.finance)  # due 2000, over by 500
    make_entry(world.direct_a, payroll="50000.00")  # due 1000, unpaid
    pay(make_entry(world.finance_a, payroll="10000.00"), "100.00", world.finance)  # due 200, half
    written_off = make_entry(world.tax_b, payroll="100000.00")
    ledger.entry_write_off(written_off, reason="企业注销", user=world.county, on=PAID_ON)
    pay(make_entry(world.tax_b, start=AUGUST.start, payroll="50000.00"), "1000.00", world.finance)
    data = collection_rate_by_township(user=world.county, period=Q3)
    a, b = data["rows"]
    assert (a["all"]["due"], a["all"]["received"], a["all"]["counted"], a["all"]["percent"]) == (
        Decimal("3200.00"),
        Decimal("2600.00"),
        Decimal("2100.00"),
        "65.6",
    )
    assert (a["tax"]["percent"], a["direct"]["percent"], a["finance"]["percent"]) == ("100.0", "0.0", "50.0")
    assert (b["all"]["due"], b["all"]["percent"]) == (Decimal("1000.00"), "100.0")  # the write-off is not counted
    assert data["total"]["all"]["due"] == Decimal("4200.00")
    assert data["total"]["all"]["counted"] == Decimal("3100.00")
    july = collection_rate_by_township(user=world.county, period=JULY)
    assert july["total"]["all"]["due"] == Decimal("3200.00")  # August's entry is not July's


def test_a_chair_sees_their_township_and_an_officer_their_own_total(dues_world):
    world = dues_world
    pay(make_entry(world.tax_a), "1000.00", world.finance)
    pay(make_entry(world.tax_b), "2000.00", world.finance)
    chair = collection_rate_by_township(user=world.chair, period=JULY)
    assert [row["township"] for row in chair["rows"]] == [world.tree["a"]]
    assert chair["total"]["all"]["received"] == Decimal("1000.00")
    officer = collection_rate_by_township(user=world.officer, period=JULY)
    assert officer["rows"] == []
    assert officer["total"]["all"]["received"] == Decimal("1000.00")


def test_the_collection_rate_costs_the_same_queries_at_two_sizes(dues_world, django_assert_num_queries):
    world = dues_world
    make_entry(world.tax_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            collection_rate_by_township(user=world.county, period=JULY)
        return len(queries)

    small = count()
    for index in range(15):
        make_entry(EnterpriseFactory(township=world.tree["a" if index % 2 else "b"], ownership=Ownership.PRIVATE))
    with django_assert_num_queries(small):
        collection_rate_by_township(user=world.county, period=JULY)


def test_the_indicator_is_the_years_collection_rate_and_not_a_grassroots_units(dues_world):
    world = dues_world
    pay(make_entry(world.tax_a, payroll="100000.00"), "1500.00", world.finance)
    make_entry(world.tax_b, payroll="100000.00")
    rate = indicator("dues.collection_rate").compute(user=world.county, year=2026)
    assert (rate.numerator, rate.denominator, rate.percent, rate.label) == (
        Decimal("1500.00"),
        Decimal("4000.00"),
        38,
        "经费收缴率",
    )
    township = indicator("dues.collection_rate").compute(user=world.county, unit=world.tree["a"], year=2026)
    assert (township.numerator, township.denominator) == (Decimal("1500.00"), Decimal("2000.00"))
    assert indicator("dues.collection_rate").compute(user=world.officer, year=2026) is None
    assert rate.url == reverse("dues:collection_rate") + "?period=2026"


def test_the_home_pages_collection_rate_is_the_refreshed_summary_and_equals_the_live_count(dues_world):
    """The home page reads 经费收缴率 from apps.overview's summaries, counted by the same selector
    as the live rate: the same numbers, per township and rolled up to the county."""
    from apps.overview.models import UnitSummary
    from apps.overview.services import unit_summaries_refresh

    world = dues_world
    pay(make_entry(world.tax_a, payroll="100000.00"), "2500.00", world.finance)  # counted up to its due, 2000
    make_entry(world.tax_b, payroll="100000.00")  # due 2000, unpaid
    unit_summaries_refresh(now=datetime.datetime(2026, 10, 15, 10, 0, tzinfo=datetime.UTC))
    county = UnitSummary.objects.get(unit=world.tree["county"])
    rate = indicator("dues.collection_rate")
    summarised = rate.compute(user=world.county, year=2026, counts=county.indicator_counts()["dues.collection_rate"])
    live = rate.compute(user=world.county, year=2026)
    assert (summarised.numerator, summarised.denominator) == (live.numerator, live.denominator)
    assert (summarised.numerator, summarised.denominator) == (Decimal("2000.00"), Decimal("4000.00"))
    township_b = UnitSummary.objects.get(unit=world.tree["b"])
    assert (township_b.funds_due, township_b.funds_counted) == (Decimal("2000.00"), Decimal("0.00"))


def test_the_ledger_link_is_reversed_when_asked_and_absent_while_the_ledger_list_is_not(settings):
    from django.urls import NoReverseMatch, clear_url_caches

    period = JULY
    try:
        reverse("dues:entry_list")
    except NoReverseMatch:  # this branch has no ledger list yet: no link, no error
        assert entry_list_url(period=period) is None
    settings.ROOT_URLCONF = "tests.dues.urls_entry_list"
    clear_url_caches()
    try:
        url = entry_list_url(period=period, channel="tax")
        assert url == "/dues/entries/?channel=tax&period_from=2026-07-01&period_to=2026-07-31"
    finally:
        clear_url_caches()


def test_the_collection_rate_page_and_its_export_show_the_same_numbers(client, dues_world):
    world = dues_world
    pay(make_entry(world.tax_a, payroll="100000.00"), "1500.00", world.finance)
    client.force_login(world.chair)
    page = client.get(reverse("dues:collection_rate"), {"period": "2026-07"})
    content = page.content.decode()
    assert page.status_code == 200 and "75.0%" in content and "1,500.00" in content
    export = client.get(reverse("dues:collection_rate_export"), {"period": "2026-07"})
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("乡镇", "合计应收", "合计实收", "合计收缴率（%）")
    assert rows[1][:4] == ("白塔埠镇总工会", 2000, 1500, "75.0")
    assert rows[-1][0] == "合计"


def test_the_share_out_page_and_its_export(client, dues_world, shares_2026):
    world = dues_world
    pay(make_entry(world.tax_a, payroll="100000.00"), "2000.00", world.finance)
    client.force_login(world.county)
    page = client.get(reverse("dues:share_out"), {"period": "2026-07"})
    assert page.status_code == 200 and "1,400.00" in page.content.decode()
    export = client.get(reverse("dues:share_out_export"), {"period": "2026-07"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][:7] == ("白塔埠镇总工会", "白塔化工建材厂工会", "工会经费", 1, 2000, 1400, 600)
