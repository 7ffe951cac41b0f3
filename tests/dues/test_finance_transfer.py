"""财政划拨: the finance bureau's list pasted or entered row by row, checked per line, written in
one transaction, idempotent; the page's permission and query count."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.branches.choices import Ownership
from apps.dues.choices import Channel, EntryStatus, PaymentSource
from apps.dues.models import ChannelOverride, LedgerEntry, Payment
from apps.dues.selectors.finance import finance_transfer_units, period_from_key
from apps.dues.services import finance as transfers
from apps.dues.services import ledger
from tests.dues.conftest import make_entry
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

JULY = period_from_key("2026-07")
Q3 = period_from_key("2026-Q3")
PAID_ON = datetime.date(2026, 8, 10)
URL = reverse("dues:finance_transfer")


@pytest.fixture
def units(dues_world):
    """Three county-direct units in township A, besides dues_world's 白塔埠镇中心小学."""
    a = dues_world.tree["a"]
    second = EnterpriseFactory(
        township=a, name="东海县人民医院", ownership=Ownership.PUBLIC_INSTITUTION, is_county_direct=True
    )
    third = EnterpriseFactory(township=a, name="东海县教育局", ownership=Ownership.STATE, is_county_direct=True)
    return dues_world.finance_a, second, third


def _save(text, world, period=JULY):
    lines = transfers.transfer_lines_parse(text)
    transfers.transfer_lines_match(lines, user=world.finance, period=period)
    return transfers.finance_transfer_save(
        lines, user=world.finance, period=period, paid_on=PAID_ON, reference="财拨2026-118"
    )


def _written():
    return (LedgerEntry.objects.count(), Payment.objects.count())


# --- parsing ---------------------------------------------------------------------------------------


def test_a_pasted_list_is_read_with_tabs_spaces_separators_a_header_and_a_total():
    text = (
        "统一社会信用代码\t工资总额\t划拨金额\n"
        "\n"
        "12320722466835171x\t1,234,567.80\t24,691.36\n"
        "东海县人民医院   300000   6000.00元\n"
        "　东海县 教育局  ８８,０００.５０  1760.01\n"
        "合计\t1,622,568.30\t32,451.37\n"
    )
    lines = transfers.transfer_lines_parse(text)
    assert [(line.number, line.key, line.payroll, line.amount, line.errors) for line in lines] == [
        (3, "12320722466835171x", Decimal("1234567.80"), Decimal("24691.36"), []),
        (4, "东海县人民医院", Decimal("300000.00"), Decimal("6000.00"), []),
        (5, "东海县 教育局", Decimal("88000.50"), Decimal("1760.01"), []),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("东海县人民医院\t三十万\t6000", "工资总额「三十万」不是数字。"),
        ("东海县人民医院\t300000\t12,34", "划拨金额「12,34」不是数字。"),
        ("东海县人民医院\t300000\t-5", "划拨金额不能为负数；退库或冲销请在经费台账中登记。"),
        ("东海县人民医院\t300000\t6000.001", "划拨金额「6000.001」最多两位小数。"),
        (
            "东海县人民医院\t300000",
            "每行应为三项：统一社会信用代码或单位名称、工资总额、划拨金额（以 Tab 或空格分隔）。",
        ),
    ],
)
def test_a_line_that_is_no_number_is_refused_with_its_reason(line, message):
    (parsed,) = transfers.transfer_lines_parse(line)
    assert parsed.errors == [message]


# --- saving ----------------------------------------------------------------------------------------


def test_a_pasted_list_writes_each_units_entry_and_transfer_in_one_go(dues_world, units):
    school, hospital, bureau = units
    result = _save(
        f"{school.credit_code.lower()}\t100,000.00\t2,000.00\n{hospital.name}\t300000\t5000\n{bureau.credit_code}\t50000\t0",
        dues_world,
    )
    assert (result.units, result.payments, result.amount, result.unchanged) == (3, 2, Decimal("7000.00"), 0)
    entries = {e.enterprise_id: e for e in LedgerEntry.objects.filter(period_start=JULY.start)}
    assert [
        (entries[u.pk].payroll, entries[u.pk].due, entries[u.pk].received, entries[u.pk].status) for u in units
    ] == [
        (Decimal("100000.00"), Decimal("2000.00"), Decimal("2000.00"), EntryStatus.PAID),
        (Decimal("300000.00"), Decimal("6000.00"), Decimal("5000.00"), EntryStatus.PARTIAL),
        (Decimal("50000.00"), Decimal("1000.00"), Decimal("0.00"), EntryStatus.UNPAID),
    ]
    payment = Payment.objects.get(entry=entries[school.pk])
    assert (payment.source, payment.channel, payment.paid_on, payment.reference, payment.recorded_by) == (
        PaymentSource.FINANCE_TRANSFER,
        Channel.FINANCE,
        PAID_ON,
        "财拨2026-118",
        dues_world.finance,
    )


