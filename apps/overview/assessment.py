"""The county assessment's writes (年终考核): snapshots, scores, vetoes, the scheme, the lock.

Every write takes the year's AssessmentYear row under `select_for_update()` first, so a lock and
a write never interleave: a write that comes after the lock is refused with LOCKED_MESSAGE, and
the refresh skips a locked year (a trigger refuses any write to a locked year's rows as well).
One transaction per township write, so a refresh of many townships never holds one long lock.

The snapshots are counted through the indicator registry (apps.core.indicators), the one
definition of every rate, for each township (`unit=`) as the system: an internal, unsaved
superuser whose area is everything, so the township's figures are all of the township's,
whoever asked for the refresh (what a user may see is decided by the pages, not the counts).
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.branches.selectors import user_scope_path
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.indicators import registered_indicators

from .choices import RefreshStatus, YearStatus
from .models import (
    LOCKED_MESSAGE,
    AssessmentRefresh,
    AssessmentYear,
    Deduction,
    IndicatorSnapshot,
    SchemeItem,
    ScoreBand,
    ScoringScheme,
    TownshipDeduction,
    TownshipScore,
    TownshipVeto,
    VetoItem,
)

ZERO = Decimal("0")


def system_user():
    """The refresh's user: unsaved, active, superuser (area: everything), never logged in."""
    return get_user_model()(username="assessment-system", is_active=True, is_superuser=True)


def townships(*, county=None, path_prefix: str = ""):
    """The townships assessed: every active township (under `county`, or under the path prefix of
    an area, when given), in path order."""
    queryset = OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP, archived_at__isnull=True)
    if county is not None:
        queryset = queryset.filter(path__startswith=county.path)
    if path_prefix:
        queryset = queryset.filter(path__startswith=path_prefix)
    return queryset.order_by("path")


# --- who may write --------------------------------------------------------------------------


def _check_county_staff(user) -> None:
    if user is not None and not user.has_perm("overview.manage_assessment"):
        raise ApplicationError("只有县总工会工作人员可以进行此操作。")


def _check_in_area(user, township) -> None:
    if user is None:
        return
    prefix = user_scope_path(user)
    if prefix is None or not township.path.startswith(prefix):
        raise ApplicationError("该乡镇不在您的管理范围内。")


def _open_year(year: int) -> AssessmentYear:
    """The year's row, locked for this transaction; refused when the year is locked or not open."""
    assessment = AssessmentYear.objects.select_for_update().filter(year=year).first()
    if assessment is None:
        raise ApplicationError(f"{year}年度考核尚未开启。")
    if assessment.locked:
        raise ApplicationError(LOCKED_MESSAGE)
    return assessment


def _check_points(points, maximum) -> Decimal | None:
    """Points as entered, checked against the item's maximum; None for nothing entered (an empty
    field clears a score, so that a scheme item scored by mistake can be cleared and removed)."""
    if points is None or (isinstance(points, str) and not points.strip()):
        return None
    try:
        points = Decimal(str(points))
    except (ArithmeticError, ValueError, TypeError):
        raise ApplicationError("分数必须是数字。") from None
    if not points.is_finite() or points < 0:
        raise ApplicationError("分数不能为负数。")
    if points > maximum:
        raise ApplicationError(f"分数不能超过该项满分 {maximum} 分。")
    if points != points.quantize(Decimal("0.01")):
        raise ApplicationError("分数最多保留两位小数。")
    return points


# --- scoring --------------------------------------------------------------------------------


def rate_percent(numerator: int, denominator: int) -> Decimal | None:
    """The rate in percent, exact (no rounding); None for an empty denominator or a rate above 100 %."""
    if not denominator or numerator > denominator:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def band_points(bands, percent: Decimal | None) -> Decimal:
    """Stepped: the highest threshold the rate reaches gives its points; none reached, 0."""
    if percent is None:
        return ZERO
    reached = [band for band in bands if percent >= band.threshold]
    return max(reached, key=lambda band: band.threshold).points if reached else ZERO


