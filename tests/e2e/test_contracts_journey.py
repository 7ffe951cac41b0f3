"""A township chair runs a collective contract from the bargaining request to signed and sent; the
clock (the milestone sweep, on a real Celery worker) makes it in force by itself 15 days after the
administration received it; county staff see the township's 集体合同签订率 go up.

Dates are relative to today (the live server runs on the real clock): request 60 days ago, answer
55, meeting 50, vote 40, signed 28, sent 25, received 20 days ago → the review ended 5 days ago, so
the contract took effect by itself 4 days ago (集体合同规定 art. 47: the 16th day after receipt).
With E2E_SHOTS_DIR=/tmp/shots-f, each page is saved there as a numbered screenshot at 1366×768.
"""

import datetime
import os
from pathlib import Path

import pytest

from apps.contracts.clock import SHANGHAI
from apps.contracts.models import Contract
from tests.conftest import PASSWORD
from tests.e2e.conftest import choose

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Screenshots of each page at 1366×768 when E2E_SHOTS_DIR names a folder (e.g. /tmp/shots-f).
SHOTS = Path(os.environ["E2E_SHOTS_DIR"]) if os.environ.get("E2E_SHOTS_DIR") else None
TOWNSHIP = "白塔埠镇总工会"
ENTERPRISE = "白塔化工建材厂"


def login(page, username):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")


def logout(page):
    page.click("nav.navbar .dropdown-toggle")
    page.click("text=退出登录")
    page.wait_for_url("**/accounts/login/**")


class Shots:
    """Numbered screenshots of the journey, 1366 wide, the whole page's height (none without SHOTS)."""

    def __init__(self, page):
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
        self.page, self.count = page, 0

    def __call__(self, name):
        self.count += 1
        if SHOTS is None:
            return
        self.page.screenshot(path=str(SHOTS / f"{self.count:02d}-{name}.png"), full_page=True)


def days_ago(days: int) -> str:
    return (datetime.datetime.now(tz=SHANGHAI).date() - datetime.timedelta(days=days)).isoformat()


def submit(page, field_id):
    """Submit the form that holds `#field_id` (not the header's search)."""
    page.click(f"form:has(#{field_id}) [type=submit]")


def step(page, label):
    """Open a step's form from the contract page's buttons (by their visible label)."""
    page.get_by_role("link", name=label, exact=True).click()
    page.wait_for_selector("form [type=submit]")


def main_text(page) -> str:
    return page.inner_text("main")


def status(page) -> str:
    return page.inner_text("[data-testid=contract-status]")


def coverage_row(page, township) -> str:
    """Township's row on 集体合同签订率, as county staff read it."""
    page.goto(f"{page.base_url}/contracts/coverage/")
    return page.inner_text(f"[data-testid=coverage-row-{township.pk}]")


@pytest.fixture
def township_a(county_tree, chair_a, county_user):
    """Township A with two unionised enterprises, neither under a contract yet (签订率 0 of 2)."""
    from apps.branches.choices import OrgUnitKind
    from apps.branches.demo import demo_credit_code
    from apps.branches.services import enterprise_register, orgunit_create
    from apps.contracts.rules import rule_profile_default

    rule_profile_default()  # a transactional test flushed the data migration's profile
    second_union = orgunit_create(
        user=None, parent=county_tree["a"], name="白塔埠镇金鼎机械厂工会", kind=OrgUnitKind.ENTERPRISE
    )
    enterprise = enterprise_register(
        user=chair_a,
        township=county_tree["a"],
        name=ENTERPRISE,
        credit_code=demo_credit_code(401),
        ownership="private",
        employee_count=80,
        has_workers_congress=True,
        union=county_tree["union_a"],
    )
    enterprise_register(
        user=chair_a,
        township=county_tree["a"],
        name="白塔埠镇金鼎机械厂",
        credit_code=demo_credit_code(402),
        ownership="private",
        employee_count=60,
        union=second_union,
    )
    return enterprise


