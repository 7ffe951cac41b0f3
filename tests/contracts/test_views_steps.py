"""The step forms: the view-check base for every role, and each form end to end (the clock on
the page, a bad POST refused in Chinese with nothing written, a good one moving the status and
adding one step), a step the status does not allow refused, the buttons by the same rule."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.contracts import services
from apps.contracts.choices import ContractScope, ContractStatus, StepKind
from apps.contracts.models import Contract, ContractStep
from apps.contracts.views.steps import fraction_label, minimum_count, rule_source, vote_rule
from tests.factories import EnterpriseFactory
from tests.viewchecks import EVERYONE, ViewChecks, form

from .stepforms import DAY, chair_of, contract_at, in_window

TODAY = timezone.localdate


def _iso(day):
    return day.isoformat()


def _status(status):
    def check(obj):
        obj.refresh_from_db()
        assert obj.status == status, (obj.status, status)

    return check


def _stage(stage, **options):
    return lambda world, where, user: contract_at(world, where, stage, **options)


class TestStepViews(ViewChecks):
    """Every step form, every role: chair of A, county staff, A's union officer may; no role 403;
    township B's contract 404."""

    def make(self, world, where, user):
        return contract_at(world, where, ContractStatus.REQUESTED)

    routes = (
        form(
            "contracts:contract_answer",
            "action",
            EVERYONE,
            lambda world, obj: {"answered_on": _iso(TODAY()), "note": "书面回应"},
            done=_status(ContractStatus.NEGOTIATING),
        ),
        form(
            "contracts:contract_meeting",
            "action",
            EVERYONE,
            lambda world, obj: {"held_on": _iso(TODAY()), "place": "厂部会议室"},
            obj=_stage(ContractStatus.NEGOTIATING),
            done=lambda obj: obj.steps.get(kind=StepKind.MEETING),
        ),
        form(
            "contracts:contract_vote",
            "action",
            EVERYONE,
            lambda world, obj: {
                "voted_on": _iso(TODAY()),
                "vote_body": "congress",
                "voters_total": 60,
                "voters_present": 40,
                "votes_in_favour": 30,
            },
            obj=_stage(ContractStatus.NEGOTIATING),
            done=_status(ContractStatus.PASSED),
        ),
        form(
            "contracts:contract_sign",
            "action",
            EVERYONE,
            lambda world, obj: {
                "signed_on": _iso(TODAY()),
                "term_start": _iso(TODAY()),
                "term_end": _iso(TODAY() + 730 * DAY),
            },
            obj=_stage(ContractStatus.PASSED),
            done=_status(ContractStatus.SIGNED),
        ),
        form(
            "contracts:contract_send",
            "action",
            EVERYONE,
            lambda world, obj: {"sent_on": _iso(TODAY())},
            obj=_stage(ContractStatus.SIGNED),
            done=_status(ContractStatus.SUBMITTED),
        ),
        form(
            "contracts:contract_review",
            "action",
            EVERYONE,
            lambda world, obj: {"outcome": "approval", "happened_on": _iso(TODAY())},
            obj=_stage(ContractStatus.SUBMITTED),
            done=_status(ContractStatus.IN_FORCE),
        ),
        form(
            "contracts:contract_renew",
            "action",
            EVERYONE,
            lambda world, obj: {"requested_on": _iso(TODAY()), "requested_by": "workers"},
            obj=lambda world, where, user: in_window(world, where),
            done=lambda obj: Contract.objects.get(replaces=obj),
        ),
        form(
            "contracts:contract_close",
            "action",
            EVERYONE,
            lambda world, obj: {"closed_on": _iso(TODAY()), "reason": "企业转产，协商终止"},
            done=_status(ContractStatus.CLOSED),
        ),
    )


pytestmark = pytest.mark.django_db


def _url(name, contract):
    return reverse(f"contracts:{name}", kwargs={"pk": contract.pk})


