"""Milestones: reminders that go out once when a subject reaches a time (a deadline, a term's end).

An app declares each milestone in its AppConfig.ready() (`register_milestone`); one beat task
(`apps.core.tasks.sweep_milestones`) runs them all. A declaration says:

- `kind`: "<app>:<name>", unique; with the subject's id (and the occurrence) it is the claim's
  key and the notifications' `dedupe_key` ("complaints:overdue:42");
- `due(run)`: a queryset of the subjects due as of `run.now`, annotated with `milestone_due_at`
  (their due time, stored with the claim; NULL if not annotated) and, for a milestone that comes
  round again, `milestone_occurrence` (text: the year, the term's end);
- `recipients(subject, run)` and `message(subject, run)`: who is told, and what (a `Message`:
  title, body, link, level). `run.memo(factory, *args)` computes a lookup shared by all subjects
  (the users to tell, a yearly check) once per sweep;
- `reached(ids, now)`: optional side effects (the complaint's overdue mark), in the same
  transaction as the claim and the notifications;
- `select_related`: what `recipients` and `message` read from a subject, loaded in one query;
- `once_per_day_after`: optional (a local time, e.g. 07:30). A milestone whose `due` is costly
  (the yearly compliance check of the whole county) is worked out at most once per day, the day
  starting at that time: a sweep that finishes the milestone without a failure leaves a marker
  claim (subject 0, occurrence "swept:<day>") and the later sweeps of that day skip it, without
  building its due set. A run that failed leaves no marker, so the next sweep tries again.

Exactly once: a subject's milestone is claimed by one INSERT … SELECT … ON CONFLICT DO NOTHING
RETURNING on (kind, subject, occurrence), so of two sweeps at once only one gets each claim, and
the claim, the side effects and the notifications commit together: a worker killed half-way
rolls all back and the next sweep does it. Milestones on the same model form a batch: its due
subjects cost a few statements however many there are (one claim per milestone, one load, one
`notification_send_many`). If the batch fails, it goes subject by subject, each in its own
savepoint: a bad row is logged by its id (never its contents) and retried by the next sweep,
and every other subject still gets its reminders. A lost database connection is re-raised.
"""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import DateTimeField, Exists, OuterRef, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .history import acting_user
from .models import MilestoneClaim, Notification, NotificationLevel

logger = logging.getLogger(__name__)

DUE_AT = "milestone_due_at"
OCCURRENCE = "milestone_occurrence"
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$")

# Errors that say the database itself is gone, not that one subject is bad: the sweep stops
# (the next run does it all) instead of trying, and logging, every subject in turn.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class Message:
    """What a milestone's notification says. Never the personal data of a complainant or member."""

    title: str
    body: str = ""
    link: str = ""
    level: str = NotificationLevel.INFO


@dataclass(frozen=True)
class Milestone:
    kind: str
    due: Callable[["MilestoneRun"], QuerySet]
    recipients: Callable[[object, "MilestoneRun"], Iterable]
    message: Callable[[object, "MilestoneRun"], Message]
    reached: Callable[[list[int], datetime], None] | None = None
    select_related: tuple[str, ...] = ()
    once_per_day_after: time | None = None

    def dedupe_key(self, pk: int, occurrence: str) -> str:
        return f"{self.kind}:{pk}:{occurrence}" if occurrence else f"{self.kind}:{pk}"

    def swept_marker(self, now: datetime) -> str | None:
        """The occurrence of this day's "already swept" marker (None: no daily cadence)."""
        if self.once_per_day_after is None:
            return None
        return f"{SWEPT_PREFIX}{milestone_day(now, self.once_per_day_after).isoformat()}"


# The subject id of the "already swept today" markers (no row has the id 0).
SWEPT_SUBJECT = 0
SWEPT_PREFIX = "swept:"


def milestone_day(now: datetime, starts: time) -> date:
    """The day that is running at `now` for a day starting at local time `starts` (before it:
    the day before)."""
    return (timezone.localtime(now) - timedelta(hours=starts.hour, minutes=starts.minute)).date()


