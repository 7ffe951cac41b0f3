"""The generator's hardship aid: a file for each member the members stage marks in hardship (the
flag follows the open file), the county's 送温暖 campaign with aid to those in hardship, amounts
positive and cent-exact, every row valid against the models and its history backfilled; a second
run adds nothing."""

from decimal import Decimal

from django.db.models import Sum

from apps.aid.models import AidCampaign, AidRecord, HardshipFile
from apps.bench.generator import AID_MODELS, _event_model, generate_dataset
from apps.members.idnumbers import china_today
from apps.members.models import Member

TODAY = china_today()
SCALE = 0.05
SEED = 19


def test_the_hardship_flag_follows_the_open_file(dataset):
    open_members = set(HardshipFile.objects.filter(closed_on__isnull=True).values_list("member", flat=True))
    flagged = set(Member.objects.filter(hardship=True).values_list("pk", flat=True))
    assert open_members and open_members == flagged
    active = Member.objects.filter(status="active").count()
    assert 0 < HardshipFile.objects.count() <= active * 0.03  # about 1 % in hardship


def test_the_campaign_and_its_aid(dataset):
    assert AidCampaign.objects.count() == 1
    records = AidRecord.objects.all()
    assert records.exists()
    assert not records.filter(amount__lte=0).exists()
    total = records.aggregate(total=Sum("amount"))["total"]
    assert total == sum((r.amount for r in records), Decimal("0")) and total.as_tuple().exponent == -2
    # Aid of the campaign goes to members with a file.
    assert not records.filter(file__isnull=True).exists()


def test_every_row_passes_full_clean_and_history_is_backfilled(dataset):
    for row in HardshipFile.objects.order_by("?")[:200]:
        row.full_clean()
    for row in AidRecord.objects.order_by("?")[:200]:
        row.full_clean()
    for model in AID_MODELS:
        assert _event_model(model).objects.filter(pgh_label="insert").count() == model.objects.count() > 0


def test_a_second_run_adds_nothing(dataset):
    assert not any(generate_dataset(scale=SCALE, seed=SEED, today=TODAY).values())