def test_chair_runs_a_contract_to_in_force_and_the_county_sees_the_rate(
    page, celery_worker, township_a, chair_a, county_user, county_tree
):
    from apps.core.tasks import sweep_milestones

    shot = Shots(page)
    township = county_tree["a"]

    # County staff read the township's figure first: 2 unionised enterprises, none covered.
    login(page, "county")
    before = coverage_row(page, township)
    shot("coverage-before")
    assert before.split("\t")[:4] == [TOWNSHIP, "2", "0", "0%"], before
    logout(page)

    # 1. The chair opens 集体合同 and records the bargaining request (要约), dated 60 days ago.
    login(page, "chair_a")
    page.click("aside >> text=集体合同")
    page.wait_for_selector("h1")
    shot("list-empty")
    page.click("main >> text=记录协商要约")
    choose(page, "id_union", "化工", "白塔化工建材厂工会")
    page.select_option("#id_kind", label="综合性集体合同")
    page.select_option("#id_scope", label="企业集体合同")
    choose(page, "id_enterprise", "化工", ENTERPRISE)
    page.check("input[name=requested_by][value=workers]")
    page.fill("#id_requested_on", days_ago(60))
    page.fill("#id_workers_negotiator", "张建国")
    page.fill("#id_employer_negotiator", "李明")
    shot("request-form")
    submit(page, "id_requested_on")
    page.wait_for_selector("[data-testid=contract-status]")
    contract = Contract.objects.get(enterprise=township_a)
    assert contract.number in page.inner_text("h1")
    assert status(page) == "已提出要约"
    shot("detail-requested")

    # 2. The answer, a negotiation meeting.
    step(page, "回应要约")
    shot("answer-form")
    page.fill("#id_answered_on", days_ago(55))
    submit(page, "id_answered_on")
    assert status(page) == "协商中"

    step(page, "记录协商会议")
    page.fill("#id_held_on", days_ago(50))
    page.fill("#id_place", "白塔化工建材厂会议室")
    page.fill("#id_note", "双方就工资增长幅度和工作时间达成一致。")
    submit(page, "id_held_on")
    assert "白塔化工建材厂会议室" in page.inner_text("[data-testid=timeline]")

    # 3. The workers' congress vote. First counts that cannot be: more in favour than present.
    step(page, "记录职代会表决")
    assert "三分之二以上" in main_text(page)  # the rule, from the rule profile
    page.fill("#id_voted_on", days_ago(40))
    page.select_option("#id_vote_body", label="职工代表大会")
    page.fill("#id_voters_total", "30")
    page.fill("#id_voters_present", "20")
    page.fill("#id_votes_in_favour", "21")
    submit(page, "id_voters_total")
    assert "赞成人数（21）不能多于实到人数（20）" in main_text(page)
    shot("vote-refused")
    assert Contract.objects.get(pk=contract.pk).status == "negotiating"
    assert not contract.steps.filter(kind="vote").exists()

    page.fill("#id_votes_in_favour", "16")  # 20 of 30 present (exactly 2/3), 16 of 30 in favour
    submit(page, "id_voters_total")
    page.wait_for_selector("[data-testid=contract-status]")
    assert status(page) == "草案已通过"
    assert "通过" in page.inner_text("[data-testid=timeline]")
    shot("detail-passed")

    # 4. Signed, with a term of three years; sent to the labour administration.
    step(page, "签订")
    signed = datetime.date.fromisoformat(days_ago(28))
    page.fill("#id_signed_on", signed.isoformat())
    page.fill("#id_term_start", signed.isoformat())
    page.fill("#id_term_end", (signed.replace(year=signed.year + 3) - datetime.timedelta(days=1)).isoformat())
    submit(page, "id_signed_on")
    assert status(page) == "已签订"

    step(page, "报送")
    shot("send-form")
    page.fill("#id_sent_on", days_ago(25))
    submit(page, "id_sent_on")
    assert status(page) == "审查中"

    # 5. The administration's receipt, 20 days ago: its 15 days of review are over.
    step(page, "审查结果")
    page.check("input[name=outcome][value=receive]")
    page.fill("#id_happened_on", days_ago(20))
    shot("review-form")
    submit(page, "id_happened_on")
    assert status(page) == "审查中"
    shot("detail-submitted")

    # 6. The clock: beat's milestone sweep, run by the real worker, makes it in force by itself
    # on the 16th day after receipt (4 days ago); a second sweep changes nothing.
    assert sweep_milestones.delay().get(timeout=60)["contracts:in_force"] == 1
    assert sweep_milestones.delay().get(timeout=60)["contracts:in_force"] == 0
    page.reload()
    assert status(page) == "已生效"
    in_force = page.inner_text("[data-testid=step-in_force]")
    assert "自行生效" in in_force
    contract.refresh_from_db()
    assert contract.status == "in_force"
    assert contract.in_force_on == datetime.date.fromisoformat(days_ago(4))
    assert contract.steps.filter(kind="in_force").count() == 1
    shot("detail-in-force")
    logout(page)

    # 7. County staff see the township's 签订率 go from 0 of 2 to 1 of 2.
    login(page, "county")
    after = coverage_row(page, township)
    shot("coverage-after")
    assert after.split("\t")[:4] == [TOWNSHIP, "2", "1", "50%"], after
