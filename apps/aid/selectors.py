"""Reads of the hardship-aid app. Row scoping for files, aid records and campaigns lives here, once.

Who sees what: a file and an aid record belong to a township (the member's when it was opened or
given); the staff of that township and of the levels above see them, nobody else. A campaign
belongs to its organising union: the county's campaign is seen by the county's staff and by every
township's under it, a township's campaign by that township's and the county's.

What a file says (reason, household, income, the review notes) is sensitive personal information
(PIPL art. 28): `may_see_details(user)` decides whether lists, pages and exports show it.
"""

import datetime

from django.db.models import Count, DecimalField, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.branches.selectors import orgunit_list, user_scope_path

from .choices import AidKind, FundSource
from .models import AidCampaign, AidRecord, HardshipFile, HardshipReview

DETAILS_PERMISSION = "aid.view_hardship_details"
MASK = "***"
REVIEW_SOON_DAYS = 30
ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def may_see_details(user) -> bool:
    return user.has_perm(DETAILS_PERMISSION)


def _in_scope(user, relation: str = "township__") -> Q:
    prefix = user_scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{relation}path__startswith": prefix})


def _count(queryset, group: str) -> Coalesce:
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _sum(queryset, group: str) -> Coalesce:
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(s=Sum("amount")).values("s")[:1]),
        ZERO,
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def township_choices(*, user):
    return orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP).order_by("path")


def review_due_q(today: datetime.date | None = None, relation: str = "") -> Q:
    """Open files whose yearly review falls due within 30 days, or is overdue."""
    today = today or timezone.localdate()
    return Q(**{f"{relation}closed_on__isnull": True}) & Q(
        **{f"{relation}review_due_on__lte": today + datetime.timedelta(days=REVIEW_SOON_DAYS)}
    )


# --- files --------------------------------------------------------------------------------------


def file_list(*, user, filters: dict | None = None):
    """Files of townships in the user's area, newest first. `filters`: "township", "reason",
    "status" (open, closed, due: review due within 30 days or overdue), "member", "year" (opened)."""
    queryset = (
        HardshipFile.objects.filter(_in_scope(user)).select_related("township", "member").defer("member__id_number")
    )
    filters = filters or {}
    if filters.get("township"):
        queryset = queryset.filter(township_id=filters["township"])
    if filters.get("reason"):
        queryset = queryset.filter(reason=filters["reason"])
    status = filters.get("status")
    if status == "open":
        queryset = queryset.filter(closed_on__isnull=True)
    elif status == "closed":
        queryset = queryset.filter(closed_on__isnull=False)
    elif status == "due":
        queryset = queryset.filter(review_due_q())
    if filters.get("member"):
        queryset = queryset.filter(member_id=filters["member"])
    if filters.get("year"):
        queryset = queryset.filter(opened_on__year=filters["year"])
    return queryset.order_by("-opened_on", "-id")


def file_reviews(file: HardshipFile):
    return file.reviews.select_related("reviewed_by").order_by("reviewed_on", "id")


def file_records(file: HardshipFile):
    return file.aid_records.select_related("campaign", "reversed_by").order_by("-given_on", "-id")


# --- aid records --------------------------------------------------------------------------------


