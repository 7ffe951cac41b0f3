"""The generator's cadre training: three years of county batches and township classes, valid
against the models, completion by the programme's rule, certificates numbered once with the
sequences past them, the untrained-cadre report answering; a second run adds nothing."""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, Sum

from apps.bench.generator import TRAINING_MODELS, TRAINING_YEARS, _event_model, bench_users, generate_dataset
from apps.branches.models import Officer
from apps.core.serials import serials_next
from apps.members.idnumbers import china_today
from apps.training.choices import NominationStatus, ProgrammeKind, ProgrammeStatus
from apps.training.models import Attendance, Certificate, Nomination, Programme, Quota, Session
from apps.training.selectors import untrained_cadres, untrained_cadres_by_township
from apps.training.services.attendance import completion_reached
from apps.training.services.certificates import certificate_number_part

TODAY = china_today()
SCALE = 0.05
SEED = 13


def test_three_years_of_batches_and_classes(dataset):
    years = set(Programme.objects.values_list("year", flat=True))
    assert years == set(range(TODAY.year - TRAINING_YEARS + 1, TODAY.year + 1))
    batches = Counter(Programme.objects.filter(kind=ProgrammeKind.COUNTY_BATCH).values_list("year", flat=True))
    assert set(batches.values()) == {2}
    assert Programme.objects.filter(kind=ProgrammeKind.TOWNSHIP_CLASS).count() >= TRAINING_YEARS
    for programme in Programme.objects.annotate(
        enrolled=Count("nominations", filter=Q(nominations__status=NominationStatus.NOMINATED))
    ):
        assert 0 < programme.enrolled <= programme.capacity
        if programme.ends_on < TODAY:
            assert programme.status == ProgrammeStatus.FINISHED
        assert programme.sessions.count() in (3, 5)
    assert dataset["training_nomination"] == Nomination.objects.count()


def test_places_hold_quotas(dataset):
    quotas = {(q.programme_id, q.township_id): q.places for q in Quota.objects.all()}
    enrolled = (
        Nomination.objects.filter(status=NominationStatus.NOMINATED, programme__kind=ProgrammeKind.COUNTY_BATCH)
        .values_list("programme", "township")
        .annotate(n=Count("pk"))
    )
    for programme, township, n in enrolled:
        assert n <= quotas[(programme, township)]
    # Nobody twice in one programme.
    assert not (Nomination.objects.values("programme", "officer").annotate(n=Count("pk")).filter(n__gt=1).exists())


def test_every_row_passes_full_clean_and_history_is_backfilled(dataset):
    for model in (Programme, Session, Quota, Certificate):
        for row in model.objects.all():
            row.full_clean()
    for row in Nomination.objects.order_by("?")[:200]:
        row.full_clean()
    for row in Attendance.objects.order_by("?")[:200]:
        row.full_clean()
    for model in TRAINING_MODELS:
        assert _event_model(model).objects.count() == model.objects.count() > 0


def test_completion_follows_attendance_and_the_rule(dataset):
    totals = dict(Session.objects.values_list("programme").annotate(t=Sum("hours")).values_list("programme", "t"))
    attended = dict(
        Attendance.objects.values_list("nomination").annotate(h=Sum("hours")).values_list("nomination", "h")
    )
    finished = Nomination.objects.filter(programme__status=ProgrammeStatus.FINISHED).select_related("programme")
    outcomes = Counter()
    for n in finished:
        hours = attended.get(n.pk, Decimal("0"))
        assert n.hours_attended == hours
        if n.status == NominationStatus.NOMINATED:
            reached = completion_reached(
                attended=hours, total=totals[n.programme_id], share=n.programme.completion_share
            )
            assert n.completed == reached
            outcomes[reached] += 1
        else:
            assert not n.completed and hours == 0
    assert outcomes[True] > outcomes[False] > 0


def test_certificates_once_each_and_the_sequences_follow_on(dataset):
    completed = Nomination.objects.filter(completed=True)
    assert Certificate.objects.count() == completed.count()
    assert set(Certificate.objects.values_list("nomination", flat=True)) == set(completed.values_list("pk", flat=True))
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    programme = Programme.objects.filter(kind=ProgrammeKind.COUNTY_BATCH).earliest("starts_on")
    # The numbers the service would give (the county's code in front when the county is not a root).
    part = certificate_number_part(programme)
    assert Certificate.objects.filter(number=f"PX-{programme.year}-{part}-0001").exists()
    used = programme.nominations.filter(completed=True).count()
    assert serials_next(f"training_certificate_{programme.pk}", 1) == [used + 1]


def test_the_untrained_report_answers(dataset):
    county = bench_users()["county_staff"]
    report = untrained_cadres_by_township(user=county, today=TODAY)
    total = report["total"]
    assert total["in_post"] == Officer.objects.filter(ended_on__isnull=True, term_start__lte=TODAY).count()
    assert total["trained"] > 0 and total["untrained"] >= 0
    assert untrained_cadres(user=county, today=TODAY).count() == total["untrained"]


def test_a_second_run_adds_nothing(dataset):
    before = [model.objects.count() for model in TRAINING_MODELS]
    counts = generate_dataset(scale=SCALE, seed=SEED, today=TODAY)
    assert not any(counts.values())
    assert [model.objects.count() for model in TRAINING_MODELS] == before
