"""The re-employment tests' small world: the shared county tree, a base in township A with places
this year, members of union A and B, and helpers to register cases."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from apps.reemployment.choices import BaseLevel, CaseReason
from apps.reemployment.services import base_create, base_places_set, case_register
from tests.factories import EnterpriseFactory, MemberFactory, valid_id_number

TODAY = datetime.date(2026, 3, 2)
_serials = itertools.count(50_000)


def person_id() -> str:
    """A valid ID number no member of the tests holds."""
    return valid_id_number(next(_serials))


def make_base(world, where="a", *, name=None, places=2, year=None, user=None, **kwargs):
    base = base_create(
        user=user,
        name=name or f"{where}再就业基地",
        township=world.tree[where],
        level=kwargs.pop("level", BaseLevel.MUNICIPAL),
        recognised_on=kwargs.pop("recognised_on", datetime.date(2020, 5, 1)),
        **kwargs,
    )
    if places is not None:
        base_places_set(user=None, base=base, year=year or timezone.localdate().year, places=places)
    return base


def register_member(member, *, user=None, registered_on=None, reason=CaseReason.LAID_OFF):
    return case_register(user=user, member=member, registered_on=registered_on or timezone.localdate(), reason=reason)


def register_person(world, where="a", *, user=None, name="王下岗", registered_on=None, id_number=None, **kwargs):
    return case_register(
        user=user,
        township=world.tree[where],
        person_name=name,
        id_number=id_number or person_id(),
        mobile=kwargs.pop("mobile", "13912345678"),
        registered_on=registered_on or timezone.localdate(),
        reason=kwargs.pop("reason", CaseReason.ENTERPRISE_CLOSED),
        **kwargs,
    )


@pytest.fixture
def reemp_world(world):
    tree = world.tree
    world.county_user = world.users["county"]
    world.chair = world.users["chair"]
    world.chair_b = world.users["chair_b"]
    world.enterprise_a = EnterpriseFactory(township=tree["a"], union=tree["union_a"], name="大平乳品厂")
    world.members_a = [MemberFactory(union=tree["union_a"], workplace=world.enterprise_a) for _ in range(3)]
    world.members_b = [MemberFactory(union=tree["union_b"]) for _ in range(2)]
    return world


@pytest.fixture
def pinned_to_collection_day(request):
    """Hold the clock on the day a module's `TODAY` was read at collection (noon, Shanghai, ticking),
    so a run that crosses midnight does not see its dates move a day under the services' checks."""
    today = request.module.TODAY
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(noon, tick=True):
        yield
