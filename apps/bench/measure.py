"""What every page costs: server time p50/p95, SQL queries and bytes, next to a bare baseline.

The pages are requested in-process through Django's test client, so "server time" is
everything Django does for a request (middleware, session, view, queries, template) and
nothing of the network. Query counts come from one extra request under
CaptureQueriesContext; timed requests run without it, as in production.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

# How many timed requests per page; the first WARMUP are not counted (caches, connections).
DEFAULT_REPEATS = 20
WARMUP = 2
# List pages render this many rows; the baseline renders the same number.
LIST_ROWS = 50
EXPORT_ROWS = 10_000


@dataclass
class PageSpec:
    name: str
    role: str
    url: str
    rows: int  # rows the page renders: the baseline it is compared with renders as many
    kind: str = "list"  # list | detail | search | dashboard | export | baseline | admin
    repeats: int | None = None
    # A search for personal data is posted; the page measured is the list at the token URL it
    # redirects to (apps.core.search), as a browser would show it.
    post: dict | None = None


@dataclass
class PageResult:
    name: str
    role: str
    url: str
    kind: str
    rows: int
    status: int
    p50_ms: float
    p95_ms: float
    queries: int
    bytes: int
    baseline_ratio: float | None = None
    # The floor (and, for a list, Django admin's change list of the same model) requested in
    # turn with the page, one request each per round: a machine busy with something else slows
    # all of them alike, so the ratios hold where absolute times drift.
    floor_p50_ms: float | None = None
    admin_p50_ms: float | None = None
    admin_ratio: float | None = None
    samples_ms: list[float] = field(default_factory=list, repr=False)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the samples at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _body_length(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def count_queries(client: Client, url: str) -> tuple[int, int, int]:
    """(status, queries, bytes) of one request, its SQL counted."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        size = _body_length(response)
    return response.status_code, len(captured.captured_queries), size


