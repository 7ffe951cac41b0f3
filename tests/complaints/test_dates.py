"""Plausible dates on complaints: refused by the form, the service and the database; pages and
the deadline sweep keep working for everyone else."""

import datetime
import io
import logging

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.complaints.models import Complaint, ComplaintAttachment, ComplaintReminder, ComplaintStep
from apps.complaints.services import complaint_deadline_sweep, complaint_transition
from apps.core.models import Notification

SH = datetime.timezone(datetime.timedelta(hours=8))
FAR_PAST = datetime.datetime(1, 1, 1, 10, 0, tzinfo=SH)
FAR_FUTURE = datetime.datetime(9999, 12, 31, 10, 0, tzinfo=SH)
MESSAGE = "日期不合理"


def form_data(enterprise, received_at):
    return {
        "received_at": received_at,
        "channel": "hotline",
        "enterprise": enterprise.pk,
        "category": "wages",
        "complainant_name": "李娜",
        "description": "加班费未发",
        "confidential": "on",
    }


@pytest.mark.django_db
class TestReceivedInYearOne:
    def test_the_form_refuses_it_and_every_page_and_the_sweep_keep_working(
        self, client_for, chair_a, county_user, factories, register
    ):
        """The probe's reproduction: year 1 was stored as a BC timestamp that broke the list for everyone."""
        other = register(timezone.now() - datetime.timedelta(days=10))
        client = client_for(chair_a)
        response = client.post(reverse("complaints:complaint_create"), form_data(factories["a"], "0001-01-01T10:00"))
        assert response.status_code == 200
        assert MESSAGE in response.content.decode()
        assert Complaint.objects.count() == 1
        for user in (chair_a, county_user):
            client = client_for(user)
            assert other.tracking_number in client.get(reverse("complaints:complaint_list")).content.decode()
            assert client.get(reverse("complaints:complaint_detail", kwargs={"pk": other.pk})).status_code == 200
            sheet = load_workbook(io.BytesIO(client.get(reverse("complaints:complaint_export")).content)).active
            assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [other.tracking_number]
        assert complaint_deadline_sweep() == {"warning": 1, "overdue": 1, "escalation": 1}

    def test_the_form_refuses_implausible_receipt_times_in_chinese(self, client_for, chair_a, factories):
        client = client_for(chair_a)
        in_two_days = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        for value in ("0001-01-01T10:00", "1899-12-31T10:00", "1999-12-31T23:59", "9999-12-31T23:59", in_two_days):
            response = client.post(reverse("complaints:complaint_create"), form_data(factories["a"], value))
            assert response.status_code == 200
            assert MESSAGE in response.content.decode(), value
        assert not Complaint.objects.exists()


TEN_IN_THE_MORNING = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=SH)


@pytest.mark.django_db
class TestOneRuleForTheFormAndTheService:
    """Received not later than now (five minutes of slack): the form said "end of today" while
    the service said "now + 5 min", so 23:59 this morning passed the form and failed the service."""

    @time_machine.travel(TEN_IN_THE_MORNING, tick=False)
    def test_later_today_is_refused_by_the_form_and_by_the_service(self, client_for, chair_a, factories, register):
        response = client_for(chair_a).post(
            reverse("complaints:complaint_create"), form_data(factories["a"], "2026-12-01T23:59")
        )
        assert response.status_code == 200
        assert response.context["form"].errors["received_at"] == [
            "日期不合理：不能晚于现在（2026-12-01 10:05），请核对日期和时间。"
        ]
        with pytest.raises(ValidationError) as caught:
            register(datetime.datetime(2026, 12, 1, 23, 59, tzinfo=SH))
        assert caught.value.message_dict["received_at"] == response.context["form"].errors["received_at"]
        assert not Complaint.objects.exists()

    @time_machine.travel(TEN_IN_THE_MORNING, tick=False)
    def test_a_few_minutes_ahead_is_accepted_by_both(self, client_for, chair_a, factories, register):
        response = client_for(chair_a).post(
            reverse("complaints:complaint_create"), form_data(factories["a"], "2026-12-01T10:04")
        )
        assert response.status_code == 302, response.context["form"].errors
        register(datetime.datetime(2026, 12, 1, 10, 5, tzinfo=SH))
        assert Complaint.objects.count() == 2


@pytest.mark.django_db
class TestService:
    @pytest.mark.parametrize(
        "received_at, message",
        [(FAR_PAST, MESSAGE), (datetime.datetime(1999, 12, 31, 12, tzinfo=SH), MESSAGE), (FAR_FUTURE, MESSAGE)],
    )
    def test_register_refuses_with_the_field_named(self, register, received_at, message):
        with pytest.raises(ValidationError) as caught:
            register(received_at)
        assert message in " ".join(caught.value.message_dict["received_at"])
        assert not Complaint.objects.exists()

    def test_the_earliest_plausible_receipt_is_accepted(self, register):
        complaint = register(datetime.datetime(2000, 1, 1, 0, 0, tzinfo=SH))
        assert complaint.due_at == datetime.datetime(2000, 1, 9, tzinfo=SH)

    @pytest.mark.parametrize("answered_at", [FAR_PAST, FAR_FUTURE])
    def test_an_implausible_answer_time_is_refused(self, register, chair_a, answered_at):
        complaint = register(timezone.now() - datetime.timedelta(days=1))
        complaint_transition(user=chair_a, complaint=complaint, to_status="investigating")
        with pytest.raises(ValidationError) as caught:
            complaint_transition(
                user=chair_a,
                complaint=complaint,
                to_status="answered",
                answer_method="phone",
                answer_text="已答复",
                answered_at=answered_at,
            )
        assert "answered_at" in caught.value.message_dict
        complaint.refresh_from_db()
        assert complaint.status == "investigating" and complaint.answered_at is None


