"""The demo county's training: last year's two batches attended and certified, this year's batch
open with quotas and a waiting list, a township class, untrained cadres; idempotent."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from apps.accounts.models import User
from apps.branches.models import Officer
from apps.training import demo as training_demo
from apps.training.choices import NominationStatus, ProgrammeKind, ProgrammeStatus
from apps.training.models import Attendance, Certificate, Nomination, Programme, Quota, Session
from apps.training.selectors import untrained_cadres, untrained_cadres_by_township
from apps.training.services.certificates import certificate_number_part

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (seed_demo takes a while), rolled back at its end."""
    from apps.accounts.roles import sync_role_permissions
    from apps.contracts.rules import rule_profile_default

    with django_db_blocker.unblock(), transaction.atomic():
        sync_role_permissions()
        rule_profile_default()
        call_command("seed_demo", force=True)
        yield timezone.localdate()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return demo_loaded


def _counts():
    return [
        model.objects.count() for model in (Programme, Session, Quota, Nomination, Attendance, Certificate, Officer)
    ]


def test_last_years_two_batches_were_attended_and_certified(demo):
    batches = Programme.objects.filter(kind=ProgrammeKind.COUNTY_BATCH, year=demo.year - 1).order_by("batch")
    assert [b.batch for b in batches] == [1, 2]
    for batch in batches:
        assert batch.status == ProgrammeStatus.FINISHED
        enrolled = batch.nominations.filter(status=NominationStatus.NOMINATED)
        assert 100 <= enrolled.count() <= 150
        assert batch.sessions.count() == 5
        assert Attendance.objects.filter(session__programme=batch).count() == 5 * enrolled.count()
        completed = enrolled.filter(completed=True)
        assert 0 < enrolled.filter(completed=False).count() < completed.count()
        assert Certificate.objects.filter(nomination__programme=batch).count() == completed.count()
        assert completed.filter(hours_attended=24).exists()  # absent once: exactly 80 %, completes


def test_certificates_are_numbered_once_each(demo):
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) > 200
    first_batch = Programme.objects.get(year=demo.year - 1, batch=1, kind=ProgrammeKind.COUNTY_BATCH)
    # The demo county sits under its city and province: its code goes in front of the batch.
    assert first_batch.organiser.depth > 1
    part = certificate_number_part(first_batch)
    assert part == f"{first_batch.organiser.code or f'C{first_batch.organiser.pk}'}-01"
    assert Certificate.objects.filter(number=f"PX-{demo.year - 1}-{part}-0001").exists()
    assert not Certificate.objects.filter(nomination__completed=False).exists()


def test_this_years_batch_is_open_with_quotas_and_a_waiting_list(demo):
    batch = Programme.objects.get(kind=ProgrammeKind.COUNTY_BATCH, year=demo.year, status=ProgrammeStatus.SCHEDULED)
    assert batch.signup_open_on(demo)
    assert batch.quotas.count() == 10
    waiting = batch.nominations.filter(status=NominationStatus.WAITING)
    assert waiting.count() == 2
    assert {n.township.name for n in waiting} == {f"{training_demo.WAITING_TOWNSHIP}总工会"}
    by_township = batch.nominations.values("township").annotate(n=Count("pk"))
    assert len(by_township) == 5
    assert not batch.sessions.filter(attendances__isnull=False).exists()


def test_the_township_class_ran(demo):
    klass = Programme.objects.get(kind=ProgrammeKind.TOWNSHIP_CLASS)
    assert klass.organiser.name == "牛山街道总工会" and klass.status == ProgrammeStatus.FINISHED
    assert klass.sessions.count() == 3
    assert klass.nominations.filter(member__isnull=False).exists()  # activists, members not officers
    assert klass.nominations.filter(completed=True).exists()
    assert Attendance.objects.filter(session__programme=klass).exists()


def test_the_report_has_untrained_cadres(demo):
    county = User.objects.get(username="county")
    report = untrained_cadres_by_township(user=county, today=demo)
    assert report["total"]["untrained"] > 20
    assert report["total"]["trained"] > 150
    assert sum(row["untrained"] > 0 for row in report["rows"]) >= 5
    assert untrained_cadres(user=county, today=demo).count() == report["total"]["untrained"]


def test_running_the_demo_again_adds_nothing(demo):
    before = _counts()
    call_command("seed_demo", force=True)
    assert _counts() == before
