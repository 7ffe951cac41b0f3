"""Plausibility of members' data: one mobile rule and one date range per field, everywhere."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.urls import reverse
from openpyxl import load_workbook

from apps.members.imports import _value
from apps.members.models import Member, RosterImport
from apps.members.roster import parse_roster
from apps.members.services import member_archive, member_create, member_update
from apps.members.validators import (
    JOIN_DATE_RANGE,
    MobileFormField,
    is_mobile,
    mask_mobile,
    normalize_mobile,
)

from .conftest import make_id

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


# --- the mobile rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("(138)12345678", "13812345678"),
        (13812345678.0, "13812345678"),  # a number cell
    ],
)
def test_what_offices_type_is_normalised_to_the_eleven_digits(typed, stored):
    assert normalize_mobile(typed) == stored and is_mobile(stored)


@pytest.mark.parametrize(
    "value",
    ["-1", "1381234567", "138123456789", "23812345678", "12812345678", "1381234567x", "١٣٨١٢٣٤٥٦٧٨", "138\x0012345678"],
)
def test_anything_else_is_not_a_mobile(value):
    assert not is_mobile(normalize_mobile(value))


@pytest.mark.parametrize(("stored", "shown"), [("13812345678", "138****5678"), ("1381234567", "****"), ("-1", "****")])
def test_masking_does_not_depend_on_the_length(stored, shown):
    assert mask_mobile(stored) == shown
    assert mask_mobile("") == ""


@pytest.mark.django_db
class TestMobileEverywhere:
    def _create(self, union, mobile):
        return member_create(
            user=None,
            union=union,
            real_name="王芳",
            id_number=make_id(serial="321"),
            join_date=datetime.date(2020, 1, 1),
            employment_form="regular",
            mobile=mobile,
        )

    @pytest.mark.parametrize("mobile", ["-1", "1381234567", "12812345678"])
    def test_the_service_refuses_a_malformed_mobile(self, unions, mobile):
        with pytest.raises(ValidationError) as caught:
            self._create(unions["a1"], mobile)
        assert "手机号码" in " ".join(caught.value.message_dict["mobile"])
        assert not Member.objects.filter(real_name="王芳").exists()

    def test_the_service_stores_the_normalised_number(self, unions):
        assert self._create(unions["a1"], "+86 138-1234-5678").mobile == "13812345678"

    def test_an_update_is_checked_too(self, member_a):
        with pytest.raises(ValidationError):
            member_update(user=None, member=member_a, mobile="1381234567")
        assert member_update(user=None, member=member_a, mobile="１３９ ００１３ ９０００").mobile == "13900139000"

    @pytest.mark.parametrize("mobile", ["-1", "1381234567"])
    def test_the_create_form_refuses_it_in_chinese(self, client_for, chair_a, unions, mobile):
        response = client_for(chair_a).post(
            reverse("members:member_create"),
            {
                "union": unions["a1"].pk,
                "real_name": "王芳",
                "id_number": make_id(serial="321"),
                "join_date": "2020-01-01",
                "employment_form": "regular",
                "mobile": mobile,
            },
        )
        assert response.status_code == 200
        assert "手机号码应为以 1 开头的 11 位数字" in response.content.decode()
        assert not Member.objects.filter(real_name="王芳").exists()

    def test_the_edit_form_normalises(self, client_for, chair_a, member_a):
        response = client_for(chair_a).post(
            reverse("members:member_update", kwargs={"pk": member_a.pk}),
            {"real_name": member_a.real_name, "mobile": "+86 139 0013 9000", "employment_form": "regular"},
        )
        assert response.status_code == 302
        member_a.refresh_from_db()
        assert member_a.mobile == "13900139000"

    def test_admin_and_every_model_form_use_the_rule(self, admin_client, member_a):
        form_class = modelform_factory(Member, fields=["mobile"])
        assert isinstance(form_class().fields["mobile"], MobileFormField)
        assert not form_class({"mobile": "-1"}).is_valid()
        response = admin_client.get(reverse("admin:members_member_change", args=[member_a.pk]))
        assert isinstance(response.context["adminform"].form.fields["mobile"], MobileFormField)

    def test_a_stored_malformed_mobile_is_never_shown_or_exported_whole(self, client_for, chair_a, member_a):
        Member.objects.filter(pk=member_a.pk).update(mobile="1515275892")  # an older row, 10 digits
        client = client_for(chair_a)
        page = client.get(member_a.get_absolute_url()).content.decode()
        assert "1515275892" not in page
        for query in ("", "?full=1"):
            sheet = load_workbook(io.BytesIO(client.get(reverse("members:member_export") + query).content)).active
            values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row]
            assert "1515275892" not in " ".join(values) and "****" in values

    def test_a_stored_malformed_mobile_does_not_stop_archiving(self, member_a):
        Member.objects.filter(pk=member_a.pk).update(mobile="1515275892")
        member_archive(user=None, member=member_a, status="left", left_on=datetime.date(2024, 1, 1), reason="调离")

    @pytest.mark.parametrize(("cell", "stored"), [("-1", ""), ("1381234567", ""), ("+86 138 1234 5678", "13812345678")])
    def test_the_roster_check_and_the_import_write_use_the_same_rule(self, cell, stored):
        book = openpyxl.Workbook()
        book.active.append(["姓名", "身份证号码", "用工形式", "入会时间", "手机号码"])
        book.active.append(["甲", make_id(serial="111"), "合同工", "2020-01-01", cell])
        buffer = io.BytesIO()
        book.save(buffer)
        (row,) = parse_roster(io.BytesIO(buffer.getvalue())).rows
        assert row.data["mobile"] == stored
        assert (row.status == "warning") == (stored == "")
        assert _value({"mobile": "1381234567"}, "mobile") == "" and _value({"mobile": "-1"}, "mobile") == ""


# --- dates -----------------------------------------------------------------------------------------


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestMemberDates:
    def test_leaving_before_joining_is_refused_with_a_chinese_message(self, member_a):
        with pytest.raises(ValidationError) as caught:
            member_archive(user=None, member=member_a, status="left", left_on=datetime.date(2019, 9, 18), reason="调离")
        assert "不能早于入会日期" in " ".join(caught.value.message_dict["left_on"])
        member_a.refresh_from_db()
        assert member_a.status == "active" and member_a.left_on is None

    def test_the_archive_form_shows_it(self, client_for, chair_a, member_a):
        response = client_for(chair_a).post(
            reverse("members:member_archive", kwargs={"pk": member_a.pk}),
            {"status": "left", "left_on": "2019-09-18", "reason": "调离"},
        )
        assert response.status_code == 200 and "不能早于入会日期" in response.content.decode()

    def test_the_database_refuses_leaving_before_joining(self, member_a):
        with pytest.raises(IntegrityError, match="members_member_left_after_joined"), transaction.atomic():
            Member.objects.filter(pk=member_a.pk).update(status="left", left_on=datetime.date(2019, 9, 18))

    @pytest.mark.parametrize(
        "left_on", [datetime.date(1, 1, 1), datetime.date(2026, 12, 2), datetime.date(9999, 12, 31)]
    )
    def test_an_implausible_leaving_date_is_refused(self, member_a, left_on):
        with pytest.raises(ValidationError) as caught:
            member_archive(user=None, member=member_a, status="left", left_on=left_on, reason="调离")
        assert "日期不合理" in " ".join(caught.value.message_dict["left_on"])

    @pytest.mark.parametrize("join_date", [datetime.date(1, 1, 1), datetime.date(2026, 12, 2)])
    def test_an_implausible_join_date_is_refused(self, unions, join_date):
        with pytest.raises(ValidationError) as caught:
            member_create(
                user=None,
                union=unions["a1"],
                real_name="王芳",
                id_number=make_id(serial="321"),
                join_date=join_date,
                employment_form="regular",
            )
        assert "日期不合理" in " ".join(caught.value.message_dict["join_date"])

    def test_the_create_form_shows_an_implausible_join_date_in_chinese(self, client_for, chair_a, unions):
        response = client_for(chair_a).post(
            reverse("members:member_create"),
            {
                "union": unions["a1"].pk,
                "real_name": "王芳",
                "id_number": make_id(serial="321"),
                "join_date": "0001-01-01",
                "employment_form": "regular",
            },
        )
        assert response.status_code == 200 and "日期不合理" in response.content.decode()
        assert not Member.objects.filter(real_name="王芳").exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("birth_date", datetime.date(1, 1, 1)),
            ("join_date", datetime.date(1, 1, 1)),
            ("join_date", datetime.date(9999, 12, 31)),
            ("left_on", datetime.date(9999, 12, 31)),
        ],
    )
    def test_the_database_refuses_dates_outside_its_window(self, member_a, field, value):
        with pytest.raises(IntegrityError, match=f"members_member_{field}_plausible"), transaction.atomic():
            status = "left" if field == "left_on" else "active"
            Member.objects.filter(pk=member_a.pk).update(**{field: value, "status": status})

    @pytest.mark.parametrize(
        "day",
        [
            datetime.date(2026, 12, 1),
            datetime.date(2026, 12, 2),
            datetime.date(2030, 1, 1),
            datetime.date(1986, 1, 1),
            datetime.date(1899, 12, 31),
        ],
    )
    def test_the_roster_check_applies_the_join_date_validator(self, day):
        """A dry run that says valid cannot fail at write time: the same range decides both."""
        number = make_id(birth="19000101")  # born 1900: the join date alone decides
        book = openpyxl.Workbook()
        book.active.append(["姓名", "身份证号码", "用工形式", "入会时间"])
        book.active.append(["甲", number, "合同工", day.isoformat()])
        buffer = io.BytesIO()
        book.save(buffer)
        (row,) = parse_roster(io.BytesIO(buffer.getvalue())).rows
        try:
            JOIN_DATE_RANGE(day)
            accepted = True
        except ValidationError:
            accepted = False
        assert (row.status != "error") == accepted, row.messages
        if not accepted:
            assert row.messages[0].startswith("入会时间：")

    def test_a_checked_roster_writes_what_it_said(self, county_tree, chair_a, tmp_path):
        from apps.members.imports import roster_import_execute

        book = openpyxl.Workbook()
        book.active.append(["姓名", "身份证号码", "用工形式", "入会时间", "手机号码"])
        book.active.append(["甲", make_id(serial="111"), "合同工", "2026-12-01", "138 0013 8000"])
        book.active.append(["乙", make_id(serial="131"), "合同工", "2026-12-02", "13800138001"])
        path = tmp_path / "r.xlsx"
        book.save(path)
        record = RosterImport.objects.create(
            union=county_tree["union_a"],
            uploaded_by=chair_a,
            file_name="r.xlsx",
            content=path.read_bytes(),
            commit=True,
        )
        done = roster_import_execute(import_id=record.pk)
        assert (done.summary["create"], done.summary["skip"]) == (1, 1)
        member = Member.objects.get(real_name="甲")
        assert member.mobile == "13800138000"
        member.full_clean()  # what the import wrote passes the model's own rules


# --- rows stored before these rules: the migration repairs them ------------------------------------


@pytest.mark.django_db
def test_the_migration_repairs_rows_stored_before_the_rules(unions, member_a, capsys, client_for, county_user):
    """A deployment holding an archived member with a year-1 leaving date, one who left before
    joining, a join date in 2150 and malformed mobiles can add the constraints, and reads them."""
    import importlib

    from django.apps import apps as django_apps
    from django.db import connection

    migration = importlib.import_module("apps.members.migrations.0007_member_plausible_dates_mobile")
    others = [
        member_create(
            user=None,
            union=unions["a1"],
            real_name=f"旧会员{n}",
            id_number=make_id(serial=f"{n:03d}"),
            join_date=datetime.date(2019, 9, 19),
            employment_form="regular",
        )
        for n in range(200, 204)
    ]
    year_one, left_early, far_join, mobiles = others
    added = [
        c
        for c in Member._meta.constraints
        if c.name.endswith("_plausible") or c.name == "members_member_left_after_joined"
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for constraint in added:
            cursor.execute(f"ALTER TABLE members_member DROP CONSTRAINT {constraint.name}")
        bad = {
            year_one.pk: "status = 'left', left_on = '0001-01-01', leave_reason = '离职'",
            left_early.pk: "status = 'left', left_on = '2018-01-01', leave_reason = '离职'",
            far_join.pk: "join_date = '2150-06-01'",
            mobiles.pk: "mobile = '１３８１２３４５６７８'",  # full-width digits
            member_a.pk: "mobile = '-1'",
        }
        for pk, change in bad.items():
            cursor.execute(f"UPDATE members_member SET {change} WHERE id = %s", [pk])  # noqa: S608
        cursor.execute("UPDATE members_member SET mobile = '1381234567' WHERE id = %s", [far_join.pk])
    with connection.schema_editor() as editor:
        migration.repair_implausible_rows(django_apps, editor)
        for constraint in added:
            editor.add_constraint(Member, constraint)
    for member in (*others, member_a):
        member.refresh_from_db()
    today = timezone_today()
    assert year_one.left_on == today and left_early.left_on == today  # the day the row last changed
    assert far_join.join_date == today  # the day the record was created
    assert (mobiles.mobile, member_a.mobile, far_join.mobile) == ("13812345678", "", "")
    printed = capsys.readouterr().out
    assert str(year_one.pk) in printed and "旧会员" not in printed and "1381234567" not in printed
    # The history's copies were repaired with the rows: the member's history page reads them.
    from apps.members.models import MemberEvent

    assert not MemberEvent.objects.filter(left_on__lt=datetime.date(1900, 1, 1)).exists()
    client = client_for(county_user)
    assert client.get(year_one.get_absolute_url()).status_code == 200
    assert "旧会员200" in client.get(reverse("members:member_list")).content.decode()


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()
