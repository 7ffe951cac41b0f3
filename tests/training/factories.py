"""Programmes in a given state for the view tests and the shared walks: a township's class open
for sign-up today, and one under way (started three days ago, its one session held)."""

import datetime

from django.utils import timezone

from apps.training import services
from apps.training.choices import ProgrammeKind
from tests.training.conftest import add_sessions, make_officer, make_programme


def _today():
    return timezone.localdate()


def _at(day):
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=timezone.get_current_timezone())


def open_class(world, where, user=None):
    """Township `where`'s own class, sign-up open today."""
    return make_programme(
        world.tree[where], kind=ProgrammeKind.TOWNSHIP_CLASS, opens=_today(), title=f"{where}乡镇培训班"
    )


def running_class(world, where, user=None, *, attended=False, certified=False):
    """Township `where`'s class that started three days ago: one 6-hour session held, one trainee."""
    today = _today()
    programme = make_programme(
        world.tree[where],
        kind=ProgrammeKind.TOWNSHIP_CLASS,
        opens=today - datetime.timedelta(days=20),
        closes=today - datetime.timedelta(days=5),
        starts=today - datetime.timedelta(days=3),
        ends=today + datetime.timedelta(days=2),
        title=f"{where}开班中",
    )
    (session,) = add_sessions(programme, "6")
    officer = make_officer(world.tree[f"union_{where}"], f"学员{where}")
    nomination = services.nomination_create(
        user=None, programme=programme, officer=officer, now=_at(today - datetime.timedelta(days=15))
    )
    if attended:
        services.attendance_record(user=None, session=session, entries=[services.AttendanceEntry(nomination.pk, True)])
        services.completion_assess(user=None, programme=programme)
    if certified:
        services.certificate_issue(user=None, nomination=nomination)
    programme.session, programme.nomination = session, nomination
    session.nomination = nomination
    return programme