def _errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# (url, stage, what the page says of the clock, a POST the service refuses (its Chinese error),
# a POST that succeeds and the status it leads to)
def _flows(today):
    return [
        pytest.param(
            "contract_answer",
            ContractStatus.REQUESTED,
            [f"应于 {today + (20 - 40) * DAY:%Y-%m-%d} 前书面回应", "收到协商要求之日起 20 日内书面回应"],
            {"answered_on": _iso(today - 41 * DAY)},
            "早于",
            {"answered_on": _iso(today), "note": "同意协商"},
            ContractStatus.NEGOTIATING,
            id="answer",
        ),
        pytest.param(
            "contract_meeting",
            ContractStatus.NEGOTIATING,
            ["已记录协商会议 0 次"],
            {"held_on": _iso(today - 50 * DAY), "place": "厂部会议室"},
            "早于",
            {"held_on": _iso(today), "place": "厂部会议室", "note": "就工资增长幅度达成一致"},
            ContractStatus.NEGOTIATING,
            id="meeting",
        ),
        pytest.param(
            "contract_vote",
            ContractStatus.NEGOTIATING,
            ["三分之二以上出席、应到人数的半数以上赞成方为通过（集体合同规定第三十六条）"],
            {
                "voted_on": _iso(today),
                "vote_body": "congress",
                "voters_total": 60,
                "voters_present": 45,
                "votes_in_favour": 50,
            },
            "赞成人数（50）不能多于实到人数（45）",
            {
                "voted_on": _iso(today),
                "vote_body": "congress",
                "voters_total": 60,
                "voters_present": 40,
                "votes_in_favour": 30,
            },
            ContractStatus.PASSED,
            id="vote",
        ),
        pytest.param(
            "contract_sign",
            ContractStatus.PASSED,
            ["签字之日起 10 日内报送", "合同期限一般为1年至3年"],
            {"signed_on": _iso(today), "term_start": _iso(today), "term_end": _iso(today + 37 * 31 * DAY)},
            "请写明理由",
            {"signed_on": _iso(today), "term_start": _iso(today), "term_end": _iso(today + 730 * DAY)},
            ContractStatus.SIGNED,
            id="sign",
        ),
        pytest.param(
            "contract_send",
            ContractStatus.SIGNED,
            [f"签订于 {today - 7 * DAY:%Y-%m-%d}，应于 {today + 3 * DAY:%Y-%m-%d} 前报送（还剩 3 天）"],
            {"sent_on": _iso(today - 10 * DAY)},
            "早于",
            {"sent_on": _iso(today - DAY), "received_on": _iso(today)},
            ContractStatus.SUBMITTED,
            id="send",
        ),
        pytest.param(
            "contract_review",
            ContractStatus.SUBMITTED,
            [
                f"审查期至 {today - 2 * DAY + 15 * DAY:%Y-%m-%d}（还剩 13 天）",
                f"于 {today + 14 * DAY:%Y-%m-%d} 自行生效",
            ],
            {"outcome": "objection", "happened_on": _iso(today), "objection": "  "},
            "请填写劳动保障行政部门的审查意见",
            {"outcome": "objection", "happened_on": _iso(today), "objection": "第八条工资增长条款需明确"},
            ContractStatus.NEGOTIATING,
            id="review-objection",
        ),
        pytest.param(
            "contract_close",
            ContractStatus.PASSED,
            ["终止协商后"],
            {"closed_on": _iso(today - 60 * DAY), "reason": "企业停产"},
            "早于",
            {"closed_on": _iso(today), "reason": "企业停产，协商终止"},
            ContractStatus.CLOSED,
            id="close",
        ),
    ]


# The flows are built when the test runs, not when it is collected: a run that crosses midnight
# (Shanghai) would otherwise expect yesterday's dates on today's pages.
FLOW_IDS = [flow.id for flow in _flows(datetime.date(2026, 1, 1))]


@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_each_step_form_end_to_end(world, client_for, flow_id):
    name, stage, clock, bad, error, good, after = next(f.values for f in _flows(TODAY()) if f.id == flow_id)
    contract = contract_at(world, "a", stage)
    client = client_for(world.users["chair"])
    url = _url(name, contract)

    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    for said in clock:
        assert said in content, (said, [n for n in page.context["clock_notes"]])
    assert contract.number in content and 'data-testid="contract-summary"' in content

    steps = contract.steps.count()
    refused = client.post(url, bad)
    assert refused.status_code == 200
    assert error in _errors(refused), _errors(refused)
    contract.refresh_from_db()
    assert contract.status == stage and contract.steps.count() == steps

    done = client.post(url, good)
    assert done.status_code == 302 and done["Location"] == contract.get_absolute_url()
    contract.refresh_from_db()
    assert contract.status == after
    assert contract.steps.count() == steps + (2 if "received_on" in good else 1)


def test_the_review_records_the_receipt_then_the_approval(world, client_for):
    contract = contract_at(world, "a", ContractStatus.SUBMITTED, received=False)
    client = client_for(world.users["chair"])
    url = _url("contract_review", contract)
    page = client.get(url)
    assert "尚未记录" in page.content.decode() or "not recorded" in page.content.decode()
    assert [v for v, _label in page.context["form"].fields["outcome"].choices] == ["receive", "objection"]
    assert client.post(url, {"outcome": "receive", "happened_on": _iso(TODAY() - DAY)}).status_code == 302
    contract.refresh_from_db()
    assert contract.received_on == TODAY() - DAY and contract.status == ContractStatus.SUBMITTED
    page = client.get(url)
    assert [v for v, _label in page.context["form"].fields["outcome"].choices] == ["objection", "approval"]
    # The service's date error lands on the form's one date field.
    refused = client.post(url, {"outcome": "approval", "happened_on": _iso(TODAY() - 5 * DAY)})
    assert "早于" in " ".join(refused.context["form"].errors.get("happened_on", [])), refused.context["form"].errors
    assert client.post(url, {"outcome": "approval", "happened_on": _iso(TODAY())}).status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_FORCE and contract.in_force_on == TODAY()


