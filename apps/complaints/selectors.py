"""Reads of the complaints app. Row scoping for complaints lives here, and so do the rules
of who is shown the complainant (`complainant_shown`, `complainant_posted`)."""

import re
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.accounts.selectors import user_choices_with_permission
from apps.branches.models import Enterprise
from apps.branches.selectors import user_scope_path
from apps.core.history import object_history
from apps.core.indicators import Rate

from .choices import OPEN_STATUSES
from .deadlines import answered_in_time, days_left, last_day_to_answer
from .models import URGENCY_RANK, Complaint

VIEW_COMPLAINANT = "complaints.view_complainant"
# Who may be a complaint's handler (a choice in the list's filter): who may move it on.
HANDLE_COMPLAINT = "complaints.change_complaint"
ANONYMOUS = "匿名"
# The fields complainant_shown reads: what a list must load to show the complainant.
COMPLAINANT_FIELDS = ("anonymous", "complainant_name", "complainant_mobile")


def complaint_summary(complaint, *, user, now=None) -> dict:
    """What a page about one complaint shows of it (the detail page, the transition forms, the
    registration form's print): the deadline, its days left, the complainant as `user` may see them."""
    now = now or timezone.now()
    return {
        "days_left": days_left(complaint.due_at, now) if complaint.is_open else None,
        "last_day": last_day_to_answer(complaint.due_at),
        "complainant": complainant_shown(complaint, user=user),
        "answered_in_time": answered_in_time(complaint.answered_at, complaint.due_at),
    }


def complaint_list(*, user):
    """Complaints of the townships in the user's subtree, most urgent first."""
    prefix = user_scope_path(user)
    queryset = Complaint.objects.select_related("enterprise", "township", "handler").defer(
        "description", "request", "answer_text", "posted_text"
    )
    if prefix is None:
        return queryset.none()
    if prefix != "":
        queryset = queryset.filter(township__path__startswith=prefix)
    # Open ones first, nearest deadline first; then the rest, newest first.
    return queryset.annotate(open_rank=URGENCY_RANK).order_by("open_rank", "due_at", "-received_at")


def complaint_detail_queryset(*, user):
    return complaint_list(user=user).defer(None)


# --- the on-time answer rate (投诉按时答复率) ---------------------------------------------------------
# One definition, read by the statistics page and the home page's indicator alike: counted are the
# complaints that are due (answered, or past their deadline without an answer: those are late);
# on time means answered (or posted) before `due_at`. One not yet due and unanswered is not counted.
# `answered_at` is the answer's recorded time (the transition form takes it: a phone answer given
# yesterday is entered today), not when it was entered; deadlines.answered_in_time is the same rule.

ANSWERED = Q(answered_at__isnull=False)
ANSWERED_ON_TIME = Q(answered_at__isnull=False, answered_at__lt=F("due_at"))


def OVERDUE_UNANSWERED(now) -> Q:
    """Past the deadline at `now` and not answered: late, whatever the overdue sweep has marked yet."""
    return Q(answered_at__isnull=True, due_at__lte=now)


def COUNTED_FOR_ON_TIME(now) -> Q:
    """The rate's denominator at `now`: answered, or overdue unanswered."""
    return ANSWERED | OVERDUE_UNANSWERED(now)


def LATE(now) -> Q:
    """Counted at `now` and not answered on time: answered late, or overdue unanswered."""
    return COUNTED_FOR_ON_TIME(now) & ~ANSWERED_ON_TIME


def on_time_percent(on_time: int, due: int) -> int | None:
    """The rate as the pages show it, rounded as `Rate.percent` rounds it; None with nothing due."""
    return Rate(numerator=on_time, denominator=due).percent


def complaint_statistics(*, user, now=None):
    """On-time answer rate, average days to answer, open and overdue counts: by township, category, month."""
    now = now or timezone.now()
    base = complaint_list(user=user).order_by()
    aggregates = {
        "total": Count("pk"),
        "answered": Count("pk", filter=ANSWERED),
        "due": Count("pk", filter=COUNTED_FOR_ON_TIME(now)),
        "on_time": Count("pk", filter=ANSWERED_ON_TIME),
        "late": Count("pk", filter=LATE(now)),
        "overdue_unanswered": Count("pk", filter=OVERDUE_UNANSWERED(now)),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, is_overdue=True)),
        "avg_answer": Avg(
            ExpressionWrapper(F("answered_at") - F("received_at"), output_field=DurationField()), filter=ANSWERED
        ),
    }

    def rows(values):
        result = []
        for row in values:
            row["on_time_percent"] = on_time_percent(row["on_time"], row["due"])
            row["avg_days"] = row["avg_answer"].total_seconds() / 86400 if row["avg_answer"] else None
            result.append(row)
        return result

    return {
        "total": rows([base.aggregate(**aggregates)])[0],
        "by_township": rows(
            base.values("township_id", "township__name").annotate(**aggregates).order_by("township__name")
        ),
        "by_category": rows(base.values("category").annotate(**aggregates).order_by("category")),
        "by_month": rows(
            base.annotate(month=TruncMonth("received_at"))
            .values("month")
            .annotate(**aggregates)
            .order_by("-month")[:12]
        ),
    }


def complaint_handler_choices(*, user):
    """Users in the viewer's scope who may handle complaints: a chair sees their township's."""
    return user_choices_with_permission(perm=HANDLE_COMPLAINT, scope_path=user_scope_path(user))


# --- search ----------------------------------------------------------------------------------------