def test_the_same_list_saved_again_changes_nothing(dues_world, units):
    text = f"{units[0].credit_code}\t100000\t2000\n{units[1].credit_code}\t300000\t5000"
    _save(text, dues_world)
    before = list(LedgerEntry.objects.order_by("pk").values("pk", "payroll", "received", "updated_at"))
    payments = _written()
    result = _save(text, dues_world)
    assert (result.units, result.payments, result.unchanged) == (0, 0, 2)
    assert _written() == payments
    assert list(LedgerEntry.objects.order_by("pk").values("pk", "payroll", "received", "updated_at")) == before


def test_a_later_list_adds_only_what_it_adds_and_a_lower_one_is_refused(dues_world, units):
    school = units[0]
    _save(f"{school.credit_code}\t100000\t1200", dues_world)
    result = _save(f"{school.credit_code}\t100000\t2000", dues_world)
    assert (result.payments, result.amount) == (1, Decimal("800.00"))
    entry = LedgerEntry.objects.get(enterprise=school)
    assert (entry.received, entry.status) == (Decimal("2000.00"), EntryStatus.PAID)
    with pytest.raises(Exception) as refused:
        _save(f"{school.credit_code}\t100000\t1500", dues_world)
    assert "已登记财政划拨 2000.00 元，多于清单的 1500.00 元" in str(refused.value)
    assert LedgerEntry.objects.get(enterprise=school).received == Decimal("2000.00")


def test_after_a_transfer_is_reversed_the_list_can_enter_it_again(dues_world, units):
    school = units[0]
    _save(f"{school.credit_code}\t100000\t2000", dues_world)
    ledger.payment_reverse(Payment.objects.get(), user=dues_world.finance, reason="误录", on=PAID_ON)
    result = _save(f"{school.credit_code}\t100000\t2000", dues_world)
    assert result.payments == 1
    assert LedgerEntry.objects.get(enterprise=school).received == Decimal("2000.00")


def test_bad_lines_are_refused_with_their_numbers_and_nothing_is_written(dues_world, units):
    school, hospital, _bureau = units
    ChannelOverride.objects.create(
        enterprise=hospital, channel=Channel.DIRECT, reason="医院自行缴纳", set_by=dues_world.finance
    )
    text = "\n".join(
        [
            f"{school.credit_code}\t100000\t2000",  # good
            "91320722MA1XXXXX1X\t5000\t100",  # unknown code
            f"{school.name}x\t5000\t100",  # unknown name
            f"{dues_world.tax_a.credit_code}\t80000\t1600",  # on the tax channel
            f"{hospital.credit_code}\t80000\t1600",  # overridden to direct
            f"{dues_world.finance_a.credit_code}\t9000\t180",  # the school again
            f"{units[2].name}\t9万\t180",  # not a number
        ]
    )
    before = _written()
    with pytest.raises(Exception) as refused:
        _save(text, dues_world)
    messages = refused.value.messages
    assert messages == [
        "第 2 行：未找到统一社会信用代码为 91320722MA1XXXXX1X 的单位。",
        f"第 3 行：未找到名称为「{school.name}x」的单位；请核对名称或改用统一社会信用代码。",
        f"第 4 行：{dues_world.tax_a.name}不是财政划拨单位（现为税务代征），不能在此登记。",
        f"第 5 行：{hospital.name}不是财政划拨单位（现为工会直收），不能在此登记。",
        "第 6 行：与第 1 行是同一单位。",
        "第 7 行：工资总额「9万」不是数字。",
    ]
    assert _written() == before


def test_a_unit_of_another_township_is_unknown_to_a_chair(dues_world):
    other = EnterpriseFactory(township=dues_world.tree["b"], ownership=Ownership.STATE, is_county_direct=True)
    lines = transfers.transfer_lines_parse(f"{other.credit_code}\t1000\t20")
    transfers.transfer_lines_match(lines, user=dues_world.chair, period=JULY)
    assert lines[0].errors == [f"未找到统一社会信用代码为 {other.credit_code} 的单位。"]


def test_a_period_overlapping_the_units_quarter_is_refused(dues_world, units):
    make_entry(units[0], start=JULY.start, kind="quarter")
    lines = transfers.transfer_lines_parse(f"{units[0].credit_code}\t1000\t20")
    transfers.transfer_lines_match(lines, user=dues_world.finance, period=JULY)
    assert "重叠" in lines[0].errors[0]


