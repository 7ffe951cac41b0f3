"""民族, 文化程度 and 政治面貌 as standard codes: one mapping for the form, admin, the services and
the roster import; the data migration keeps what no code reads."""

import datetime

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from apps.members.choices import Education, Ethnicity, PoliticalStatus
from apps.members.codelists import code_for, note_without, unmapped_note
from apps.members.models import Member
from apps.members.roster import parse_roster
from apps.members.services import member_create, member_update
from tests.members.conftest import make_id

# What offices write -> the code stored. The import mapping table.
MAPPING = [
    ("ethnicity", "汉", "01"),
    ("ethnicity", "汉族", "01"),
    ("ethnicity", "Han", "01"),
    ("ethnicity", "ＨＡＮ", "01"),
    ("ethnicity", " 汉 族 ", "01"),
    ("ethnicity", "01", "01"),
    ("ethnicity", "1", "01"),
    ("ethnicity", "回", "03"),
    ("ethnicity", "蒙古族", "02"),
    ("ethnicity", "土家", "15"),
    ("ethnicity", "土族", "30"),
    ("ethnicity", "穿青人", "97"),
    ("ethnicity", "其他", "97"),
    ("ethnicity", "基诺族", "56"),
    ("education", "研究生", "10"),
    ("education", "硕士", "10"),
    ("education", "本科", "20"),
    ("education", "大学本科", "20"),
    ("education", "大专", "30"),
    ("education", "专科", "30"),
    ("education", "大学专科", "30"),
    ("education", "中专", "41"),
    ("education", "职高", "42"),
    ("education", "技校", "43"),
    ("education", "高中", "60"),
    ("education", "初中", "70"),
    ("education", "小学", "80"),
    ("education", "30", "30"),
    ("political_status", "党员", "01"),
    ("political_status", "中共党员", "01"),
    ("political_status", "预备党员", "02"),
    ("political_status", "中共预备党员", "02"),
    ("political_status", "团员", "03"),
    ("political_status", "共青团员", "03"),
    ("political_status", "民革会员", "04"),
    ("political_status", "九三学社", "10"),
    ("political_status", "无党派人士", "12"),
    ("political_status", "群众", "13"),
    ("political_status", "", ""),
]


@pytest.mark.parametrize(("field", "written", "code"), MAPPING)
def test_what_offices_write_reads_as_its_standard_code(field, written, code):
    assert code_for(field, written) == code


def test_the_lists_are_the_standards():
    assert len([c for c in Ethnicity.values if int(c) <= 56]) == 56
    assert Ethnicity("01").label == "汉族" and Ethnicity("56").label == "基诺族"
    assert all(len(code) == 2 and code.isdigit() for code in Ethnicity.values + Education.values)
    assert [str(label) for label in Education.labels] == [
        "研究生",
        "大学本科",
        "大学专科",
        "中等专科",
        "职业高中",
        "技工学校",
        "普通高中",
        "初中",
        "小学",
        "其他",
    ]
    assert PoliticalStatus("01").label == "中共党员" and PoliticalStatus("13").label == "群众"
    assert len(set(Ethnicity.labels)) == len(Ethnicity.values)


@pytest.mark.parametrize(
    ("field", "written", "words"),
    [
        ("ethnicity", "火星族", ["民族", "火星族", "汉族"]),
        ("education", "幼儿园", ["文化程度", "大学专科", "普通高中"]),
        ("political_status", "党外人士", ["政治面貌", "中共党员", "群众"]),
    ],
)
def test_a_value_no_code_reads_is_refused_in_chinese_listing_the_accepted_forms(field, written, words):
    with pytest.raises(ValidationError) as caught:
        code_for(field, written)
    message = caught.value.message_dict[field][0]
    assert all(word in message for word in words), message


def test_the_note_keeps_what_a_catch_all_code_cannot_say():
    assert unmapped_note({"ethnicity": "穿青人", "education": "大专", "political_status": "党员"}) == "民族：穿青人"
    assert unmapped_note({"ethnicity": "其他", "education": "扫盲班"}) == "文化程度：扫盲班"
    assert note_without("民族：穿青人；文化程度：扫盲班", ["ethnicity"]) == "文化程度：扫盲班"


