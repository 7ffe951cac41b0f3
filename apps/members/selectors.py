"""Reads of the members app. Row scoping for members and transfers lives here."""

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.branches.choices import GRASSROOTS_KINDS
from apps.branches.models import Enterprise
from apps.branches.selectors import enterprise_list, orgunit_list, user_scope_path
from apps.core.history import object_history

from .choices import ARCHIVED_STATUSES, TransferDirection, TransferStatus
from .idnumbers import id_number_hash, validate_id_number
from .models import Member, MembershipTransfer, RosterImport
from .validators import mask_mobile


def id_hash_of(number: str) -> str:
    return id_number_hash(number, settings.MEMBER_ID_HASH_KEY.encode())


def member_list(*, user):
    """Members of the unions in the user's subtree."""
    prefix = user_scope_path(user)
    # The encrypted ID is decrypted only where it is revealed; lists and pages show id_masked.
    queryset = Member.objects.select_related("union").defer("id_number")
    if prefix is None:
        return queryset.none()
    if prefix == "":
        return queryset
    return queryset.filter(union__path__startswith=prefix)


def member_viewable_list(*, user):
    """Members the user may look at (their page, not an edit): those of member_list, and the
    member of a transfer the releasing side sent to a union in the user's area that is still
    waiting for acceptance, so the receiving chair can look before accepting. Not the member of
    a transfer-in request (转入申请: the requester does not see them until accepted), and no
    longer once the transfer is accepted elsewhere, refused or withdrawn. Every write, the ID
    reveal and the prints keep member_list."""
    prefix = user_scope_path(user)
    if not prefix:  # nothing, or everything
        return member_list(user=user)
    incoming = MembershipTransfer.objects.filter(
        status=TransferStatus.PENDING, direction=TransferDirection.RELEASE, to_union__path__startswith=prefix
    ).values("member_id")
    return (
        Member.objects.select_related("union")
        .defer("id_number")
        .filter(Q(union__path__startswith=prefix) | Q(pk__in=incoming))
    )


def member_incoming_only(member: Member, *, user) -> bool:
    """Whether the user sees the member only as the receiving side of a pending transfer."""
    return not user_oversees_union(user, member.union)


# Rows of the printed roster (花名册) on one A4 landscape page.
ROSTER_PRINT_ROWS = 20


def member_print_context(member: Member, *, user) -> dict:
    """What the registration form (会员登记表) shows besides the member: the mobile as the
    member's page shows it, the unions over time, the day it is printed."""
    full_mobile = user.has_perm("members.export_full_mobile")
    return {
        "mobile": (member.mobile if full_mobile else member.mobile_masked) or "",
        "chain": membership_chain(member),
        "printed_on": timezone.localdate(),
    }


def roster_print_unions(*, user):
    """The grassroots unions whose roster the user may print: those of the user's area."""
    return orgunit_list(user=user).filter(kind__in=GRASSROOTS_KINDS)


def roster_print_pages(*, union, user) -> list[list]:
    """The union's members who are not archived (in good standing or transferring), by card
    number, numbered, in pages of ROSTER_PRINT_ROWS: one query."""
    members = (
        member_list(user=user).filter(union=union).exclude(status__in=ARCHIVED_STATUSES).order_by("card_number", "pk")
    )
    rows = list(enumerate(members, start=1))
    return [rows[start : start + ROSTER_PRINT_ROWS] for start in range(0, len(rows), ROSTER_PRINT_ROWS)]


def transfer_member_visible(transfer: MembershipTransfer, *, user) -> bool:
    """Whether the transfer lists link the member: the rule of member_viewable_list, on one row
    (the member's union and the transfer already loaded)."""
    if getattr(transfer, "origin_hidden", False):
        return False
    if user_oversees_union(user, transfer.member.union):
        return True
    return (
        transfer.status == TransferStatus.PENDING
        and transfer.direction == TransferDirection.RELEASE
        and user_oversees_union(user, transfer.to_union)
    )


def member_union_enterprises(member: Member, *, user) -> list:
    """The enterprises (not archived) the member's union covers, for links on the member's page;
    only those the user may open (an enterprise union covers one, a joint union several)."""
    if not user.has_perm("branches.view_enterprise"):
        return []
    return list(
        enterprise_list(user=user).filter(union_id=member.union_id, archived_at__isnull=True).order_by("name")[:5]
    )