def item_points(item, *, snapshots: dict, entered: dict, registered: set) -> Decimal:
    """An item's computed points for one township: its band, less its deductions (never below 0).

    `snapshots`: {indicator key: IndicatorSnapshot} of the township; `entered`: {deduction id:
    count} the county entered. An indicator not registered (指标未启用) scores 0.
    """
    if item.indicator_key not in registered:
        return ZERO
    snapshot = snapshots.get(item.indicator_key)
    percent = rate_percent(snapshot.numerator, snapshot.denominator) if snapshot else None
    points = band_points(list(item.bands.all()), percent)
    for deduction in item.deductions.all():
        if deduction.indicator_key:
            source = snapshots.get(deduction.indicator_key)
            count = max(0, source.denominator - source.numerator) if source else 0
        else:
            count = entered.get(deduction.pk, 0)
        points -= deduction.points_each * count
    return max(points, ZERO)


def scheme_of(year: int) -> ScoringScheme | None:
    return (
        ScoringScheme.objects.filter(year=year).prefetch_related("items__bands", "items__deductions", "vetoes").first()
    )


def _score_townships(year: int, scheme: ScoringScheme, township_ids: list[int]) -> None:
    """Write the computed points of these townships (inside the caller's transaction)."""
    registered = {item.key for item in registered_indicators()}
    snapshots = defaultdict(dict)
    for snapshot in IndicatorSnapshot.objects.filter(year=year, township_id__in=township_ids):
        snapshots[snapshot.township_id][snapshot.indicator_key] = snapshot
    entered = defaultdict(dict)
    for row in TownshipDeduction.objects.filter(year=year, township_id__in=township_ids):
        entered[row.township_id][row.deduction_id] = row.count
    rows = [
        TownshipScore(
            year=year,
            township_id=township_id,
            indicator_key=item.indicator_key,
            computed_points=item_points(
                item, snapshots=snapshots[township_id], entered=entered[township_id], registered=registered
            ),
        )
        for township_id in township_ids
        for item in scheme.items.all()
    ]
    if rows:
        TownshipScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["year", "township", "indicator_key"],
            update_fields=["computed_points", "updated_at"],
        )


def score_year(*, year: int, user=None) -> int:
    """Recompute every township's computed points of an open year from its snapshots; return how many."""
    _check_county_staff(user)
    scheme = scheme_of(year)
    if scheme is None:
        return 0
    ids = list(townships().values_list("pk", flat=True))
    with transaction.atomic(), acting_user(user):
        _open_year(year)
        _score_townships(year, scheme, ids)
    return len(ids)


def refresh_snapshots(
    *, year: int, county=None, path_prefix: str = "", now: datetime.datetime | None = None, progress=None, user=None
) -> int:
    """Count every scheme indicator of every township for `year` and score them; return how many
    townships were counted. A locked year (or one not opened) is skipped: 0.

    Each township is counted, then written and scored in its own transaction under the year's
    row lock, so a lock that comes meanwhile stops the refresh before its next write.
    `progress(done, total)` is called after each township (the on-demand job's progress bar).
    """
    assessment = AssessmentYear.objects.filter(year=year).first()
    scheme = scheme_of(year)
    if assessment is None or assessment.locked or scheme is None:
        return 0
    system = system_user()
    registered = {item.key: item for item in registered_indicators()}
    keys = []
    for item in scheme.items.all():
        keys.append(item.indicator_key)
        keys.extend(deduction.indicator_key for deduction in item.deductions.all() if deduction.indicator_key)
    keys = [key for key in dict.fromkeys(keys) if key in registered]
    units = list(townships(county=county, path_prefix=path_prefix))
    done = 0
    for township in units:
        counted_at = now or timezone.now()
        rows = []
        for key in keys:
            rate = registered[key].compute(user=system, unit=township, year=year)
            rows.append(
                IndicatorSnapshot(
                    year=year,
                    township=township,
                    indicator_key=key,
                    numerator=max(0, int(rate.numerator)) if rate else 0,
                    denominator=max(0, int(rate.denominator)) if rate else 0,
                    numerator_label=(rate.numerator_label if rate else "")[:100],
                    denominator_label=(rate.denominator_label if rate else "")[:100],
                    url=(rate.url or "") if rate else "",
                    numerator_url=(rate.numerator_url or "") if rate else "",
                    denominator_url=(rate.denominator_url or "") if rate else "",
                    counted_at=counted_at,
                )
            )
        with transaction.atomic(), acting_user(user):
            current = AssessmentYear.objects.select_for_update().get(pk=assessment.pk)
            if current.locked:
                break  # locked meanwhile: nothing more of it changes
            IndicatorSnapshot.objects.filter(year=year, township=township).exclude(indicator_key__in=keys).delete()
            if rows:
                IndicatorSnapshot.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["year", "township", "indicator_key"],
                    update_fields=[
                        "numerator",
                        "denominator",
                        "numerator_label",
                        "denominator_label",
                        "url",
                        "numerator_url",
                        "denominator_url",
                        "counted_at",
                    ],
                )
            _score_townships(year, scheme, [township.pk])
        done += 1
        if progress is not None:
            progress(done, len(units))
    return done


