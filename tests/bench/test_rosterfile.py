"""The benchmark's roster: a realistic file that imports cleanly, and the timing of its import."""

import pytest
from django.apps import apps

from apps.bench.rosterfile import HEADER, build_roster_xlsx, measure_roster_import
from apps.members.models import Member
from apps.members.roster import parse_roster


def test_the_file_parses_with_every_row_valid_and_is_the_same_for_the_same_seed():
    parse = parse_roster(build_roster_xlsx(200, seed=3))
    assert parse.error is None
    assert parse.header_row == 3 and parse.summary_row == 204
    assert set(parse.columns) >= {"real_name", "id_number", "sex", "birth", "mobile", "join_date", "card_number"}
    assert [r.row for r in parse.rows] == list(range(4, 204))
    assert {r.status for r in parse.rows} == {"valid"}, [r.messages for r in parse.rows if r.messages][:3]
    assert len({r.data["id_number"] for r in parse.rows}) == 200
    again = parse_roster(build_roster_xlsx(200, seed=3))
    assert [r.data for r in again.rows] == [r.data for r in parse.rows]
    other = parse_roster(build_roster_xlsx(200, seed=4))
    assert {r.data["id_number"] for r in other.rows}.isdisjoint({r.data["id_number"] for r in parse.rows})


def test_warning_rows_are_spread_through_the_file():
    parse = parse_roster(build_roster_xlsx(100, warnings=4))
    warned = [r.row for r in parse.rows if r.status == "warning"]
    assert len(warned) == 4 and all("手机号码" in r.messages[0] for r in parse.rows if r.status == "warning")
    assert all(r.status != "error" for r in parse.rows)


def test_headers_are_the_shared_samples():
    assert HEADER[:5] == ("序号", "姓名", "性别", "民族", "身份证号码")


@pytest.mark.django_db
def test_measure_checks_then_imports_every_row_with_history(county_tree, admin_user):
    result = measure_roster_import(union=county_tree["union_a"], user=admin_user, content=build_roster_xlsx(200))
    assert set(result) == {
        *("rows", "check_s", "check_rows_per_s", "import_s", "import_rows_per_s"),
        *("floor_rows", "floor_s", "floor_rows_per_s", "check_x_floor", "import_x_floor"),
        *("calamine_read_s", "calamine_rows_per_s", "openpyxl_read_s", "openpyxl_rows_per_s"),
    }
    # The floor read every row of the same file (title, 填报 line, header and 合计 rows too).
    assert result["floor_rows"] == 200 + 4
    assert result["import_x_floor"] > 1 and result["check_x_floor"] > 1
    assert result["rows"] == 200
    assert result["check_s"] > 0 and result["import_rows_per_s"] > 0
    members = Member.objects.filter(union=county_tree["union_a"])
    assert members.count() == 200
    assert members.filter(card_number__startswith="DH").count() == 200  # issued by the portal
    events = apps.get_model("members", "MemberEvent").objects.filter(pgh_label="insert")
    assert events.count() == 200
    assert {e.pgh_context.metadata["user_name"] for e in events.select_related("pgh_context")} == {admin_user.username}
