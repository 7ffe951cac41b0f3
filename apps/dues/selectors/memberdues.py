"""Reads of membership dues (会费): the branches a user keeps dues for, a branch's month sheet, the
monthly summary per branch and the warning list of members who have paid nothing for six months.

Scoping goes through the union path, as apps.members' selectors do: a member is in scope through
the union they belong to now, a dues record through the union it was recorded for (the month stays
with its branch when the member moves on). A grassroots officer sees their own union, a township
chair the township's unions, county staff all of them.
"""

import calendar
import datetime

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS
from apps.branches.selectors import union_list, user_scope_path
from apps.members.choices import MemberStatus
from apps.members.models import Member

from ..models import DuesRecord

# 中国工会章程 art. 7: a member who pays no dues for six months running without a good reason is
# reminded (and may be treated as having left). The portal lists them; it never removes anyone.
OVERDUE_MONTHS = 6


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_before(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months before `month`'s."""
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def current_month(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()).replace(day=1)


def _path_q(user, relation: str) -> Q:
    prefix = user_scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{relation}path__startswith": prefix})


def dues_record_in_scope_q(user, relation: str = "") -> Q:
    """Dues records in scope: those recorded for a union in the user's subtree."""
    return _path_q(user, f"{relation}union__")


def dues_record_list(*, user):
    return (
        DuesRecord.objects.filter(dues_record_in_scope_q(user))
        .select_related("member", "union")
        .defer("member__id_number")
        .order_by("-month", "union__path", "member__real_name", "id")
    )


def dues_union_list(*, user):
    """The grassroots unions (not archived) a user keeps dues for, with their township's name."""
    return union_list(user=user).filter(archived_at__isnull=True).order_by("path")


def dues_sheet_members(union, month: datetime.date):
    """Who belongs on a branch's sheet for a month: the union's active members who had joined by
    the month's end, and anyone already recorded for the union in that month (a member who has
    since left or moved keeps the month recorded where it was paid)."""
    recorded = DuesRecord.objects.filter(union=union, month=month).values("member_id")
    liable = Q(union=union, status=MemberStatus.ACTIVE, join_date__lte=month_end(month))
    return (
        Member.objects.filter(liable | Q(pk__in=recorded))
        .defer("id_number")
        .select_related("union")
        .order_by("real_name", "id")
    )


def dues_sheet(*, union, month: datetime.date) -> list[tuple]:
    """[(member, record or None)] of the branch's sheet for the month, in two queries."""
    members = list(dues_sheet_members(union, month))
    records = {
        record.member_id: record
        for record in DuesRecord.objects.filter(month=month, member_id__in=[member.pk for member in members])
    }
    return [(member, records.get(member.pk)) for member in members]


ZERO_MONEY = Value(0, output_field=DecimalField(max_digits=16, decimal_places=2))


def _records_of(month, **condition):
    return DuesRecord.objects.filter(union=OuterRef("pk"), month=month, **condition).order_by().values("union")


def dues_summary_annotate(unions, month: datetime.date):
    """Each union's figures for the month, as correlated subqueries (computed for the shown rows
    only): members liable (active, joined by the month's end), exempt that month, records made,
    dues due and collected (sums by the database, to the cent)."""
    active = (
        Member.objects.filter(union=OuterRef("pk"), status=MemberStatus.ACTIVE, join_date__lte=month_end(month))
        .order_by()
        .values("union")
        .annotate(n=Count("pk"))
        .values("n")
    )
    recorded = _records_of(month).annotate(n=Count("pk")).values("n")
    exempt = _records_of(month).exclude(exemption="").annotate(n=Count("pk")).values("n")
    due = _records_of(month).annotate(total=Sum("due")).values("total")
    collected = _records_of(month).annotate(total=Sum("collected")).values("total")
    money = DecimalField(max_digits=16, decimal_places=2)
    return unions.annotate(
        members_active=Coalesce(Subquery(active, output_field=IntegerField()), 0),
        records_made=Coalesce(Subquery(recorded, output_field=IntegerField()), 0),
        members_exempt=Coalesce(Subquery(exempt, output_field=IntegerField()), 0),
        dues_due=Coalesce(Subquery(due, output_field=money), ZERO_MONEY),
        dues_collected=Coalesce(Subquery(collected, output_field=money), ZERO_MONEY),
    )


def dues_branch_totals(*, union, month: datetime.date) -> dict:
    """The branch's figures for the month (one query), with liable = active members not exempt."""
    row = dues_summary_annotate(type(union).objects.filter(pk=union.pk), month).values(
        "members_active", "records_made", "members_exempt", "dues_due", "dues_collected"
    )[0]
    return {**row, "members_liable": max(row["members_active"] - row["members_exempt"], 0)}


def dues_overdue_threshold(today: datetime.date | None = None) -> datetime.date:
    """The first month of the six before the current one: paid or exempt before it and not since
    puts a member on the warning list."""
    return months_before(current_month(today), OVERDUE_MONTHS)


def dues_overdue_members(*, user, today: datetime.date | None = None):
    """Active members in scope (by their union) with no month paid or exempt in the six months
    before the current one, who had been members for all six; with the last such month (None:
    never). Across branches: a member who paid in their former union is not overdue."""
    threshold = dues_overdue_threshold(today)
    settled = DuesRecord.objects.filter(member=OuterRef("pk")).filter(Q(collected__gt=0) | ~Q(exemption=""))
    last_settled = settled.order_by("-month").values("month")[:1]
    return (
        Member.objects.filter(_path_q(user, "union__"), status=MemberStatus.ACTIVE, join_date__lt=threshold)
        .filter(union__kind__in=GRASSROOTS_KINDS)
        .annotate(last_settled_month=Subquery(last_settled))
        .filter(Q(last_settled_month__isnull=True) | Q(last_settled_month__lt=threshold))
        .select_related("union")
        .defer("id_number")
        .order_by("union__path", "real_name", "id")
    )


def dues_overdue_count(*, user, today: datetime.date | None = None) -> int:
    return dues_overdue_members(user=user, today=today).order_by().count()
