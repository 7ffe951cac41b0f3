"""Excel exports read like the office's own sheets: named after their content, columns as wide
as their content (CJK counts double), a frozen bold header, 是/否, real dates."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.exports import MAX_WIDTH, sheet_title_of, text_width, xlsx_bytes
from tests.factories import ComplaintFactory, EnterpriseFactory, MemberFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _naive(*parts):
    """What openpyxl reads back from a date cell: a datetime without a zone."""
    return datetime.datetime.combine(datetime.date(*parts[:3]), datetime.time(*parts[3:]))


def _book(content):
    return load_workbook(io.BytesIO(content))


def test_the_sheet_is_named_frozen_sized_and_typed():
    content = xlsx_bytes(
        headers=["姓名", "入会时间", "收到时间", "困难职工", "备注", "数量"],
        rows=[
            [
                "欧阳娜娜",
                datetime.date(2024, 3, 1),
                datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC),
                True,
                "=1+1",
                7,
            ],
            ["王芳", datetime.date(2020, 1, 2), None, False, "x" * 200, 12345],
        ],
        sheet_title="会员名册",
    )
    book = _book(content)
    assert book.sheetnames == ["会员名册"]
    sheet = book["会员名册"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][1] == _naive(2024, 3, 1)  # a real date, not text
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert rows[0][2] == _naive(2026, 12, 1, 10, 30)  # Shanghai time; Excel keeps no zone
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert (rows[0][3], rows[1][3]) == ("是", "否")
    assert rows[0][4] == "'=1+1"  # never a formula
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert widths["A"] == text_width("欧阳娜娜") + 2 == 10  # four CJK characters are eight columns wide
    assert widths["B"] == len("2026-01-01") + 2
    assert widths["C"] == len("2026-01-01 00:00") + 2
    assert widths["E"] == MAX_WIDTH
    assert widths["F"] >= text_width("数量") + 2


def test_a_sheet_name_excel_would_refuse_is_made_acceptable():
    assert sheet_title_of("会员/名册:2026*") == "会员名册2026"
    assert len(sheet_title_of("名" * 40)) == 31
    assert sheet_title_of("") == "数据"
    assert text_width("abc") == 3 and text_width("会员") == 4


def test_rows_beyond_the_width_sample_are_all_written():
    content = xlsx_bytes(headers=["编号"], rows=([n] for n in range(1200)), sheet_title="编号")
    assert [r[0] for r in _book(content)["编号"].iter_rows(min_row=2, values_only=True)] == list(range(1200))


@pytest.mark.django_db
def test_the_member_export_is_the_member_roster(client, county_user, county_tree):
    workplace = EnterpriseFactory(township=county_tree["a"], union=county_tree["union_a"], name="白塔测试机械厂")
    MemberFactory(
        union=county_tree["union_a"],
        real_name="欧阳娜娜",
        hardship=True,
        join_date=datetime.date(2024, 3, 1),
        workplace=workplace,
        ethnicity="03",
        education="20",
        political_status="01",
    )
    client.force_login(county_user)
    book = _book(client.get(reverse("members:member_export")).content)
    assert book.sheetnames == ["会员名册"]
    sheet = book["会员名册"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["入会时间"] == _naive(2024, 3, 1)
    assert row["困难职工"] == "是"
    # The code lists' labels, never their codes (GB/T 3304, 4658, 4762), and the 工作单位 by name.
    assert (row["民族"], row["文化程度"], row["政治面貌"]) == ("回族", "大学本科", "中共党员")
    assert row["工作单位"] == "白塔测试机械厂"
    assert sheet.freeze_panes == "A2"


@pytest.mark.django_db
def test_the_other_exports_are_named_after_their_lists(client, county_user, county_tree):
    client.force_login(county_user)
    for name, title in (
        ("branches:union_export", "基层工会"),
        ("branches:enterprise_export", "企业"),
        ("branches:orgunit_export", "工会组织"),
        ("complaints:complaint_export", "员工投诉"),
    ):
        assert _book(client.get(reverse(name)).content).sheetnames == [title], name


@pytest.mark.django_db
def test_the_complaint_export_has_real_times(client, county_user, county_tree):
    enterprise = EnterpriseFactory(township=county_tree["a"], union=county_tree["union_a"])
    received = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    ComplaintFactory(user=county_user, enterprise=enterprise, received_at=received)
    client.force_login(county_user)
    sheet = _book(client.get(reverse("complaints:complaint_export")).content).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["收到时间"] == timezone.localtime(received).replace(tzinfo=None)
    assert row["已逾期"] == "否"


FULL = re.compile(r'href="([^"]*)"\s+data-testid="export-full"')


@pytest.mark.django_db
def test_county_staff_get_a_button_for_the_whole_mobile_export_and_it_gives_whole_numbers(
    client, county_user, county_tree
):
    MemberFactory(union=county_tree["union_a"], mobile="15152758929")
    client.force_login(county_user)
    html = client.get(reverse("members:member_list"), {"status": "active"}).content.decode()
    href = FULL.search(html).group(1).replace("&amp;", "&")
    assert href.startswith(reverse("members:member_export") + "?") and "full=1" in href and "status=active" in href
    assert "导出 Excel（完整手机号）" in html
    sheet = _book(client.get(href).content).active
    header = [cell.value for cell in sheet[1]]
    assert next(sheet.iter_rows(min_row=2, values_only=True))[header.index("手机号码")] == "15152758929"


@pytest.mark.django_db
def test_township_staff_get_no_such_button_and_the_export_masks_anyway(client, chair_a, county_tree):
    MemberFactory(union=county_tree["union_a"], mobile="15152758929")
    client.force_login(chair_a)
    html = client.get(reverse("members:member_list")).content.decode()
    assert 'data-testid="export-full"' not in html and "完整手机号" not in html
    assert "导出 Excel" in html  # the ordinary export is there
    sheet = _book(client.get(reverse("members:member_export"), {"full": "1"}).content).active
    header = [cell.value for cell in sheet[1]]
    assert next(sheet.iter_rows(min_row=2, values_only=True))[header.index("手机号码")] == "151****8929"
