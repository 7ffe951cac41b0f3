"""The membership dues pages: the branches' month, a branch's sheet (one form for the whole
branch, refused in Chinese with nothing written), the Excel files, the warning list."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.navigation import menu_for
from apps.dues.models import DuesRecord
from apps.dues.selectors.memberdues import dues_overdue_threshold
from apps.dues.services.memberdues import DuesRow, dues_month_save
from tests.factories import MemberFactory
from tests.viewchecks import EVERYONE, Route, ViewChecks, form, page

JULY = datetime.date(2026, 7, 1)
MONTH = "?month=2026-07"


def _sheet_data(members, **changes):
    data = {"rows-TOTAL_FORMS": len(members), "rows-INITIAL_FORMS": len(members)}
    for index, member in enumerate(members):
        data |= {
            f"rows-{index}-member": member.pk,
            f"rows-{index}-basic_wage": "3000.00",
            f"rows-{index}-exemption": "",
            f"rows-{index}-exemption_reason": "",
            f"rows-{index}-collected": "15.00",
        }
    return {**data, **changes}


def _branch(world, where, user=None):
    union = world.tree[f"union_{where}"]
    MemberFactory(union=union, real_name=f"会费会员{where}")
    return union


def _overdue_member(world, where, user=None):
    return MemberFactory(union=world.tree[f"union_{where}"], real_name=f"久未缴费{where}")


def _saved(union):
    record = DuesRecord.objects.get(union=union, month=JULY)
    assert record.due == Decimal("15.00") and record.collected == Decimal("15.00")


class TestMemberDuesViews(ViewChecks):
    def make(self, world, where, user):
        return _branch(world, where, user)

    routes = (
        page("dues:member_dues", "list", EVERYONE, shows=lambda union: union.name),
        page("dues:member_dues", "list", EVERYONE, query=MONTH, shows=lambda union: union.name),
        page("dues:member_dues_export", "export", EVERYONE),
        page("dues:member_dues_overdue", "list", EVERYONE, obj=_overdue_member, shows=lambda m: m.real_name),
        Route("dues:member_dues_sheet", "detail", EVERYONE, query=MONTH),
        form(
            "dues:member_dues_sheet",
            "edit",
            EVERYONE,
            data=lambda world, union: _sheet_data(list(union.members.all())),
            query=MONTH,
            done=_saved,
        ),
        Route("dues:member_dues_sheet_export", "export", EVERYONE, query=MONTH),
    )


@pytest.fixture
def branch(world):
    union = world.tree["union_a"]
    return union, [MemberFactory(union=union, real_name=name) for name in ("张伟", "李娜", "王芳")]


def _sheet_url(union, month=MONTH):
    return reverse("dues:member_dues_sheet", kwargs={"pk": union.pk}) + month


@pytest.mark.django_db
class TestSheet:
    def test_the_officer_enters_the_whole_branch_in_one_form(self, client_for, world, branch):
        union, members = branch
        client = client_for(world.users["officer"])
        page = client.get(_sheet_url(union))
        assert page.status_code == 200
        content = page.content.decode()
        assert all(m.real_name in content for m in members) and 'name="rows-2-basic_wage"' in content
        data = _sheet_data(members, **{"rows-1-basic_wage": "3457", "rows-1-collected": "17.29"})
        data |= {"rows-2-basic_wage": "", "rows-2-collected": "", "rows-2-exemption": "retired"}
        response = client.post(_sheet_url(union), data)
        assert response.status_code == 302 and response["Location"] == _sheet_url(union)
        dues = dict(DuesRecord.objects.filter(month=JULY).values_list("member__real_name", "due"))
        assert dues == {"张伟": Decimal("15.00"), "李娜": Decimal("17.29"), "王芳": Decimal("0.00")}
        shown = client.get(response["Location"]).content.decode()
        assert "已保存2026年7月的会费，写入 3 条记录。" in shown and "32.29" in shown

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"rows-1-basic_wage": "-3000"}, "基本工资不能为负数。"),
            ({"rows-1-basic_wage": "三千元"}, "输入一个数字。"),
            ({"rows-1-collected": "abc"}, "输入一个数字。"),
            ({"rows-1-exemption": "other", "rows-1-basic_wage": "", "rows-1-collected": ""}, "“其他”免缴须写明原因。"),
            ({"rows-1-exemption": "retired"}, "免缴的月份不收会费，实收应为 0。"),
            ({"rows-1-member": "999999"}, "不在本工会本月的会费表中"),
            ({"rows-TOTAL_FORMS": "x"}, "ManagementForm 数据缺失"),
        ],
    )
    def test_bad_input_is_refused_in_chinese_and_nothing_is_written(self, client_for, world, branch, changes, message):
        union, members = branch
        response = client_for(world.users["chair"]).post(_sheet_url(union), _sheet_data(members, **changes))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not DuesRecord.objects.exists()

    def test_every_mistake_of_the_sheet_shows_at_once(self, client_for, world, branch):
        union, members = branch
        changes = {"rows-0-basic_wage": "abc", "rows-1-basic_wage": "-5", "rows-2-exemption": "other"}
        changes |= {"rows-2-basic_wage": "", "rows-2-collected": ""}
        content = client_for(world.users["officer"]).post(_sheet_url(union), _sheet_data(members, **changes))
        text = content.content.decode()
        assert "输入一个数字。" in text and "基本工资不能为负数。" in text and "“其他”免缴须写明原因。" in text
        assert not DuesRecord.objects.exists()

    def test_a_bad_month_is_said_and_no_sheet_is_shown(self, client_for, world, branch):
        union, members = branch
        client = client_for(world.users["chair"])
        for month, message in (("?month=abc", "请按“年-月”填写月份"), ("?month=2099-01", "尚未到来")):
            page = client.get(_sheet_url(union, month))
            assert page.status_code == 200 and message in page.content.decode()
            assert 'name="rows-0-member"' not in page.content.decode()
            assert client.post(_sheet_url(union, month), _sheet_data(members)).status_code == 200
        assert not DuesRecord.objects.exists()

    def test_another_townships_branch_is_not_found(self, client_for, world, branch):
        union_b = world.tree["union_b"]
        member_b = MemberFactory(union=union_b)
        client = client_for(world.users["chair"])
        assert client.get(_sheet_url(union_b)).status_code == 404
        assert client.post(_sheet_url(union_b), _sheet_data([member_b])).status_code == 404
        assert not DuesRecord.objects.exists()

    def test_the_sheets_excel_file(self, client_for, world, branch):
        union, members = branch
        dues_month_save(
            user=world.users["chair"],
            union=union,
            month=JULY,
            rows=[DuesRow(members[0].pk, basic_wage=Decimal("3457.00"), collected=Decimal("17.29"))],
        )
        url = reverse("dues:member_dues_sheet_export", kwargs={"pk": union.pk})
        response = client_for(world.users["officer"]).get(url + MONTH)
        assert response.status_code == 200
        rows = list(load_workbook(BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
        assert rows[0] == ("姓名", "会员证号", "基本工资", "免缴情形", "免缴原因", "应交会费", "实收会费")
        by_name = {row[0]: row for row in rows[1:]}
        assert by_name["张伟"][2:] == (3457, "正常缴纳", None, 17.29, 17.29)
        assert by_name["李娜"][3] == "未登记"
        bad = client_for(world.users["officer"]).get(url + "?month=13-2026")
        assert bad.status_code == 302


@pytest.mark.django_db
class TestSummary:
    def test_the_branches_month_links_each_branch_to_its_sheet(self, client_for, world, branch):
        union, members = branch
        dues_month_save(
            user=world.users["chair"],
            union=union,
            month=JULY,
            rows=[
                DuesRow(members[0].pk, basic_wage=Decimal("3457.00"), collected=Decimal("17.29")),
                DuesRow(members[1].pk, exemption="unemployed"),
            ],
        )
        client = client_for(world.users["chair"])
        page = client.get(reverse("dues:member_dues") + MONTH)
        table = page.context["table"]
        row = next(r for r in table.rows if r.record.pk == union.pk)
        assert (row.record.members_active, row.record.members_exempt, row.record.records_made) == (3, 1, 2)
        assert row.record.dues_due == Decimal("17.29") and row.get_cell("members_liable") == 2
        assert f'href="{_sheet_url(union)}"' in page.content.decode()
        # Another month: the same branches, that month's figures.
        june = client.get(reverse("dues:member_dues") + "?month=2026-06").context["table"]
        assert next(r for r in june.rows if r.record.pk == union.pk).record.dues_due == Decimal("0.00")
        export = client.get(reverse("dues:member_dues_export") + MONTH)
        rows = list(load_workbook(BytesIO(export.content), read_only=True).active.iter_rows(values_only=True))
        assert rows[0] == ("所在工会", "所属乡镇", "会员人数", "免缴人数", "应缴人数", "已登记", "应交会费", "实收会费")
        assert (union.name, "白塔埠镇总工会", 3, 1, 2, 2, 17.29, 17.29) in rows

    def test_the_menu_offers_membership_dues(self, world):
        for role in ("county", "chair", "officer"):
            assert "dues:member_dues" in [item["url_name"] for item in menu_for(world.users[role])]
        assert "dues:member_dues" not in [item["url_name"] for item in menu_for(world.users["norole"])]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_warning_list_costs_the_same_queries_for_few_and_many(client_for, world):
    union = world.tree["union_a"]
    before = dues_overdue_threshold()
    url = reverse("dues:member_dues_overdue")
    for _ in range(2):
        member = MemberFactory(union=union)
        dues_month_save(
            user=world.users["county"],
            union=union,
            month=before.replace(year=before.year - 1),
            rows=[DuesRow(member.pk, basic_wage=Decimal("3000"), collected=Decimal("15"))],
        )
    for role in ("chair", "officer"):
        client = client_for(world.users[role])
        client.get(url)  # warm the session
        few = _queries(client, url)
        assert len(client.get(url).context["table"].rows) >= 2
    for _ in range(8):
        MemberFactory(union=union)
    for role in ("chair", "officer"):
        client = client_for(world.users[role])
        client.get(url)
        assert _queries(client, url) == few
    page = client.get(url)
    assert len(page.context["table"].rows) == 10 and "从未登记" in page.content.decode()


@pytest.mark.django_db
def test_the_sheet_and_the_summary_cost_the_same_queries_for_few_and_many(client_for, world):
    union = world.tree["union_a"]
    members = [MemberFactory(union=union) for _ in range(2)]
    client = client_for(world.users["chair"])
    sheet, summary = _sheet_url(union), reverse("dues:member_dues") + MONTH
    client.get(sheet)
    counts = (_queries(client, sheet), _queries(client, summary))
    members += [MemberFactory(union=union) for _ in range(8)]
    dues_month_save(
        user=world.users["chair"],
        union=union,
        month=JULY,
        rows=[DuesRow(m.pk, basic_wage=Decimal("3000"), collected=Decimal("15")) for m in members],
    )
    assert (_queries(client, sheet), _queries(client, summary)) == counts


@pytest.mark.django_db
def test_a_branch_of_hundreds_is_saved_in_one_form(client_for, world):
    """Five fields a row: past Django's default of 1,000 fields a request at 200 members."""
    from apps.members.models import Member

    union = world.tree["union_a"]
    template = MemberFactory(union=union)
    for serial in range(249):
        MemberFactory(union=union, real_name=f"会员{serial:03d}")
    members = list(Member.objects.filter(union=union).order_by("real_name", "id"))
    assert len(members) == 250 and template in members
    response = client_for(world.users["officer"]).post(_sheet_url(union), _sheet_data(members))
    assert response.status_code == 302
    assert DuesRecord.objects.filter(union=union, month=JULY, due=Decimal("15.00")).count() == 250
