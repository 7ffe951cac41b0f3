"""Reads of the complaints app. Row scoping for complaints lives here."""

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth

from apps.branches.selectors import user_scope_path

from .choices import OPEN_STATUSES
from .models import URGENCY_RANK, Complaint


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


def complaint_statistics(*, user):
    """On-time answer rate, average days to answer, open and overdue counts: by township, category, month."""
    base = complaint_list(user=user).order_by()
    answered = Q(answered_at__isnull=False)
    on_time = Q(answered_at__isnull=False, answered_at__lt=F("due_at"))
    aggregates = {
        "total": Count("pk"),
        "answered": Count("pk", filter=answered),
        "on_time": Count("pk", filter=on_time),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, is_overdue=True)),
        "avg_answer": Avg(
            ExpressionWrapper(F("answered_at") - F("received_at"), output_field=DurationField()), filter=answered
        ),
    }

    def rows(values):
        result = []
        for row in values:
            row["on_time_rate"] = row["on_time"] / row["answered"] if row["answered"] else None
            row["avg_days"] = row["avg_answer"].total_seconds() / 86400 if row["avg_answer"] else None
            result.append(row)
        return result

    return {
        "total": rows([base.aggregate(**aggregates)])[0],
        "by_township": rows(base.values("township__name").annotate(**aggregates).order_by("township__name")),
        "by_category": rows(base.values("category").annotate(**aggregates).order_by("category")),
        "by_month": rows(
            base.annotate(month=TruncMonth("received_at"))
            .values("month")
            .annotate(**aggregates)
            .order_by("-month")[:12]
        ),
    }


def complaints_due_by_today(queryset, *, now=None):
    """Open complaints whose last day to answer is today or already past (Asia/Shanghai).

    `due_at` is the first instant after the last day, so "last day ≤ today" is "due_at ≤ tomorrow 00:00".
    The to-do list counts these and the complaint list's `due=today` shows exactly them.
    """
    import datetime

    from django.utils import timezone

    from .deadlines import SHANGHAI

    today = (now or timezone.now()).astimezone(SHANGHAI).date()
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tzinfo=SHANGHAI)
    return queryset.filter(status__in=OPEN_STATUSES, due_at__lte=tomorrow)


def answered_on_time_counts(*, user, unit=None, year: int, now=None) -> dict:
    """Complaints answered on time in a year: {"due", "on_time", "late"}, one query.

    Counted are the complaints in the user's area (under `unit`) whose last day to answer falls in
    the year and that are either answered or past that day: one still open past its deadline
    counts as late, one not yet due and unanswered is not counted yet. On time means answered
    (or posted) before `due_at`, as the statistics page counts it.
    """
    import datetime

    from django.utils import timezone

    from .deadlines import SHANGHAI

    now = now or timezone.now()
    start = datetime.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    queryset = complaint_list(user=user).order_by()
    if unit is not None:
        queryset = queryset.filter(township__path__startswith=unit.path)
    counted = queryset.filter(due_at__gt=start, due_at__lte=end).filter(
        Q(due_at__lte=now) | Q(answered_at__isnull=False)
    )
    counts = counted.aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(answered_at__isnull=False, answered_at__lt=F("due_at")))
    )
    counts["late"] = counts["due"] - counts["on_time"]
    return counts
