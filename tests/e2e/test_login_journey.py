import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_township_chair_logs_in_sees_chinese_menu_and_own_township_then_logs_out(page, chair_a, county_tree):
    page.goto(f"{page.base_url}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "chair_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.wait_for_selector("[data-testid=own-unit]")
    menu = page.inner_text("aside")
    assert "首页" in menu and "工会组织" in menu and "通知" in menu
    assert page.inner_text("[data-testid=own-unit]") == "白塔埠镇总工会"

    page.click("aside >> text=工会组织")
    table = page.inner_text("table")
    assert "白塔化工建材厂工会" in table
    assert "平明" not in table

    page.click("text=白塔埠镇工会主席")  # the user menu
    page.click("text=退出登录")
    page.wait_for_url("**/accounts/login/**")
    page.goto(f"{page.base_url}/branches/orgunits/")
    assert "/accounts/login/" in page.url
