"""Fixtures of the contracts tests: the default rule profile, and a small county with enterprises
covered by unions in two townships (`contract_world`)."""

from types import SimpleNamespace

import pytest

from apps.branches.choices import OrgUnitKind
from apps.branches.services import orgunit_create
from apps.contracts.rules import rule_profile_default
from tests.factories import EnterpriseFactory


@pytest.fixture(autouse=True)
def default_rule_profile(request):
    """The national rules as the default profile (migration 0002 makes it; transactional tests
    flush it, so it is made again). Tests without the database (clock arithmetic) get None."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or "live_server" in names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return None
    return rule_profile_default()


@pytest.fixture
def contract_world(world):
    """`world` (townships A and B, one user per role) plus, for contracts:

    - ent_a: 白塔化工建材厂 in A, 80 employees, covered by union_a (the enterprise union);
    - ent_b: 平明石英制品厂 in B, 60 employees, covered by union_b;
    - small_a1, small_a2: two small enterprises of A without a union (12 and 8 employees), for
      regional contracts of township A's union;
    - joint_a: a joint union (联合工会) of A; regional_a: a regional union (区域性工会) of A;
    - industry: a county-wide industry union (行业性工会) under the county.
    """
    tree = world.tree
    ent_a = EnterpriseFactory(township=tree["a"], union=tree["union_a"], name="白塔化工建材厂", employee_count=80)
    ent_b = EnterpriseFactory(township=tree["b"], union=tree["union_b"], name="平明石英制品厂", employee_count=60)
    small_a1 = EnterpriseFactory(township=tree["a"], name="白塔埠镇小五金厂", employee_count=12)
    small_a2 = EnterpriseFactory(township=tree["a"], name="白塔埠镇服装加工点", employee_count=8)
    joint_a = orgunit_create(user=None, parent=tree["a"], name="白塔埠镇小微企业联合工会", kind=OrgUnitKind.JOINT)
    regional_a = orgunit_create(user=None, parent=tree["a"], name="白塔埠镇工业园区工会", kind=OrgUnitKind.REGIONAL)
    industry = orgunit_create(user=None, parent=tree["county"], name="东海县水晶行业工会", kind=OrgUnitKind.INDUSTRY)
    return SimpleNamespace(
        tree=tree,
        users=world.users,
        county=world.users["county"],
        chair=world.users["chair"],
        chair_b=world.users["chair_b"],
        officer=world.users["officer"],
        ent_a=ent_a,
        ent_b=ent_b,
        small_a1=small_a1,
        small_a2=small_a2,
        joint_a=joint_a,
        regional_a=regional_a,
        industry=industry,
    )
