"""The training services: places, quotas, the waiting list, completion and certificates."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from apps.core.errors import ApplicationError
from apps.training.choices import NominationStatus, ProgrammeKind, ProgrammeStatus
from apps.training.models import Certificate, Nomination
from apps.training.services import (
    AttendanceEntry,
    attendance_record,
    certificate_issue,
    certificates_issue,
    completion_assess,
    completion_reached,
    nomination_create,
    nomination_withdraw,
    programme_cancel,
    programme_update,
    quota_set,
)
from tests.factories import MemberFactory

from .conftest import NOW, add_sessions, make_programme

pytestmark = pytest.mark.django_db


def nominate(w, programme, officer, user=None):
    return nomination_create(user=user or w.chair, programme=programme, officer=officer, now=NOW)


def test_a_county_batch_is_150_places_by_default_and_numbered_per_year(training_world):
    w = training_world
    first = make_programme(w.tree["county"], user=w.county_user)
    second = make_programme(w.tree["county"], user=w.county_user)
    assert (first.capacity, first.batch, second.batch) == (150, 1, 2)
    assert str(first) == "2026年第1期 乡镇工会干部培训班"


def test_a_chair_cannot_open_a_county_batch_nor_another_townships_class(training_world):
    w = training_world
    with pytest.raises(ApplicationError):
        make_programme(w.tree["county"], user=w.chair)
    with pytest.raises(ApplicationError):
        make_programme(w.tree["b"], kind=ProgrammeKind.TOWNSHIP_CLASS, user=w.chair)
    own = make_programme(w.tree["a"], kind=ProgrammeKind.TOWNSHIP_CLASS, user=w.chair)
    assert own.capacity == 60 and own.organiser == w.tree["a"]


def test_capacity_full_goes_to_the_waiting_list_in_order(training_world, batch):
    w = training_world
    got = [nominate(w, batch, officer) for officer in w.officers_a]
    assert [n.status for n in got] == ["nominated"] * 3 + ["waiting"] * 2
    assert [n.waiting_position for n in got[3:]] == [1, 2]
    assert got[0].township == w.tree["a"]


def test_the_township_quota_limits_before_the_capacity(training_world, batch):
    w = training_world
    quota_set(user=w.county_user, programme=batch, township=w.tree["a"], places=1)
    first, second = (nominate(w, batch, o) for o in w.officers_a[:2])
    assert (first.status, second.status) == ("nominated", "waiting")
    # Township B has no quota in a batch with quotas: no place, it waits.
    other = nominate(w, batch, w.officers_b[0], user=w.chair_b)
    assert other.status == "waiting"
    # A larger quota moves A's waiting list up at once.
    quota_set(user=w.county_user, programme=batch, township=w.tree["a"], places=2)
    second.refresh_from_db()
    assert (second.status, second.waiting_position) == ("nominated", None)
    with pytest.raises(ApplicationError, match="不能少于已报名人数"):
        quota_set(user=w.county_user, programme=batch, township=w.tree["a"], places=1)
    with pytest.raises(ApplicationError):
        quota_set(user=w.chair, programme=batch, township=w.tree["a"], places=5)


def test_a_withdrawal_gives_the_place_to_the_first_on_the_waiting_list(training_world, batch):
    w = training_world
    got = [nominate(w, batch, officer) for officer in w.officers_a]
    withdrawn, moved_up = nomination_withdraw(user=w.chair, nomination=got[1], reason="工作冲突", now=NOW)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at == NOW
    assert moved_up == [got[3]]
    statuses = dict(Nomination.objects.values_list("pk", "status"))
    assert statuses[got[3].pk] == "nominated" and statuses[got[4].pk] == "waiting"
    assert Nomination.objects.get(pk=got[4].pk).waiting_position == 2
    # A waiting entry that withdraws frees nothing; nobody else moves.
    _, moved_up = nomination_withdraw(user=w.chair, nomination=got[4], now=NOW)
    assert moved_up == []
    # Withdrawn, the officer may be nominated again (at the end of the list).
    again = nominate(w, batch, w.officers_a[1])
    assert (again.status, again.waiting_position) == ("waiting", 1)


def test_nobody_is_nominated_twice_and_the_window_and_scope_hold(training_world, batch):
    w = training_world
    nominate(w, batch, w.officers_a[0])
    with pytest.raises(ApplicationError, match="已报名"):
        nominate(w, batch, w.officers_a[0])
    with pytest.raises(ApplicationError, match="管理范围"):
        nominate(w, batch, w.officers_b[0])  # chair A nominating B's cadre
    with pytest.raises(ApplicationError, match="现在不能报名"):
        nomination_create(user=w.chair, programme=batch, officer=w.officers_a[1], now=NOW + datetime.timedelta(days=11))
    programme_cancel(user=w.county_user, programme=batch, reason="疫情防控")
    with pytest.raises(ApplicationError, match="已取消"):
        nominate(w, batch, w.officers_a[2])


def test_a_member_can_be_nominated_and_a_township_class_takes_only_its_own(training_world):
    w = training_world
    klass = make_programme(w.tree["a"], kind=ProgrammeKind.TOWNSHIP_CLASS, user=w.chair)
    member = MemberFactory(union=w.tree["union_a"])
    nomination = nomination_create(user=w.chair, programme=klass, member=member, now=NOW)
    assert nomination.status == "nominated" and nomination.trainee_name == member.real_name
    with pytest.raises(ApplicationError, match="只招收"):
        nomination_create(user=w.county_user, programme=klass, officer=w.officers_b[0], now=NOW)


def test_a_larger_capacity_moves_the_waiting_list_up_and_a_smaller_one_is_refused(training_world, batch):
    w = training_world
    got = [nominate(w, batch, officer) for officer in w.officers_a]
    with pytest.raises(ApplicationError):
        programme_update(user=w.county_user, programme=batch, capacity=2)
    programme_update(user=w.county_user, programme=batch, capacity=4)
    assert Nomination.objects.get(pk=got[3].pk).status == "nominated"
    assert Nomination.objects.get(pk=got[4].pk).status == "waiting"


# --- completion -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attended", "completes"),
    [(Decimal("79.9"), False), (Decimal("80.0"), True), (Decimal("80"), True), (Decimal("100"), True)],
)
def test_the_rule_at_its_boundary(attended, completes):
    assert completion_reached(attended=attended, total=Decimal("100"), share=Decimal("0.80")) is completes


def test_completion_from_attendance_at_the_boundary(training_world, batch):
    """Ten hours in all: 8 attended completes (exactly 80%), 7.9 does not."""
    w = training_world
    programme_update(user=w.county_user, programme=batch, capacity=5)
    sessions = add_sessions(batch, "4", "4", "2")
    exact, short, absent = (nominate(w, batch, o) for o in w.officers_a[:3])
    after = datetime.datetime.combine(batch.ends_on, datetime.time(18), tzinfo=NOW.tzinfo)
    attendance_record(
        user=w.county_user,
        session=sessions[0],
        entries=[AttendanceEntry(exact.pk, True), AttendanceEntry(short.pk, True), AttendanceEntry(absent.pk, False)],
        now=after,
    )
    attendance_record(
        user=w.county_user,
        session=sessions[1],
        entries=[AttendanceEntry(exact.pk, True), AttendanceEntry(short.pk, True, Decimal("3.9"))],
        now=after,
    )
    attendance_record(user=w.county_user, session=sessions[2], entries=[AttendanceEntry(exact.pk, False)], now=after)
    counts = completion_assess(user=w.county_user, programme=batch, now=after)
    assert counts == {"completed": 1, "not_completed": 2, "kept": 0, "total_hours": Decimal("10.0")}
    rows = {n.pk: (n.completed, n.hours_attended) for n in Nomination.objects.all()}
    assert rows[exact.pk] == (True, Decimal("8.0"))
    assert rows[short.pk] == (False, Decimal("7.9"))
    assert rows[absent.pk] == (False, Decimal("0"))
    batch.refresh_from_db()
    assert batch.status == ProgrammeStatus.FINISHED


def test_attendance_is_refused_whole_for_a_bad_line_and_before_the_session(training_world, batch):
    w = training_world
    (session,) = add_sessions(batch, "4")
    enrolled = nominate(w, batch, w.officers_a[0])
    after = datetime.datetime.combine(batch.ends_on, datetime.time(18), tzinfo=NOW.tzinfo)
    with pytest.raises(ApplicationError, match="学时"):
        attendance_record(
            user=w.county_user,
            session=session,
            entries=[AttendanceEntry(enrolled.pk, True, Decimal("4.5"))],
            now=after,
        )
    with pytest.raises(ApplicationError, match="尚未举行"):
        attendance_record(user=w.county_user, session=session, entries=[AttendanceEntry(enrolled.pk, True)], now=NOW)
    with pytest.raises(ApplicationError, match="管理范围"):
        attendance_record(user=w.chair, session=session, entries=[AttendanceEntry(enrolled.pk, True)], now=after)
    assert session.attendances.count() == 0


# --- certificates -----------------------------------------------------------------------------


def _completed(w, programme, officers):
    (session,) = add_sessions(programme, "4")
    nominations = [nominate(w, programme, o) for o in officers]
    after = datetime.datetime.combine(programme.ends_on, datetime.time(18), tzinfo=NOW.tzinfo)
    attendance_record(
        user=w.county_user, session=session, entries=[AttendanceEntry(n.pk, True) for n in nominations], now=after
    )
    completion_assess(user=w.county_user, programme=programme, now=after)
    return nominations


def test_certificates_are_numbered_year_batch_serial_issued_once(training_world, batch):
    w = training_world
    first, second, third = _completed(w, batch, w.officers_a[:3])
    certificate = certificate_issue(user=w.county_user, nomination=first)
    assert certificate.number == "PX-2026-01-0001"
    assert certificate_issue(user=w.county_user, nomination=first) == certificate  # once
    issued = certificates_issue(user=w.county_user, programme=batch)
    assert sorted(c.number for c in issued) == ["PX-2026-01-0002", "PX-2026-01-0003"]
    assert certificates_issue(user=w.county_user, programme=batch) == []
    with pytest.raises(ApplicationError, match="结业证书"):
        nomination_withdraw(user=w.county_user, nomination=second, now=NOW)


def test_a_number_once_drawn_is_never_given_again(training_world, batch):
    """A certificate whose transaction rolled back leaves a gap; the next one takes a new number,
    and a nomination withdrawn before its certificate never frees one."""
    w = training_world
    first, second = _completed(w, batch, w.officers_a[:2])
    with pytest.raises(RuntimeError), transaction.atomic():
        certificate_issue(user=w.county_user, nomination=first)
        raise RuntimeError("the print failed")
    assert not Certificate.objects.exists()
    assert certificate_issue(user=w.county_user, nomination=first).number == "PX-2026-01-0002"
    assert certificate_issue(user=w.county_user, nomination=second).number == "PX-2026-01-0003"
    assert len(set(Certificate.objects.values_list("number", flat=True))) == 2


def test_an_unfinished_trainee_gets_no_certificate_and_a_township_class_has_its_own_numbers(training_world):
    w = training_world
    klass = make_programme(w.tree["a"], kind=ProgrammeKind.TOWNSHIP_CLASS, user=w.chair)
    (done,) = _completed(w, klass, w.officers_a[:1])
    number = certificate_issue(user=w.chair, nomination=done).number
    assert number == f"PX-2026-T{w.tree['a'].pk}-01-0001"
    other = make_programme(w.tree["a"], kind=ProgrammeKind.TOWNSHIP_CLASS, user=w.chair)
    pending = nominate(w, other, w.officers_a[1])
    with pytest.raises(ApplicationError, match="未结业"):
        certificate_issue(user=w.chair, nomination=pending)


def test_everything_is_in_the_history_with_who_acted(training_world, batch):
    from pghistory.models import Events

    w = training_world
    nomination = nominate(w, batch, w.officers_a[0])
    event = Events.objects.tracks(nomination).order_by("pgh_created_at").first()
    assert event.pgh_label == "insert" and event.pgh_context["user"] == w.chair.pk
    assert NominationStatus.NOMINATED == nomination.status


def test_county_batches_of_two_counties_under_one_city_do_not_share_numbers(db):
    """A city's portal holds several counties: each county's first batch of the year is "01", so
    the county's code (C<id> without one) goes in front; a portal of one county keeps PX-2026-01-…"""
    from apps.branches.choices import OrgUnitKind
    from apps.branches.services import orgunit_create
    from apps.training.services.certificates import certificate_number_part_for

    city = orgunit_create(user=None, parent=None, name="连云港市总工会", kind=OrgUnitKind.CITY)
    donghai = orgunit_create(user=None, parent=city, name="东海县总工会", kind=OrgUnitKind.COUNTY)
    guanyun = orgunit_create(user=None, parent=city, name="灌云县总工会", kind=OrgUnitKind.COUNTY)
    donghai.code = "320722"
    batch = ProgrammeKind.COUNTY_BATCH
    assert certificate_number_part_for(kind=batch, batch=1, organiser=donghai) == "320722-01"
    assert certificate_number_part_for(kind=batch, batch=1, organiser=guanyun) == f"C{guanyun.pk}-01"
    alone = orgunit_create(user=None, parent=None, name="赣榆区总工会", kind=OrgUnitKind.COUNTY)
    assert certificate_number_part_for(kind=batch, batch=1, organiser=alone) == "01"