def record_list(*, user, filters: dict | None = None):
    """Aid records of townships in the user's area, newest first (reversals included: they net).
    `filters`: "township", "campaign", "kind", "fund", "year", "member"."""
    queryset = (
        AidRecord.objects.filter(_in_scope(user))
        .select_related("township", "member", "campaign", "file", "reversed_by")
        .defer("member__id_number")
    )
    filters = filters or {}
    for name in ("township", "campaign", "member"):
        if filters.get(name):
            queryset = queryset.filter(**{f"{name}_id": filters[name]})
    for name in ("kind", "fund"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("year"):
        queryset = queryset.filter(given_on__year=filters["year"])
    return queryset.order_by("-given_on", "-id")


def member_records(*, user, member):
    """A member's aid records the user may see, with their file (the member page's panel: one query)."""
    return (
        AidRecord.objects.filter(_in_scope(user), member=member)
        .select_related("file", "campaign")
        .order_by("-given_on", "-id")
    )


# --- campaigns ----------------------------------------------------------------------------------


def _ancestor_paths(prefix: str) -> list[str]:
    step = OrgUnit.steplen
    return [prefix[:end] for end in range(step, len(prefix) + 1, step)]


def campaign_list(*, user, filters: dict | None = None):
    """Campaigns organised in the user's area or above it (a township's staff see the county's),
    each with `spent` (net of reversals) and `persons` (distinct members given aid not reversed)."""
    prefix = user_scope_path(user)
    if prefix is None:
        queryset = AidCampaign.objects.none()
    elif prefix == "":
        queryset = AidCampaign.objects.all()
    else:
        queryset = AidCampaign.objects.filter(
            Q(unit__path__startswith=prefix) | Q(unit__path__in=_ancestor_paths(prefix))
        )
    filters = filters or {}
    if filters.get("year"):
        queryset = queryset.filter(year=filters["year"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    records = AidRecord.objects.filter(_in_scope(user), campaign=OuterRef("pk"))
    reached = records.filter(reverses__isnull=True, reversed_by__isnull=True)
    return (
        queryset.select_related("unit")
        .annotate(
            spent=_sum(records, "campaign"),
            persons=Coalesce(
                Subquery(
                    reached.order_by().values("campaign").annotate(n=Count("member", distinct=True)).values("n")[:1]
                ),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-year", "-starts_on", "name")
    )


def campaign_townships(*, user, campaign: AidCampaign):
    """The townships of the user's area under the campaign's organiser, with `spent` (net of
    reversals), `records` (aid given, not reversed) and `persons` (distinct members). One query."""
    records = AidRecord.objects.filter(campaign=campaign, township=OuterRef("pk"))
    reached = records.filter(reverses__isnull=True, reversed_by__isnull=True)
    return (
        township_choices(user=user)
        .filter(path__startswith=campaign.unit.path)
        .annotate(
            spent=_sum(records, "township"),
            given=_count(reached, "township"),
            persons=Coalesce(
                Subquery(
                    reached.order_by().values("township").annotate(n=Count("member", distinct=True)).values("n")[:1]
                ),
                Value(0),
                output_field=IntegerField(),
            ),
        )
    )


def totals_of(rows, keys) -> dict:
    """A report's sum line from the rows already read (no query)."""
    totals = dict.fromkeys(keys, 0)
    for row in rows:
        for key in keys:
            totals[key] += getattr(row, key) or 0
    return totals


# --- the yearly report --------------------------------------------------------------------------

KIND_KEYS = [f"kind_{kind}" for kind in AidKind.values]
FUND_KEYS = [f"fund_{fund}" for fund in FundSource.values]
REPORT_KEYS = ["opened", "reviewed", "closed", "open_now", *KIND_KEYS, *FUND_KEYS, "total"]


def yearly_report(*, user, year: int):
    """The townships of the user's area with, for `year`: files `opened`, `reviewed` (reviews
    made), `closed`, `open_now`; aid (net of reversals) by kind (`kind_<kind>`), by fund
    (`fund_<fund>`) and `total`. One query, whatever the number of townships."""
    files = HardshipFile.objects.filter(township=OuterRef("pk"))
    reviews = HardshipReview.objects.filter(file__township=OuterRef("pk"), reviewed_on__year=year)
    records = AidRecord.objects.filter(township=OuterRef("pk"), given_on__year=year)
    annotations = {
        "opened": _count(files.filter(opened_on__year=year), "township"),
        "reviewed": _count(reviews, "file__township"),
        "closed": _count(files.filter(closed_on__year=year), "township"),
        "open_now": _count(files.filter(closed_on__isnull=True), "township"),
        "total": _sum(records, "township"),
    }
    for kind in AidKind.values:
        annotations[f"kind_{kind}"] = _sum(records.filter(kind=kind), "township")
    for fund in FundSource.values:
        annotations[f"fund_{fund}"] = _sum(records.filter(fund=fund), "township")
    return township_choices(user=user).annotate(**annotations)


# --- the indicator ------------------------------------------------------------------------------


def reviewed_on_time_counts(*, user, unit=None, year: int, today: datetime.date | None = None) -> dict:
    """The yearly reviews that fell due in `year` (by today) in the user's area (or `unit`):
    `due`, and `on_time` (made by the due date). A due date counts once: answered by a review
    (its `due_on`; on time if made by then, else late), or still unanswered after it passed (an
    open file's pending review, or a file closed after its due date without one: missing)."""
    today = today or timezone.localdate()
    files = HardshipFile.objects.filter(_in_scope(user))
    if unit is not None:
        files = files.filter(township__path__startswith=unit.path)
    answered = HardshipReview.objects.filter(file__in=files.values("pk"), due_on__year=year).aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(reviewed_on__lte=F("due_on")))
    )
    review_of_due = HardshipReview.objects.filter(file=OuterRef("pk"), due_on=OuterRef("review_due_on"))
    missing = (
        files.filter(review_due_on__year=year, review_due_on__lt=today)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=F("review_due_on")))
        .filter(~Exists(review_of_due))
        .count()
    )
    return {"due": answered["due"] + missing, "on_time": answered["on_time"]}