@pytest.mark.django_db
class TestDatabase:
    def test_a_raw_update_beyond_the_window_is_refused(self, register):
        complaint = register(timezone.now() - datetime.timedelta(days=1))
        for changes in (
            {"received_at": "0001-01-01 10:00+08"},
            {"received_at": "1899-12-31 23:59+08"},
            {"due_at": "2100-01-01 00:00+08"},
            {"due_at": "9999-12-31 00:00+08"},
            {"answered_at": "2100-01-01 00:00+08"},
            {"closed_at": "2100-01-01 00:00+08"},
            {"received_at": "2100-01-01 00:00+08", "due_at": "2100-01-09 00:00+08"},
        ):
            assignments = ", ".join(f"{field} = %s" for field in changes)
            with pytest.raises(IntegrityError, match=f"({'|'.join(changes)})_plausible"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE complaints_complaint SET {assignments} WHERE id = %s",  # noqa: S608
                        [*changes.values(), complaint.pk],
                    )
        complaint.refresh_from_db()  # still readable

    def test_the_clock_set_times_are_within_the_window_too(self, register, chair_a):
        complaint = register(timezone.now() - datetime.timedelta(days=10))
        complaint_deadline_sweep()
        ComplaintAttachment.objects.create(
            complaint=complaint, file_name="a.png", content_type="image/png", size=1, content=b"x", uploaded_by=chair_a
        )
        for model, field in (
            (ComplaintStep, "at"),
            (ComplaintReminder, "sent_at"),
            (ComplaintAttachment, "uploaded_at"),
        ):
            with pytest.raises(IntegrityError, match=f"{field}_plausible"), transaction.atomic():
                model.objects.filter(complaint=complaint).update(**{field: FAR_PAST})

    def test_a_closing_before_receipt_is_refused(self, register):
        complaint = register(timezone.now() - datetime.timedelta(days=1))
        with pytest.raises(IntegrityError, match="closed_after_received"), transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(closed_at=complaint.received_at - datetime.timedelta(1))

    def test_rows_at_the_edges_of_the_window_are_read_and_shown(self, client_for, county_user, register):
        """What the database lets in, every page can read and do arithmetic on."""
        early = register(timezone.now() - datetime.timedelta(days=1))
        late = register(timezone.now() - datetime.timedelta(days=1))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE complaints_complaint SET received_at = '1900-01-01 00:00+08', due_at = '1900-01-09 00:00+08'"
                " WHERE id = %s",
                [early.pk],
            )
            cursor.execute(
                "UPDATE complaints_complaint SET due_at = '2099-12-31 23:59:59.999999+08' WHERE id = %s", [late.pk]
            )
        client = client_for(county_user)
        listing = client.get(reverse("complaints:complaint_list")).content.decode()
        assert early.tracking_number in listing and late.tracking_number in listing
        for complaint in (early, late):
            assert client.get(reverse("complaints:complaint_detail", kwargs={"pk": complaint.pk})).status_code == 200
        assert client.get(reverse("complaints:complaint_export")).status_code == 200
        assert client.get(reverse("complaints:statistics")).status_code == 200
        assert complaint_deadline_sweep()["overdue"] == 1


@pytest.mark.django_db
def test_date_filters_of_the_list_and_the_export_never_fail(client_for, county_user, register):
    complaint = register(timezone.now() - datetime.timedelta(days=1))
    client = client_for(county_user)
    for query in (
        {"from": "0000-01-01"},
        {"from": "0001-01-01"},
        {"to": "9999-12-31"},
        {"from": "9999-12-31", "to": "0001-01-01"},
        {"from": "99999-01-01"},
        {"from": "-2026-01-01"},
        {"to": "２０２６-０１-０１"},
        {"from": "2026-02-30"},
        {"from": "2026-01-01" * 1000},
    ):
        response = client.get(reverse("complaints:complaint_list"), query)
        assert response.status_code == 200, query
        assert client.get(reverse("complaints:complaint_export"), query).status_code == 200, query
        if query == {"to": "9999-12-31"}:
            assert complaint.tracking_number in response.content.decode()


# --- one bad row never stops the sweep -----------------------------------------------------------


@pytest.fixture
def three_due(register):
    received = timezone.now() - datetime.timedelta(days=10)
    return [register(received + datetime.timedelta(minutes=i)) for i in range(3)]