@dataclass(eq=False)
class MilestoneRun:
    """One sweep: its clock, and lookups shared by every subject (made once, when first needed)."""

    now: datetime
    _memo: dict = field(default_factory=dict)

    def memo(self, factory: Callable, *args):
        """`factory(*args)`, computed once in this sweep."""
        key = (factory, args)
        if key not in self._memo:
            self._memo[key] = factory(*args)
        return self._memo[key]

    def due(self, milestone: "Milestone") -> QuerySet:
        """The milestone's due subjects as declared, built once in this sweep (a queryset, lazy)."""
        return self.memo(milestone.due, self)


_REGISTRY: dict[str, Milestone] = {}


def register_milestone(milestone: Milestone) -> Milestone:
    """Declare a milestone (from an AppConfig.ready()). A kind is declared once."""
    if not KIND_PATTERN.match(milestone.kind) or len(milestone.kind) > 60:
        raise ValueError(f"milestone kind {milestone.kind!r}: write it as '<app>:<name>' (lower case)")
    if _REGISTRY.get(milestone.kind, milestone) is not milestone:
        raise ValueError(f"milestone kind {milestone.kind!r} is declared twice")
    _REGISTRY[milestone.kind] = milestone
    return milestone


def milestones() -> list[Milestone]:
    return list(_REGISTRY.values())


def milestones_sweep(
    *, now: datetime | None = None, kinds: Iterable[str] | None = None, force: bool = False
) -> dict[str, int]:
    """Claim and send every milestone due as of `now` (only `kinds`, if given), each exactly once.

    A milestone with `once_per_day_after` already swept this day is skipped (unless `force`:
    an explicit send from admin or a shell). Returns how many subjects reached each milestone.
    """
    now = now or timezone.now()
    selected = milestones() if kinds is None else [_REGISTRY[kind] for kind in kinds]
    run = MilestoneRun(now=now)
    totals = dict.fromkeys((m.kind for m in selected), 0)
    if not force:
        selected = _not_swept_today(selected, now)
    groups: dict[type, list[Milestone]] = {}
    for milestone in selected:
        try:
            model = run.due(milestone).model
        except CONNECTION_ERRORS:
            raise
        except Exception as exc:
            # One app's broken declaration does not stop the others' reminders.
            kind, error = milestone.kind, type(exc).__name__
            logger.error("Milestones: %s could not list its due subjects (%s); skipped.", kind, error)
            continue
        groups.setdefault(model, []).append(milestone)
    for model, group in groups.items():
        done, complete = _sweep_batch(model, group, run)
        for kind, count in done.items():
            totals[kind] += count
        if complete:
            _mark_swept(group, now)
    return totals


def _not_swept_today(selected: list[Milestone], now: datetime) -> list[Milestone]:
    """`selected` without the daily milestones whose marker for this day exists (one query)."""
    markers = {m.kind: m.swept_marker(now) for m in selected if m.once_per_day_after is not None}
    if not markers:
        return selected
    swept = set(
        MilestoneClaim.objects.filter(
            kind__in=markers, subject_id=SWEPT_SUBJECT, occurrence__in=set(markers.values())
        ).values_list("kind", "occurrence")
    )
    return [m for m in selected if (m.kind, markers.get(m.kind)) not in swept]


def _mark_swept(group: list[Milestone], now: datetime) -> None:
    markers = [
        MilestoneClaim(kind=m.kind, subject_id=SWEPT_SUBJECT, occurrence=m.swept_marker(now), sent_at=timezone.now())
        for m in group
        if m.once_per_day_after is not None
    ]
    if markers:
        MilestoneClaim.objects.bulk_create(markers, ignore_conflicts=True)


def _sweep_batch(model, group: list[Milestone], run: MilestoneRun) -> tuple[dict[str, int], bool]:
    """Sweep one model's milestones; returns the counts and whether every due subject was done."""
    name = model._meta.model_name
    try:
        with transaction.atomic(), acting_user(None):
            return _reach(model, group, run), True
    except CONNECTION_ERRORS:
        raise
    except Exception as exc:
        logger.warning("Milestones: the %s batch failed (%s); going %s by %s.", name, type(exc).__name__, name, name)
    totals = dict.fromkeys((m.kind for m in group), 0)
    try:
        pending = _pending(group, run)
    except CONNECTION_ERRORS:
        raise
    except Exception as exc:
        logger.error("Milestones: the %s subjects due could not be listed (%s); skipped.", name, type(exc).__name__)
        return totals, False
    complete = True
    for pk in pending:
        try:
            with transaction.atomic(), acting_user(None):
                done = _reach(model, group, run, only=pk)
        except CONNECTION_ERRORS:
            raise
        except Exception as exc:
            # The id only: a database error's text can quote the row, personal data included.
            logger.error("Milestones skipped %s %s (%s); the next run retries it.", name, pk, type(exc).__name__)
            complete = False
            continue
        for kind, count in done.items():
            totals[kind] += count
    return totals, complete


