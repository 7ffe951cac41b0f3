"""The benchmark's measuring code on a tiny county: it runs, counts queries right, writes valid JSON.

Timings are never asserted (they depend on the machine); query counts are, and they must not
grow with the number of rows.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.bench import measure
from apps.members.services import member_create
from apps.overview.services import unit_summaries_refresh
from tests.complaints.conftest import factories, register  # noqa: F401 - fixtures
from tests.members.conftest import make_id

MAX_QUERIES = 12


@pytest.fixture(autouse=True)
def bench_urls(settings):
    settings.ROOT_URLCONF = "apps.bench.urls"


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("bench-admin", password=None)


def add_rows(county_tree, register, start, count):  # noqa: F811
    for serial in range(start, start + count):
        union = county_tree["union_a"] if serial % 2 else county_tree["union_b"]
        member_create(
            user=None,
            union=union,
            real_name=f"张{serial}",
            id_number=make_id(serial=f"{serial:03d}"),
            join_date=datetime.date(2015, 1, 1) + datetime.timedelta(days=serial),
            employment_form="regular",
        )
        register(timezone.now() - datetime.timedelta(days=serial % 9))
    # As `make bench` does before it measures: the home page reads the refreshed figures.
    unit_summaries_refresh()


@pytest.fixture
def users(county_user, chair_a, officer_a):
    return {"county_staff": county_user, "township_staff": chair_a, "grassroots_officer": officer_a}


def test_measure_page_counts_the_queries_of_one_request(county_user, county_tree, register, django_assert_num_queries):  # noqa: F811
    add_rows(county_tree, register, 0, 3)
    client = measure.client_for(county_user)
    spec = measure.PageSpec("member list", "county_staff", "/members/", 50)
    result = measure.measure_page(client, spec, repeats=3)
    assert result.status == 200
    assert len(result.samples_ms) == 3
    assert result.p50_ms <= result.p95_ms
    assert result.bytes == len(client.get("/members/").content)
    # pytest-django's own counter agrees exactly.
    with django_assert_num_queries(result.queries):
        client.get("/members/")


def test_every_page_as_every_role_within_the_query_budget_at_any_size(users, admin, county_tree, register):  # noqa: F811
    add_rows(county_tree, register, 0, 4)
    small = {
        (r.name, r.role): r
        for r in measure.measure_pages(users=users, admin_user=admin, repeats=1, log=lambda *_: None)
    }
    add_rows(county_tree, register, 4, 60)
    big = {
        (r.name, r.role): r
        for r in measure.measure_pages(users=users, admin_user=admin, repeats=1, log=lambda *_: None)
    }
    add_rows(county_tree, register, 64, 60)
    bigger = {
        (r.name, r.role): r
        for r in measure.measure_pages(users=users, admin_user=admin, repeats=1, log=lambda *_: None)
    }
    assert small.keys() == big.keys() == bigger.keys()
    names = {name for name, _role in small}
    assert {
        "dashboard",
        "union list",
        "enterprise list",
        "member list",
        "member search: name",
        "member search: ID number",
        "member search: card",
        "header search: name",
        "header search: ID number",
        "header search: card",
        "header search: tracking number",
        "member detail",
        "complaint list (by urgency)",
        "complaint detail",
        "formation rate",
        "member export (Excel)",
        "baseline (50 rows)",
        "admin member changelist",
    } <= names
    for key, result in big.items():
        assert result.status == 200, key
        if result.kind in {"baseline", "admin"}:
            continue
        sizes = (small[key].queries, result.queries, bigger[key].queries)
        assert max(sizes) <= MAX_QUERIES, key
        if result.kind in {"list", "search"}:
            # A first page that is not full is its own count (apps.core.pagination): one query fewer
            # until the page fills; never more as the table grows.
            assert sizes[0] <= sizes[1] <= sizes[2] <= sizes[0] + 1, (key, sizes)
        else:
            assert sizes[0] == sizes[1] == sizes[2], (key, sizes)
        assert result.baseline_ratio is not None and result.baseline_ratio > 0


def test_the_results_file_is_valid_json_in_the_documented_shape(users, admin, county_tree, register, tmp_path):  # noqa: F811
    add_rows(county_tree, register, 0, 2)
    pages = measure.measure_pages(users=users, admin_user=admin, repeats=1, only={"member list"}, log=lambda *_: None)
    document = measure.results_document(
        scale="test", pages=pages, import_result={"import_rows_per_s": 6000.0}, sweep={"sweep_s": 0.2}
    )
    path = tmp_path / "bench" / "results.json"
    measure.write_results(document, path)
    loaded = json.loads(path.read_text())
    assert loaded["scale"] == "test"
    assert loaded["import_rows_per_s"] == 6000.0 and loaded["sweep_s"] == 0.2
    assert {"cpu", "cores", "postgresql"} <= loaded["machine"].keys()
    for page in loaded["pages"]:
        assert {"name", "role", "p50_ms", "p95_ms", "queries", "bytes", "baseline_ratio"} <= page.keys()
    assert "| member list |" in measure.markdown_table(loaded)


def test_sweep_measurement_leaves_nothing_behind(county_tree, factories, chair_a):  # noqa: F811
    from apps.complaints.models import Complaint, ComplaintReminder
    from apps.core.models import Notification

    before = (Complaint.objects.count(), ComplaintReminder.objects.count(), Notification.objects.count())
    with CaptureQueriesContext(connection):
        timings = measure.measure_sweep(open_complaints=300, due=20, log=lambda *_: None)
    assert timings["sweep_open_complaints"] >= 300
    # 10 just overdue: each gets a warning, an overdue mark and an escalation; 10 more only a warning.
    assert timings["sweep_reminders"] == {"warning": 20, "overdue": 10, "escalation": 10}
    assert timings["sweep_second_run"] == {"warning": 0, "overdue": 0, "escalation": 0}
    assert (Complaint.objects.count(), ComplaintReminder.objects.count(), Notification.objects.count()) == before


def test_percentile_is_nearest_rank():
    samples = [float(n) for n in range(1, 21)]
    assert measure.percentile(samples, 0.95) == 19.0
    assert measure.percentile(samples, 0.5) == 10.0
    assert measure.percentile([7.0], 0.95) == 7.0


# --- the collective contracts (issue 13) ---------------------------------------------------------

CONTRACT_PAGES = {"contract list", "contract detail", "contract coverage"}


@pytest.fixture
def joint_unions(county_tree):
    """A joint union (联合工会) in each township: an enterprise union covers one enterprise only."""
    from apps.branches.choices import OrgUnitKind
    from apps.branches.services import orgunit_create

    return {
        key: orgunit_create(
            user=None, parent=county_tree[key], name=f"{county_tree[key].name}联合工会", kind=OrgUnitKind.JOINT
        )
        for key in ("a", "b")
    }


def add_contracts(user, county_tree, joint_unions, start, count):
    """`count` enterprise contracts in force, entered by `user` as signed before the portal
    (through the register's service), half in each township, each for an enterprise of its own; the first one is the
    grassroots officer's union's (union_a), the others its township's joint union's."""
    from tests.contracts.factories import make_existing_contract
    from tests.factories import EnterpriseFactory

    for serial in range(start, start + count):
        key = "a" if serial % 2 == 0 else "b"
        union = county_tree["union_a"] if serial == 0 else joint_unions[key]
        enterprise = EnterpriseFactory(township=county_tree[key], union=union, name=f"测试合同企业{serial:03d}有限公司")
        signed_on = timezone.localdate() - datetime.timedelta(days=100 + serial)
        make_existing_contract(user=user, union=union, enterprise=enterprise, signed_on=signed_on)


def contract_pages(users, admin):
    results = measure.measure_pages(users=users, admin_user=admin, repeats=1, only=CONTRACT_PAGES, log=lambda *_: None)
    return {(r.name, r.role): r for r in results if r.name in CONTRACT_PAGES}


def test_the_contract_pages_are_measured_as_every_role_and_their_queries_do_not_grow(
    users, admin, county_tree, joint_unions
):
    add_contracts(users["county_staff"], county_tree, joint_unions, 0, 3)
    small = contract_pages(users, admin)
    add_contracts(users["county_staff"], county_tree, joint_unions, 3, 120)  # more than a page (50 rows) in each scope
    big = contract_pages(users, admin)
    roles = {"county_staff", "township_staff", "grassroots_officer"}
    assert set(big) == set(small) == {(name, role) for name in CONTRACT_PAGES for role in roles}
    for key, result in big.items():
        assert small[key].status == result.status == 200, key
        sizes = (small[key].queries, result.queries)
        if result.kind == "list":
            assert sizes[0] <= sizes[1] <= sizes[0] + 1, (key, sizes)  # the first page became full
        else:
            assert sizes[0] == sizes[1], (key, sizes)
        if result.name != "contract detail":
            assert result.queries <= MAX_QUERIES, key
        assert result.baseline_ratio is not None and result.baseline_ratio > 0
    # The contract list is paired with Django admin's change list of contracts.
    assert big[("contract list", "county_staff")].admin_ratio is not None


def test_the_contract_page_is_within_the_query_budget(users, admin, county_tree, joint_unions):
    add_contracts(users["county_staff"], county_tree, joint_unions, 0, 2)
    details = {key: result for key, result in contract_pages(users, admin).items() if key[0] == "contract detail"}
    assert len(details) == 3
    for key, result in details.items():
        assert result.queries <= MAX_QUERIES, key


def test_the_contract_sweep_measurement_finds_the_backlog_then_nothing_and_leaves_nothing_behind(
    county_tree, joint_unions, chair_a
):
    from apps.contracts.choices import ContractStatus
    from apps.contracts.models import Contract, ContractStep
    from apps.core.models import MilestoneClaim, Notification
    from tests.contracts.factories import make_contract
    from tests.factories import EnterpriseFactory

    long_ago = timezone.localdate() - datetime.timedelta(days=200)
    union = joint_unions["a"]
    unanswered = make_contract(
        user=chair_a, union=union, enterprise=EnterpriseFactory(township=county_tree["a"], union=union), on=long_ago
    )
    reviewed = make_contract(
        user=chair_a,
        union=union,
        enterprise=EnterpriseFactory(township=county_tree["a"], union=union),
        step="received",
        on=long_ago,
    )
    before = (
        list(Contract.objects.order_by("pk").values_list("pk", "status")),
        ContractStep.objects.count(),
        MilestoneClaim.objects.count(),
        Notification.objects.count(),
    )
    timings = measure.measure_contract_sweep(idle_runs=2, log=lambda *_: None)
    assert timings["contract_sweep_contracts"] == 2
    assert timings["contract_sweep_backlog"]["contracts:answer_overdue"] == 1  # `unanswered`
    assert timings["contract_sweep_backlog"]["contracts:in_force"] == 1  # `reviewed`, deemed in force
    assert set(timings["contract_sweep_second_run"].values()) == {0}
    assert timings["contract_sweep_idle_s"] >= 0 and timings["contract_sweep_idle_queries"] > 0
    after = (
        list(Contract.objects.order_by("pk").values_list("pk", "status")),
        ContractStep.objects.count(),
        MilestoneClaim.objects.count(),
        Notification.objects.count(),
    )
    assert after == before
    statuses = dict(before[0])
    assert statuses == {unanswered.pk: ContractStatus.REQUESTED, reviewed.pk: ContractStatus.SUBMITTED}


# --- union funds (issue 14) ----------------------------------------------------------------------

DUES_PAGES = {"fund ledger", "collection rate", "arrears ageing"}
# A grassroots officer reads its enterprise's ledger and collection rate but chases no arrears.
DUES_ROLES = {
    "fund ledger": {"county_staff", "township_staff", "grassroots_officer"},
    "collection rate": {"county_staff", "township_staff", "grassroots_officer"},
    "arrears ageing": {"county_staff", "township_staff"},
}


def months_ago(count: int) -> datetime.date:
    first = timezone.localdate().replace(day=1)
    for _ in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


def add_ledger(user, county_tree, enterprises, months):
    """Monthly entries for `months` (months back from now) of each enterprise, through the
    ledger's service; every other one half paid, so the pages show paid, part-paid and owing."""
    from decimal import Decimal

    from apps.dues.services import ledger

    for index, enterprise in enumerate(enterprises):
        for back in months:
            entry = ledger.ledger_entry_ensure(enterprise, months_ago(back), payroll=Decimal("100000.00"))
            if (index + back) % 2:
                ledger.payment_add(entry, amount=Decimal("1000.00"), paid_on=months_ago(back - 1), user=user)


def dues_enterprises(county_tree, start, count):
    """Half in each township; the first is union_a's own enterprise (the grassroots officer's)."""
    from tests.factories import EnterpriseFactory

    return [
        EnterpriseFactory(
            township=county_tree["a" if serial % 2 == 0 else "b"],
            union=county_tree["union_a"] if serial == 0 else None,
            name=f"测试经费企业{serial:03d}有限公司",
        )
        for serial in range(start, start + count)
    ]


def dues_pages(users, admin):
    results = measure.measure_pages(users=users, admin_user=admin, repeats=1, only=DUES_PAGES, log=lambda *_: None)
    return {(r.name, r.role): r for r in results if r.name in DUES_PAGES}


def test_the_dues_pages_are_measured_as_every_role_that_may_open_them_and_their_queries_do_not_grow(
    users, admin, county_tree
):
    county = users["county_staff"]
    first = dues_enterprises(county_tree, 0, 3)
    add_ledger(county, county_tree, first, months=(2, 5))
    small = dues_pages(users, admin)
    # More than a page (50 rows) in each township; the officer's enterprise gets more months too,
    # in every age band (0–3, 3–6, 6–12, over 12 months).
    add_ledger(county, county_tree, first[:1], months=range(3, 60))
    add_ledger(county, county_tree, dues_enterprises(county_tree, 3, 20), months=range(2, 9))
    big = dues_pages(users, admin)
    expected = {(name, role) for name, roles in DUES_ROLES.items() for role in roles}
    assert set(small) == set(big) == expected
    for key, result in big.items():
        assert small[key].status == result.status == 200, key
        sizes = (small[key].queries, result.queries)
        if result.kind == "list":
            assert sizes[0] <= sizes[1] <= sizes[0] + 1, (key, sizes)  # the first page became full
        else:
            assert sizes[0] == sizes[1], (key, sizes)
        assert result.queries <= MAX_QUERIES, key
        assert result.baseline_ratio is not None and result.baseline_ratio > 0
    # The ledger is paired with Django admin's change list of ledger entries.
    assert big[("fund ledger", "county_staff")].admin_ratio is not None
    # The pages show what was added: the officer's ledger its own enterprise's entries only.
    officer = measure.client_for(users["grassroots_officer"])
    page = officer.get(big[("fund ledger", "grassroots_officer")].url).content.decode()
    assert first[0].name in page and first[1].name not in page
