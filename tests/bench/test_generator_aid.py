"""The generator's hardship aid: a file for each member the members stage marks in hardship (the
flag follows the open file), the county's 送温暖 campaign with aid to those in hardship, amounts
positive and cent-exact, every row valid against the models and its history backfilled; a second
run adds nothing."""

from decimal import Decimal

from django.db.models import F, Sum

from apps.aid.models import AidCampaign, AidRecord, HardshipFile, HardshipReview, next_review
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
    for row in HardshipReview.objects.order_by("?")[:200]:
        row.full_clean()
    for model in AID_MODELS:
        assert _event_model(model).objects.filter(pgh_label="insert").count() == model.objects.count() > 0


def test_a_second_run_adds_nothing(dataset):
    assert not any(generate_dataset(scale=SCALE, seed=SEED, today=TODAY).values())


def test_a_file_s_next_review_follows_its_reviews_and_aid_follows_the_opening(dataset):
    """As file_review writes them: each file over a year old has its reviews, the next due a year
    after the last one; aid is never given before its file was opened."""
    assert HardshipReview.objects.exists()
    assert HardshipReview.objects.filter(reviewed_on__gt=F("due_on")).exists()  # some late
    for file in HardshipFile.objects.prefetch_related("reviews").order_by("?")[:200]:
        reviews = list(file.reviews.all())
        last = reviews[-1].reviewed_on if reviews else file.opened_on
        assert file.review_due_on == next_review(last), file.pk
        assert file.review_due_on > TODAY
        assert all(r.reviewed_on >= file.opened_on for r in reviews)
    assert not AidRecord.objects.filter(given_on__lt=F("file__opened_on")).exists()