def _due(milestone: Milestone, run: MilestoneRun, only: int | None = None) -> QuerySet:
    queryset = run.due(milestone)
    if DUE_AT not in queryset.query.annotations:
        queryset = queryset.annotate(**{DUE_AT: Value(None, output_field=DateTimeField())})
    if OCCURRENCE not in queryset.query.annotations:
        queryset = queryset.annotate(**{OCCURRENCE: Value("")})
    return queryset if only is None else queryset.filter(pk=only)


CLAIM_SQL = """
INSERT INTO core_milestoneclaim (kind, subject_id, due_at, occurrence, sent_at)
SELECT %s, due.subject_id, due.due_at::timestamptz, due.occurrence::text, %s
FROM ({due}) AS due (subject_id, due_at, occurrence)
ON CONFLICT (kind, subject_id, occurrence) DO NOTHING
RETURNING subject_id, occurrence
"""


def _claim(milestone: Milestone, run: MilestoneRun, only: int | None) -> list[tuple[int, str]]:
    """Claim the milestone for every due subject without a claim; return (id, occurrence) of those.

    One statement: the unique index decides, so two sweeps at once claim each subject once
    (the second waits for the first to commit, then finds the claim). In id order, so two
    sweeps take their row locks in the same order.
    """
    due = _due(milestone, run, only).order_by("pk").values_list("pk", DUE_AT, OCCURRENCE)
    try:
        sql, params = due.query.sql_with_params()
    except EmptyResultSet:  # none() or an empty `pk__in`: nothing is due
        return []
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL.format(due=sql), [milestone.kind, timezone.now(), *params])
        return cursor.fetchall()


def _pending(group: list[Milestone], run: MilestoneRun) -> list[int]:
    """Ids of subjects due a milestone of `group` they have not reached yet (ids only)."""
    pks = set()
    for milestone in group:
        claims = MilestoneClaim.objects.filter(
            kind=milestone.kind, subject_id=OuterRef("pk"), occurrence=OuterRef(OCCURRENCE)
        )
        pks.update(_due(milestone, run).filter(~Exists(claims)).values_list("pk", flat=True))
    return sorted(pks)


def _reach(model, group: list[Milestone], run: MilestoneRun, only: int | None = None) -> dict[str, int]:
    from .services import notification_send_many

    claimed = {milestone.kind: _claim(milestone, run, only) for milestone in group}
    for milestone in group:
        if milestone.reached and claimed[milestone.kind]:
            milestone.reached([pk for pk, _occurrence in claimed[milestone.kind]], run.now)
    ids = sorted({pk for rows in claimed.values() for pk, _occurrence in rows})
    if not ids:
        return dict.fromkeys(claimed, 0)
    related = sorted({name for milestone in group for name in milestone.select_related})
    subjects = model._default_manager.select_related(*related).filter(
        pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids])
    )
    subjects = {subject.pk: subject for subject in subjects}
    batch = []
    for milestone in group:
        for pk, occurrence in claimed[milestone.kind]:
            subject = subjects[pk]
            message = milestone.message(subject, run)
            users = {user.pk: user for user in milestone.recipients(subject, run) if user is not None}
            key = milestone.dedupe_key(pk, occurrence)
            batch += [
                Notification(
                    recipient=user,
                    title=message.title,
                    body=message.body,
                    link=message.link,
                    level=message.level,
                    dedupe_key=key,
                )
                for user in users.values()
            ]
    # One insert for the whole batch: a day's backlog of thousands costs one round trip.
    notification_send_many(notifications=batch)
    return {kind: len(rows) for kind, rows in claimed.items()}
