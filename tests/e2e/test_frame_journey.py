"""The site-wide frame in a browser: each page's own title, the favicon, 取消 back to the list
the user came from (with its filters), the portal's 404 page."""

import pytest

from tests.conftest import PASSWORD
from tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_titles_cancel_and_the_404_page(page, chair_a, county_tree):
    member = MemberFactory(union=county_tree["union_a"], real_name="欧阳娜娜")
    page.goto(f"{page.base_url}/accounts/login/")
    assert page.title() == "登录 · 县总工会工作平台"
    page.fill("input[name=username]", "chair_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")
    assert page.title() == "首页 · 县总工会工作平台"
    favicon = page.request.get(f"{page.base_url}/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/")

    page.goto(f"{page.base_url}/members/?status=active")
    assert page.title() == "会员 · 县总工会工作平台"
    page.click(f"a[href='/members/{member.pk}/']")
    page.wait_for_url(f"**/members/{member.pk}/")
    assert page.title() == "欧阳娜娜 · 县总工会工作平台"
    page.click("a:has-text('终止会籍')")
    page.wait_for_selector("[data-testid=form-cancel]")
    assert "btn-danger" in page.get_attribute("input[type=submit]", "class")
    # A refused submission (the browser's own required-field check off) keeps 取消 pointing where it did.
    page.eval_on_selector("input[type=submit]", "button => { button.form.noValidate = true; }")
    page.click("input[type=submit]")
    page.wait_for_selector(".invalid-feedback, .alert-danger")
    page.click("[data-testid=form-cancel]")
    page.wait_for_url(f"**/members/{member.pk}/")

    page.goto(f"{page.base_url}/members/no-such-page/")
    assert page.title() == "页面不存在 · 县总工会工作平台"
    assert "页面不存在" in page.inner_text("main")
