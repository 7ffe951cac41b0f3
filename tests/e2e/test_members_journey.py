"""A township chair imports the office roster (check, then import), finds a member by card
number, and starts a transfer to a union in another township."""

from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import choose

ROSTER = Path(__file__).resolve().parents[1] / "fixtures" / "roster-baitabu-chemical.xlsx"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_chair_imports_the_roster_finds_a_member_and_starts_a_transfer(page, chair_a, chair_b, county_tree):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "chair_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")

    page.click("aside >> text=花名册导入")
    choose(page, "id_union", "化工", "白塔化工建材厂工会")
    page.set_input_files("#id_file", str(ROSTER))
    page.click("input[type=submit]")

    # The dry run: every problem row with what to fix; nothing imported yet.
    page.wait_for_selector("[data-testid=import-summary]")
    assert "已检查（未导入）" in page.inner_text("[data-testid=import-status]")
    problems = page.inner_text("[data-testid=import-problems]")
    assert "校验位" in problems and "文本" in problems and "重复" in problems
    page.click("button:has-text('导入合格的行')")
    page.wait_for_selector("[data-testid=import-status]:has-text('已导入')")
    assert "新会员 184" in page.inner_text("[data-testid=import-summary]")

    # Find a member by card number.
    page.click("aside >> text=会员")
    page.fill("#id_q", "DH2019735020")
    page.click("button:has-text('查询')")
    page.click("table >> text=陈桂")
    assert page.inner_text("[data-testid=card-number]") == "DH2019735020"
    assert page.inner_text("[data-testid=id-masked]") == "320722**********10"

    # Transfer to a union in another township: it waits for that township.
    page.click("text=会籍接转 >> nth=-1")
    choose(page, "id_to_union", "平明", "平明太平洋石英制品工会")
    page.fill("#id_reason", "调入平明镇新单位")
    page.click("input[type=submit]")
    assert page.inner_text("[data-testid=member-status]") == "接转中"
    assert "白塔化工建材厂工会" in page.inner_text("[data-testid=chain]")
