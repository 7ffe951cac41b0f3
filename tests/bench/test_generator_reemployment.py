"""The generator's re-employment: two bases per county with their places, one active member in
REEMPLOYMENT_MEMBER_SHARE registered, placements within the places, every row valid against the
models, targets per township and year, the yearly report answering; a second run adds nothing."""

from django.db.models import Count

from apps.bench.generator import REEMPLOYMENT_MODELS, _event_model, bench_users, generate_dataset
from apps.members.idnumbers import china_today
from apps.reemployment.choices import CaseStatus, HelpKind
from apps.reemployment.models import BaseYear, ReemploymentBase, ReemploymentCase, ReemploymentHelp, ReemploymentTarget
from apps.reemployment.selectors import reemployed_counts

TODAY = china_today()
SCALE = 0.05
SEED = 17


def test_bases_cases_and_outcomes(dataset):
    assert ReemploymentBase.objects.count() == 2
    assert set(BaseYear.objects.values_list("year", flat=True)) == {TODAY.year - 1, TODAY.year}
    statuses = set(ReemploymentCase.objects.values_list("status", flat=True))
    assert statuses == {CaseStatus.SEEKING, CaseStatus.EMPLOYED, CaseStatus.CLOSED}
    assert dataset["reemployment_reemploymentcase"] == ReemploymentCase.objects.count() > 10
    # Nobody has two cases open.
    assert not (
        ReemploymentCase.objects.filter(status=CaseStatus.SEEKING)
        .values("member")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )


def test_placements_stay_within_places_and_name_the_help(dataset):
    for year in BaseYear.objects.all():
        placed = ReemploymentHelp.objects.filter(kind=HelpKind.BASE, base=year.base, given_on__year=year.year).count()
        assert placed <= year.places
    placements = ReemploymentHelp.objects.filter(kind=HelpKind.BASE)
    assert placements.exists()
    for help_ in placements.select_related("case"):
        assert help_.case.employed_via_id == help_.pk
        assert help_.case.status == CaseStatus.EMPLOYED


def test_every_row_passes_full_clean_and_history_is_backfilled(dataset):
    for model in (ReemploymentBase, BaseYear, ReemploymentTarget):
        for row in model.objects.all():
            row.full_clean()
    for row in ReemploymentCase.objects.order_by("?")[:200]:
        row.full_clean()
    for row in ReemploymentHelp.objects.order_by("?")[:200]:
        row.full_clean()
    for model in REEMPLOYMENT_MODELS:
        assert _event_model(model).objects.filter(pgh_label="insert").count() == model.objects.count() > 0


def test_targets_per_township_and_the_report_answers(dataset):
    county_staff = bench_users()["county_staff"]
    counts = reemployed_counts(user=county_staff, unit=None, year=TODAY.year)
    assert counts["target"] == sum(ReemploymentTarget.objects.filter(year=TODAY.year).values_list("persons", flat=True))
    assert 0 <= counts["credited"] <= counts["target"]


def test_a_second_run_adds_nothing(dataset):
    assert not any(generate_dataset(scale=SCALE, seed=SEED, today=TODAY).values())
