"""集体合同审查登记表 (the 报送 cover sheet): A4, scoped, the parties, term, coverage and the vote."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.contracts import services
from apps.contracts.choices import ContractStatus
from tests.viewchecks import EVERYONE, ViewChecks
from tests.viewchecks import Route as R

from .stepforms import contract_at, enterprise_of

pytestmark = pytest.mark.django_db


class TestReviewPrintViews(ViewChecks):
    def make(self, world, where, user):
        return contract_at(world, where, ContractStatus.SIGNED)

    routes = (R("contracts:contract_review_print", "detail", EVERYONE),)


def _print(client, contract):
    return client.get(reverse("contracts:contract_review_print", kwargs={"pk": contract.pk}))


def _cell(content, testid):
    return content.split(f'data-testid="{testid}">', 1)[1].split("</td>", 1)[0].strip()


def test_the_sheet_prints_the_parties_term_and_the_vote(world, client_for):
    contract = contract_at(
        world, "a", ContractStatus.SUBMITTED, enterprise=enterprise_of(world, "a", name="白塔化工建材厂")
    )
    response = _print(client_for(world.users["chair"]), contract)
    assert response.status_code == 200
    content = response.content.decode()
    assert "集体合同审查登记表" in content and "css/contracts_print.css" in content
    assert _cell(content, "print-union") == "白塔化工建材厂工会"
    assert _cell(content, "print-employer") == "白塔化工建材厂"
    vote = " ".join(_cell(content, "print-vote").split())
    assert "职工代表大会" in vote and "应到 60 人，实到 45 人，赞成 40 人，通过" in vote
    assert f"{contract.term_start:%Y年%-m月%-d日}至{contract.term_end:%Y年%-m月%-d日}" in _cell(content, "print-term")
    assert "24 个月" in _cell(content, "print-term")
    assert "80 人" in _cell(content, "print-workers")
    assert "共 1 家：白塔化工建材厂" in _cell(content, "print-enterprises")
    assert _cell(content, "print-signed") == f"{contract.signed_on:%Y年%-m月%-d日}"
    assert _cell(content, "print-sent") == f"{contract.sent_on:%Y年%-m月%-d日}"
    assert _cell(content, "print-received") == f"{contract.received_on:%Y年%-m月%-d日}"
    for box in ("工会方<br>签字盖章", "企业方<br>签字盖章", "审查意见", "（盖章）"):
        assert box in content, box


def test_a_regional_contract_lists_its_enterprises(world, client_for):
    chair = world.users["chair"]
    enterprise_of(world, "a")  # the enterprise union's own; the regional contract covers three small ones
    covered = [enterprise_of(world, "a", name=f"白塔埠镇小企业{i:02d}", employee_count=10) for i in range(3)]
    contract = services.contract_request(
        user=chair,
        union=world.tree["a"],
        kind="wage",
        scope="regional",
        requested_by="workers",
        requested_on=timezone.localdate() - datetime.timedelta(days=30),
        employer_representative="白塔埠镇企业联合会",
        covered_enterprises=covered,
    )
    contract = services.contract_answer(user=chair, contract=contract, answered_on=contract.requested_on)
    contract = services.contract_vote_record(
        user=chair,
        contract=contract,
        voted_on=contract.requested_on,
        vote_body="all_workers",
        voters_total=30,
        voters_present=20,
        votes_in_favour=15,
    )
    contract = services.contract_sign(
        user=chair,
        contract=contract,
        signed_on=contract.requested_on,
        term_start=contract.requested_on,
        term_end=contract.requested_on.replace(year=contract.requested_on.year + 1),
        term_reason="",
    )
    content = _print(client_for(chair), contract).content.decode()
    assert "共 3 家：白塔埠镇小企业00、白塔埠镇小企业01、白塔埠镇小企业02" in " ".join(
        _cell(content, "print-enterprises").split()
    )
    assert "30 人" in _cell(content, "print-workers")
    assert "全体职工" in _cell(content, "print-vote") and "职工应到 30 人，实到 20 人，赞成 15 人，通过" in _cell(
        content, "print-vote"
    )
    assert "应于" in _cell(content, "print-sent")  # not sent yet: the last day to send


def test_an_unsigned_contract_has_no_sheet(world, client_for):
    contract = contract_at(world, "a", ContractStatus.PASSED)
    assert _print(client_for(world.users["chair"]), contract).status_code == 404
