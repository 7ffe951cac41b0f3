"""The roster template download, and the import result page's link to the members it wrote."""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.members.codelists import CODE_LISTS
from apps.members.imports import roster_import_execute
from apps.members.models import Member, RosterImport
from apps.members.roster import EMPLOYMENT_FORMS, parse_roster
from apps.members.roster_template import roster_template_bytes
from tests.members.conftest import add_members, make_id


def test_the_template_has_the_header_an_example_and_the_explanations():
    book = openpyxl.load_workbook(io.BytesIO(roster_template_bytes()))
    assert book.sheetnames == ["会员花名册", "填写说明", "代码表"]
    header = [cell.value for cell in book["会员花名册"][1]]
    assert header[:5] == ["序号", "姓名*", "性别", "民族", "身份证号码*"]
    assert "工作单位" in header and "统一社会信用代码" in header
    example = dict(zip(header, (cell.value for cell in book["会员花名册"][2]), strict=True))
    assert example["民族"] == "汉族" and example["备注"].startswith("示例行")
    explained = [row[0] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert {"姓名", "身份证号码", "民族", "文化程度", "政治面貌", "工作单位"} <= set(explained)
    codes = {value for row in book["代码表"].iter_rows(values_only=True) for value in row if value}
    for code_list in CODE_LISTS.values():
        assert {str(label) for label in code_list.choices.labels} <= codes
    assert set(EMPLOYMENT_FORMS) <= codes
    validations = book["会员花名册"].data_validations.dataValidation
    assert len(validations) == 5 and all(not v.showErrorMessage for v in validations)


def test_the_template_reads_back_as_a_roster_and_its_example_row_is_never_a_member(tmp_path):
    parsed = parse_roster(roster_template_bytes())
    assert parsed.error is None and parsed.rows == []
    assert set(parsed.columns) >= {"real_name", "id_number", "ethnicity", "workplace", "workplace_code"}
    # Filled in, the template imports: the example row stays out, the member's row is read.
    book = openpyxl.load_workbook(io.BytesIO(roster_template_bytes()))
    sheet = book["会员花名册"]
    sheet.append([2, "李四", "女", "回", make_id(serial="124"), "", "本科", "团员", "", "农民工", "2021-05-01"])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    rows = parse_roster(path).rows
    assert [(r.data["real_name"], r.data["ethnicity"], r.data["education"], r.status) for r in rows] == [
        ("李四", "03", "20", "valid")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["chair_a", "officer_a"])  # a grassroots officer imports their own union's roster
def test_the_template_downloads_for_who_may_import(request, client_for, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse("members:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0] == "会员花名册"
    page = client_for(user).get(reverse("members:import_upload")).content.decode()
    assert reverse("members:import_template") in page


@pytest.mark.django_db
def test_the_template_is_refused_to_a_user_who_may_not_import(client_for, county_tree):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(username="nobody", password="x", org_unit=county_tree["union_a"])
    assert client_for(nobody).get(reverse("members:import_template")).status_code == 403


def _roster(tmp_path, rows, name="r.xlsx"):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码", "用工形式", "入会时间"])
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path.read_bytes()


@pytest.mark.django_db
def test_the_result_page_says_how_many_and_lists_exactly_the_members_written(
    tmp_path, client_for, chair_a, chair_b, unions
):
    (kept,) = add_members(unions["a1"], 1, surname="旧")  # on record before, not in the file
    content = _roster(
        tmp_path,
        [
            ["新甲", make_id(serial="601"), "合同工", "2020-01-01"],
            ["新乙", make_id(serial="602"), "合同工", "2020-01-01"],
            ["错丙", "123", "合同工", "2020-01-01"],
        ],
    )
    record = RosterImport.objects.create(
        union=unions["a1"], uploaded_by=chair_a, file_name="r.xlsx", content=content, commit=True
    )
    record = roster_import_execute(import_id=record.pk)
    assert record.status == "imported"
    client = client_for(chair_a)
    page = client.get(record.get_absolute_url()).content.decode()
    link = f"{reverse('members:member_list')}?import={record.pk}"
    assert "已导入 2 名会员" in page and link in page
    listing = client.get(link).content.decode()
    assert "新甲" in listing and "新乙" in listing and kept.real_name not in listing
    # A later import that updates 新甲 lists it too, and nobody else.
    content = _roster(tmp_path, [["新甲改", make_id(serial="601"), "合同工", "2020-01-01"]], "s.xlsx")
    second = RosterImport.objects.create(
        union=unions["a1"], uploaded_by=chair_a, file_name="s.xlsx", content=content, commit=True
    )
    second = roster_import_execute(import_id=second.pk)
    listing = client.get(f"{reverse('members:member_list')}?import={second.pk}").content.decode()
    assert "新甲改" in listing and "新乙" not in listing
    assert Member.objects.filter(real_name="新甲改").exists()
    # Another township's staff cannot filter by this import (not theirs: nothing listed).
    other = client_for(chair_b).get(link)
    assert other.status_code == 200 and "新乙" not in other.content.decode()
    # Garbage in the filter is no server error.
    for value in ("abc", "-1", "9" * 30, "０１"):
        assert client.get(reverse("members:member_list"), {"import": value}).status_code == 200
