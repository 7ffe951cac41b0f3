"""Reads of the training app. Row scoping for programmes and nominations lives here, once.

Who sees what:
- a programme: its organiser's area sees it (the county's staff every township's classes), and so
  does everyone below its organiser (a township chair sees the county's batches, to nominate,
  and their own township's classes, not another township's);
- a nomination (and its attendance and certificate): the staff of its township, and of the
  programme's organiser (the county's staff everyone's; a township chair only their township's).

Who has been trained: an officer in post (branches) whose nomination completed a programme that
ended within the last N years (default 2). The untrained-cadre report, the indicator
`training.trained` and the yearly target all count through `trained_q` and `cadres_in_post`.
"""

import datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from apps.branches.choices import OfficerPosition, OrgUnitKind
from apps.branches.models import Officer, OrgUnit
from apps.branches.selectors import orgunit_list, user_scope_path

from .choices import NominationStatus, ProgrammeKind, ProgrammeStatus
from .models import Attendance, Certificate, Nomination, Programme, Quota, Session

DEFAULT_YEARS = 2
# The yearly target (每年至少培训一次): the township union's own chair and full-time cadres.
TARGET_POSITIONS = (OfficerPosition.CHAIR, OfficerPosition.FULL_TIME)


# --- the tree -----------------------------------------------------------------------------------


def _ancestor_paths(path: str) -> list[str]:
    step = OrgUnit.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def township_of(unit: OrgUnit) -> OrgUnit | None:
    """The township union a unit lies in (the unit itself if it is one); None above townships."""
    return OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP, path__in=_ancestor_paths(unit.path)).first()


# --- scoping ------------------------------------------------------------------------------------


def programme_in_scope_q(user, relation: str = "") -> Q:
    """Programmes organised within the user's area or above the user's own unit, as a Q
    (relation "programme__" from a session, a quota or a nomination)."""
    prefix = user_scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{relation}organiser__path__startswith": prefix}) | Q(
        **{f"{relation}organiser__path__in": _ancestor_paths(prefix)}
    )


def nomination_in_scope_q(user, relation: str = "") -> Q:
    """Nominations of a township in the user's area, or of a programme the user's area organises
    (relation "nomination__" from an attendance or a certificate)."""
    prefix = user_scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{relation}township__path__startswith": prefix}) | Q(
        **{f"{relation}programme__organiser__path__startswith": prefix}
    )


def user_manages_programme(user, programme: Programme) -> bool:
    """Whether the user's area organises the programme (may edit it, record its attendance,
    issue its certificates); the services refuse the others. Views use it to show the buttons."""
    prefix = user_scope_path(user)
    return prefix is not None and programme.organiser.path.startswith(prefix)


# --- programmes ---------------------------------------------------------------------------------