def user_own_union(user):
    """The grassroots union a user belongs to (a grassroots officer's), or None: their member
    and roster forms are fixed to it."""
    unit = getattr(user, "org_unit", None) if user.is_authenticated else None
    if unit is not None and unit.kind in GRASSROOTS_KINDS and not user.is_superuser:
        return unit
    return None


def workplace_list(*, user):
    """The enterprises members in the user's area may work at: not archived, covered by a union
    in the area. The area's bound only: a member's workplace is one their own union covers
    (services.workplace_choices offers, services.workplace_problem checks)."""
    prefix = user_scope_path(user)
    queryset = Enterprise.objects.filter(archived_at__isnull=True, union__isnull=False)
    if prefix is None:
        return queryset.none()
    return queryset if prefix == "" else queryset.filter(union__path__startswith=prefix)


def member_search(queryset, q: str):
    """One box for a name, a card number, a mobile or a whole ID number; each is an indexed lookup."""
    q = (q or "").strip()
    if not q:
        return queryset
    check = validate_id_number(q)
    if not check.errors:
        return queryset.filter(id_hash=id_hash_of(check.number))
    digits = q.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) == 11:
        return queryset.filter(mobile=digits)
    if q[:2].isascii() and q[:2].isalpha() and any(ch.isdigit() for ch in q):
        return queryset.filter(card_number=q.upper())
    return queryset.filter(real_name__contains=q)


def member_by_id_number(number: str) -> Member | None:
    """Across the whole deployment: one person is one member (一次入会). Not scoped on purpose."""
    return Member.objects.select_related("union").filter(id_hash=id_hash_of(number)).first()


def member_history(member: Member, *, user) -> list:
    """The member's audit history; mobiles masked unless the user may see them whole.

    The history keeps what was stored (the ID number is not tracked at all); the page shows a
    mobile the way the member's own page does, whatever its length.
    """
    rows = object_history(member)
    # The keyed hash says nothing to a reader (an ID correction shows the masked numbers). A row
    # where it changed is an ID correction (`id_changed`): the page then reads the correction log.
    hash_label = str(Member._meta.get_field("id_hash").verbose_name)
    for row in rows:
        row.id_changed = any(change[0] == hash_label and change[1] for change in row.changes)
        row.changes = [change for change in row.changes if change[0] != hash_label]
    if user.has_perm("members.export_full_mobile"):
        return rows
    label = str(Member._meta.get_field("mobile").verbose_name)
    for row in rows:
        row.changes = [
            (name, mask_mobile(before or ""), mask_mobile(after or "")) if name == label else (name, before, after)
            for name, before, after in row.changes
        ]
    return rows


# The history shows the latest events only (apps.core.history.object_history's limit): from this
# many rows on, an older ID correction may lie beyond them.
HISTORY_MAY_BE_CUT = 40


def member_may_have_id_corrections(history: list) -> bool:
    """Whether the member's page must read the ID-correction log: a row of the history shows the
    number corrected, or the history may be cut short. A member never corrected (nearly all of
    them) costs the page no query for it."""
    return len(history) >= HISTORY_MAY_BE_CUT or any(getattr(row, "id_changed", False) for row in history)


def user_oversees_union(user, union) -> bool:
    """Whether the union is in the user's area (the user's unit or under it)."""
    prefix = user_scope_path(user)
    return prefix is not None and union.path.startswith(prefix)


def transfer_list(*, user):
    """Transfers out of or into the user's subtree.

    `origin_hidden` marks a transfer-in request (转入申请) the user's side made for a member
    outside its area and that is not accepted (yet): its page shows neither the member's name
    and card nor the releasing union, only the masked ID number the user typed.
    """
    prefix = user_scope_path(user)
    queryset = MembershipTransfer.objects.select_related("member", "from_union", "to_union", "requested_by")
    if prefix is None:
        return queryset.none()
    if prefix == "":
        return queryset.annotate(origin_hidden=Value(False))
    hidden = (
        Q(direction=TransferDirection.PULL)
        & ~Q(status=TransferStatus.ACCEPTED)
        & ~Q(from_union__path__startswith=prefix)
    )
    return queryset.filter(Q(from_union__path__startswith=prefix) | Q(to_union__path__startswith=prefix)).annotate(
        origin_hidden=ExpressionWrapper(hidden, output_field=BooleanField())
    )


def transfer_list_disclosed(*, user):
    """Transfers whose member and releasing union the user may see (what Django admin lists)."""
    return transfer_list(user=user).filter(origin_hidden=False)


