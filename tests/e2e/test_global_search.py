"""A township chair types a member's name into the header's search box, sees the results
grouped by kind (nothing of another township, the term nowhere in the address) and opens the
member."""

import pytest

from tests.conftest import PASSWORD
from tests.factories import MemberFactory, valid_id_number

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_chair_finds_a_member_from_the_header_and_opens_them(page, chair_a, county_tree):
    own = MemberFactory(union=county_tree["union_a"], real_name="陈桂兰", id_number=valid_id_number(31))
    MemberFactory(union=county_tree["union_b"], real_name="陈桂芳", id_number=valid_id_number(32))
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "chair_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")

    page.fill("[data-testid=header-search] input[name=q]", "陈桂")
    page.press("[data-testid=header-search] input[name=q]", "Enter")
    members = page.wait_for_selector("[data-testid=search-group-members]")
    assert "/search/?q=~" in page.url and "%E9%99%88" not in page.url  # a token, not the name
    text = members.inner_text()
    assert "陈桂兰" in text and own.id_masked in text and own.id_number not in text
    assert "陈桂芳" not in page.inner_text("main")  # township B's member
    for kind in ("orgunits", "enterprises", "complaints"):
        assert page.query_selector(f"[data-testid=search-group-{kind}]") is not None
    # The box keeps the term for another try.
    assert page.input_value("[data-testid=header-search] input[name=q]") == "陈桂"

    page.click("[data-testid=search-group-members] >> text=陈桂兰")
    page.wait_for_url(f"**{own.get_absolute_url()}")
    assert page.inner_text("[data-testid=id-masked]") == own.id_masked