def _count(queryset) -> Subquery:
    """A correlated COUNT(*) of `queryset` (filtered on OuterRef), 0 when there is none."""
    return Coalesce(
        Subquery(queryset.order_by().values("programme").annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def programme_list(*, user, filters: dict | None = None):
    """Programmes the user sees, newest first, each with its counts (one query, however many):
    `enrolled`, `waiting`, `completed`, `session_count`, `places_left` (capacity − enrolled), and,
    for a user in a township, `township_enrolled`, `township_waiting` and `township_quota` (None:
    no quota limits the township) for their township.

    `filters`: "year", "kind", "status", "organiser" (a unit id), "open_on" (a date: sign-up open).
    """
    filters = filters or {}
    nominations = Nomination.objects.filter(programme=OuterRef("pk"))
    enrolled = nominations.filter(status=NominationStatus.NOMINATED)
    queryset = (
        Programme.objects.filter(programme_in_scope_q(user))
        .select_related("organiser")
        .annotate(
            enrolled=_count(enrolled),
            waiting=_count(nominations.filter(status=NominationStatus.WAITING)),
            completed=_count(enrolled.filter(completed=True)),
            session_count=_count(Session.objects.filter(programme=OuterRef("pk"))),
        )
    )
    township = _user_township(user)
    if township is not None:
        queryset = queryset.annotate(
            township_enrolled=_count(enrolled.filter(township=township)),
            township_waiting=_count(nominations.filter(status=NominationStatus.WAITING, township=township)),
            township_quota=Subquery(
                Quota.objects.filter(programme=OuterRef("pk"), township=township).values("places")[:1]
            ),
        )
    for name in ("year", "kind", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("organiser"):
        queryset = queryset.filter(organiser_id=filters["organiser"])
    if filters.get("open_on"):
        day = filters["open_on"]
        queryset = queryset.filter(signup_opens_on__lte=day, signup_closes_on__gte=day).exclude(
            status=ProgrammeStatus.CANCELLED
        )
    return queryset.order_by("-starts_on", "-id")


def _user_township(user) -> OrgUnit | None:
    unit = getattr(user, "org_unit", None)
    if unit is None or not user.is_authenticated:
        return None
    return unit if unit.kind == OrgUnitKind.TOWNSHIP else None


def programme_detail_queryset(*, user):
    """A programme's page: the list's row, its sessions (in order) and its quotas prefetched."""
    return programme_list(user=user).prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("held_on", "id")),
        Prefetch("quotas", queryset=Quota.objects.select_related("township").order_by("township__path")),
    )


def programme_places(*, user, programme: Programme) -> list[dict]:
    """Places per township of a county batch, for the townships the user sees: [{"township",
    "quota" (None: no quotas), "enrolled", "waiting", "left"}], in tree order; two queries."""
    townships = list(
        orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP, path__startswith=programme.organiser.path)
    )
    quotas = dict(programme.quotas.values_list("township_id", "places"))
    counts = {}
    for row in (
        programme.nominations.filter(status__in=[NominationStatus.NOMINATED, NominationStatus.WAITING])
        .values("township_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["township_id"], row["status"])] = row["n"]
    uses_quotas = bool(quotas) and programme.kind == ProgrammeKind.COUNTY_BATCH
    rows = []
    for township in townships:
        enrolled = counts.get((township.pk, NominationStatus.NOMINATED), 0)
        quota = quotas.get(township.pk, 0) if uses_quotas else None
        rows.append(
            {
                "township": township,
                "quota": quota,
                "enrolled": enrolled,
                "waiting": counts.get((township.pk, NominationStatus.WAITING), 0),
                "left": None if quota is None else max(quota - enrolled, 0),
            }
        )
    return rows


# --- nominations, attendance, certificates --------------------------------------------------------


def nomination_list(*, user):
    """Nominations the user sees (module docstring), with the trainee, township and certificate."""
    return (
        Nomination.objects.filter(nomination_in_scope_q(user))
        .select_related("programme", "township", "officer__union", "member__union", "nominated_by")
        .prefetch_related("certificates")
    )


def nomination_record_list(*, user):
    """Nominations the user sees as a training record's rows (a union's, an enterprise's or a
    person's panel): with the programme, and the certificate as `certificate_pk` and
    `certificate_number` columns (a nomination has at most one: Certificate's
    one_per_nomination) instead of nomination_list's prefetch, so a panel is one query."""
    certificate = Certificate.objects.filter(nomination=OuterRef("pk"))
    return (
        Nomination.objects.filter(nomination_in_scope_q(user))
        .select_related("programme")
        .annotate(
            certificate_pk=Subquery(certificate.values("pk")[:1]),
            certificate_number=Subquery(certificate.values("number")[:1]),
        )
    )


def programme_nominations(*, user, programme: Programme, status: str | None = None):
    """A programme's nominations as the user sees them (a township chair: their township's), in
    the order of the programme's page: township, enrolled before waiting (by position), name."""
    queryset = nomination_list(user=user).filter(programme=programme)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("township__path", "status", "waiting_position", "trainee_name", "pk")


def session_list(*, user):
    return Session.objects.filter(programme_in_scope_q(user, "programme__")).select_related("programme")


def quota_list(*, user):
    return Quota.objects.filter(programme_in_scope_q(user, "programme__")).select_related("programme", "township")


def attendance_list(*, user):
    return Attendance.objects.filter(nomination_in_scope_q(user, "nomination__")).select_related(
        "session", "nomination"
    )


def session_attendance(*, user, session: Session) -> list[dict]:
    """The sign-in list of a session: every enrolled trainee the user sees, with their entry (None:
    not entered yet). Two queries."""
    nominations = list(programme_nominations(user=user, programme=session.programme, status=NominationStatus.NOMINATED))
    entries = {row.nomination_id: row for row in session.attendances.filter(nomination__in=nominations)}
    return [{"nomination": n, "attendance": entries.get(n.pk)} for n in nominations]


def certificate_list(*, user):
    return Certificate.objects.filter(nomination_in_scope_q(user, "nomination__")).select_related(
        "nomination__programme__organiser", "nomination__township"
    )


def person_training_record(*, user, officer: Officer | None = None, member=None):
    """A person's training record (their officer's or member's page): every nomination the user
    sees, newest programme first, with the programme and certificate (nomination_record_list)."""
    queryset = nomination_record_list(user=user)
    queryset = queryset.filter(officer=officer) if officer is not None else queryset.filter(member=member)
    return queryset.order_by("-programme__starts_on", "-pk")


# --- who has been trained -------------------------------------------------------------------------


def window_start(today: datetime.date, years: int) -> datetime.date:
    """The first day counted in the last `years` years up to `today` (29 February → 28th)."""
    try:
        return today.replace(year=today.year - years) + datetime.timedelta(days=1)
    except ValueError:
        return today.replace(year=today.year - years, day=28) + datetime.timedelta(days=1)


def trained_q(*, since: datetime.date, until: datetime.date, relation: str = "pk") -> Exists:
    """EXISTS a completed nomination of the outer officer in a programme that ended between
    `since` and `until` (inclusive), not cancelled: the one definition of "trained"."""
    return Exists(
        Nomination.objects.filter(
            officer=OuterRef(relation),
            status=NominationStatus.NOMINATED,
            completed=True,
            programme__ends_on__gte=since,
            programme__ends_on__lte=until,
        ).exclude(programme__status=ProgrammeStatus.CANCELLED)
    )


def cadres_in_post(*, user, on: datetime.date | None = None, unit: OrgUnit | None = None):
    """Officers in post on `on` (in office by then, no end of office recorded: branches'
    `Officer.in_post`) of the active unions in the user's area (under `unit`, if given): the
    cadres who should be trained."""
    on = on or timezone.localdate()
    prefix = user_scope_path(user)
    if prefix is None:
        return Officer.objects.none()
    queryset = Officer.objects.filter(ended_on__isnull=True, term_start__lte=on, union__archived_at__isnull=True)
    if prefix:
        queryset = queryset.filter(union__path__startswith=prefix)
    if unit is not None:
        queryset = queryset.filter(union__path__startswith=unit.path)
    return queryset


def _townships(*, user, unit=None) -> list[OrgUnit]:
    townships = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)
    if unit is not None:
        townships = townships.filter(path__startswith=unit.path)
    return list(townships.order_by("path"))


def _with_township(queryset, townships: list[OrgUnit]):
    """Annotate each officer with `township_id`: the township whose path starts their union's
    (one indexed sub-select per distinct township depth, normally one)."""
    depths = sorted({t.depth for t in townships})
    if not depths:
        return queryset.annotate(township_id=Value(None, output_field=IntegerField()))
    step = OrgUnit.steplen
    picks = [
        Subquery(
            OrgUnit.objects.filter(
                kind=OrgUnitKind.TOWNSHIP, path=Substr(OuterRef("union__path"), 1, depth * step)
            ).values("pk")[:1]
        )
        for depth in depths
    ]
    township = picks[0] if len(picks) == 1 else Coalesce(*picks)
    return queryset.annotate(township_id=township)


def untrained_cadres(
    *, user, years: int = DEFAULT_YEARS, today: datetime.date | None = None, township: OrgUnit | None = None
):
    """Who still needs training: officers in post in the user's area (of `township`) with no
    completed training in the last `years` years up to `today`, each with `township_id` and
    `last_trained_on` (the end of their last completed programme, ever; None: never), ordered by
    township, union and name. A lazy queryset: the page paginates it, the export streams it."""
    today = today or timezone.localdate()
    last = (
        Nomination.objects.filter(officer=OuterRef("pk"), status=NominationStatus.NOMINATED, completed=True)
        .exclude(programme__status=ProgrammeStatus.CANCELLED)
        .order_by("-programme__ends_on")
        .values("programme__ends_on")[:1]
    )
    queryset = (
        cadres_in_post(user=user, on=today, unit=township)
        .filter(~trained_q(since=window_start(today, years), until=today))
        .select_related("union")
        .annotate(last_trained_on=Subquery(last))
    )
    queryset = _with_township(queryset, _townships(user=user, unit=township))
    return queryset.order_by("union__path", "position", "name", "pk")


def _by_township(queryset, townships, aggregates: dict) -> dict:
    rows = _with_township(queryset, townships).order_by().values("township_id").annotate(**aggregates)
    return {row.pop("township_id"): row for row in rows}


def untrained_cadres_by_township(
    *, user, years: int = DEFAULT_YEARS, today: datetime.date | None = None, unit: OrgUnit | None = None
) -> dict:
    """The untrained-cadre report: per township in the user's area, officers in post (`in_post`),
    trained in the last `years` years (`trained`) and not (`untrained`); two queries.

    {"today", "since", "years", "rows": [{"township", "in_post", "trained", "untrained"}], "total": {...}}
    """
    today = today or timezone.localdate()
    since = window_start(today, years)
    townships = _townships(user=user, unit=unit)
    counts = _by_township(
        cadres_in_post(user=user, on=today, unit=unit),
        townships,
        {"in_post": Count("pk"), "trained": Count("pk", filter=trained_q(since=since, until=today))},
    )
    rows, total = [], {"in_post": 0, "trained": 0, "untrained": 0}
    for township in townships:
        row = counts.get(township.pk, {"in_post": 0, "trained": 0})
        row = {**row, "untrained": row["in_post"] - row["trained"]}
        for name in total:
            total[name] += row[name]
        rows.append({"township": township, **row})
    return {"today": today, "since": since, "years": years, "rows": rows, "total": total}


def trained_counts(*, user, unit: OrgUnit | None = None, year: int | None = None, years: int = DEFAULT_YEARS) -> dict:
    """{"in_post", "trained"} under `unit` (the user's area when None), as of today or of
    31 December of a past `year`: the figures of the indicator `training.trained`. One query."""
    today = timezone.localdate()
    if year is not None and year < today.year:
        today = datetime.date(year, 12, 31)
    since = window_start(today, years)
    return cadres_in_post(user=user, on=today, unit=unit).aggregate(
        in_post=Count("pk"), trained=Count("pk", filter=trained_q(since=since, until=today))
    )


def training_target_by_township(*, user, year: int | None = None, unit: OrgUnit | None = None) -> dict:
    """Trained cadres per township and year against the target (每年至少培训一次): each township
    union's chair and full-time cadres in post, and how many of them completed a programme that
    ended in `year` (default this year). Two queries.

    {"year", "rows": [{"township", "target", "trained", "missing", "rate"}], "total": {...}}
    """
    today = timezone.localdate()
    year = year or today.year
    end = datetime.date(year, 12, 31)
    on = min(end, today)
    townships = _townships(user=user, unit=unit)
    cadres = cadres_in_post(user=user, on=on, unit=unit).filter(
        union__kind=OrgUnitKind.TOWNSHIP, position__in=TARGET_POSITIONS
    )
    rows_by_unit = {
        row["union_id"]: row
        for row in cadres.order_by()
        .values("union_id")
        .annotate(
            target=Count("pk"),
            trained=Count("pk", filter=trained_q(since=datetime.date(year, 1, 1), until=end)),
        )
    }
    rows, total = [], {"target": 0, "trained": 0}
    for township in townships:
        row = rows_by_unit.get(township.pk, {"target": 0, "trained": 0})
        for name in total:
            total[name] += row[name]
        rows.append(_target_row({"township": township, "target": row["target"], "trained": row["trained"]}))
    return {"year": year, "rows": rows, "total": _target_row(total)}


def _target_row(row: dict) -> dict:
    row["missing"] = row["target"] - row["trained"]
    row["rate"] = row["trained"] / row["target"] if row["target"] else None
    return row


def programmes_with_places_left(queryset, *, user, day: datetime.date | None = None):
    """Of `queryset` (programme_list's, for a user in a township): the county batches open for
    sign-up on `day` whose quota for the user's township is not filled yet. The to-do counts
    these rows, and the programme list's `places_left` filter shows exactly them."""
    if _user_township(user) is None:
        return queryset.none()
    day = day or timezone.localdate()
    return queryset.filter(
        signup_opens_on__lte=day,
        signup_closes_on__gte=day,
        township_quota__gt=F("township_enrolled"),
    ).exclude(status=ProgrammeStatus.CANCELLED)


def certificate_print_list(*, user):
    """Certificates the user sees, with what their print shows (the trainee's union, the organiser)."""
    return certificate_list(user=user).select_related("nomination__officer__union", "nomination__member__union")


# --- sign-in sheet imports ------------------------------------------------------------------------


def attendance_import_list(*, user):
    """The sign-in sheet imports of the programmes the user's area organises (who may import)."""
    from .models import AttendanceImport

    prefix = user_scope_path(user)
    queryset = AttendanceImport.objects.select_related("programme", "uploaded_by")
    if prefix is None:
        return queryset.none()
    return queryset.filter(programme__organiser__path__startswith=prefix) if prefix else queryset


def programmes_for_attendance_import(*, user):
    """The programmes whose sign-in sheet the user may import: organised by their area, not
    cancelled, with a session already held (the upload form's choices), newest first."""
    prefix = user_scope_path(user)
    if prefix is None:
        return Programme.objects.none()
    return (
        Programme.objects.filter(organiser__path__startswith=prefix)
        .exclude(status=ProgrammeStatus.CANCELLED)
        .filter(sessions__held_on__lte=timezone.localdate())
        .distinct()
        .select_related("organiser")
        .order_by("-starts_on", "-pk")
    )
