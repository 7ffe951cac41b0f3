import datetime

import pytest

from apps.branches.services import orgunit_create
from apps.members.services import member_create


def make_id(region="320722", birth="19850315", serial="123"):
    """A valid citizen ID number (correct ISO 7064 MOD 11-2 check character)."""
    from apps.members.idnumbers import check_character

    first17 = f"{region}{birth}{serial}"
    return first17 + check_character(first17)


def add_members(union, count, *, surname="张", join_date=datetime.date(2020, 1, 1)):
    """`count` regular members of `union`, named surname + serial, with valid distinct ID numbers."""
    return [
        member_create(
            user=None,
            union=union,
            real_name=f"{surname}{serial}",
            id_number=make_id(serial=f"{serial:03d}"),
            join_date=join_date,
            employment_form="regular",
        )
        for serial in range(count)
    ]


@pytest.fixture
def unions(county_tree):
    """Two unions in township A, one in township B."""
    a2 = orgunit_create(user=None, parent=county_tree["a"], name="白塔埠镇联合工会", kind="joint")
    return {"a1": county_tree["union_a"], "a2": a2, "b1": county_tree["union_b"]}


@pytest.fixture
def member_a(unions):
    return member_create(
        user=None,
        union=unions["a1"],
        real_name="陈桂",
        id_number=make_id(),
        join_date=datetime.date(2019, 9, 19),
        employment_form="regular",
        mobile="15152758929",
    )