def refresh_open_years(*, now: datetime.datetime | None = None) -> dict:
    """Every hour (beat): refresh the snapshots of every open year. Returns {year: townships}."""
    years = AssessmentYear.objects.filter(status=YearStatus.OPEN).values_list("year", flat=True)
    return {year: refresh_snapshots(year=year, now=now) for year in years}


# --- the three scores -----------------------------------------------------------------------


def _scheme_item(year: int, indicator_key: str) -> SchemeItem:
    item = SchemeItem.objects.filter(scheme__year=year, indicator_key=indicator_key).first()
    if item is None:
        raise ApplicationError("该年度考核细则中没有这个指标。")
    return item


def _score_row(year: int, township, indicator_key: str) -> TownshipScore:
    score = (
        TownshipScore.objects.select_for_update()
        .filter(year=year, township=township, indicator_key=indicator_key)
        .first()
    )
    return score or TownshipScore(year=year, township=township, indicator_key=indicator_key)


def save_self_assessment(*, user, year: int, township, indicator_key: str, points, note: str = "") -> TownshipScore:
    """A township chair's self-assessment (自评) of one item: their own township, open year only."""
    if user is None or not user.has_perm("overview.self_assess") or user.org_unit_id != township.pk:
        raise ApplicationError("只有本乡镇工会可以填写自评。")
    with transaction.atomic(), acting_user(user):
        _open_year(year)
        item = _scheme_item(year, indicator_key)
        score = _score_row(year, township, indicator_key)
        score.self_points = _check_points(points, item.max_points)
        score.self_note = (note or "").strip()
        score.full_clean()
        score.save()
    return score


def save_final_score(*, user, year: int, township, indicator_key: str, points, note: str = "") -> TownshipScore:
    """The county's final score (县评定) of one item of a township."""
    _check_county_staff(user)
    _check_in_area(user, township)
    with transaction.atomic(), acting_user(user):
        _open_year(year)
        item = _scheme_item(year, indicator_key)
        score = _score_row(year, township, indicator_key)
        score.final_points = _check_points(points, item.max_points)
        score.final_note = (note or "").strip()
        score.full_clean()
        score.save()
    return score


def veto_record(*, user, year: int, township, veto: VetoItem, note: str = "") -> TownshipVeto:
    """Record a veto item (一票否决) against a township: its total is 0."""
    _check_county_staff(user)
    _check_in_area(user, township)
    if veto.scheme.year != year:
        raise ApplicationError("该否决项不属于本年度考核细则。")
    with transaction.atomic(), acting_user(user):
        _open_year(year)
        if TownshipVeto.objects.filter(year=year, township=township, veto=veto).exists():
            raise ApplicationError("该乡镇已记录此否决项。")
        row = TownshipVeto(year=year, township=township, veto=veto, note=(note or "").strip(), recorded_by=user)
        row.full_clean()
        row.save()
    return row


def veto_remove(*, user, year: int, veto_row: TownshipVeto) -> None:
    _check_county_staff(user)
    _check_in_area(user, veto_row.township)
    with transaction.atomic(), acting_user(user):
        _open_year(year)
        veto_row.delete()