def test_the_list_of_units_is_the_finance_channel_and_carries_the_periods_figures(dues_world, units):
    school, hospital, bureau = units
    ChannelOverride.objects.create(
        enterprise=bureau, channel=Channel.TAX, reason="改由税务代征", set_by=dues_world.finance
    )
    moved_in = EnterpriseFactory(township=dues_world.tree["a"], ownership=Ownership.PRIVATE)
    ChannelOverride.objects.create(
        enterprise=moved_in, channel=Channel.FINANCE, reason="财政代缴", set_by=dues_world.finance
    )
    _save(f"{school.credit_code}\t100000\t1500", dues_world)
    listed = {unit.pk: unit for unit in finance_transfer_units(user=dues_world.finance, period=JULY)}
    assert set(listed) == {school.pk, hospital.pk, moved_in.pk}
    assert (listed[school.pk].entry_payroll, listed[school.pk].transferred) == (
        Decimal("100000.00"),
        Decimal("1500.00"),
    )
    assert (listed[hospital.pk].entry_id, listed[hospital.pk].transferred) == (None, Decimal("0.00"))


def test_a_quarters_list_does_not_show_its_first_months_entry(dues_world, units):
    _save(f"{units[0].credit_code}\t100000\t1500", dues_world)
    listed = {unit.pk: unit for unit in finance_transfer_units(user=dues_world.finance, period=Q3)}
    assert (listed[units[0].pk].entry_id, listed[units[0].pk].transferred) == (None, Decimal("0.00"))


# --- the page -------------------------------------------------------------------------------------


def _rows_post(units_and_values, period=JULY, paid_on="2026-08-10"):
    data = {
        "mode": "rows",
        "period": period.key,
        "paid_on": paid_on,
        "reference": "",
        "form-TOTAL_FORMS": str(len(units_and_values)),
        "form-INITIAL_FORMS": str(len(units_and_values)),
    }
    for index, (unit, payroll, amount) in enumerate(units_and_values):
        data[f"form-{index}-enterprise"] = unit.pk
        data[f"form-{index}-payroll"] = payroll
        data[f"form-{index}-amount"] = amount
    return data


def test_the_page_saves_its_rows_and_leaves_blank_rows_alone(client, dues_world, units):
    client.force_login(dues_world.finance)
    response = client.post(URL, _rows_post([(units[0], "100000", "2000"), (units[1], "", ""), (units[2], "5000", "0")]))
    assert response.status_code == 302
    assert set(LedgerEntry.objects.values_list("enterprise_id", flat=True)) == {units[0].pk, units[2].pk}
    page = client.get(response["Location"])
    assert "1 笔" in page.content.decode()
    again = client.post(
        URL, _rows_post([(units[0], "100000.00", "2000.00"), (units[1], "", ""), (units[2], "5000", "0")])
    )
    assert again.status_code == 302
    assert Payment.objects.count() == 1


def test_the_page_refuses_a_half_filled_row_and_a_pasted_bad_line_and_writes_nothing(client, dues_world, units):
    client.force_login(dues_world.finance)
    response = client.post(URL, _rows_post([(units[0], "100000", "2000"), (units[1], "300000", "")]))
    assert response.status_code == 200
    assert f"第 2 行：{units[1].name}：请填写划拨金额（未划拨填 0）。" in response.content.decode()
    pasted = client.post(
        URL,
        {
            "mode": "paste",
            "period": JULY.key,
            "paste-paid_on": "2026-08-10",
            "paste-paste": f"{units[0].credit_code}\t100000\t2000\n{dues_world.tax_a.credit_code}\t1\t1",
        },
    )
    assert pasted.status_code == 200
    assert "第 2 行：" in pasted.content.decode() and "不是财政划拨单位" in pasted.content.decode()
    assert _written() == (0, 0)


def test_a_row_naming_a_unit_not_on_the_page_is_refused(client, dues_world, units):
    client.force_login(dues_world.finance)
    response = client.post(URL, _rows_post([(dues_world.tax_a, "100000", "2000")]))
    assert response.status_code == 200
    assert "不在本页列表中" in response.content.decode()
    assert _written() == (0, 0)


def test_county_staff_without_the_finance_permission_get_403(client, dues_world):
    client.force_login(dues_world.county)
    assert client.get(URL).status_code == 403


def test_the_page_costs_the_same_queries_at_two_sizes(client, dues_world, django_assert_num_queries):
    client.force_login(dues_world.finance)
    client.get(URL)  # warm the session and the permission cache

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{URL}?period={JULY.key}").status_code == 200
        return len(queries)

    for _index in range(2):
        make_entry(EnterpriseFactory(township=dues_world.tree["a"], ownership=Ownership.STATE, is_county_direct=True))
    small = count()
    for index in range(20):
        unit = EnterpriseFactory(township=dues_world.tree["a"], ownership=Ownership.STATE, is_county_direct=True)
        _save(f"{unit.credit_code}\t1000\t{index + 1}", dues_world)
    with django_assert_num_queries(small):
        client.get(f"{URL}?period={JULY.key}")
