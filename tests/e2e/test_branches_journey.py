"""A township chair registers an enterprise and its union, completes its committees, records a
meeting; the county approves the union; the township's formation rate goes up."""

import pytest

from apps.branches.demo import demo_credit_code
from tests.conftest import PASSWORD
from tests.e2e.conftest import choose

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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


def formation_row(page, township):
    page.goto(f"{page.base_url}/branches/formation-rate/")
    return page.inner_text(f"[data-testid=formation-rate] tr:has-text('{township}')")


def test_chair_builds_a_union_and_the_formation_rate_changes(page, chair_a, county_user, county_tree):
    login(page, "chair_a")
    assert formation_row(page, "白塔埠镇总工会").split("\t")[1:4] == ["0", "0", ""]

    # 1. Register the enterprise.
    page.click("aside >> text=企业")
    page.click("text=登记企业")
    page.fill("#id_name", "白塔埠镇金鼎机械厂")
    page.fill("#id_credit_code", demo_credit_code(555).lower())  # typed in lower case: cleaned up
    page.select_option("#id_ownership", label="私营")
    page.select_option("#id_township", label="白塔埠镇总工会")
    page.fill("#id_employee_count", "60")
    page.check("#id_has_workers_congress")
    page.click("input[type=submit]")
    page.wait_for_selector("text=未建会")

    # 2. Register its union.
    page.click("aside >> text=基层工会")
    page.click("text=登记新建工会")
    page.fill("#id_name", "白塔埠镇金鼎机械厂工会")
    page.select_option("#id_kind", label="企业工会")
    choose(page, "id_enterprises", "金鼎", "白塔埠镇金鼎机械厂")
    page.select_option("#id_formation_form", label="工会委员会")
    page.fill("#id_declared_members", "45")
    page.fill("#id_founded_on", "2026-10-08")
    page.click("input[type=submit]")
    assert page.inner_text("[data-testid=union-status]") == "待审批"
    assert "女职工委员会" in page.inner_text("[data-testid=missing-subcommittees]")

    # 3. The three sub-committees, set up together with the committee.
    for kind in ("女职工委员会", "经费审查委员会", "劳动争议调解委员会"):
        page.click("text=新增专门委员会")
        page.select_option("#id_kind", label=kind)
        page.fill("#id_established_on", "2026-10-08")
        page.click("input[type=submit]")
    assert page.locator("[data-testid=missing-subcommittees]").count() == 0

    # 4. A meeting.
    page.click("text=登记会议")
    page.select_option("#id_kind", label="工会委员会会议")
    page.fill("#id_held_on", "2026-10-09")
    page.fill("#id_title", "第一次委员会会议")
    page.click("input[type=submit]")
    assert "第一次委员会会议" in page.inner_text("[data-testid=meetings]")

    # Pending: counted as awaiting approval, not yet as unionised.
    assert formation_row(page, "白塔埠镇总工会").split("\t")[1:4] == ["1", "0", "1"]
    logout(page)

    # 5. The county approves.
    login(page, "county")
    page.click("aside >> text=基层工会")
    page.click("text=白塔埠镇金鼎机械厂工会")
    page.click("a.btn-success:has-text('批准')")
    assert "经研究，同意成立白塔埠镇金鼎机械厂工会" in page.input_value("#id_opinion")
    page.click("input[type=submit]")
    assert page.inner_text("[data-testid=union-status]") == "已批准"
    number = page.inner_text("[data-testid=approval-number]")
    assert number.startswith("东总工批〔") and number.endswith("号")
    logout(page)

    # The township is told, with the number, and opens the printable approval from the notification.
    login(page, "chair_a")
    page.click("aside >> text=通知")
    item = page.locator(".list-group-item", has_text=f"工会成立批复：白塔埠镇金鼎机械厂工会（{number}）")
    assert "批复意见：经研究，同意成立白塔埠镇金鼎机械厂工会" in item.inner_text()
    item.locator("button[type=submit]").click()
    assert page.inner_text("h1") == "关于同意成立白塔埠镇金鼎机械厂工会的批复"
    assert number in page.inner_text("[data-testid=approval-number]")
    page.goto(f"{page.base_url}/")  # the print page has no menu
    logout(page)

    # 6. The chair sees the rate change.
    login(page, "chair_a")
    row = formation_row(page, "白塔埠镇总工会").split("\t")
    assert row[1:5] == ["1", "1", "", "100%"]