def break_row(complaint):
    """A legacy row the database refuses to update: a rule added NOT VALID, as an old deployment has."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred checks
        cursor.execute(
            "ALTER TABLE complaints_complaint ADD CONSTRAINT test_legacy_row "
            f"CHECK (id <> {int(complaint.pk)} OR NOT is_overdue) NOT VALID"
        )


def mend_row():
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE complaints_complaint DROP CONSTRAINT test_legacy_row")


@pytest.mark.django_db
class TestSweepCarriesOn:
    def test_a_row_the_database_refuses_does_not_stop_the_others(self, three_due, chair_a, county_user, caplog):
        good, bad, also_good = three_due
        break_row(bad)
        with caplog.at_level(logging.WARNING, logger="apps.complaints.services"):
            result = complaint_deadline_sweep()
        assert result == {"warning": 2, "overdue": 2, "escalation": 2}
        for complaint in (good, also_good):
            complaint.refresh_from_db()
            assert complaint.is_overdue
            assert ComplaintReminder.objects.filter(complaint=complaint).count() == 3
        bad.refresh_from_db()
        assert not bad.is_overdue and not ComplaintReminder.objects.filter(complaint=bad).exists()
        assert Notification.objects.filter(recipient=chair_a).count() == 4
        assert Notification.objects.filter(recipient=county_user).count() == 2
        logged = caplog.text
        assert f"complaint {bad.pk}" in logged
        # Only the id: no complainant, no mobile, no row contents from the database's error text.
        assert "李娜" not in logged and "王强" not in logged and "13912345678" not in logged
        assert "迟到被扣全勤奖" not in logged

        # The next run sends the good ones nothing again and retries the bad one.
        assert complaint_deadline_sweep() == {"warning": 0, "overdue": 0, "escalation": 0}
        assert ComplaintReminder.objects.count() == 6
        mend_row()
        assert complaint_deadline_sweep() == {"warning": 1, "overdue": 1, "escalation": 1}
        assert complaint_deadline_sweep() == {"warning": 0, "overdue": 0, "escalation": 0}
        assert ComplaintReminder.objects.count() == 9
        assert Notification.objects.filter(recipient=chair_a).count() == 6

    def test_a_failure_while_writing_one_notification_skips_that_complaint_only(
        self, three_due, chair_a, monkeypatch, caplog
    ):
        from apps.complaints import services

        good, bad, also_good = three_due
        real = services._notification_title

        def faulty(complaint, kind, last_day):
            if complaint.pk == bad.pk:
                raise OverflowError("date value out of range")
            return real(complaint, kind, last_day)

        monkeypatch.setattr(services, "_notification_title", faulty)
        with caplog.at_level(logging.WARNING, logger="apps.complaints.services"):
            assert complaint_deadline_sweep() == {"warning": 2, "overdue": 2, "escalation": 2}
        assert f"complaint {bad.pk}" in caplog.text
        assert not ComplaintReminder.objects.filter(complaint=bad).exists()
        assert ComplaintReminder.objects.filter(complaint__in=[good, also_good]).count() == 6
        monkeypatch.setattr(services, "_notification_title", real)
        assert complaint_deadline_sweep() == {"warning": 1, "overdue": 1, "escalation": 1}
        assert Notification.objects.filter(recipient=chair_a).count() == 6

    def test_a_lost_database_connection_is_not_taken_for_a_bad_row(self, three_due, monkeypatch):
        from django.db import OperationalError

        from apps.complaints import services

        def down(*args, **kwargs):
            raise OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(services, "_notification_title", down)
        with pytest.raises(OperationalError):
            complaint_deadline_sweep()
        assert not ComplaintReminder.objects.exists()


@pytest.mark.django_db
def test_the_migration_repairs_rows_stored_before_the_window(register, client_for, county_user):
    """A deployment that already holds a year-1 complaint can add the constraints, and read it again."""
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("apps.complaints.migrations.0005_plausible_dates")
    complaint = register(timezone.now() - datetime.timedelta(days=1))
    plausible = [c for c in Complaint._meta.constraints if c.name.endswith("_plausible")]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for constraint in plausible:
            cursor.execute(f"ALTER TABLE complaints_complaint DROP CONSTRAINT {constraint.name}")
        cursor.execute(
            "UPDATE complaints_complaint SET received_at = '0001-01-01 10:00+08', due_at = '0001-01-09 00:00+08',"
            " status = 'answered', answered_at = '0001-01-02 10:00+08' WHERE id = %s",
            [complaint.pk],
        )
    with connection.schema_editor() as editor:
        migration.repair_implausible_times(django_apps, editor)
        for constraint in plausible:
            editor.add_constraint(Complaint, constraint)
    complaint.refresh_from_db()
    assert complaint.received_at == complaint.created_at
    assert complaint.due_at > complaint.received_at and complaint.answered_at >= complaint.received_at
    client = client_for(county_user)
    assert complaint.tracking_number in client.get(reverse("complaints:complaint_list")).content.decode()
    assert client.get(reverse("complaints:complaint_detail", kwargs={"pk": complaint.pk})).status_code == 200
