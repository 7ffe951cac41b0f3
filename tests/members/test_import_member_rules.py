"""One rule: a roster row the dry run calls valid is a member the write accepts.

Every required field of a member is accounted for (a cell of the roster, derived from the ID
number, issued by the portal, or the import's own); for each cell, a blank and an invalid value
are errors of the dry run that ``member_create`` refuses too, and every row the dry run passes
is written by the confirm."""

import datetime as dt

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from apps.core.imports import check_constraint_violations
from apps.members.imports import _refused_by_constraints, roster_import_execute
from apps.members.models import Member, RosterImport
from apps.members.roster import FROM_ID_NUMBER, ISSUED_IF_BLANK, ROW_FIELDS, RowResult
from apps.members.services import member_create

from .conftest import make_id

# How the import fills each Member field that may not be blank and has no default.
ROSTER_CELLS = {"real_name": "姓名", "id_number": "身份证号码", "employment_form": "用工形式", "join_date": "入会时间"}
DERIVED = {"id_hash", "id_masked"}  # from the checked ID number
FROM_THE_IMPORT = {"union"}  # the union the roster is imported into, checked once for the file


def required_member_fields() -> set[str]:
    return {
        field.name
        for field in Member._meta.concrete_fields
        if not field.blank
        and not field.has_default()
        and not field.primary_key
        and not getattr(field, "auto_now", 0)
        and not getattr(field, "auto_now_add", False)
    }


def test_every_required_member_field_is_filled_by_the_roster_or_the_import():
    accounted = {*ROSTER_CELLS, *FROM_ID_NUMBER, *ISSUED_IF_BLANK, *DERIVED, *FROM_THE_IMPORT}
    assert required_member_fields() == accounted
    assert {*ROSTER_CELLS, *FROM_ID_NUMBER, *ISSUED_IF_BLANK} <= set(ROW_FIELDS)


GOOD = {
    "姓名": "甲",
    "身份证号码": make_id(serial="111"),  # born 1985-03-15
    "用工形式": "合同工",
    "入会时间": "2020-01-01",
    "会员证号": "",
}
TOMORROW = (dt.date.today() + dt.timedelta(days=2)).isoformat()  # noqa: DTZ011 - a date, no zone needed

# (cell, value, what the message says, the same value given to member_create, its field there)
CASES = [
    ("姓名", None, "姓名：未填写", {"real_name": ""}),
    ("姓名", "王" * 51, "过长", {"real_name": "王" * 51}),
    ("身份证号码", None, "身份证号码", {"id_number": ""}),
    ("身份证号码", make_id(serial="131")[:-1] + "0", "校验", {"id_number": make_id(serial="131")[:-1] + "0"}),
    ("身份证号码", make_id(birth="18990101", serial="131"), "1900", {"id_number": make_id(birth="18990101")}),
    ("身份证号码", make_id(birth="20990101", serial="131"), "晚于今天", {"id_number": make_id(birth="20990101")}),
    ("用工形式", None, "用工形式：未填写", {"employment_form": ""}),
    ("用工形式", "外包", "用工形式：无法识别", {"employment_form": "outsourced"}),
    ("入会时间", None, "入会时间：未填写", {"join_date": None}),
    ("入会时间", "2020年13月1日", "入会时间：", None),
    ("入会时间", TOMORROW, "入会时间：日期不合理", {"join_date": dt.date.fromisoformat(TOMORROW)}),
    ("入会时间", "1899-12-31", "入会时间：", {"join_date": dt.date(1899, 12, 31)}),
    ("入会时间", "1985-03-14", "早于出生日期", {"join_date": dt.date(1985, 3, 14)}),
    ("会员证号", "DH" + "1" * 19, "会员证号：内容过长", {"card_number": "DH" + "1" * 19}),
]


def _roster(tmp_path, union, user, rows, *, header=tuple(GOOD)):
    book = openpyxl.Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append([row.get(column) for column in header])
    path = tmp_path / "r.xlsx"
    book.save(path)
    return RosterImport.objects.create(union=union, uploaded_by=user, file_name="r.xlsx", content=path.read_bytes())


