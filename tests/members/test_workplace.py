"""工作单位: an enterprise the member's union covers, in the service, the form, the roster import
and admin; shown on the member page and list."""

import datetime

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.members.imports import roster_import_execute
from apps.members.models import Member, RosterImport
from apps.members.services import member_create, member_update, transfer_request
from tests.factories import EnterpriseFactory
from tests.members.conftest import make_id


@pytest.fixture
def places(county_tree, unions):
    """Two enterprises the joint union a2 covers, one of union a1, one of township B's union."""
    return {
        "covered": EnterpriseFactory(township=county_tree["a"], union=unions["a2"], name="白塔埠砖瓦厂"),
        "covered2": EnterpriseFactory(township=county_tree["a"], union=unions["a2"], name="白塔埠机械厂"),
        "other_union": EnterpriseFactory(township=county_tree["a"], union=unions["a1"], name="白塔化工建材厂"),
        "other_township": EnterpriseFactory(township=county_tree["b"], union=unions["b1"], name="平明石英厂"),
    }


def _create(union, serial, **fields):
    return member_create(
        user=None,
        union=union,
        real_name=f"职工{serial}",
        id_number=make_id(serial=f"{serial:03d}"),
        join_date=datetime.date(2020, 1, 1),
        employment_form="regular",
        **fields,
    )


@pytest.mark.django_db
class TestService:
    def test_a_covered_enterprise_is_the_workplace(self, unions, places):
        member = _create(unions["a2"], 501, workplace=places["covered"])
        member.refresh_from_db()
        assert member.workplace == places["covered"]
        member = member_update(user=None, member=member, workplace=places["covered2"])
        member.refresh_from_db()
        assert member.workplace == places["covered2"]

    @pytest.mark.parametrize("where", ["other_union", "other_township"])
    def test_an_enterprise_the_union_does_not_cover_is_refused_and_nothing_saved(self, unions, places, where):
        with pytest.raises(ValidationError) as caught:
            _create(unions["a2"], 502, workplace=places[where])
        assert "不在本会员所在工会的覆盖范围内" in caught.value.message_dict["workplace"][0]
        assert not Member.objects.filter(real_name="职工502").exists()
        member = _create(unions["a2"], 503, workplace=places["covered"])
        with pytest.raises(ValidationError):
            member_update(user=None, member=member, workplace=places[where], real_name="改名")
        member.refresh_from_db()
        assert (member.workplace, member.real_name) == (places["covered"], "职工503")

    def test_an_archived_enterprise_is_refused(self, unions, places):
        from apps.branches.services import enterprise_archive

        enterprise_archive(user=None, enterprise=places["covered2"], reason="注销")
        places["covered2"].refresh_from_db()
        with pytest.raises(ValidationError, match="已注销"):
            _create(unions["a2"], 504, workplace=places["covered2"])

    def test_a_transfer_leaves_the_old_workplace_behind(self, county_user, unions, places):
        member = _create(unions["a2"], 505, workplace=places["covered"])
        # Within one township: settled at once.
        transfer_request(user=county_user, member=member, to_union=unions["a1"], reason="调入新单位")
        member.refresh_from_db()
        assert member.union == unions["a1"] and member.workplace is None


