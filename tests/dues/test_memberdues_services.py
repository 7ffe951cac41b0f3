"""Membership dues (会费): a branch's month saved whole or not at all, to the cent; the figures per
branch; the warning list of members with six months unpaid."""

import datetime
from decimal import Decimal

import pytest

from apps.core.errors import ApplicationError
from apps.dues.models import DuesRecord
from apps.dues.selectors.memberdues import (
    dues_branch_totals,
    dues_overdue_members,
    dues_overdue_threshold,
    dues_sheet_members,
    months_before,
)
from apps.dues.services.memberdues import DuesRow, DuesSheetRefused, dues_due, dues_month_save
from apps.members.services import member_archive
from tests.factories import MemberFactory

JULY = datetime.date(2026, 7, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(world):
    union = world.tree["union_a"]
    members = [MemberFactory(union=union, real_name=name) for name in ("张伟", "李娜", "王芳")]
    return union, members


def _save(world, union, rows, month=JULY, user="chair"):
    return dues_month_save(user=world.users[user], union=union, month=month, rows=rows)


@pytest.mark.parametrize(
    ("wage", "due"),
    [
        ("3456.78", "17.28"),  # 17.2839
        ("3457.00", "17.29"),  # 17.285: half up, where a float would give 17.28
        ("100.10", "0.50"),  # 0.5005
        ("0.99", "0.00"),
        ("20000.00", "100.00"),
    ],
)
def test_dues_are_half_a_percent_of_the_basic_wage_to_the_cent(world, branch, wage, due):
    union, members = branch
    _save(world, union, [DuesRow(members[0].pk, basic_wage=Decimal(wage), collected=Decimal(due))])
    record = DuesRecord.objects.get(member=members[0], month=JULY)
    assert record.due == Decimal(due) and record.rate == Decimal("0.0050")
    assert record.union == union and record.recorded_by == world.users["chair"]
    assert dues_due(Decimal(wage)) == Decimal(due)


def test_a_sheet_with_one_bad_row_writes_nothing_and_says_which_row(world, branch):
    union, members = branch
    rows = [
        DuesRow(members[0].pk, basic_wage=Decimal("3000.00"), collected=Decimal("15.00")),
        DuesRow(members[1].pk, basic_wage=Decimal("-1.00")),
        DuesRow(members[2].pk, exemption="other"),
    ]
    with pytest.raises(DuesSheetRefused) as refused:
        _save(world, union, rows)
    assert refused.value.rows == {
        1: {"basic_wage": "基本工资不能为负数。"},
        2: {"exemption_reason": "“其他”免缴须写明原因。"},
    }
    assert "整张表没有保存" in refused.value.message
    assert not DuesRecord.objects.exists()


def test_exempt_members_keep_their_membership_and_owe_nothing(world, branch):
    union, members = branch
    rows = [
        DuesRow(members[0].pk, basic_wage=Decimal("2800.00"), exemption="retired"),
        DuesRow(members[1].pk, exemption="unemployed"),
        DuesRow(members[2].pk, exemption="other", exemption_reason="长期病假"),
    ]
    assert _save(world, union, rows) == 3
    records = DuesRecord.objects.filter(month=JULY).order_by("member__real_name")
    assert {r.due for r in records} == {Decimal("0.00")}
    assert DuesRecord.objects.get(member=members[2]).exemption_reason == "长期病假"
    assert {m.status for m in type(members[0]).objects.filter(pk__in=[m.pk for m in members])} == {"active"}


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (dict(exemption="retired", collected=Decimal("5.00")), "collected", "免缴的月份不收会费，实收应为 0。"),
        (dict(collected=Decimal("15.00")), "basic_wage", "请填写基本工资（免缴的会员请选择免缴情形）。"),
        (dict(basic_wage=Decimal("3000.005")), "basic_wage", "基本工资只能精确到分。"),
        (dict(basic_wage=Decimal("3000"), collected=Decimal("-15")), "collected", "实收会费不能为负数。"),
        (dict(basic_wage=Decimal("1e20")), "basic_wage", "基本工资金额过大，请核对。"),
        (dict(exemption="pensioner"), "exemption", "未知的免缴情形。"),
    ],
)
def test_each_rule_of_a_row_is_refused_in_chinese(world, branch, row, field, message):
    union, members = branch
    with pytest.raises(DuesSheetRefused) as refused:
        _save(world, union, [DuesRow(members[0].pk, **row)])
    assert refused.value.rows == {0: {field: message}}
    assert not DuesRecord.objects.exists()


def test_saving_again_changes_only_what_changed_and_keeps_empty_rows(world, branch):
    union, members = branch
    first = [DuesRow(m.pk, basic_wage=Decimal("3000.00"), collected=Decimal("15.00")) for m in members]
    assert _save(world, union, first) == 3
    before = {r.member_id: r.updated_at for r in DuesRecord.objects.all()}
    again = [
        DuesRow(members[0].pk, basic_wage=Decimal("4000.00"), collected=Decimal("20.00")),
        DuesRow(members[1].pk, basic_wage=Decimal("3000.00"), collected=Decimal("15.00")),
        DuesRow(members[2].pk),  # left empty: what was recorded stays, nothing is deleted
    ]
    assert _save(world, union, again, user="officer") == 1
    changed = DuesRecord.objects.get(member=members[0])
    assert (changed.basic_wage, changed.due, changed.recorded_by) == (
        Decimal("4000.00"),
        Decimal("20.00"),
        world.users["officer"],
    )
    assert DuesRecord.objects.get(member=members[1]).updated_at == before[members[1].pk]
    assert DuesRecord.objects.get(member=members[2]).due == Decimal("15.00")
    assert DuesRecord.objects.count() == 3


