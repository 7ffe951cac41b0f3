"""The aid tests' small world: the shared county tree, members of union A and B, and helpers to
open files, record aid and make campaigns."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.aid.choices import AidKind, FundSource, HardshipReason
from apps.aid.services import aid_record, campaign_create, file_open
from tests.factories import MemberFactory


def open_file(member, *, user=None, opened_on=None, reason=HardshipReason.ILLNESS, household=3, income="420.50"):
    return file_open(
        user=user,
        member=member,
        reason=reason,
        household_size=household,
        income_per_head=Decimal(income),
        opened_on=opened_on or timezone.localdate(),
    )


def make_campaign(world, where="county", *, user=None, name=None, year=None, kind=AidKind.SPRING_FESTIVAL, **kw):
    today = timezone.localdate()
    return campaign_create(
        user=user,
        unit=world.tree[where],
        name=name or f"{year or today.year}年送温暖（{where}）",
        year=year or today.year,
        kind=kind,
        starts_on=kw.pop("starts_on", today - datetime.timedelta(days=30)),
        ends_on=kw.pop("ends_on", today),
        budget=Decimal(kw.pop("budget", "100000.00")),
    )


def give(member, *, user=None, amount="500.00", kind=AidKind.SPRING_FESTIVAL, given_on=None, **kwargs):
    return aid_record(
        user=user,
        member=member,
        kind=kind,
        amount=Decimal(amount),
        given_on=given_on or timezone.localdate(),
        fund=kwargs.pop("fund", FundSource.COUNTY),
        approved_by=kwargs.pop("approved_by", "王主席"),
        **kwargs,
    )


@pytest.fixture
def aid_world(world):
    tree = world.tree
    world.county_user = world.users["county"]
    world.chair = world.users["chair"]
    world.chair_b = world.users["chair_b"]
    world.members_a = [MemberFactory(union=tree["union_a"]) for _ in range(3)]
    world.members_b = [MemberFactory(union=tree["union_b"]) for _ in range(2)]
    return world
