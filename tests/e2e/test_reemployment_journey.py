"""Township A's chair registers a laid-off member (from the member's page), places them at a
re-employment base, records the employment; county staff set the year's target and see the
report per township move (再就业 1 of the target 2).

Dates are today's (the live server runs on the real clock). With E2E_SHOTS_DIR set to a folder,
each page is saved there as a numbered screenshot at 1366×768.
"""

import pytest

from apps.reemployment.choices import CaseStatus
from apps.reemployment.models import ReemploymentCase
from tests.e2e.test_contracts_journey import Shots, login, logout, main_text, submit
from tests.factories import MemberFactory
from tests.reemployment.conftest import make_base

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORKER = "王下岗"


@pytest.fixture
def setting(county_tree, county_user, chair_a):
    world = type("World", (), {"tree": county_tree})
    base = make_base(world, "a", name="大平乳品厂", places=2)
    member = MemberFactory(union=county_tree["union_a"], real_name=WORKER)
    return base, member


def report_row(page, township) -> str:
    page.goto(f"{page.base_url}/reemployment/report/")
    return page.inner_text(f"[data-testid=report-row-{township.pk}]")


def test_a_chair_places_a_laid_off_member_and_the_county_sees_the_report_move(page, setting, county_tree):
    shot = Shots(page)
    base, member = setting
    township = county_tree["a"]

    # 1. County staff set township A's target for the year; the report shows 0 re-employed.
    login(page, "county")
    page.click("aside >> text=各乡镇再就业情况")
    page.wait_for_selector("[data-testid=report]")
    page.click("main >> text=设置目标")
    page.fill(f"#id_t{township.pk}", "2")
    shot("targets")
    submit(page, f"id_t{township.pk}")
    page.wait_for_selector("text=目标已保存")
    before = report_row(page, township)
    assert before.split()[1:3] == ["0", "0"], before
    shot("report-before")
    logout(page)

    # 2. The chair opens the member's page and registers them for re-employment.
    login(page, "chair_a")
    page.goto(f"{page.base_url}/members/{member.pk}/")
    page.click("[data-testid=register-reemployment]")
    page.wait_for_selector("[data-testid=register-member]")
    page.select_option("#id_reason", value="laid_off")
    page.fill("#id_former_employer", "东海县原第二纺织厂")
    shot("register")
    submit(page, "id_reason")
    page.wait_for_selector("[data-testid=case-status]")
    assert "已登记" in main_text(page)
    assert page.inner_text("[data-testid=case-status]") == "求职中"
    shot("case-registered")

    # 3. A placement at the base.
    page.click("[data-testid=add-help]")
    page.select_option("#id_kind", value="base")
    page.select_option("#id_base", value=str(base.pk))
    shot("help-form")
    submit(page, "id_kind")
    page.wait_for_selector("[data-testid=helps]")
    assert "基地安置" in page.inner_text("[data-testid=helps]")

    # 4. The employment, through that placement: the base is the employer.
    page.click("[data-testid=record-employment]")
    page.select_option("#id_via", index=1)
    shot("employed-form")
    submit(page, "id_employed_on")
    page.wait_for_selector("[data-testid=case-outcome]")
    assert page.inner_text("[data-testid=case-status]") == "已再就业"
    assert "大平乳品厂" in page.inner_text("[data-testid=case-outcome]")
    shot("case-employed")

    # The base's page counts the place as filled.
    page.goto(f"{page.base_url}/reemployment/bases/{base.pk}/")
    assert WORKER in page.inner_text("[data-testid=placements]")
    shot("base")
    logout(page)

    case = ReemploymentCase.objects.get(member=member)
    assert case.status == CaseStatus.EMPLOYED and case.employed_via.base == base

    # 5. County staff see township A's row move: 1 registered, 1 re-employed of a target of 2.
    login(page, "county")
    after = report_row(page, township)
    assert after.split()[1:3] == ["1", "1"], after
    assert "50.0%" in after
    shot("report-after")