def _timed_get(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    _body_length(response)  # a streamed body is produced while it is read: count that time
    return (time.perf_counter() - started) * 1000


def measure_page(
    client: Client, spec: PageSpec, repeats: int = DEFAULT_REPEATS, *, floor=None, admin=None
) -> PageResult:
    """Time `spec`; `floor` and `admin` are (client, url) pairs requested in turn with it."""
    repeats = spec.repeats or repeats
    url = client.post(spec.url, spec.post)["Location"] if spec.post is not None else spec.url
    partners = {name: pair for name, pair in (("floor", floor), ("admin", admin)) if pair is not None}
    for _ in range(WARMUP):
        _body_length(client.get(url))
        for other_client, other_url in partners.values():
            _body_length(other_client.get(other_url))
    status, queries, size = count_queries(client, url)
    samples = []
    partner_samples = {name: [] for name in partners}
    for _ in range(repeats):
        samples.append(_timed_get(client, url))
        for name, (other_client, other_url) in partners.items():
            partner_samples[name].append(_timed_get(other_client, other_url))
    p50 = statistics.median(samples)
    paired = {name: statistics.median(values) for name, values in partner_samples.items()}
    return PageResult(
        name=spec.name,
        role=spec.role,
        url=spec.url,
        kind=spec.kind,
        rows=spec.rows,
        status=status,
        p50_ms=round(statistics.median(samples), 2),
        p95_ms=round(percentile(samples, 0.95), 2),
        queries=queries,
        bytes=size,
        baseline_ratio=round(p50 / paired["floor"], 2) if paired.get("floor") else None,
        floor_p50_ms=round(paired["floor"], 2) if "floor" in paired else None,
        admin_p50_ms=round(paired["admin"], 2) if "admin" in paired else None,
        admin_ratio=round(p50 / paired["admin"], 2) if paired.get("admin") else None,
        samples_ms=[round(s, 2) for s in samples],
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def baseline_url(rows: int) -> str:
    return f"{reverse('bench_baseline')}?{urlencode({'rows': rows})}"


# --- which pages, as whom ---------------------------------------------------------------------


def _scope_samples(user) -> dict:
    """Real objects in the user's scope to open and search for: found once, before timing."""
    from apps.complaints.selectors import complaint_list
    from apps.contracts.choices import ContractStatus
    from apps.contracts.selectors import contract_list
    from apps.members.selectors import member_list

    members = member_list(user=user).order_by("pk")
    member = members.first()
    complaint = complaint_list(user=user).order_by("pk").first()
    # A contract in force: the most common kind, and the fullest page (every step of the clock on
    # its timeline, its covered enterprises, the renewal chain); any contract if none is in force.
    contracts = contract_list(user=user).order_by("pk")
    contract = contracts.filter(status=ContractStatus.IN_FORCE).first() or contracts.first()
    # The export covers the latest joiners, as many as EXPORT_ROWS (or all the user may see).
    cutoff = members.order_by("-join_date").values_list("join_date", flat=True)[EXPORT_ROWS - 1 : EXPORT_ROWS].first()
    return {"member": member, "complaint": complaint, "contract": contract, "export_from": cutoff}


# The permission each page needs: a role sees only the pages its menu offers it.
PAGE_PERMISSIONS = {
    "union list": "branches.view_orgunit",
    "enterprise list": "branches.view_enterprise",
    "formation rate": "branches.view_enterprise",
    "complaint list (by urgency)": "complaints.view_complaint",
    "complaint detail": "complaints.view_complaint",
    "header search: tracking number": "complaints.view_complaint",
    "contract list": "contracts.view_contract",
    "contract detail": "contracts.view_contract",
    "contract coverage": "contracts.view_contract",
    # Union funds (issue 14): a grassroots officer reads its own enterprise's ledger and the
    # collection rate of it, but chases no arrears (no arrears action permission).
    "fund ledger": "dues.view_ledgerentry",
    "collection rate": "dues.view_ledgerentry",
    "arrears ageing": "dues.view_arrearsaction",
    # Cadre training (issue 15): county staff and township chairs; the untrained-cadre report reads
    # the officers' nominations.
    "programme list": "training.view_programme",
    "programme detail (full batch)": "training.view_programme",
    "untrained cadres": "training.view_nomination",
    # Re-employment (issue 16): county staff and township chairs.
    "re-employment case list": "reemployment.view_reemploymentcase",
    "re-employment base list": "reemployment.view_reemploymentbase",
    "re-employment yearly report": "reemployment.view_reemploymentcase",
    "hardship file list": "aid.view_hardshipfile",
    "aid record list": "aid.view_aidrecord",
    "aid campaign (per township)": "aid.view_aidcampaign",
    # The county assessment (issue 17): county staff (every township of the county) and a chair
    # (their own row beside the county's average, their own township's page).
    "assessment year table": "overview.view_assessmentyear",
    "assessment township page": "overview.view_assessmentyear",
    # The one page on an enterprise: each app's panel (members, contracts, funds, complaints, training).
    "enterprise page": "branches.view_enterprise",
}
MEMBER_PERMISSION = "members.view_member"


def page_specs(users: dict) -> list[PageSpec]:
    """Each main page as each role that may open it. `users` maps a role name to a user of that role."""
    specs = []
    for role, user in users.items():
        sample = _scope_samples(user)
        member, complaint, contract = sample["member"], sample["complaint"], sample["contract"]
        candidates = [
            PageSpec("dashboard", role, reverse("overview:home"), 0, "dashboard"),
            PageSpec("union list", role, reverse("branches:union_list"), LIST_ROWS),
            PageSpec("enterprise list", role, reverse("branches:enterprise_list"), LIST_ROWS),
            PageSpec("member list", role, reverse("members:member_list"), LIST_ROWS),
            PageSpec("complaint list (by urgency)", role, reverse("complaints:complaint_list"), LIST_ROWS),
            PageSpec("formation rate", role, reverse("branches:formation_rate"), LIST_ROWS, "dashboard"),
            PageSpec("contract list", role, reverse("contracts:contract_list"), LIST_ROWS),
            # Like the formation rate: a table per township (one row for a chair), not a paged list.
            PageSpec("contract coverage", role, reverse("contracts:coverage"), LIST_ROWS, "dashboard"),
            # The ledger: newest period first, the whole filtered set's totals at its foot.
            PageSpec("fund ledger", role, reverse("dues:entry_list"), LIST_ROWS),
            # Like the formation rate: a row per township of the user's area (one for a chair)
            # for the current period, by channel and in all; the ageing likewise, by age band.
            PageSpec("collection rate", role, reverse("dues:collection_rate"), LIST_ROWS, "dashboard"),
            PageSpec("arrears ageing", role, reverse("dues:arrears_ageing"), LIST_ROWS, "dashboard"),
        ]
        if member is not None:
            search = reverse("members:member_list")
            candidates += [
                PageSpec("member search: name", role, search, 1, "search", post={"q": member.real_name}),
                PageSpec("member search: ID number", role, search, 1, "search", post={"q": member.id_number}),
                PageSpec("member search: card", role, search, 1, "search", post={"q": member.card_number}),
                PageSpec("member detail", role, member.get_absolute_url(), 1, "detail"),
            ]
        if complaint is not None:
            candidates.append(PageSpec("complaint detail", role, complaint.get_absolute_url(), 1, "detail"))
        if contract is not None:
            candidates.append(PageSpec("contract detail", role, contract.get_absolute_url(), 1, "detail"))
            # The enterprise of a contract in force: every panel of the page has rows.
            if contract.enterprise_id:
                url = contract.enterprise.get_absolute_url()
                candidates.append(PageSpec("enterprise page", role, url, 1, "detail"))
        candidates += header_search_specs(role, member, complaint)
        candidates += training_specs(role, user)
        candidates += reemployment_specs(role, user)
        candidates += aid_specs(role, user)
        candidates += assessment_specs(role, user)
        # Fewer than EXPORT_ROWS in scope (a small union, or the tests): the export takes them all.
        query = urlencode({"joined_from": sample["export_from"].isoformat()}) if sample["export_from"] else ""
        export = f"{reverse('members:member_export')}?{query}"
        candidates.append(PageSpec("member export (Excel)", role, export, EXPORT_ROWS, "export", repeats=5))
        for spec in candidates:
            needed = PAGE_PERMISSIONS.get(spec.name, MEMBER_PERMISSION if spec.name.startswith("member") else None)
            if needed is None or user.has_perm(needed):
                specs.append(spec)
    return specs


def _reverse_or_none(name: str, **kwargs) -> str | None:
    """The URL, or None while the page does not exist yet (the bench then skips it)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def training_specs(role, user) -> list[PageSpec]:
    """The programme list, the fullest programme's page in scope (a county batch of 150: its
    trainees as the user sees them) and the untrained-cadre report, for the pages that exist."""
    from apps.training.choices import NominationStatus
    from apps.training.selectors import programme_list, programme_nominations, untrained_cadres_by_township

    specs = []
    if url := _reverse_or_none("training:programme_list"):
        specs.append(PageSpec("programme list", role, url, LIST_ROWS))
    programme = programme_list(user=user).order_by("-enrolled", "-pk").first()
    if programme is not None and (url := _reverse_or_none("training:programme_detail", pk=programme.pk)):
        trainees = programme_nominations(user=user, programme=programme, status=NominationStatus.NOMINATED).count()
        specs.append(PageSpec("programme detail (full batch)", role, url, max(trainees, 1), "detail"))
    if url := _reverse_or_none("training:untrained_list"):
        # A row per township of the user's area (one for a chair), with its untrained cadres paged.
        rows = len(untrained_cadres_by_township(user=user)["rows"])
        specs.append(PageSpec("untrained cadres", role, url, max(rows, LIST_ROWS), "dashboard"))
    return specs


def reemployment_specs(role, user) -> list[PageSpec]:
    """The case list (newest first), the bases with their places and the yearly report (a row per
    township of the user's area), for the pages that exist."""
    from apps.reemployment.selectors import yearly_report

    specs = []
    if url := _reverse_or_none("reemployment:case_list"):
        specs.append(PageSpec("re-employment case list", role, url, LIST_ROWS))
    if url := _reverse_or_none("reemployment:base_list"):
        specs.append(PageSpec("re-employment base list", role, url, LIST_ROWS))
    if url := _reverse_or_none("reemployment:report"):
        rows = yearly_report(user=user, year=timezone.localdate().year).count()
        specs.append(PageSpec("re-employment yearly report", role, url, max(rows, LIST_ROWS), "dashboard"))
    return specs


def aid_specs(role, user) -> list[PageSpec]:
    """The hardship-file and aid-record lists, and the biggest campaign's page in scope (a row per
    township of the user's area), for the pages that exist."""
    from apps.aid.selectors import campaign_list

    specs = []
    if url := _reverse_or_none("aid:file_list"):
        specs.append(PageSpec("hardship file list", role, url, LIST_ROWS))
    if url := _reverse_or_none("aid:record_list"):
        specs.append(PageSpec("aid record list", role, url, LIST_ROWS))
    campaign = campaign_list(user=user).order_by("-persons", "-pk").first()
    if campaign is not None and (url := _reverse_or_none("aid:campaign_detail", pk=campaign.pk)):
        specs.append(PageSpec("aid campaign (per township)", role, url, LIST_ROWS, "dashboard"))
    return specs


def assessment_specs(role, user) -> list[PageSpec]:
    """The year's table (a row per township of the county: all of them for county staff, the own
    row and the county's average for a chair) and a township's page, for this year, which
    `measure_assessment_refresh` has counted."""
    from apps.overview.selectors import assessment_townships

    year = timezone.localdate().year
    specs = []
    townships = assessment_townships(user=user).order_by("path")
    if url := _reverse_or_none("overview:assessment"):
        rows = max(townships.count(), 1)
        specs.append(PageSpec("assessment year table", role, f"{url}?year={year}", rows, "dashboard"))
    township = townships.first()
    if township is not None and (url := _reverse_or_none("overview:assessment_township", pk=township.pk)):
        specs.append(PageSpec("assessment township page", role, f"{url}?year={year}", 1, "detail"))
    return specs


# The header's search box (core:global_search): posted like the list searches, the page measured
# is the results at the token URL; every kind the role may search is asked (members, unions,
# enterprises, complaints), up to PER_KIND hits each. A name finds many members (and the other
# kinds a few), so that page renders up to 20 hits; a whole ID number, a mobile, a card or a
# tracking number finds one.
HEADER_SEARCH_NAME_ROWS = 20


def header_search_specs(role, member, complaint) -> list[PageSpec]:
    url = reverse("core:global_search")
    specs = []
    if member is not None:
        specs += [
            PageSpec("header search: name", role, url, HEADER_SEARCH_NAME_ROWS, "search", post={"q": member.real_name}),
            PageSpec("header search: ID number", role, url, 1, "search", post={"q": member.id_number}),
            PageSpec("header search: card", role, url, 1, "search", post={"q": member.card_number}),
        ]
        if member.mobile:
            specs.append(PageSpec("header search: mobile", role, url, 1, "search", post={"q": member.mobile}))
    if complaint is not None:
        specs.append(
            PageSpec("header search: tracking number", role, url, 1, "search", post={"q": complaint.tracking_number})
        )
    return specs


BASELINE_ROWS = (1, LIST_ROWS)

# Django admin's change list (100 rows a page, as superuser) of the model each list shows.
ADMIN_CHANGELISTS = {
    "member list": ("admin member changelist", "admin:members_member_changelist"),
    "union list": ("admin union changelist", "admin:branches_orgunit_changelist"),
    "enterprise list": ("admin enterprise changelist", "admin:branches_enterprise_changelist"),
    "complaint list (by urgency)": ("admin complaint changelist", "admin:complaints_complaint_changelist"),
    "contract list": ("admin contract changelist", "admin:contracts_contract_changelist"),
    "fund ledger": ("admin ledger entry changelist", "admin:dues_ledgerentry_changelist"),
}
ADMIN_ROWS = 100


def reference_specs(baseline_role: str) -> list[PageSpec]:
    """The floors: the bare view at each row count the pages use, and Django admin's change lists."""
    specs = [
        PageSpec(f"baseline ({rows} rows)", baseline_role, baseline_url(rows), rows, "baseline")
        for rows in BASELINE_ROWS
    ]
    specs += [PageSpec(name, "admin", reverse(url), ADMIN_ROWS, "admin") for name, url in ADMIN_CHANGELISTS.values()]
    return specs


def floor_rows(rows: int) -> int:
    """The baseline row count nearest to what a page renders."""
    return min(BASELINE_ROWS, key=lambda n: abs(n - max(rows, 1)))


def with_ratios(results: list[PageResult], baselines: dict[int, float]) -> list[PageResult]:
    """A ratio for pages measured without a paired floor: p50 over the separately measured baseline."""
    for result in results:
        if result.kind == "baseline" or not baselines or result.baseline_ratio is not None:
            continue
        floor = baselines.get(floor_rows(result.rows))
        result.baseline_ratio = round(result.p50_ms / floor, 2) if floor else None
    return results


def measure_pages(*, users: dict, admin_user, repeats: int = DEFAULT_REPEATS, only=None, log=print) -> list[PageResult]:
    """The floors on their own, then every page with its floor (and admin list) requested in turn with it.

    The baseline runs as the first role, so its menu and session cost what the pages' do.
    """
    results = []
    baselines = {}
    clients = {role: client_for(user) for role, user in users.items()}
    clients["admin"] = client_for(admin_user)
    floor_role = next(iter(users))
    references = {spec.name: spec for spec in reference_specs(floor_role)}
    for spec in references.values():
        result = measure_page(clients[spec.role], spec, repeats)
        if spec.kind == "baseline":
            baselines[spec.rows] = result.p50_ms
        results.append(result)
        log(_line(result))
    log(HEADER)
    for spec in page_specs(users):
        if only and spec.name not in only:
            continue
        floor = None
        if spec.kind != "export":  # an export is compared with nothing: it is a file, not a page
            floor = (clients[floor_role], baseline_url(floor_rows(spec.rows)))
        admin = None
        if spec.name in ADMIN_CHANGELISTS:
            admin = (clients["admin"], references[ADMIN_CHANGELISTS[spec.name][0]].url)
        result = measure_page(clients[spec.role], spec, repeats, floor=floor, admin=admin)
        results.append(result)
        log(_line(result))
    return with_ratios(results, baselines)


# --- background work ---------------------------------------------------------------------------


def measure_assessment_refresh(*, county_user, log=print) -> dict:
    """The county assessment's full refresh (what beat runs hourly and 立即刷新 runs on demand):
    last year and this year opened if they are not (their scheme the default one), then every
    township of the dataset counted through the indicator registry and scored, timed per year.
    A locked year is skipped, as the refresh skips it."""
    from apps.branches.choices import OrgUnitKind
    from apps.branches.models import OrgUnit
    from apps.overview import assessment
    from apps.overview.models import AssessmentYear

    this_year = timezone.localdate().year
    result = {"townships": assessment.townships().count()}
    result["counties"] = OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY, archived_at__isnull=True).count()
    for year in (this_year - 1, this_year):
        if not AssessmentYear.objects.filter(year=year).exists():
            assessment.year_open(user=county_user, year=year)
        started = time.perf_counter()
        counted = assessment.refresh_snapshots(year=year)
        seconds = time.perf_counter() - started
        which = "this" if year == this_year else "last"
        result[f"refresh_{which}_year_s"] = round(seconds, 2)
        result[f"refresh_{which}_year_townships"] = counted
        log(f"assessment {year}: {counted:,} townships counted and scored in {seconds:.2f} s")
    counted = result["refresh_this_year_townships"]
    if counted == 0:
        # Locked (a refresh skips it): no timing to report, rather than a misleading 0 ms.
        log(f"assessment {this_year} is locked: the refresh timing is not measured")
        return result
    seconds = result["refresh_this_year_s"]
    result["refresh_per_township_ms"] = round(seconds * 1000 / counted, 1)
    result["refresh_per_county_s"] = round(seconds / max(result["counties"], 1), 2)
    return result


SWEEP_OPEN = 100_000
SWEEP_DUE = 1_000


BENCH_TRACKING_PREFIX = "TSB-"


def measure_sweep(*, open_complaints: int = SWEEP_OPEN, due: int = SWEEP_DUE, log=print) -> dict:
    """The deadline sweep over `open_complaints` open complaints, `due` of them falling due at once.

    The extra complaints are committed first and the sweep runs in its own transaction, as the
    Celery task does: a sweep sharing a transaction with 100,000 fresh inserts is several times
    slower than any real one (PostgreSQL's per-transaction bookkeeping). Afterwards the
    benchmark's own complaints, reminders, notifications and their history rows are removed, so
    the benchmark database keeps its county-scale numbers and a rerun starts from the same state.
    """
    from apps.complaints.choices import OPEN_STATUSES
    from apps.complaints.models import Complaint
    from apps.complaints.services import complaint_deadline_sweep

    _remove_sweep_complaints()
    now = timezone.now()
    with transaction.atomic():
        _add_open_complaints(Complaint, open_complaints, due, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
        cursor.execute("ANALYZE complaints_complaintreminder")
    reverse("complaints:complaint_list")  # a worker's URL conf is loaded once, not per sweep
    timings = {"sweep_open_complaints": Complaint.objects.filter(status__in=OPEN_STATUSES).count()}
    try:
        started = time.perf_counter()
        timings["sweep_reminders"] = complaint_deadline_sweep(now=now)
        timings["sweep_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        timings["sweep_second_run"] = complaint_deadline_sweep(now=now)
        timings["sweep_idle_s"] = round(time.perf_counter() - started, 3)
    finally:
        _remove_sweep_complaints()
    log(
        f"deadline sweep over {timings['sweep_open_complaints']:,} open complaints: "
        f"{timings['sweep_s']:.3f} s with {timings['sweep_reminders']} due, {timings['sweep_idle_s']:.3f} s idle"
    )
    return timings


def _remove_sweep_complaints() -> None:
    """Delete what measure_sweep added (only rows it created: its tracking prefix, its reminders' keys)."""
    from apps.bench.generator import ignore_triggers
    from apps.complaints.models import Complaint, ComplaintReminder
    from apps.core.models import Notification

    with transaction.atomic():
        ids = list(
            Complaint.objects.filter(tracking_number__startswith=BENCH_TRACKING_PREFIX).values_list("pk", flat=True)
        )
        if not ids:
            return
        keys = [f"complaints:{kind}:{pk}" for pk in ids for kind in ("warning", "overdue", "escalation")]
        Notification.objects.filter(dedupe_key__in=keys).delete()
        ComplaintReminder.objects.filter(complaint_id__in=ids).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM complaints_complaintevent WHERE pgh_obj_id = ANY(%s)", [ids])
            # The benchmark's own rows go without a "deleted" event of their own.
            ignore_triggers(cursor, name_like="pgtrigger_%", table="complaints_complaint")
            cursor.execute("DELETE FROM complaints_complaint WHERE id = ANY(%s)", [ids])
            cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


def _add_open_complaints(Complaint, count: int, due: int, now):
    """Open complaints spread over the coming week; `due` of them inside the warning window or past it."""
    from apps.branches.models import Enterprise
    from apps.complaints.choices import Category, Channel, Status

    enterprises = list(Enterprise.objects.filter(archived_at__isnull=True).values_list("pk", "township_id")[:200])
    hour = datetime.timedelta(hours=1)
    batch = []
    for index in range(count):
        enterprise_id, township_id = enterprises[index % len(enterprises)]
        if index < due // 2:
            due_at = now - (index % 5 + 1) * datetime.timedelta(minutes=1)  # just became overdue
        elif index < due:
            due_at = now + (index % 47 + 1) * hour  # inside the 48-hour warning window
        else:
            due_at = now + datetime.timedelta(hours=50) + (index % 100) * hour
        batch.append(
            Complaint(
                tracking_number=f"{BENCH_TRACKING_PREFIX}{index:08d}",
                received_at=due_at - datetime.timedelta(days=7),
                due_at=due_at,
                channel=Channel.values[index % len(Channel.values)],
                enterprise_id=enterprise_id,
                township_id=township_id,
                category=Category.values[index % len(Category.values)],
                description="基准测试",
                status=Status.RECEIVED,
            )
        )
        if len(batch) == 5_000:
            Complaint.objects.bulk_create(batch)
            batch = []
    Complaint.objects.bulk_create(batch)


CONTRACT_SWEEP_IDLE_RUNS = 5


def measure_contract_sweep(*, idle_runs: int = CONTRACT_SWEEP_IDLE_RUNS, log=print) -> dict:
    """The contracts' milestone sweep (`apps.contracts.tasks.contracts_sweep`: the eight milestones
    of apps.contracts.milestones) over every contract in the database, as beat runs it.

    The first run finds the generated dataset's backlog (every answer and sending overdue, every
    review ended, every term in its renewal window or over: nothing has swept this dataset yet)
    and claims it; the runs after it find nothing new due, which is what almost every run of the
    sweep finds. Those are the figure (`contract_sweep_idle_s`, the median), with the queries one
    of them runs. Everything happens in one transaction that is rolled back, so the contracts
    deemed in force or expired, the claims and the notifications are gone afterwards and a rerun
    starts from the same state (the idle runs see the backlog's claims as the transaction's own
    rows, which PostgreSQL checks no slower than committed ones).
    """
    from apps.contracts.milestones import MILESTONE_KINDS
    from apps.contracts.models import Contract
    from apps.core.milestones import milestones_sweep

    now = timezone.now()
    reverse("contracts:contract_list")  # a worker's URL conf is loaded once, not per sweep
    timings = {"contract_sweep_contracts": Contract.objects.count()}
    with transaction.atomic():
        started = time.perf_counter()
        backlog = milestones_sweep(now=now, kinds=MILESTONE_KINDS)
        timings["contract_sweep_backlog_s"] = round(time.perf_counter() - started, 3)
        timings["contract_sweep_backlog"] = backlog
        idle = []
        for _ in range(idle_runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                reached = milestones_sweep(now=now, kinds=MILESTONE_KINDS)
                idle.append(time.perf_counter() - started)
        timings["contract_sweep_idle_s"] = round(statistics.median(idle), 3)
        timings["contract_sweep_idle_max_s"] = round(max(idle), 3)
        timings["contract_sweep_idle_queries"] = len(captured.captured_queries)
        timings["contract_sweep_second_run"] = reached
        transaction.set_rollback(True)  # the benchmark database keeps its generated contracts
    log(
        f"contract milestone sweep over {timings['contract_sweep_contracts']:,} contracts: "
        f"{timings['contract_sweep_idle_s']:.3f} s with nothing due ({timings['contract_sweep_idle_queries']} queries; "
        f"max {timings['contract_sweep_idle_max_s']:.3f} s of {idle_runs}), "
        f"{timings['contract_sweep_backlog_s']:.3f} s for the dataset's backlog of {sum(backlog.values()):,}"
    )
    return timings


# --- the report ----------------------------------------------------------------------------------


# --- the import floor -------------------------------------------------------------------------------

FLOOR_TABLE = "bench_import_floor"


def _read_fastest(content: bytes) -> list[list]:
    """Every cell of the first sheet, by the fastest reader the portal has (python-calamine)."""
    import io

    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def _read_openpyxl(content: bytes) -> list[list]:
    """The same cells by openpyxl's own read-only reader (the portal's reader until issue 11
    was built on openpyxl's internals; this is the maintained path of that library)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def measure_readers(content: bytes, *, repeats: int = 3) -> dict:
    """Rows per second of each spreadsheet reader on the same file (the best of ``repeats``)."""
    result = {}
    for name, read in (("calamine", _read_fastest), ("openpyxl", _read_openpyxl)):
        best, rows = math.inf, 0
        for _ in range(repeats):
            started = time.perf_counter()
            rows = len(read(content))
            best = min(best, time.perf_counter() - started)
        result[f"{name}_read_s"] = round(best, 3)
        result[f"{name}_rows_per_s"] = round(rows / best, 1)
    return result


def measure_import_floor(content: bytes, *, repeats: int = 3) -> dict:
    """The least an import of this file can cost on this machine: its rows read by the fastest
    reader and COPYed, every cell as text, into an unlogged table without indexes. Runs in the
    caller's transaction (the table is dropped again); the best of ``repeats``."""
    import csv
    import io

    best, rows = math.inf, 0
    for _ in range(repeats):
        started = time.perf_counter()
        values = _read_fastest(content)
        width = max((len(row) for row in values), default=1)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(["" if value is None else str(value) for value in row] for row in values)
        buffer.seek(0)
        columns = ", ".join(f"c{i} text" for i in range(1, width + 1))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE UNLOGGED TABLE {FLOOR_TABLE} ({columns})")
            cursor.cursor.copy_expert(f"COPY {FLOOR_TABLE} FROM STDIN WITH (FORMAT csv)", buffer)
            seconds = time.perf_counter() - started
            cursor.execute(f"SELECT count(*) FROM {FLOOR_TABLE}")  # noqa: S608 - a constant name
            rows = cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
        best = min(best, seconds)
    return {"floor_rows": rows, "floor_s": round(best, 3), "floor_rows_per_s": round(rows / best, 1)}


def import_multiples(result: dict) -> dict:
    """The check and the import as multiples of the floor for the same file."""
    return {
        "check_x_floor": round(result["check_s"] / result["floor_s"], 1),
        "import_x_floor": round(result["import_s"] / result["floor_s"], 1),
    }


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg_version,
    }


def results_document(
    *, scale, pages: list[PageResult], import_result: dict | None, sweep: dict | None, contract_sweep=None, extra=None
):
    document = {
        "scale": scale,
        "machine": machine(),
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "pages": [{key: value for key, value in asdict(page).items() if key not in {"samples_ms"}} for page in pages],
        "import_rows_per_s": import_result.get("import_rows_per_s") if import_result else None,
        "check_rows_per_s": import_result.get("check_rows_per_s") if import_result else None,
        "sweep_s": sweep.get("sweep_s") if sweep else None,
        "sweep_idle_s": sweep.get("sweep_idle_s") if sweep else None,
        "sweep_open_complaints": sweep.get("sweep_open_complaints") if sweep else None,
        "contract_sweep_idle_s": contract_sweep.get("contract_sweep_idle_s") if contract_sweep else None,
        "contract_sweep_contracts": contract_sweep.get("contract_sweep_contracts") if contract_sweep else None,
    }
    if contract_sweep:
        document["contract_sweep"] = contract_sweep
    document.update(extra or {})
    return document


def write_results(document: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


HEADER = f"{'page':<32} {'role':<20} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'KiB':>8} {'×base':>6} {'×admin':>6}"


def _ratio(value) -> str:
    return f"{value:.2f}" if value is not None else "–"


def _line(result: PageResult) -> str:
    flag = "" if result.status == 200 else f"  HTTP {result.status}"
    return (
        f"{result.name:<32} {result.role:<20} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f} "
        f"{result.queries:>7} {result.bytes / 1024:>8.1f} {_ratio(result.baseline_ratio):>6} "
        f"{_ratio(result.admin_ratio):>6}{flag}"
    )


def table(pages: list[PageResult]) -> str:
    return "\n".join([HEADER, "-" * len(HEADER), *(_line(page) for page in pages)])


def markdown_table(document: dict) -> str:
    lines = [
        "| page | role | p50 ms | p95 ms | queries | KiB | × base | × admin |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page in document["pages"]:
        lines.append(
            f"| {page['name']} | {page['role']} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | {page['queries']} "
            f"| {page['bytes'] / 1024:.1f} | {_ratio(page.get('baseline_ratio'))} | {_ratio(page.get('admin_ratio'))} |"
        )
    return "\n".join(lines)


def default_results_path(scale="county") -> Path:
    """bench/results.json for the county run the README quotes; other scales beside it."""
    name = "results.json" if str(scale) == "county" else f"results-{scale}.json"
    return Path(settings.BASE_DIR) / "bench" / name
