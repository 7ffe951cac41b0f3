"""The contract pages on the view-check base (tests/viewchecks.py), and what each page shows and does:
the detail's parts, the request form end to end (with its prefill from the query string), content
editing, and the coverage with its workers-covered override."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.contracts import services
from apps.contracts.choices import ContractScope, ContractStatus, Party
from apps.contracts.forms import ContractContentForm
from apps.contracts.models import Contract
from tests.contracts.factories import make_contract
from tests.contracts.stepforms import PNG
from tests.factories import EnterpriseFactory
from tests.viewchecks import EVERYONE, ViewChecks, form, page, search
from tests.viewchecks import Route as R

pytestmark = pytest.mark.django_db

NEGOTIATOR = "测试厂长"


def _chair(world, where):
    return world.users["chair" if where == "a" else "chair_b"]


def _enterprise(world, where, **fields):
    return EnterpriseFactory(township=world.tree[where], union=world.tree[f"union_{where}"], **fields)


def _contract(world, where, user=None):
    return make_contract(
        user=_chair(world, where), union=world.tree[f"union_{where}"], enterprise=_enterprise(world, where)
    )


def _request_data(union, enterprise):
    return {
        "union": union.pk,
        "kind": "wage",
        "scope": "enterprise",
        "requested_by": "workers",
        "requested_on": timezone.localdate().isoformat(),
        "enterprise": enterprise.pk,
        "employer_negotiator": NEGOTIATOR,
        "workers_negotiator": "张主席",
        "note": "书面要约已送达",
    }


def _content_data(world, obj):
    return {
        "workers_negotiator": "李主席",
        "employer_negotiator": "王总",
        "working_hours": "标准工时，每日8小时",
        "wage_increase_percent": "5.5",
        "minimum_wage": "2600",
    }


def _changed(field, value):
    def check(obj):
        obj.refresh_from_db()
        assert getattr(obj, field) == value, (field, getattr(obj, field))

    return check


class TestContractViews(ViewChecks):
    def make(self, world, where, user):
        return _contract(world, where)

    routes = (
        page("contracts:contract_list", "list", EVERYONE, shows=lambda c: c.number),
        page("contracts:contract_export", "export", EVERYONE),
        page(
            "contracts:contract_create",
            "create",
            EVERYONE,
            methods=("get", "post"),
            data=lambda world, obj: _request_data(obj.union, obj.enterprise),
            done=lambda obj: Contract.objects.get(employer_negotiator=NEGOTIATOR),
            foreign=lambda world, obj: _request_data(world.tree["union_b"], _enterprise(world, "b")),
        ),
        search("contracts:union_autocomplete", EVERYONE),
        R("contracts:contract_detail", "detail", EVERYONE),
        form(
            "contracts:contract_update",
            "edit",
            EVERYONE,
            _content_data,
            done=_changed("working_hours", "标准工时，每日8小时"),
        ),
        form(
            "contracts:contract_coverage",
            "edit",
            EVERYONE,
            lambda world, obj: {"workers_covered": "95", "workers_covered_reason": "含劳务派遣工15人"},
            done=_changed("workers_covered", 95),
        ),
    )


# --- the detail page -------------------------------------------------------------------------------


def test_the_officer_sees_their_own_unions_contract_only(contract_world, client_for):
    w = contract_world
    own = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a)
    regional = make_contract(user=w.chair, union=w.regional_a, covered=[w.small_a1])
    client = client_for(w.officer)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(regional.get_absolute_url()).status_code == 404
    listed = client.get(reverse("contracts:contract_list")).content.decode()
    assert own.number in listed and regional.number not in listed


def test_a_chair_gets_404_on_another_townships_contract_and_its_forms(contract_world, client_for):
    w = contract_world
    other = make_contract(user=w.chair_b, union=w.tree["union_b"], enterprise=w.ent_b)
    client = client_for(w.chair)
    for name in ("contracts:contract_detail", "contracts:contract_update", "contracts:contract_coverage"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404, name


def test_the_detail_shows_parties_clock_timeline_and_covered_enterprises(contract_world, client_for):
    w = contract_world
    on = timezone.localdate() - datetime.timedelta(days=60)
    contract = make_contract(user=w.chair, union=w.regional_a, covered=[w.small_a1, w.small_a2], step="signed", on=on)
    response = client_for(w.chair).get(contract.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert w.small_a1.name in content and w.small_a2.name in content
    assert w.small_a1.get_absolute_url() in content  # covered enterprises link to their pages
    assert contract.employer_representative in content
    steps = [step.kind for step in response.context["timeline"]]
    assert steps == ["request", "answer", "meeting", "vote", "sign"]
    assert response.context["timeline"][0].actor == w.chair
    # Signed 35 days ago (factory offsets: signed 25 days after the request): sending is overdue.
    lines = {line.key: line for line in response.context["clock_lines"]}
    assert lines["send"].overdue and lines["send"].days_left == contract.send_due_on.toordinal() - (
        timezone.localdate().toordinal()
    )
    assert 'data-testid="clock-send"' in content
    assert response.context["next_deadline"].overdue


def test_the_detail_shows_the_answer_due_date_of_a_new_request(contract_world, client_for):
    w = contract_world
    contract = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, on=timezone.localdate())
    response = client_for(w.chair).get(contract.get_absolute_url())
    lines = {line.key: line for line in response.context["clock_lines"]}
    assert lines["answer"].day == timezone.localdate() + datetime.timedelta(days=20)
    assert lines["answer"].days_left == 20
    assert f"{contract.answer_due_on:%Y-%m-%d}" in response.content.decode()


def test_the_detail_flags_a_long_term_and_a_low_minimum_wage(contract_world, client_for):
    from apps.contracts.models import MinimumWage, WageArea

    w = contract_world
    WageArea.objects.create(unit=w.tree["county"], area_class="2")
    MinimumWage.objects.create(year=2020, area_class="2", monthly="2280")
    contract = make_contract(
        user=w.chair,
        union=w.tree["union_a"],
        enterprise=w.ent_a,
        step="signed",
        term_months=48,
        term_reason="企业改制过渡期",
    )
    services.contract_update(user=w.chair, contract=contract, minimum_wage=2000)
    response = client_for(w.chair).get(contract.get_absolute_url())
    content = response.content.decode()
    assert 'data-testid="term-flag"' in content and "企业改制过渡期" in content
    warnings = response.context["warnings"]
    assert any("低于" in warning for warning in warnings), warnings
    assert 'data-testid="contract-warning"' in content


def test_the_renewal_chain_reads_both_ways(contract_world, client_for):
    import time_machine

    w = contract_world
    first = make_contract(
        user=w.chair,
        union=w.tree["union_a"],
        enterprise=w.ent_a,
        step="in_force",
        on=datetime.date(2023, 1, 2),
        term_months=12,
    )
    with time_machine.travel(datetime.datetime(2024, 1, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        second = services.contract_renewal_request(
            user=w.chair, contract=first, requested_on=datetime.date(2024, 1, 5), requested_by=Party.WORKERS
        )
    client = client_for(w.chair)
    for contract in (first, second):
        chain = client.get(contract.get_absolute_url()).context["chain"]
        assert [c.pk for c in chain] == [first.pk, second.pk]
    alone = make_contract(user=w.chair, union=w.regional_a, covered=[w.small_a1])
    assert [c.pk for c in client.get(alone.get_absolute_url()).context["chain"]] == [alone.pk]


@pytest.mark.parametrize("size", ["few", "many"])
def test_the_detail_costs_the_same_queries_at_any_size(contract_world, client_for, django_assert_num_queries, size):
    """The detail page reads each part once, whatever the number of steps, documents and covered
    enterprises: the session, the user and their permissions, the contract, the renewal check
    (asked once for all the buttons), the steps, the documents (the timeline's and the section's),
    the renewal chain, the history and its actors, the covered enterprises, and the bell."""
    w = contract_world
    if size == "few":
        contract = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="in_force")
    else:
        covered = [w.small_a1, w.small_a2, *(EnterpriseFactory(township=w.tree["a"]) for _ in range(5))]
        contract = make_contract(user=w.chair, union=w.regional_a, covered=covered, step="in_force")
        for step in contract.steps.all():
            services.contract_document_upload(
                user=w.chair, contract=contract, kind="minutes", file_name="纪要.png", content=PNG, step=step
            )
        services.contract_document_upload(
            user=w.chair, contract=contract, kind="signed_text", file_name="文本.png", content=PNG
        )
    client = client_for(w.chair)
    client.get(reverse("overview:home"))
    with django_assert_num_queries(12):
        response = client.get(contract.get_absolute_url())
    assert response.status_code == 200
    shown = response.content.decode()
    if size == "many":
        assert len(response.context["timeline"]) >= 8
        assert shown.count('data-testid="document-row"') == contract.steps.count() + 1
        assert shown.count("纪要.png") == 2 * contract.steps.count()  # in the timeline and the section


def test_a_closed_contract_reads_as_terminated_and_its_step_as_the_closing(contract_world, client_for):
    """The status CLOSED and the step CLOSE share the English "Closed": each has its own context,
    so the list and the detail say 已终止 for the status and 终止 for the step, never 已办结 (a
    complaint's closing)."""
    w = contract_world
    contract = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="signed", closed=True)
    client = client_for(w.chair)
    listed = client.get(reverse("contracts:contract_list")).content.decode()
    assert "已终止" in listed and "已办结" not in listed
    detail = client.get(contract.get_absolute_url())
    shown = detail.content.decode()
    assert "已终止" in shown and "已办结" not in shown
    closing = next(step for step in detail.context["timeline"] if step.kind == "close")
    assert closing.get_kind_display() == "终止"
    timeline = shown[shown.index('data-testid="step-close"') :]
    assert "<strong>终止</strong>" in timeline[:200]