TRACKING_NUMBER = re.compile(r"^TS-\d{4}-\d{6}$", re.IGNORECASE)


def complaint_search(queryset, q: str, *, user):
    """One box: a tracking number (whole: exact; in part: contained), an enterprise's name,
    and the complainant's name only for users who may see it (`user_may_see_complainant`);
    for anyone else a name finds nothing it would not find without the name."""
    q = (q or "").strip()
    if not q:
        return queryset
    if TRACKING_NUMBER.match(q):
        return queryset.filter(tracking_number=q.upper())
    # Tracking numbers are stored in capitals; the enterprises matching a name are found first
    # (a few thousand names, not a join per complaint), so no column is upper-cased per row:
    # on a county's 10,000 complaints that halved the search.
    found = Q(tracking_number__contains=q.upper()) | Q(
        enterprise_id__in=Enterprise.objects.filter(name__icontains=q).values("pk")
    )
    if user_may_see_complainant(user):
        found |= Q(complainant_name__contains=q)
    return queryset.filter(found)


# --- who is shown the complainant ------------------------------------------------------------------
# The one home of the naming rules; the list's table, the export, the detail page, its history
# and the public notice all ask here.


@dataclass(frozen=True)
class Complainant:
    """The complainant as one reader is shown them."""

    name: str  # the whole name, the masked name (王*), or 匿名
    mobile: str  # the whole mobile, or "" when not shown
    named: bool  # whether `name` is the whole name


def user_may_see_complainant(user) -> bool:
    """Whether the user's role may see (and search for) who complained. Cached per request by Django."""
    return user is not None and user.has_perm(VIEW_COMPLAINANT)


def complainant_shown(complaint: Complaint, *, user) -> Complainant:
    """What a portal page or export shows its reader: the whole name and mobile for roles with
    `complaints.view_complainant`, else (and for no user) the masked name; an anonymous complaint
    is 匿名 to all.

    `confidential` (the enterprise is not told) does not hide the complainant from the union's
    own staff: it governs what leaves the union (`complainant_posted`)."""
    if complaint.anonymous or not complaint.complainant_name:
        return Complainant(name=ANONYMOUS, mobile="", named=False)
    if user_may_see_complainant(user):
        return Complainant(name=complaint.complainant_name, mobile=complaint.complainant_mobile, named=True)
    return Complainant(name=complaint.complainant_masked, mobile="", named=False)


def complainant_posted(complaint: Complaint) -> Complainant:
    """What a public posting (张榜公布) in the enterprise shows, whoever prints it: the name only
    with the complainant's separate consent (PIPL art. 25) and when they did not ask to stay
    unknown to the enterprise (confidential) or complain anonymously; never the mobile."""
    named = (
        complaint.consent_to_name
        and not complaint.anonymous
        and not complaint.confidential
        and bool(complaint.complainant_name)
    )
    if named:
        return Complainant(name=complaint.complainant_name, mobile="", named=True)
    return Complainant(name=complaint.complainant_masked, mobile="", named=False)


def complaint_history(complaint: Complaint, *, user) -> list:
    """The complaint's audit history; the complainant's name and mobile masked unless the user
    may see them (a change made in a shell would otherwise show them to every reader)."""
    rows = object_history(complaint)
    if user_may_see_complainant(user):
        return rows
    hidden = {str(Complaint._meta.get_field(name).verbose_name) for name in ("complainant_name", "complainant_mobile")}
    for row in rows:
        row.changes = [
            (name, "***" if before else before, "***" if after else after) if name in hidden else (name, before, after)
            for name, before, after in row.changes
        ]
    return rows


def complaint_reminder_list(*, user):
    """Reminders sent for the complaints in the user's scope (what Django admin lists)."""
    from .models import ComplaintReminder

    return ComplaintReminder.objects.filter(complaint__in=complaint_list(user=user).order_by().values("pk"))


def complaints_due_by_today(queryset, *, now=None):
    """Open complaints whose last day to answer is today or already past (Asia/Shanghai).

    `due_at` is the first instant after the last day, so "last day ≤ today" is "due_at ≤ tomorrow 00:00".
    The to-do list counts these and the complaint list's `due=today` shows exactly them.
    """
    import datetime

    from .deadlines import SHANGHAI

    today = (now or timezone.now()).astimezone(SHANGHAI).date()
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tzinfo=SHANGHAI)
    return queryset.filter(status__in=OPEN_STATUSES, due_at__lte=tomorrow)


def answered_on_time_counts(*, user, unit=None, year: int, now=None) -> dict:
    """Complaints answered on time in a year: {"due", "on_time", "late"}, one query.

    Counted are the complaints in the user's area (under `unit`) whose last day to answer falls in
    the year and that are either answered or past that day: one still open past its deadline
    counts as late, one not yet due and unanswered is not counted yet. On time means answered
    (or posted) before `due_at`: COUNTED_FOR_ON_TIME and ANSWERED_ON_TIME, as the statistics page counts it.
    """
    import datetime

    from .deadlines import SHANGHAI

    now = now or timezone.now()
    start = datetime.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    queryset = complaint_list(user=user).order_by()
    if unit is not None:
        queryset = queryset.filter(township__path__startswith=unit.path)
    counted = queryset.filter(due_at__gt=start, due_at__lte=end).filter(COUNTED_FOR_ON_TIME(now))
    counts = counted.aggregate(due=Count("pk"), on_time=Count("pk", filter=ANSWERED_ON_TIME))
    counts["late"] = counts["due"] - counts["on_time"]
    return counts
