"""The demo's hardship aid: a file for every member marked in hardship (the flag follows it),
open and closed files, last winter's 送温暖 campaign across the townships with a reversal; loaded
once."""

import pytest
from django.db.models import Sum

from apps.aid import demo
from apps.aid.models import AidCampaign, AidRecord, HardshipFile, HardshipReview
from apps.members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_files_a_campaign_across_townships_and_a_reversal(world):
    for where in ("a", "b"):
        for n in range(8):
            MemberFactory(union=world.tree[f"union_{where}"], hardship=n < 5)
    demo.seed()
    assert HardshipFile.objects.filter(closed_on__isnull=True).exists()
    assert HardshipFile.objects.filter(closed_on__isnull=False).exists()
    assert HardshipReview.objects.exists()
    # The flag follows the file: in hardship exactly when a file is open.
    flagged = set(Member.objects.filter(hardship=True).values_list("pk", flat=True))
    assert flagged == set(HardshipFile.objects.filter(closed_on__isnull=True).values_list("member_id", flat=True))
    campaign = AidCampaign.objects.get()
    assert campaign.name.endswith("年送温暖") and campaign.starts_on.month == 1
    townships = set(campaign.records.values_list("township_id", flat=True))
    assert townships == {world.tree["a"].pk, world.tree["b"].pk}
    reversal = AidRecord.objects.get(reverses__isnull=False)
    pair = AidRecord.objects.filter(pk__in=[reversal.pk, reversal.reverses_id]).aggregate(s=Sum("amount"))["s"]
    assert pair == 0
    count = AidRecord.objects.count()
    demo.seed()
    assert AidRecord.objects.count() == count