# --- the request form ------------------------------------------------------------------------------


def test_the_request_form_records_a_contract_at_requested_with_its_answer_due_date(contract_world, client_for):
    w = contract_world
    client = client_for(w.chair)
    today = timezone.localdate()
    response = client.post(
        reverse("contracts:contract_create"),
        {
            "union": w.tree["union_a"].pk,
            "kind": "wage",
            "scope": "enterprise",
            "requested_by": "employer",
            "requested_on": today.isoformat(),
            "enterprise": w.ent_a.pk,
            "workers_negotiator": "张主席",
            "employer_negotiator": "王总",
            "note": "企业方书面提出",
        },
        follow=True,
    )
    contract = Contract.objects.get()
    assert response.redirect_chain[-1][0] == contract.get_absolute_url()
    assert contract.status == ContractStatus.REQUESTED
    assert contract.kind == "wage" and contract.requested_by == Party.EMPLOYER
    assert contract.answer_due_on == today + datetime.timedelta(days=20)
    assert list(contract.covered_enterprises.all()) == [w.ent_a]
    assert contract.workers_covered == 80
    content = response.content.decode()
    assert f"{contract.answer_due_on:%Y-%m-%d}" in content
    assert contract.get_status_display() in content
    step = contract.steps.get()
    assert step.kind == "request" and step.note == "企业方书面提出" and step.actor == w.chair