def transfer_pending_for(*, user):
    """Transfers the user's side must accept or refuse: the side that did not start them.

    A transfer the releasing side started waits for the receiving area; a transfer-in request
    (转入申请) waits for the releasing area. The county covers both.
    """
    prefix = user_scope_path(user)
    queryset = transfer_list(user=user).filter(status=TransferStatus.PENDING)
    if not prefix:
        return queryset
    return queryset.filter(
        Q(direction=TransferDirection.RELEASE, to_union__path__startswith=prefix)
        | Q(direction=TransferDirection.PULL, from_union__path__startswith=prefix)
    )


def membership_chain(member: Member, *, transfers: list | None = None) -> list[dict]:
    """The unions a member belonged to, with dates, from the accepted transfers (history intact).

    `transfers`: the member's transfers already read (with their unions), as the member's page
    lists them: the chain is then built from them without another query."""
    if transfers is None:
        transfers = (
            member.transfers.filter(status=TransferStatus.ACCEPTED)
            .select_related("from_union", "to_union")
            .order_by("decided_at", "id")
        )
    else:
        transfers = sorted(
            (t for t in transfers if t.status == TransferStatus.ACCEPTED),
            key=lambda t: (t.decided_at is None, t.decided_at or t.created_at, t.pk),
        )
    chain = []
    start = member.join_date
    for transfer in transfers:
        decided = timezone.localdate(transfer.decided_at)  # Shanghai's date, not UTC's
        chain.append({"union": transfer.from_union, "start": start, "end": decided})
        start = decided
    chain.append({"union": member.union, "start": start, "end": member.left_on})
    return chain


def import_list(*, user):
    prefix = user_scope_path(user)
    queryset = RosterImport.objects.select_related("union", "uploaded_by").defer("content", "report")
    if prefix is None:
        return queryset.none()
    return queryset if prefix == "" else queryset.filter(union__path__startswith=prefix)


def members_written_by_import(queryset, roster_import: RosterImport):
    """Of `queryset`, the members `roster_import` wrote (added or updated): those with an event in
    the history whose context names the import (apps.core.imports.Importer.audit_context).
    The contexts are found by `metadata ->> 'roster_import'`, the expression migration 0014 indexes."""
    from django.apps import apps
    from django.db.models.fields.json import KT
    from pghistory.models import Context

    event_model = apps.get_model("members", "MemberEvent")
    contexts = (
        Context.objects.alias(roster_import=KT("metadata__roster_import"))
        .filter(roster_import=str(roster_import.pk))
        .values("id")
    )
    written = event_model.objects.filter(pgh_context_id__in=contexts).values("pgh_obj_id")
    return queryset.filter(pk__in=written)


def import_report_entries(*, roster_import: RosterImport, status: str = "problems"):
    """The report rows a status filter picks, read a slice at a time (apps.core.imports)."""
    from apps.core.imports import import_report_entries as entries

    return entries(job=roster_import, status=status)


def members_counted(queryset=None):
    """The members every figure counts (在册会员): not archived (left, removed, deceased), in a
    union that is not dissolved. A member in transfer is still the releasing union's until the
    transfer is accepted, so 接转中 counts too.

    The one definition: the member list's "在册（含接转中）" filter, the home page's member
    figures (apps.overview) and the 职工入会率's numerator all count through it.
    """
    queryset = Member.objects.all() if queryset is None else queryset
    return queryset.exclude(status__in=ARCHIVED_STATUSES).filter(union__archived_at__isnull=True)


def enrolment_unions(*, user, unit):
    """The unions whose members and covered employees the 职工入会率 under `unit` counts."""
    return orgunit_list(user=user).filter(
        path__startswith=unit.path if unit is not None else "", kind__in=GRASSROOTS_KINDS, archived_at__isnull=True
    )


def enrolment_members():
    """The numerator's rows: the members counted (`members_counted`)."""
    return members_counted()


def enrolment_enterprises():
    """The denominator's rows: the enterprises (not archived) whose employees a union covers."""
    return Enterprise.objects.filter(archived_at__isnull=True)


# A union with more members than its covered enterprises' recorded employees: its rate would be
# above 100 %, which is a data problem (a stale head count, members of an enterprise it does not
# cover, or a roster that was never cleaned), never a figure. The one test of it.
ENROLMENT_PROBLEM = Q(member_count__gt=F("employee_count"))


