"""A small hand-built county with a known 集体合同签订率, for the coverage tests.

Township A (白塔埠镇): four unionised enterprises (白塔化工 by its enterprise union union_a, the
others by the joint union 白塔联合工会) of 25+ employees — two covered by their own
enterprise contract in force (one comprehensive, one wage), one by the township's regional
contract in force, one only by a contract that expired at the end of 2024; beside them an
enterprise without a union and one whose union awaits approval (both listed by the regional
contract: not counted), and a unionised workshop of 10 employees (not counted). 3/4 = 75 %,
wage 1/4, women 0/4. Township B (平明镇): two unionised enterprises, no contract: 0/2.
On 31 December 2024 only the expired contract was in force: 1/4 in A.

Contracts are written with the ORM (rows as the services leave them), so these tests read the
coverage rule alone; the clock's services have their own tests.
"""

import datetime
import itertools

import pytest

from apps.branches.models import OrgUnit
from apps.contracts.choices import ContractKind, ContractScope, ContractStatus
from apps.contracts.models import Contract, ContractCoverage
from apps.contracts.rules import rule_profile_default
from tests.factories import EnterpriseFactory, OrgUnitFactory

TODAY = "2026-06-15 10:00:00+08:00"
_serial = itertools.count(1)


def make_contract(
    *,
    union,
    township,
    enterprises,
    recorded_by,
    kind=ContractKind.COMPREHENSIVE,
    scope=ContractScope.ENTERPRISE,
    in_force_on=datetime.date(2025, 3, 1),
    term_end=datetime.date(2028, 2, 29),
    status=ContractStatus.IN_FORCE,
    workers_covered=None,
    ended_on=None,
):
    """A contract at `status` with its dates, covering `enterprises`, as the services leave it."""
    signed_on = in_force_on - datetime.timedelta(days=30) if in_force_on else None
    requested_on = (signed_on or datetime.date(2026, 5, 1)) - datetime.timedelta(days=60)
    multi = scope != ContractScope.ENTERPRISE
    contract = Contract.objects.create(
        number=f"JTHT-{requested_on.year}-{next(_serial):04d}",
        kind=kind,
        scope=scope,
        rule_profile=rule_profile_default(),
        union=union,
        township=township,
        enterprise=None if multi else enterprises[0],
        employer_representative=f"{(township or union).name}企业联合会" if multi else "",
        workers_covered=workers_covered if workers_covered is not None else sum(e.employee_count for e in enterprises),
        status=status,
        requested_by="workers",
        requested_on=requested_on,
        answer_due_on=requested_on + datetime.timedelta(days=20),
        answered_on=requested_on + datetime.timedelta(days=10),
        signed_on=signed_on,
        sent_on=signed_on,
        received_on=signed_on,
        in_force_on=in_force_on if status not in (ContractStatus.SIGNED, ContractStatus.SUBMITTED) else None,
        term_start=in_force_on,
        term_end=term_end,
        ended_on=ended_on,
        closed_reason="协商终止" if status == ContractStatus.CLOSED else "",
        recorded_by=recorded_by,
    )
    for enterprise in enterprises:
        ContractCoverage.objects.create(contract=contract, enterprise=enterprise)
    return contract


@pytest.fixture(name="coverage_county")
def coverage_county_fixture(county_tree, county_user, time_machine):
    time_machine.move_to(TODAY, tick=False)
    tree = county_tree
    a, b = tree["a"], tree["b"]
    union_a = tree["union_a"]
    joint_a = OrgUnitFactory(parent=a, kind="joint", name="白塔联合工会")
    joint_b = OrgUnitFactory(parent=b, kind="joint", name="平明联合工会")
    pending = OrgUnitFactory(parent=a, kind="joint", name="白塔待批联合工会")
    OrgUnit.objects.filter(pk=pending.pk).update(status="pending")
    e = {
        "own_comprehensive": EnterpriseFactory(township=a, union=union_a, employee_count=100, name="白塔化工"),
        "own_wage": EnterpriseFactory(township=a, union=joint_a, employee_count=50, name="白塔建材"),
        "regional": EnterpriseFactory(township=a, union=joint_a, employee_count=30, name="白塔五金"),
        "expired": EnterpriseFactory(township=a, union=joint_a, employee_count=40, name="白塔纺织"),
        "no_union": EnterpriseFactory(township=a, employee_count=60, name="白塔无会企业"),
        "pending": EnterpriseFactory(township=a, union=pending, employee_count=70, name="白塔待批企业"),
        "small": EnterpriseFactory(township=a, union=joint_a, employee_count=10, name="白塔小作坊"),
        "b1": EnterpriseFactory(township=b, union=joint_b, employee_count=200, name="平明石英"),
        "b2": EnterpriseFactory(township=b, union=joint_b, employee_count=80, name="平明水晶"),
    }
    c = {
        "own_comprehensive": make_contract(
            union=union_a, township=a, enterprises=[e["own_comprehensive"]], recorded_by=county_user
        ),
        "own_wage": make_contract(
            union=joint_a, township=a, enterprises=[e["own_wage"]], recorded_by=county_user, kind=ContractKind.WAGE
        ),
        "regional": make_contract(
            union=a,
            township=a,
            enterprises=[e["regional"], e["no_union"], e["pending"], e["small"]],
            recorded_by=county_user,
            scope=ContractScope.REGIONAL,
            workers_covered=150,
        ),
        "expired": make_contract(
            union=joint_a,
            township=a,
            enterprises=[e["expired"]],
            recorded_by=county_user,
            in_force_on=datetime.date(2022, 1, 1),
            term_end=datetime.date(2024, 12, 31),
            status=ContractStatus.EXPIRED,
            ended_on=datetime.date(2024, 12, 31),
        ),
        # Under review (not in force yet) and closed: neither counts.
        "submitted": make_contract(
            union=joint_a,
            township=a,
            enterprises=[e["expired"]],
            recorded_by=county_user,
            kind=ContractKind.WOMEN,
            in_force_on=datetime.date(2026, 6, 1),
            term_end=datetime.date(2029, 5, 31),
            status=ContractStatus.SUBMITTED,
        ),
    }
    return {"tree": tree, "enterprises": e, "contracts": c, "pending": pending, "joint_a": joint_a}