@pytest.mark.django_db
class TestServices:
    def test_create_stores_codes_and_keeps_the_original_of_a_catch_all(self, unions):
        member = member_create(
            user=None,
            union=unions["a1"],
            real_name="王芳",
            id_number=make_id(serial="301"),
            join_date=datetime.date(2020, 1, 1),
            employment_form="regular",
            ethnicity="穿青人",
            education="大专",
            political_status="党员",
        )
        member.refresh_from_db()
        assert (member.ethnicity, member.education, member.political_status) == ("97", "30", "01")
        assert member.code_list_note == "民族：穿青人"
        assert member.get_education_display() == "大学专科"

    def test_an_unreadable_value_is_refused_and_nothing_is_saved(self, unions):
        with pytest.raises(ValidationError) as caught:
            member_create(
                user=None,
                union=unions["a1"],
                real_name="王芳",
                id_number=make_id(serial="302"),
                join_date=datetime.date(2020, 1, 1),
                employment_form="regular",
                education="幼儿园",
                political_status="外星人",
            )
        assert set(caught.value.message_dict) == {"education", "political_status"}
        assert not Member.objects.filter(real_name="王芳").exists()

    def test_update_reads_the_same_and_an_answered_field_leaves_the_note(self, member_a):
        Member.objects.filter(pk=member_a.pk).update(code_list_note="民族：穿青人；文化程度：扫盲班")
        member_a.refresh_from_db()
        member = member_update(user=None, member=member_a, ethnicity="汉", political_status="预备党员")
        member.refresh_from_db()
        assert (member.ethnicity, member.political_status) == ("01", "02")
        assert member.code_list_note == "文化程度：扫盲班"
        with pytest.raises(ValidationError):
            member_update(user=None, member=member, ethnicity="火星族", real_name="改名")
        member.refresh_from_db()
        assert (member.ethnicity, member.real_name) == ("01", "陈桂")

    def test_the_database_refuses_a_code_not_in_the_list(self, member_a):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Member.objects.filter(pk=member_a.pk).update(ethnicity="汉族")


@pytest.mark.django_db
class TestFormAndAdmin:
    def _post(self, member, **overrides):
        return {
            "real_name": member.real_name,
            "mobile": member.mobile,
            "employment_form": member.employment_form,
            **overrides,
        }

    def test_the_edit_form_offers_the_codes_and_refuses_anything_else_in_chinese(self, client_for, chair_a, member_a):
        client = client_for(chair_a)
        url = reverse("members:member_update", args=[member_a.pk])
        page = client.get(url).content.decode()
        assert '<option value="01">汉族</option>' in page and '<option value="30">大学专科</option>' in page
        response = client.post(url, self._post(member_a, ethnicity="火星族", real_name="改名"))
        assert response.status_code == 200
        assert "民族：无法识别“火星族”" in response.content.decode()
        member_a.refresh_from_db()
        assert (member_a.ethnicity, member_a.real_name) == ("", "陈桂")
        response = client.post(url, self._post(member_a, ethnicity="01", education="大专", political_status="13"))
        assert response.status_code == 302
        member_a.refresh_from_db()
        assert (member_a.ethnicity, member_a.education, member_a.political_status) == ("01", "30", "13")
        page = client.get(member_a.get_absolute_url()).content.decode()
        assert "汉族" in page and "大学专科" in page and "群众" in page

    def test_admin_reads_what_is_written_as_the_portal_does(self, admin_client, member_a):
        url = reverse("admin:members_member_change", args=[member_a.pk])
        response = admin_client.post(url, self._post(member_a, ethnicity="汉", education="本科", political_status=""))
        assert response.status_code == 302, response.content.decode()[:2000]
        member_a.refresh_from_db()
        assert (member_a.ethnicity, member_a.education) == ("01", "20")
        response = admin_client.post(url, self._post(member_a, ethnicity="火星族"))
        assert response.status_code == 200 and "无法识别" in response.content.decode()
        member_a.refresh_from_db()
        assert member_a.ethnicity == "01"


