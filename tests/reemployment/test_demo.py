"""The demo's re-employment: both bases with places, cases placed at each, re-employed elsewhere,
still seeking, a target per township; loaded once."""

import pytest
from django.db.models import Count

from apps.reemployment import demo
from apps.reemployment.choices import CaseStatus, HelpKind
from apps.reemployment.models import BaseYear, ReemploymentBase, ReemploymentCase, ReemploymentHelp, ReemploymentTarget
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_bases_and_every_kind_of_case(world):
    for where in ("a", "b"):
        for _ in range(8):
            MemberFactory(union=world.tree[f"union_{where}"])
    demo.seed()
    assert set(ReemploymentBase.objects.values_list("name", flat=True)) == {"大平乳品厂", "苏果超市"}
    assert BaseYear.objects.count() == 4
    placed = set(ReemploymentHelp.objects.filter(kind=HelpKind.BASE).values_list("base__name", flat=True))
    assert placed == {"大平乳品厂", "苏果超市"}
    statuses = dict(ReemploymentCase.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[CaseStatus.SEEKING] and statuses[CaseStatus.EMPLOYED] and statuses[CaseStatus.CLOSED]
    elsewhere = ReemploymentCase.objects.filter(status=CaseStatus.EMPLOYED).exclude(employed_via__kind=HelpKind.BASE)
    assert elsewhere.exists()
    assert ReemploymentCase.objects.filter(member__isnull=True).exists()
    assert ReemploymentTarget.objects.count() == 2
    count = ReemploymentCase.objects.count()
    demo.seed()
    assert ReemploymentCase.objects.count() == count