def enrolment_by_union(unions):
    """Each union with its members counted, its covered enterprises' employees (correlated
    subqueries) and `enrolment_problem` (more members than employees)."""
    active_members = (
        enrolment_members().filter(union=OuterRef("pk")).order_by().values("union").annotate(n=Count("pk")).values("n")
    )
    employees = (
        enrolment_enterprises()
        .filter(union=OuterRef("pk"))
        .order_by()
        .values("union")
        .annotate(n=Sum("employee_count"))
        .values("n")
    )
    return unions.annotate(
        member_count=Coalesce(Subquery(active_members), 0),
        employee_count=Coalesce(Subquery(employees), 0),
    ).annotate(enrolment_problem=ExpressionWrapper(ENROLMENT_PROBLEM, output_field=BooleanField()))


def enrolment_aggregate(unions) -> dict:
    """The 职工入会率's totals over `unions`, summed in the database (one query):

    `members` / `employees` of the unions whose figures are plausible, and `problems`, how many
    unions were left out because they have more members than employees. A township's or the
    county's rate is the plausible unions' rate; the problem unions are counted beside it and
    listed on the 入会率数据待核实 page, so one bad head count neither hides behind the others
    nor pushes the whole rate above 100 %.
    """
    return (
        enrolment_by_union(unions)
        .order_by()
        .aggregate(
            members=Coalesce(Sum("member_count", filter=~ENROLMENT_PROBLEM), 0),
            employees=Coalesce(Sum("employee_count", filter=~ENROLMENT_PROBLEM), 0),
            problems=Count("pk", filter=ENROLMENT_PROBLEM),
        )
    )


def enrolment_rate(*, user, unit) -> dict:
    """职工入会率 under a unit (None: the user's whole area), union by union, for the unit's page.

    Each row is one union with its own figures and whether they are a problem; the totals are
    `enrolment_aggregate`'s (plausible unions only, problems counted apart). One query.
    """
    rows = [
        {
            "union": union,
            "members": union.member_count,
            "employees": union.employee_count,
            "problem": union.enrolment_problem,
            "rate": None
            if union.enrolment_problem or not union.employee_count
            else union.member_count / union.employee_count,
        }
        for union in enrolment_by_union(enrolment_unions(user=user, unit=unit)).order_by("path")
    ]
    plausible = [r for r in rows if not r["problem"]]
    members = sum(r["members"] for r in plausible)
    employees = sum(r["employees"] for r in plausible)
    return {
        "rows": rows,
        "members": members,
        "employees": employees,
        "problems": len(rows) - len(plausible),
        "rate": (members / employees) if employees else None,
    }


def enrolment_totals(*, user, unit) -> dict:
    """The 职工入会率's totals under a unit (None: the user's area): `enrolment_aggregate`, one query."""
    return enrolment_aggregate(enrolment_unions(user=user, unit=unit))


def enrolment_counts_by_union(*, under: str = "") -> dict:
    """{union id: (members, employees, problem)} of every union the rate counts under the path
    `under`, for the home page's pre-computed figures (apps.overview): the pages' annotations, unscoped."""
    from apps.branches.models import OrgUnit

    unions = OrgUnit.objects.filter(kind__in=GRASSROOTS_KINDS, archived_at__isnull=True, path__startswith=under)
    return {
        row["pk"]: (row["member_count"], row["employee_count"], row["enrolment_problem"])
        for row in enrolment_by_union(unions)
        .order_by()
        .values("pk", "member_count", "employee_count", "enrolment_problem")
    }


def enrolment_problem_list(*, user):
    """The unions in the user's area whose members exceed their covered enterprises' employees
    (入会率数据待核实), each with its counts and its covered enterprises (the denominator's rows)."""
    covered = Prefetch(
        "covered_enterprises",
        queryset=enrolment_enterprises()
        .order_by("-employee_count", "name")
        .only("pk", "name", "employee_count", "union_id"),
        to_attr="counted_enterprises",
    )
    return (
        enrolment_by_union(enrolment_unions(user=user, unit=None))
        .filter(ENROLMENT_PROBLEM)
        .prefetch_related(covered)
        .order_by("path")
    )


def transfer_destination_list(*, user):
    """The unions a member may be transferred to: any active grassroots union of the deployment
    (劳动关系在哪里，会员组织关系就在哪里: the new employer may be in another township or county),
    for a user with an area of their own. The transfer form and its autocomplete both ask here."""
    from apps.branches.models import OrgUnit

    if user_scope_path(user) is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(kind__in=GRASSROOTS_KINDS, archived_at__isnull=True).order_by("path")