def _roster(tmp_path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "用工形式", "入会时间", "民族", "学历", "政治面貌"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "r.xlsx"
    book.save(path)
    return path


def test_the_roster_import_maps_what_offices_write(tmp_path):
    path = _roster(
        tmp_path,
        [
            ["甲", make_id(serial="111"), "合同工", "2020-01-01", "汉", "大专", "党员"],
            ["乙", make_id(serial="131"), "合同工", "2020-01-01", "Han", "本科", "预备党员"],
            ["丙", make_id(serial="151"), "合同工", "2020-01-01", "穿青人", "中专", "团员"],
            ["丁", make_id(serial="171"), "合同工", "2020-01-01", "火星族", "幼儿园", "群众"],
        ],
    )
    rows = parse_roster(path).rows
    codes = [(r.data["ethnicity"], r.data["education"], r.data["political_status"]) for r in rows]
    assert codes[:3] == [("01", "30", "01"), ("01", "20", "02"), ("97", "41", "03")]
    assert rows[2].data["code_list_note"] == "民族：穿青人" and rows[2].status == "valid"
    bad = rows[3]
    assert bad.status == "error"
    # The column named as the file spells it (学历), with the accepted forms; the cell not quoted
    # (the report carries no personal values).
    assert any(m.startswith("民族：无法识别，") for m in bad.errors), bad.errors
    assert any(m.startswith("学历：无法识别，") and "大学专科" in m for m in bad.errors), bad.errors
    assert not any("火星族" in m or "幼儿园" in m for m in bad.errors)


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_free_text_and_keeps_what_no_code_reads(unions):
    from django.db.migrations.executor import MigrationExecutor

    members = [
        member_create(
            user=None,
            union=unions["a1"],
            real_name=f"旧{serial}",
            id_number=make_id(serial=f"{serial:03d}"),
            join_date=datetime.date(2020, 1, 1),
            employment_form="regular",
        )
        for serial in (401, 402, 403)
    ]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("members", "0010_rosterimport_confirmed_by")])
    old = [("汉族", "大专", "党员"), ("穿青人", "扫盲", "团员"), ("", "本科", "无党派")]
    with connection.cursor() as cursor:
        for member, (ethnicity, education, political) in zip(members, old, strict=True):
            cursor.execute(
                "UPDATE members_member SET ethnicity = %s, education = %s, political_status = %s WHERE id = %s",
                [ethnicity, education, political, member.pk],
            )
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    stored = {
        m.real_name: (m.ethnicity, m.education, m.political_status, m.code_list_note)
        for m in Member.objects.filter(pk__in=[m.pk for m in members])
    }
    assert stored == {
        "旧401": ("01", "30", "01", ""),
        "旧402": ("97", "", "03", "民族：穿青人；文化程度：扫盲"),
        "旧403": ("", "20", "12", ""),
    }


@pytest.mark.django_db
def test_a_reimported_roster_drops_the_note_of_a_field_it_answers_as_member_update_does(member_a, chair_a, tmp_path):
    """The import's update path applies member_update's rule (codelists.note_after_update)."""
    from apps.members.imports import roster_import_execute
    from apps.members.models import RosterImport

    Member.objects.filter(pk=member_a.pk).update(ethnicity="97", code_list_note="民族：穿青人；文化程度：扫盲班")
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码", "用工形式", "入会时间", "民族", "手机号码"])
    book.active.append(["陈桂", make_id(), "合同工", "2019-09-19", "汉族", "15152758929"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    record = RosterImport.objects.create(
        union=member_a.union, uploaded_by=chair_a, file_name="r.xlsx", content=path.read_bytes(), commit=True
    )
    assert roster_import_execute(import_id=record.pk).summary["update"] == 1
    member_a.refresh_from_db()
    assert (member_a.ethnicity, member_a.code_list_note) == ("01", "文化程度：扫盲班")