def deduction_count_set(*, user, year: int, township, deduction: Deduction, count: int) -> TownshipDeduction:
    """The count of a deduction the county enters for a township (e.g. contracts missing)."""
    _check_county_staff(user)
    _check_in_area(user, township)
    if deduction.item.scheme.year != year:
        raise ApplicationError(f"该扣分项不属于{year}年度的考核方案。")
    if deduction.indicator_key:
        raise ApplicationError("该扣分项由指标自动计算，不能手工填写。")
    if count is None or count < 0:
        raise ApplicationError("次数不能为负数。")
    with transaction.atomic(), acting_user(user):
        _open_year(year)
        row = TownshipDeduction.objects.select_for_update().filter(
            year=year, township=township, deduction=deduction
        ).first() or TownshipDeduction(year=year, township=township, deduction=deduction)
        row.count = count
        row.full_clean()
        row.save()
        scheme = scheme_of(year)
        _score_townships(year, scheme, [township.pk])
    return row


# --- the year -------------------------------------------------------------------------------


def year_open(*, user, year: int) -> AssessmentYear:
    """Open a year's assessment; its scheme is copied from the latest earlier year's when it has none."""
    _check_county_staff(user)
    with transaction.atomic(), acting_user(user):
        assessment = AssessmentYear.objects.select_for_update().filter(year=year).first()
        if assessment is not None:
            raise ApplicationError(f"{year}年度考核已经开启。")
        assessment = AssessmentYear(year=year, status=YearStatus.OPEN)
        assessment.full_clean()
        assessment.save()
        if not ScoringScheme.objects.filter(year=year).exists():
            _scheme_copy(year)
    return assessment


def _scheme_copy(year: int) -> ScoringScheme:
    source = scheme_of_before(year)
    scheme = ScoringScheme.objects.create(
        year=year,
        name=f"{year}年度乡镇工会工作考核细则",
        target_total=source.target_total if source else None,
    )
    if source is None:
        return scheme
    for item in source.items.all():
        copy = SchemeItem.objects.create(
            scheme=scheme, indicator_key=item.indicator_key, max_points=item.max_points, order=item.order
        )
        ScoreBand.objects.bulk_create(
            [ScoreBand(item=copy, threshold=band.threshold, points=band.points) for band in item.bands.all()]
        )
        Deduction.objects.bulk_create(
            [
                Deduction(item=copy, label=d.label, points_each=d.points_each, indicator_key=d.indicator_key)
                for d in item.deductions.all()
            ]
        )
    VetoItem.objects.bulk_create(
        [VetoItem(scheme=scheme, label=v.label, description=v.description) for v in source.vetoes.all()]
    )
    return scheme


def scheme_of_before(year: int) -> ScoringScheme | None:
    return (
        ScoringScheme.objects.filter(year__lt=year)
        .order_by("-year")
        .prefetch_related("items__bands", "items__deductions", "vetoes")
        .first()
    )


def year_lock(*, user, year: int, now: datetime.datetime | None = None) -> AssessmentYear:
    """Lock a year: the computed points are recounted from the snapshots, the final score is the
    computed one wherever the county gave none, and from then on nothing of the year changes."""
    _check_county_staff(user)
    now = now or timezone.now()
    with transaction.atomic(), acting_user(user):
        assessment = _open_year(year)
        scheme = scheme_of(year)
        if scheme is not None:
            _score_townships(year, scheme, list(townships().values_list("pk", flat=True)))
        for score in TownshipScore.objects.select_for_update().filter(year=year, final_points__isnull=True):
            score.final_points = score.computed_points
            score.save(update_fields=["final_points", "updated_at"])
        assessment.status = YearStatus.LOCKED
        assessment.locked_at = now
        assessment.locked_by = user
        assessment.full_clean()
        assessment.save(update_fields=["status", "locked_at", "locked_by", "updated_at"])
    return assessment


# --- the scheme (county staff edit it in the portal while the year is open) -----------------


def _scheme_write(user, scheme: ScoringScheme) -> None:
    _check_county_staff(user)
    _open_year(scheme.year)


def _save(row) -> None:
    row.full_clean()
    row.save()


def scheme_item_save(*, user, item: SchemeItem) -> SchemeItem:
    with transaction.atomic(), acting_user(user):
        _scheme_write(user, item.scheme)
        _save(item)
    return item