def test_the_send_form_says_what_the_clock_says(world, client_for, time_machine):
    """The brief's own example: signed 2026-11-20, to be sent by 2026-11-30, three days to go."""
    time_machine.move_to(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    contract = contract_at(world, "a", ContractStatus.SIGNED)
    assert contract.signed_on == datetime.date(2026, 11, 20)
    content = client_for(world.users["chair"]).get(_url("contract_send", contract)).content.decode()
    assert "签订于 2026-11-20，应于 2026-11-30 前报送（还剩 3 天）" in content
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    content = client_for(world.users["chair"]).get(_url("contract_send", contract)).content.decode()
    assert "应于 2026-11-30 前报送（已逾期 2 天）" in content


def test_the_vote_form_gives_the_rule_and_the_verdict(world, client_for):
    contract = contract_at(world, "a", ContractStatus.NEGOTIATING)
    client = client_for(world.users["chair"])
    url = _url("contract_vote", contract)
    failed = {
        "voted_on": _iso(TODAY() - DAY),
        "vote_body": "congress",
        "voters_total": 60,
        "voters_present": 39,
        "votes_in_favour": 35,
    }
    response = client.post(url, failed, follow=False)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.NEGOTIATING  # 39 of 60 is short of two thirds
    step = contract.steps.get(kind=StepKind.VOTE)
    assert step.vote_passed is False and step.actor == world.users["chair"]
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("未通过" in m and "应到 60 人" in m and "实到 39 人" in m and "赞成 35 人" in m for m in shown), shown

    page = client.get(url)
    content = page.content.decode()
    # Taken again: the same body and number in all, the rule in that number, the earlier verdict.
    assert page.context["form"].initial["voters_total"] == 60
    assert "应到 60 人的三分之二以上出席、半数以上赞成方为通过（集体合同规定第三十六条）" in content
    assert "至少 40 人出席、30 人赞成" in content
    assert 'data-testid="votes"' in content and "未通过" in content

    response = client.post(url, {**failed, "voters_present": 40, "votes_in_favour": 30})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PASSED
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("通过" in m and "未通过" not in m and "实到 40 人" in m for m in shown), shown


def test_renewal_makes_the_new_contract(world, client_for):
    old = in_window(world, "a")
    client = client_for(world.users["chair"])
    url = _url("contract_renew", old)
    content = client.get(url).content.decode()
    assert f"合同期限至 {old.term_end:%Y-%m-%d}" in content
    response = client.post(url, {"requested_on": _iso(TODAY()), "requested_by": "employer"})
    new = Contract.objects.get(replaces=old)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert new.status == ContractStatus.REQUESTED and new.requested_by == "employer"
    # Asked once: the form does not open again.
    again = client.get(url)
    assert again.context["form"] is None and "续订" in again.context["refusal"]


@pytest.mark.parametrize(
    ("name", "stage"),
    [
        ("contract_answer", ContractStatus.NEGOTIATING),
        ("contract_vote", ContractStatus.REQUESTED),
        ("contract_sign", ContractStatus.NEGOTIATING),
        ("contract_send", ContractStatus.PASSED),
        ("contract_review", ContractStatus.SIGNED),
        ("contract_renew", ContractStatus.SUBMITTED),
        ("contract_close", ContractStatus.IN_FORCE),
        ("contract_meeting", ContractStatus.REQUESTED),
    ],
)
def test_a_step_the_status_does_not_allow_is_refused(world, client_for, name, stage):
    """The page opens with the service's refusal and no form; a POST all the same writes nothing."""
    contract = contract_at(world, "a", stage)
    client = client_for(world.users["chair"])
    url = _url(name, contract)
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    content = page.content.decode()
    assert 'data-testid="step-refusal"' in content and "现在可以办理" in content
    assert "<form" not in content.split('data-testid="step-refusal"', 1)[1].split("</main>", 1)[0]
    steps = contract.steps.count()
    posted = client.post(url, {"answered_on": _iso(TODAY()), "reason": "x", "closed_on": _iso(TODAY())})
    assert posted.status_code == 200 and 'data-testid="step-refusal"' in posted.content.decode()
    contract.refresh_from_db()
    assert contract.status == stage and contract.steps.count() == steps


def test_an_officer_reaches_only_their_own_unions_contract(world, client_for):
    """A regional contract of township A's union is the chair's, not the enterprise union officer's."""
    mine = contract_at(world, "a", ContractStatus.REQUESTED)
    regional = services.contract_request(
        user=world.users["chair"],
        union=world.tree["a"],
        kind="comprehensive",
        scope=ContractScope.REGIONAL,
        requested_by="workers",
        requested_on=TODAY() - 5 * DAY,
        employer_representative="白塔埠镇企业联合会",
        covered_enterprises=[EnterpriseFactory(township=world.tree["a"], employee_count=15)],
    )
    officer = client_for(world.users["officer"])
    for name in ("contract_answer", "contract_close"):
        assert officer.get(_url(name, mine)).status_code == 200
        assert officer.get(_url(name, regional)).status_code == 404
        assert officer.post(_url(name, regional), {"answered_on": _iso(TODAY())}).status_code == 404
    assert client_for(world.users["chair"]).get(_url("contract_answer", regional)).status_code == 200
    regional.refresh_from_db()
    assert regional.status == ContractStatus.REQUESTED


BUTTONS = ("step-answer", "step-meeting", "step-vote", "step-sign", "step-send", "step-review", "step-renew")
BUTTONS += ("step-close", "print-review")


def test_the_buttons_follow_the_same_rule(world):
    """The detail page's buttons are the steps `contract_steps_allowed` gives (B1 passes them in)."""
    chair = world.users["chair"]
    for stage, shown in [
        (ContractStatus.REQUESTED, {"step-answer", "step-close"}),
        (ContractStatus.NEGOTIATING, {"step-meeting", "step-vote", "step-close"}),
        (ContractStatus.PASSED, {"step-meeting", "step-sign", "step-close"}),
        (ContractStatus.SIGNED, {"step-send", "step-close", "print-review"}),
        (ContractStatus.SUBMITTED, {"step-review", "step-close", "print-review"}),
        (ContractStatus.IN_FORCE, {"print-review"}),
    ]:
        contract = contract_at(world, "a", stage)
        allowed = services.contract_steps_allowed(user=chair, contract=contract)
        html = render_to_string("contracts/_step_actions.html", {"contract": contract, "steps_allowed": allowed})
        assert {t for t in BUTTONS if f'data-testid="{t}"' in html} == shown, stage
    renewable = in_window(world, "a")
    allowed = services.contract_steps_allowed(user=chair, contract=renewable)
    html = render_to_string("contracts/_step_actions.html", {"contract": renewable, "steps_allowed": allowed})
    assert {t for t in BUTTONS if f'data-testid="{t}"' in html} == {"step-renew", "print-review"}
    assert "提出续订" in html and "打印审查登记表" in html


def test_the_vote_rule_is_the_profiles_numbers():
    from types import SimpleNamespace

    national = SimpleNamespace(
        name="集体合同规定",
        document_number="劳动和社会保障部令第22号",
        quorum_numerator=2,
        quorum_denominator=3,
        majority_numerator=1,
        majority_denominator=2,
        thresholds_inclusive=True,
    )
    assert fraction_label(2, 3, inclusive=True) == "三分之二以上"
    assert fraction_label(1, 2, inclusive=False) == "超过半数"
    assert fraction_label(3, 4, inclusive=True) == "四分之三以上"
    assert rule_source(national, 36) == "集体合同规定第三十六条"
    assert rule_source(national, 47) == "集体合同规定第四十七条"
    assert [minimum_count(n, 2, 3, inclusive=True) for n in (60, 61, 3)] == [40, 41, 2]
    assert [minimum_count(n, 1, 2, inclusive=True) for n in (60, 61)] == [30, 31]
    assert [minimum_count(n, 1, 2, inclusive=False) for n in (60, 61)] == [31, 31]
    assert "应到 60 人的三分之二以上出席、半数以上赞成方为通过（集体合同规定第三十六条）" in vote_rule(national, 60)
    other = SimpleNamespace(
        **{
            **vars(national),
            "name": "江苏省集体协商条例",
            "document_number": "江苏省人大常委会公告",
            "quorum_numerator": 3,
            "quorum_denominator": 4,
        }
    )
    assert "四分之三以上" in vote_rule(other, 40) and "江苏省集体协商条例（江苏省人大常委会公告）" in vote_rule(
        other, 40
    )
    assert "至少 30 人出席" in vote_rule(other, 40)


def test_a_step_adds_exactly_one_step_with_its_actor(world, client_for):
    contract = contract_at(world, "a", ContractStatus.NEGOTIATING)
    client = client_for(world.users["officer"])
    before = set(ContractStep.objects.filter(contract=contract).values_list("pk", flat=True))
    client.post(_url("contract_meeting", contract), {"held_on": _iso(TODAY()), "place": "会议室"})
    new = ContractStep.objects.filter(contract=contract).exclude(pk__in=before)
    assert [(s.kind, s.place, s.actor) for s in new] == [(StepKind.MEETING, "会议室", world.users["officer"])]
    assert chair_of(world, "a") != world.users["officer"]