@pytest.mark.django_db
class TestPages:
    def test_the_form_saves_a_covered_workplace_and_refuses_another_in_chinese(
        self, client_for, chair_a, unions, places
    ):
        member = _create(unions["a2"], 511)
        client = client_for(chair_a)
        url = reverse("members:member_update", args=[member.pk])
        data = {"real_name": member.real_name, "employment_form": "regular", "mobile": ""}
        response = client.post(url, {**data, "workplace": places["other_union"].pk})
        assert response.status_code == 200 and "不在本会员所在工会的覆盖范围内" in response.content.decode()
        response = client.post(url, {**data, "workplace": places["other_township"].pk})
        assert response.status_code == 200  # not even a choice for township A's chair
        member.refresh_from_db()
        assert member.workplace is None
        assert client.post(url, {**data, "workplace": places["covered"].pk}).status_code == 302
        member.refresh_from_db()
        assert member.workplace == places["covered"]
        page = client.get(member.get_absolute_url()).content.decode()
        assert "白塔埠砖瓦厂" in page
        listing = client.get(reverse("members:member_list")).content.decode()
        assert "工作单位" in listing and "白塔埠砖瓦厂" in listing

    def test_the_create_form_checks_the_workplace_against_the_chosen_union(self, client_for, chair_a, unions, places):
        client = client_for(chair_a)
        data = {
            "union": unions["a1"].pk,
            "real_name": "新职工",
            "id_number": make_id(serial="512"),
            "join_date": "2024-03-01",
            "employment_form": "regular",
            "workplace": places["covered"].pk,
        }
        response = client.post(reverse("members:member_create"), data)
        assert response.status_code == 200 and "覆盖范围" in response.content.decode()
        assert not Member.objects.filter(real_name="新职工").exists()
        response = client.post(reverse("members:member_create"), {**data, "union": unions["a2"].pk})
        assert response.status_code == 302
        assert Member.objects.get(real_name="新职工").workplace == places["covered"]

    def test_the_autocomplete_offers_the_unions_enterprises_only(self, client_for, chair_a, unions, places):
        import json

        client = client_for(chair_a)
        url = reverse("members:workplace_autocomplete")
        answer = client.post(url, {"q": "", "forward": json.dumps({"union": str(unions["a2"].pk)})}).json()
        assert {r["text"] for r in answer["results"]} == {"白塔埠砖瓦厂", "白塔埠机械厂"}
        answer = client.post(url, {"q": "", "forward": json.dumps({"union": str(unions["b1"].pk)})}).json()
        assert answer["results"] == []  # township B's union: out of the chair's area

    def test_another_union_of_the_same_township_is_neither_offered_nor_accepted(
        self, client_for, chair_a, unions, places
    ):
        """The autocomplete offers workplace_choices(union); workplace_problem refuses the rest."""
        import json

        from apps.members.services import workplace_choices

        client = client_for(chair_a)
        url = reverse("members:workplace_autocomplete")
        answer = client.post(url, {"q": "白塔", "forward": json.dumps({"union": str(unions["a2"].pk)})}).json()
        offered = {int(r["id"]) for r in answer["results"]}
        assert offered == set(
            workplace_choices(unions["a2"]).filter(name__contains="白塔").values_list("pk", flat=True)
        )
        assert places["other_union"].pk not in offered  # union a1's, township A as a2
        data = {
            "union": unions["a2"].pk,
            "real_name": "新职工乙",
            "id_number": make_id(serial="514"),
            "join_date": "2024-03-01",
            "employment_form": "regular",
            "workplace": places["other_union"].pk,
        }
        response = client.post(reverse("members:member_create"), data)
        assert response.status_code == 200 and "覆盖范围" in response.content.decode()
        assert not Member.objects.filter(real_name="新职工乙").exists()

    def test_admin_offers_and_checks_the_same(self, admin_client, unions, places):
        member = _create(unions["a2"], 513)
        url = reverse("admin:members_member_change", args=[member.pk])
        data = {"real_name": member.real_name, "employment_form": "regular", "mobile": ""}
        response = admin_client.post(url, {**data, "workplace": places["other_union"].pk})
        assert response.status_code == 200
        member.refresh_from_db()
        assert member.workplace is None
        response = admin_client.post(url, {**data, "workplace": places["covered"].pk})
        assert response.status_code == 302, response.content.decode()[:2000]
        member.refresh_from_db()
        assert member.workplace == places["covered"]


def _roster(tmp_path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "用工形式", "入会时间", "工作单位", "统一社会信用代码"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "r.xlsx"
    book.save(path)
    return path.read_bytes()


@pytest.mark.django_db
def test_the_import_finds_the_workplace_by_name_or_credit_code(tmp_path, chair_a, unions, places):
    content = _roster(
        tmp_path,
        [
            ["甲", make_id(serial="521"), "合同工", "2020-01-01", "白塔埠 砖瓦厂", ""],
            ["乙", make_id(serial="522"), "合同工", "2020-01-01", "", places["covered2"].credit_code.lower()],
            ["丙", make_id(serial="523"), "合同工", "2020-01-01", "平明石英厂", ""],
            ["丁", make_id(serial="524"), "合同工", "2020-01-01", "", ""],
        ],
    )
    record = RosterImport.objects.create(
        union=unions["a2"], uploaded_by=chair_a, file_name="r.xlsx", content=content, commit=True
    )
    record = roster_import_execute(import_id=record.pk)
    assert record.status == "imported", record.error
    by_row = {entry["row"]: entry for entry in record.report}
    assert [by_row[row]["status"] for row in (2, 3, 4, 5)] == ["valid", "valid", "warning", "valid"]
    assert "不是本工会覆盖的企业" in by_row[4]["messages"][0] and "白塔埠砖瓦厂" in by_row[4]["messages"][0]
    workplaces = {m.real_name: m.workplace for m in Member.objects.filter(union=unions["a2"])}
    assert workplaces == {"甲": places["covered"], "乙": places["covered2"], "丙": None, "丁": None}
    # A re-import corrects the workplace of a member already on record.
    content = _roster(tmp_path, [["丁", make_id(serial="524"), "合同工", "2020-01-01", "白塔埠机械厂", ""]])
    again = RosterImport.objects.create(
        union=unions["a2"], uploaded_by=chair_a, file_name="r.xlsx", content=content, commit=True
    )
    again = roster_import_execute(import_id=again.pk)
    assert again.summary["update"] == 1
    assert Member.objects.get(real_name="丁").workplace == places["covered2"]