def test_a_regional_request_covers_the_listed_enterprises_and_drops_the_enterprise_field(contract_world, client_for):
    w = contract_world
    client = client_for(w.chair)
    response = client.post(
        reverse("contracts:contract_create"),
        {
            "union": w.tree["a"].pk,
            "kind": "comprehensive",
            "scope": "regional",
            "requested_by": "workers",
            "requested_on": timezone.localdate().isoformat(),
            "enterprise": w.ent_a.pk,  # left over from the hidden field: ignored for a regional contract
            "employer_representative": "白塔埠镇企业联合会",
            "covered_enterprises": [w.small_a1.pk, w.small_a2.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    contract = Contract.objects.get()
    assert contract.scope == ContractScope.REGIONAL and contract.enterprise is None
    assert set(contract.covered_enterprises.all()) == {w.small_a1, w.small_a2}
    assert contract.workers_covered == 20


def test_the_request_forms_refusals_land_on_the_form_in_chinese(contract_world, client_for):
    w = contract_world
    client = client_for(w.chair)
    response = client.post(
        reverse("contracts:contract_create"),
        {
            "union": w.regional_a.pk,
            "kind": "comprehensive",
            "scope": "regional",
            "requested_by": "workers",
            "requested_on": timezone.localdate().isoformat(),
            "employer_representative": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "employer_representative" in errors, errors
    assert not Contract.objects.exists()


def test_the_request_form_is_prefilled_from_an_enterprise_or_a_union(contract_world, client_for):
    w = contract_world
    client = client_for(w.chair)
    url = reverse("contracts:contract_create")
    initial = client.get(url, {"enterprise": w.ent_a.pk}).context["form"].initial
    assert initial["scope"] == "enterprise" and initial["enterprise"] == w.ent_a.pk
    assert initial["union"] == w.tree["union_a"].pk
    initial = client.get(url, {"union": w.regional_a.pk}).context["form"].initial
    assert initial["union"] == w.regional_a.pk and initial["scope"] == "regional"


@pytest.mark.parametrize("value", ["ent_b", "union_b", "abc", "-1", "9" * 40, "²"])
def test_prefill_ids_outside_the_users_area_are_ignored(contract_world, client_for, value):
    w = contract_world
    ids = {"ent_b": w.ent_b.pk, "union_b": w.tree["union_b"].pk}
    param = "union" if value == "union_b" else "enterprise"
    response = client_for(w.chair).get(reverse("contracts:contract_create"), {param: ids.get(value, value)})
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert "enterprise" not in initial and "union" not in initial
    assert w.ent_b.name not in response.content.decode()


# --- content and coverage --------------------------------------------------------------------------


def test_the_content_form_edits_only_the_services_content_fields():
    assert list(ContractContentForm.base_fields) == list(services.CONTENT_FIELDS)


def test_a_term_outside_one_to_three_years_needs_a_reason_on_the_form(contract_world, client_for):
    w = contract_world
    contract = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="signed")
    client = client_for(w.chair)
    url = reverse("contracts:contract_update", args=[contract.pk])
    data = {"term_start": "2026-01-01", "term_end": "2029-12-31", "term_reason": ""}  # 48 months
    response = client.post(url, data)
    assert response.status_code == 200
    assert "term_reason" in response.context["form"].errors
    contract.refresh_from_db()
    assert contract.term_end != datetime.date(2029, 12, 31)
    response = client.post(url, {**data, "term_reason": "企业改制过渡期"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.term_end == datetime.date(2029, 12, 31) and contract.term_reason == "企业改制过渡期"


def test_content_of_a_contract_in_force_is_refused_back_to_the_contract(contract_world, client_for):
    w = contract_world
    contract = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="in_force")
    client = client_for(w.chair)
    for method in (client.get, client.post):
        response = method(reverse("contracts:contract_update", args=[contract.pk]))
        assert response.status_code == 302 and response["Location"] == contract.get_absolute_url()
    detail = client.get(contract.get_absolute_url()).content.decode()
    assert 'data-testid="contract-edit"' not in detail and 'data-testid="contract-coverage"' not in detail


def test_a_workers_covered_override_needs_a_reason(contract_world, client_for):
    w = contract_world
    contract = make_contract(user=w.chair, union=w.regional_a, covered=[w.small_a1])
    client = client_for(w.chair)
    url = reverse("contracts:contract_coverage", args=[contract.pk])
    response = client.post(url, {"enterprises": [w.small_a1.pk], "workers_covered": "40"})
    assert response.status_code == 200
    assert response.context["form"].errors
    contract.refresh_from_db()
    assert contract.workers_covered == 12 and not contract.workers_covered_reason
    response = client.post(
        url, {"enterprises": [w.small_a1.pk], "workers_covered": "40", "workers_covered_reason": "含季节工"}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.workers_covered == 40 and contract.workers_covered_reason == "含季节工"
    detail = client.get(contract.get_absolute_url()).content.decode()
    assert "含季节工" in detail


def test_the_coverage_form_sets_a_regional_contracts_enterprises_and_counts_their_workers(contract_world, client_for):
    w = contract_world
    contract = make_contract(user=w.chair, union=w.regional_a, covered=[w.small_a1])
    client = client_for(w.chair)
    url = reverse("contracts:contract_coverage", args=[contract.pk])
    assert client.get(url).context["form"].initial["enterprises"] == [w.small_a1.pk]
    response = client.post(url, {"enterprises": [w.small_a1.pk, w.small_a2.pk]})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert set(contract.covered_enterprises.all()) == {w.small_a1, w.small_a2}
    assert contract.workers_covered == 20
    # Another township's enterprise is not a choice.
    response = client.post(url, {"enterprises": [w.ent_b.pk]})
    assert response.status_code == 200 and "enterprises" in response.context["form"].errors


def test_an_enterprise_contracts_coverage_form_has_no_enterprise_choice(contract_world, client_for):
    w = contract_world
    contract = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a)
    response = client_for(w.chair).get(reverse("contracts:contract_coverage", args=[contract.pk]))
    assert "enterprises" not in response.context["form"].fields


def test_the_union_autocomplete_offers_signing_unions_in_scope(contract_world, client_for):
    w = contract_world
    client = client_for(w.chair)
    answer = client.post(reverse("contracts:union_autocomplete"), {"q": ""}).json()
    names = {row["text"] for row in answer["results"]}
    assert {w.tree["a"].name, w.tree["union_a"].name, w.regional_a.name} <= names
    assert w.tree["union_b"].name not in names and w.tree["b"].name not in names
