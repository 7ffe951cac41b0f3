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
