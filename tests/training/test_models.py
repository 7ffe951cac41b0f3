"""The database refuses what must never hold, whoever writes (services bypassed on purpose)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.training.models import Attendance, Certificate, Nomination, Programme, Quota, Session
from apps.training.selectors import township_of

from .conftest import NOW, add_sessions

pytestmark = pytest.mark.django_db


def _nomination(programme, trainee, **fields):
    officer = trainee
    values = {
        "programme": programme,
        "officer": trainee,
        "trainee_name": trainee.name,
        "township": township_of(officer.union),
        "status": "nominated",
        "nominated_at": NOW,
        **fields,
    }
    return values


def test_nobody_is_enrolled_twice_in_one_programme(training_world, batch):
    w = training_world
    Nomination.objects.create(**_nomination(batch, w.officers_a[0]))
    with pytest.raises(IntegrityError, match="training_nomination_officer_once"), transaction.atomic():
        Nomination.objects.create(**_nomination(batch, w.officers_a[0], status="waiting", waiting_position=1))
    # A withdrawn nomination does not count: the same officer may come back.
    Nomination.objects.filter(officer=w.officers_a[0]).update(status="withdrawn", withdrawn_at=NOW)
    Nomination.objects.create(**_nomination(batch, w.officers_a[0]))


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"member": None, "officer": None}, "training_nomination_one_trainee"),
        ({"status": "waiting"}, "training_nomination_waiting_has_position"),
        ({"status": "withdrawn"}, "training_nomination_withdrawn_has_time"),
        ({"completed": True}, "training_nomination_completed_is_enrolled"),
        ({"hours_attended": Decimal("-1")}, "training_nomination_hours_not_negative"),
        ({"score": Decimal("101")}, "training_nomination_score_range"),
    ],
)
def test_a_nominations_rules(training_world, batch, fields, constraint):
    values = _nomination(batch, training_world.officers_a[0], **fields)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Nomination.objects.create(**values)


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("capacity", 0, "training_programme_capacity_positive"),
        ("completion_share", Decimal("1.5"), "training_programme_completion_share_range"),
        ("ends_on", datetime.date(2026, 1, 1), "training_programme_ends_after_start"),
        ("signup_closes_on", datetime.date(2026, 12, 1), "training_programme_signup_window"),
        ("target_groups", ["everyone"], "training_programme_valid_target_groups"),
        ("status", "cancelled", "training_programme_cancelled_has_reason"),
        ("batch", 0, "training_programme_year_and_batch"),
    ],
)
def test_a_programmes_rules(batch, field, value, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Programme.objects.filter(pk=batch.pk).update(**{field: value})


def test_quotas_hours_and_certificates(training_world, batch):
    w = training_world
    with pytest.raises(IntegrityError, match="training_quota_places"), transaction.atomic():
        Quota.objects.create(programme=batch, township=w.tree["a"], places=-1)
    Quota.objects.create(programme=batch, township=w.tree["a"], places=3)
    with pytest.raises(IntegrityError, match="training_quota_one_per_township"), transaction.atomic():
        Quota.objects.create(programme=batch, township=w.tree["a"], places=4)
    with pytest.raises(IntegrityError, match="training_session_hours_range"), transaction.atomic():
        Session.objects.create(programme=batch, held_on=batch.starts_on, hours=Decimal("0"), subject="x")
    (session,) = add_sessions(batch, "4")
    nomination = Nomination.objects.create(**_nomination(batch, w.officers_a[0]))
    with pytest.raises(IntegrityError, match="training_attendance_hours_range"), transaction.atomic():
        Attendance.objects.create(nomination=nomination, session=session, present=False, hours=Decimal("2"))
    Attendance.objects.create(nomination=nomination, session=session, present=True, hours=Decimal("4"))
    with pytest.raises(IntegrityError, match="training_attendance_once_per_session"), transaction.atomic():
        Attendance.objects.create(nomination=nomination, session=session, present=True, hours=Decimal("4"))
    Certificate.objects.create(nomination=nomination, number="PX-2026-01-0001", issued_at=NOW)
    with pytest.raises(IntegrityError, match="training_certificate_one_per_nomination"), transaction.atomic():
        Certificate.objects.create(nomination=nomination, number="PX-2026-01-0002", issued_at=NOW)
    other = Nomination.objects.create(**_nomination(batch, w.officers_a[1]))
    with pytest.raises(IntegrityError, match="training_certificate_unique_number"), transaction.atomic():
        Certificate.objects.create(nomination=other, number="PX-2026-01-0001", issued_at=NOW)
