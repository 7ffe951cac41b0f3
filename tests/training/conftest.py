"""The training tests' small world: the shared county tree, officers in its unions, and helpers
that open a programme whose sign-up is open on a given day."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.branches.choices import OfficerPosition
from apps.branches.services import officer_add
from apps.training.choices import ProgrammeKind
from apps.training.services import (
    AttendanceEntry,
    attendance_record,
    completion_assess,
    nomination_create,
    programme_create,
    session_add,
)

TODAY = datetime.date(2026, 3, 2)
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def make_officer(union, name, position=OfficerPosition.COMMITTEE_MEMBER, **kwargs):
    return officer_add(
        user=None,
        union=union,
        name=name,
        position=position,
        term_start=kwargs.pop("term_start", datetime.date(2023, 1, 1)),
        term_end=kwargs.pop("term_end", datetime.date(2027, 12, 31)),
    )


def make_programme(organiser, *, kind=ProgrammeKind.COUNTY_BATCH, opens=TODAY, starts=None, user=None, **kwargs):
    """A programme whose sign-up runs from `opens` for ten days, starting five days after that."""
    starts = starts or opens + datetime.timedelta(days=15)
    return programme_create(
        user=user,
        organiser=organiser,
        kind=kind,
        year=kwargs.pop("year", starts.year),
        title=kwargs.pop("title", "乡镇工会干部培训班"),
        starts_on=starts,
        ends_on=kwargs.pop("ends", starts + datetime.timedelta(days=2)),
        signup_opens_on=opens,
        signup_closes_on=kwargs.pop("closes", opens + datetime.timedelta(days=10)),
        venue=kwargs.pop("venue", "县委党校"),
        **kwargs,
    )


def add_sessions(programme, *hours):
    return [
        session_add(
            user=None,
            programme=programme,
            held_on=programme.starts_on
            + datetime.timedelta(days=min(i, (programme.ends_on - programme.starts_on).days)),
            hours=Decimal(h),
            subject=f"第{i + 1}讲",
        )
        for i, h in enumerate(hours)
    ]


def train(w, officers, *, starts: datetime.date, complete: bool = True):
    """A past county batch (opened, held, assessed in its own days) that `officers` attended
    (all of it if `complete`, else nothing)."""
    opens = starts - datetime.timedelta(days=15)
    programme = make_programme(w.tree["county"], opens=opens, starts=starts, user=w.county_user, capacity=50)
    (session,) = add_sessions(programme, "6")
    at = datetime.datetime.combine(opens, datetime.time(9), tzinfo=NOW.tzinfo)
    nominations = [nomination_create(user=None, programme=programme, officer=o, now=at) for o in officers]
    after = datetime.datetime.combine(programme.ends_on, datetime.time(18), tzinfo=NOW.tzinfo)
    entries = [AttendanceEntry(n.pk, complete) for n in nominations]
    attendance_record(user=None, session=session, entries=entries, now=after)
    completion_assess(user=None, programme=programme, now=after)
    return programme


@pytest.fixture
def training_world(world):
    """The shared world plus: township A's chair officer and five cadres of union A, township
    B's chair officer and two cadres of union B."""
    tree = world.tree
    world.officers_a = [make_officer(tree["union_a"], f"甲{i}") for i in range(5)]
    world.officers_b = [make_officer(tree["union_b"], f"乙{i}") for i in range(2)]
    world.chair_officer_a = make_officer(tree["a"], "白塔埠主席", OfficerPosition.CHAIR)
    world.chair_officer_b = make_officer(tree["b"], "平明主席", OfficerPosition.CHAIR)
    world.county_user = world.users["county"]
    world.chair = world.users["chair"]
    world.chair_b = world.users["chair_b"]
    return world


@pytest.fixture
def batch(training_world):
    """A county batch with sign-up open on TODAY, capacity 3."""
    return make_programme(training_world.tree["county"], capacity=3, user=training_world.county_user)


__all__ = ["NOW", "TODAY", "SimpleNamespace", "add_sessions", "make_officer", "make_programme", "train"]
