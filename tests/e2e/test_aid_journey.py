"""Township A's chair opens a hardship file for a member (from the member's page) and records
送温暖 aid in the county's campaign; county staff see the campaign's totals per township.

Dates are today's (the live server runs on the real clock). With E2E_SHOTS_DIR set to a folder,
each page is saved there as a numbered screenshot at 1366×768.
"""

import pytest

from apps.aid.models import AidRecord, HardshipFile
from tests.aid.conftest import make_campaign
from tests.e2e.test_contracts_journey import Shots, login, logout, main_text, submit
from tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORKER = "刘困难"


@pytest.fixture
def setting(county_tree, county_user, chair_a):
    world = type("World", (), {"tree": county_tree})
    campaign = make_campaign(world, "county", name="送温暖活动", budget="20000.00")
    member = MemberFactory(union=county_tree["union_a"], real_name=WORKER)
    return campaign, member


def test_a_chair_opens_a_file_records_aid_and_the_county_sees_the_campaign(page, setting, county_tree):
    shot = Shots(page)
    campaign, member = setting
    township = county_tree["a"]

    # 1. The chair opens the member's page and opens a hardship file.
    login(page, "chair_a")
    page.goto(f"{page.base_url}/members/{member.pk}/")
    page.click("[data-testid=open-hardship-file]")
    page.wait_for_selector("[data-testid=file-member]")
    page.select_option("#id_reason", value="illness")
    page.fill("#id_household_size", "3")
    page.fill("#id_income_per_head", "420.50")
    shot("open-file")
    submit(page, "id_reason")
    page.wait_for_selector("[data-testid=file-status]")
    assert "困难职工档案已建立" in main_text(page)
    assert page.inner_text("[data-testid=file-status]") == "在档"
    shot("file")

    # 2. 送温暖 aid in the county's campaign, from the file's page.
    page.click("main [data-testid=record-aid]")
    page.wait_for_selector("[data-testid=record-member]")
    page.select_option("#id_kind", value="spring_festival")
    page.fill("#id_amount", "800.00")
    page.select_option("#id_fund", value="county")
    page.fill("#id_approved_by", "县总工会 王主席")
    page.select_option("#id_campaign", value=str(campaign.pk))
    shot("record-form")
    submit(page, "id_kind")
    page.wait_for_selector("[data-testid=record-facts]")
    assert page.inner_text("[data-testid=record-amount]") == "800.00"
    shot("record")
    logout(page)

    file = HardshipFile.objects.get(member=member)
    member.refresh_from_db()
    assert file.is_open and member.hardship
    assert AidRecord.objects.get(member=member).campaign == campaign

    # 3. County staff open the campaign and see township A's row: 1 person, 800.00.
    login(page, "county")
    page.click("aside >> text=帮扶活动")
    page.wait_for_selector("[data-testid=campaigns]")
    page.click(f"main >> text={campaign.name}")
    page.wait_for_selector("[data-testid=campaign-townships]")
    row = page.inner_text(f"[data-testid=campaign-row-{township.pk}]")
    assert row.split()[1:] == ["1", "1", "800.00"], row
    assert page.inner_text("[data-testid=spent-total]") == "800.00"
    shot("campaign")