def score_band_save(*, user, band: ScoreBand) -> ScoreBand:
    with transaction.atomic(), acting_user(user):
        _scheme_write(user, band.item.scheme)
        _save(band)
    return band


def deduction_save(*, user, deduction: Deduction) -> Deduction:
    with transaction.atomic(), acting_user(user):
        _scheme_write(user, deduction.item.scheme)
        _save(deduction)
    return deduction


def veto_item_save(*, user, veto: VetoItem) -> VetoItem:
    with transaction.atomic(), acting_user(user):
        _scheme_write(user, veto.scheme)
        _save(veto)
    return veto


def scheme_row_delete(*, user, row) -> None:
    """Remove an item, band, deduction or veto item from an open year's scheme."""
    scheme = row.scheme if hasattr(row, "scheme") else row.item.scheme
    with transaction.atomic(), acting_user(user):
        _scheme_write(user, scheme)
        if isinstance(row, VetoItem) and TownshipVeto.objects.filter(veto=row).exists():
            raise ApplicationError("该否决项已对乡镇记录，不能删除。")
        # What people entered (a township's 自评, the county's 县评定, counts entered for a
        # deduction) is never removed with a scheme row: the county clears it first, on purpose.
        deductions = []
        if isinstance(row, Deduction):
            deductions = [row]
        elif isinstance(row, SchemeItem):
            deductions = list(row.deductions.all())
        if deductions and TownshipDeduction.objects.filter(deduction__in=deductions, count__gt=0).exists():
            raise ApplicationError("该扣分项已对乡镇填写次数，不能删除；请先将次数改为0。")
        if isinstance(row, SchemeItem):
            scores = TownshipScore.objects.filter(year=scheme.year, indicator_key=row.indicator_key)
            if scores.filter(Q(self_points__isnull=False) | Q(final_points__isnull=False)).exists():
                raise ApplicationError(
                    "该考核项已有乡镇自评或县评定得分，不能删除；请先在各乡镇考核页清空这些得分（分数留空保存）。"
                )
            scores.delete()  # only computed points, which the scheme derives
        row.delete()


# --- the on-demand refresh (a background job with progress, apps.core.jobs) -----------------


def refresh_job_start(*, user, year: int) -> AssessmentRefresh:
    """County staff's 立即刷新: a job row, its task queued once the transaction commits."""
    from apps.core.jobs import job_dispatch

    from .tasks import run_assessment_refresh

    _check_county_staff(user)
    with transaction.atomic():
        assessment = AssessmentYear.objects.filter(year=year).first()
        if assessment is None:
            raise ApplicationError(f"{year}年度考核尚未开启。")
        if assessment.locked:
            raise ApplicationError(LOCKED_MESSAGE)
        # The requester's area (county staff: their county), so one county's 立即刷新 in a
        # province deployment counts its own townships, not the province's.
        area = user_scope_path(user)
        if area is None:
            raise ApplicationError("您的账号没有所属单位，不能刷新考核数据。")
        total = townships(path_prefix=area).count()
        job = AssessmentRefresh.objects.create(year=year, requested_by=user, area_path=area, total=total)
        job_dispatch(run_assessment_refresh, job.pk)
    return job


def refresh_job_run(*, job_id: int, task_id: str = "", redelivered: bool = False) -> int | None:
    """Run one refresh job: claimed atomically, progress after each township, done or failed."""
    from apps.core.jobs import job_claim, job_rows, job_run_failed

    if not job_claim(AssessmentRefresh, job_id, task_id=task_id, redelivered=redelivered):
        return None
    job = AssessmentRefresh.objects.select_related("requested_by").get(pk=job_id)
    running = job_rows(AssessmentRefresh, job_id, task_id)

    def progress(done, total):
        running.update(processed=done, total=total, updated_at=timezone.now())

    try:
        counted = refresh_snapshots(year=job.year, path_prefix=job.area_path, progress=progress, user=job.requested_by)
    except Exception as exc:
        job_run_failed(
            AssessmentRefresh, job_id, task_id, exc, what="assessment refresh", message="刷新考核数据失败，请稍后重试。"
        )
        raise
    now = timezone.now()
    running.update(status=RefreshStatus.DONE, processed=counted, finished_at=now, updated_at=now)
    return counted