def test_a_member_of_another_branch_or_a_future_month_is_refused(world, branch):
    union, members = branch
    stranger = MemberFactory(union=world.tree["union_b"])
    with pytest.raises(DuesSheetRefused) as refused:
        _save(world, union, [DuesRow(stranger.pk, basic_wage=Decimal("3000"))])
    assert "不在本工会本月的会费表中" in refused.value.rows[0]["member"]
    with pytest.raises(ApplicationError, match="尚未到来"):
        _save(world, union, [DuesRow(members[0].pk, basic_wage=Decimal("3000"))], month=datetime.date(2099, 1, 1))
    with pytest.raises(ApplicationError, match="不能登记该工会"):
        dues_month_save(user=world.users["chair_b"], union=union, month=JULY, rows=[])
    assert not DuesRecord.objects.exists()


def test_the_month_stays_with_the_branch_that_recorded_it(world, branch):
    union, members = branch
    _save(world, union, [DuesRow(members[0].pk, basic_wage=Decimal("3000"), collected=Decimal("15"))])
    member = members[0]
    type(member).objects.filter(pk=member.pk).update(union=world.tree["union_b"])  # moved on since
    # Still on A's sheet for July (recorded there), and B cannot record July for them again.
    assert member.pk in {m.pk for m in dues_sheet_members(union, JULY)}
    with pytest.raises(DuesSheetRefused) as refused:
        dues_month_save(
            user=world.users["county"],
            union=world.tree["union_b"],
            month=JULY,
            rows=[DuesRow(member.pk, basic_wage=Decimal("5000"))],
        )
    assert "已由白塔化工建材厂工会登记" in refused.value.rows[0]["member"]


def test_the_sheet_holds_the_active_members_who_had_joined_by_the_months_end(world, branch):
    union, members = branch
    late = MemberFactory(union=union, join_date=datetime.date(2026, 8, 3))
    left = MemberFactory(union=union)
    member_archive(user=None, member=left, status="left", left_on=datetime.date(2026, 6, 30), reason="辞职")
    on_sheet = {m.pk for m in dues_sheet_members(union, JULY)}
    assert on_sheet == {m.pk for m in members}
    assert late.pk in {m.pk for m in dues_sheet_members(union, datetime.date(2026, 8, 1))}


def test_the_branch_totals_are_the_databases_sums(world, branch):
    union, members = branch
    rows = [
        DuesRow(members[0].pk, basic_wage=Decimal("3457.00"), collected=Decimal("17.29")),
        DuesRow(members[1].pk, basic_wage=Decimal("3456.78"), collected=Decimal("10.00")),
        DuesRow(members[2].pk, exemption="retired"),
    ]
    _save(world, union, rows)
    totals = dues_branch_totals(union=union, month=JULY)
    assert totals == {
        "members_active": 3,
        "records_made": 3,
        "members_exempt": 1,
        "members_liable": 2,
        "dues_due": Decimal("34.57"),
        "dues_collected": Decimal("27.29"),
    }
    assert dues_branch_totals(union=union, month=datetime.date(2026, 6, 1))["dues_due"] == Decimal("0.00")


# --- the warning list -------------------------------------------------------------------------------


TODAY = datetime.date(2026, 12, 2)


def _paid(world, member, month, **row):
    row = row or {"basic_wage": Decimal("3000"), "collected": Decimal("15")}
    dues_month_save(user=world.users["county"], union=member.union, month=month, rows=[DuesRow(member.pk, **row)])


def test_six_months_without_dues_puts_a_member_on_the_warning_list(world):
    union = world.tree["union_a"]
    assert dues_overdue_threshold(TODAY) == datetime.date(2026, 6, 1)
    paid_may = MemberFactory(union=union, real_name="五月缴")
    paid_june = MemberFactory(union=union, real_name="六月缴")
    never = MemberFactory(union=union, real_name="从未缴")
    joined_july = MemberFactory(union=union, real_name="七月入会", join_date=datetime.date(2026, 7, 1))
    exempt_aug = MemberFactory(union=union, real_name="八月免缴")
    unpaid_sept = MemberFactory(union=union, real_name="九月未收")
    _paid(world, paid_may, datetime.date(2026, 5, 1))
    _paid(world, paid_june, datetime.date(2026, 6, 1))
    _paid(world, exempt_aug, datetime.date(2026, 8, 1), exemption="unemployed")
    _paid(world, unpaid_sept, datetime.date(2026, 3, 1))
    _paid(world, unpaid_sept, datetime.date(2026, 9, 1), basic_wage=Decimal("3000"))  # recorded, nothing paid
    listed = {m.real_name: m.last_settled_month for m in dues_overdue_members(user=world.users["county"], today=TODAY)}
    assert listed == {"五月缴": datetime.date(2026, 5, 1), "从未缴": None, "九月未收": datetime.date(2026, 3, 1)}
    assert never.status == "active" and joined_july.pk and paid_june.pk  # nobody is removed


def test_the_warning_list_is_the_branchs_and_the_townships(world):
    a = MemberFactory(union=world.tree["union_a"], real_name="甲")
    b = MemberFactory(union=world.tree["union_b"], real_name="乙")
    seen = {role: {m.pk for m in dues_overdue_members(user=world.users[role], today=TODAY)} for role in world.users}
    assert seen["county"] == {a.pk, b.pk}
    assert seen["chair"] == seen["officer"] == {a.pk}
    assert seen["chair_b"] == {b.pk}
    assert seen["norole"] == {a.pk}  # the selector scopes; the page's permission keeps norole out


def test_months_before_crosses_years():
    assert months_before(datetime.date(2026, 3, 1), 6) == datetime.date(2025, 9, 1)
    assert months_before(datetime.date(2026, 12, 1), 12) == datetime.date(2025, 12, 1)