def _confirm(record):
    RosterImport.objects.filter(pk=record.pk).update(status="queued", commit=True)
    return roster_import_execute(import_id=record.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(("cell", "value", "words", "create"), CASES, ids=[f"{c[0]}={c[1]!r}"[:40] for c in CASES])
def test_a_bad_required_cell_is_an_error_of_the_dry_run_and_the_rows_it_passes_are_written(
    county_tree, chair_a, tmp_path, cell, value, words, create
):
    bad = {**GOOD, "身份证号码": make_id(serial="131"), cell: value}
    record = _roster(tmp_path, county_tree["union_a"], chair_a, [GOOD, bad])
    record = roster_import_execute(import_id=record.pk)
    assert record.status == "checked", record.error
    by_row = {entry["row"]: entry for entry in record.report}
    assert by_row[2]["status"] == "valid", by_row[2]
    assert by_row[3]["status"] == "error" and by_row[3]["action"] == "skip", by_row[3]
    assert any(words in message for message in by_row[3]["messages"]), by_row[3]["messages"]
    assert not Member.objects.exists()  # the dry run wrote nothing

    record = _confirm(record)
    assert record.status == "imported", record.error
    assert [e["status"] for e in record.report] == ["valid", "error"]
    assert list(Member.objects.values_list("real_name", flat=True)) == ["甲"]

    if create is not None:  # the member form's service refuses the same value
        fields = {
            "union": county_tree["union_a"],
            "real_name": "乙",
            "id_number": make_id(serial="151"),
            "join_date": dt.date(2020, 1, 1),
            "employment_form": "regular",
            **create,
        }
        with pytest.raises(ValidationError):
            member_create(user=None, **fields)
        assert Member.objects.count() == 1


@pytest.mark.django_db
def test_every_row_the_dry_run_passes_is_written_by_the_confirm(county_tree, chair_a, tmp_path):
    """A file mixing every case: the confirm writes exactly the rows the dry run called
    valid or warning (with action 'create'), and no row fails at write time."""
    rows = []
    for index, (cell, value, _words, _create) in enumerate(CASES):
        rows.append({**GOOD, "姓名": f"好{index}", "身份证号码": make_id(serial=f"{200 + index:03d}")})
        rows.append({**GOOD, "身份证号码": make_id(serial=f"{500 + index:03d}"), cell: value})
    rows.append({**GOOD, "姓名": "坏手机", "身份证号码": make_id(serial="900"), "手机号码": "12345"})
    header = (*GOOD, "手机号码")
    record = roster_import_execute(import_id=_roster(tmp_path, county_tree["union_a"], chair_a, rows, header=header).pk)
    passed = {e["row"] for e in record.report if e["status"] != "error"}
    assert len(passed) == len(CASES) + 1 and all(e["action"] == "create" for e in record.report if e["row"] in passed)
    record = _confirm(record)
    assert record.status == "imported", record.error
    assert {e["row"] for e in record.report if e["status"] != "error"} == passed
    assert Member.objects.count() == len(passed)
    assert Member.objects.get(real_name="坏手机").mobile == ""  # a warning: written without the number


@pytest.mark.django_db
def test_the_check_constraints_are_asked_of_the_database_for_all_rows_at_once(county_tree, django_assert_num_queries):
    records = [
        {"join_date": "2020-01-01", "birth_date": "1985-03-15", "sex": "male", "employment_form": "regular"},
        {"join_date": "1980-01-01", "birth_date": "1985-03-15", "sex": "male", "employment_form": "regular"},
        {"join_date": "2020-01-01", "birth_date": "1985-03-15", "sex": "other", "employment_form": "regular"},
    ]
    with django_assert_num_queries(2):  # the table's conditions, then every record at once
        violations = check_constraint_violations(Member, records)
    assert violations == {1: ["members_member_joined_after_birth"], 2: ["members_member_valid_sex"]}


@pytest.mark.django_db
def test_a_row_only_the_database_would_refuse_is_an_error_of_the_dry_run(county_tree):
    """Past the parse (which says "早于出生日期" itself), the members table's own check
    constraints still decide: a row breaking one is an error, never a failed write."""
    data = {
        "real_name": "甲",
        "id_number": make_id(),
        "sex": "male",
        "birth_date": dt.date(1985, 3, 15),
        "employment_form": "regular",
        "join_date": dt.date(1984, 1, 1),
        "card_number": "",
    }
    good = RowResult(row=2, status="valid", messages=[], data={**data, "join_date": dt.date(2020, 1, 1)})
    bad = RowResult(row=3, status="valid", messages=[], data=data)
    refused = _refused_by_constraints([good, bad])
    assert list(refused) == [3] and "请核对" in refused[3][0]


@pytest.mark.django_db
def test_an_archived_union_is_refused_for_the_whole_file(county_tree, chair_a, tmp_path):
    """The rule member_create applies to one member (a registered grassroots union), once."""
    from django.utils import timezone

    union = county_tree["union_a"]
    type(union).objects.filter(pk=union.pk).update(archived_at=timezone.now())
    union.refresh_from_db()
    record = roster_import_execute(import_id=_roster(tmp_path, union, chair_a, [GOOD]).pk)
    assert record.status == "failed" and "在册的基层工会" in record.error
    assert not Member.objects.exists()
