"""The header's search box (apps.core.global_search, core:global_search): the registry, what
each role finds (its own area only), masking, no term in any URL, a bounded query count, and
input that cannot be searched."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.global_search import (
    SearchHit,
    SearchQuery,
    SearchTerm,
    global_search,
    register_search_provider,
    registered_search_providers,
    search_providers_for,
    unregister_search_provider,
)
from tests.factories import ComplaintFactory, EnterpriseFactory, MemberFactory, OrgUnitFactory, valid_id_number

URL = reverse("core:global_search")


@pytest.fixture
def people(county_tree, county_user):
    """A member of each township with the same family name, an enterprise and a complaint in each."""
    a = MemberFactory(
        union=county_tree["union_a"], real_name="陈桂兰", id_number=valid_id_number(11), mobile="13912340001"
    )
    b = MemberFactory(
        union=county_tree["union_b"], real_name="陈桂芳", id_number=valid_id_number(12), mobile="13912340002"
    )
    ent_a = EnterpriseFactory(township=county_tree["a"], name="白塔埠桂花食品厂")
    ent_b = EnterpriseFactory(township=county_tree["b"], name="平明桂花食品厂")
    return {
        "a": a,
        "b": b,
        "ent_a": ent_a,
        "ent_b": ent_b,
        "complaint_a": ComplaintFactory(user=county_user, enterprise=ent_a),
        "complaint_b": ComplaintFactory(user=county_user, enterprise=ent_b),
    }


def _search(client, term):
    """Post the header box and follow to the results page: (redirect location, page HTML)."""
    response = client.post(URL, {"q": term})
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    page = client.get(location)
    assert page.status_code == 200
    return location, page.content.decode()


def _group(html, key):
    match = re.search(rf'data-testid="search-group-{key}">(.*?)</section>', html, re.S)
    return match.group(1) if match else None


# --- the registry -------------------------------------------------------------------------------


def test_every_app_registers_its_kind_in_order():
    keys = [p.key for p in registered_search_providers()]
    assert keys == ["members", "orgunits", "enterprises", "complaints", "contracts"]
    assert {p.key: p.permission for p in registered_search_providers()} == {
        "members": "members.view_member",
        "orgunits": "branches.view_orgunit",
        "enterprises": "branches.view_enterprise",
        "complaints": "complaints.view_complaint",
        "contracts": "contracts.view_contract",
    }


@pytest.mark.django_db
def test_a_registered_provider_is_asked_with_the_token_and_its_permission_is_checked(county_user, officer_a):
    from apps.branches.models import OrgUnit

    seen = []

    def find(user, term):
        seen.append(term)
        return SearchQuery(
            queryset=OrgUnit.objects.filter(name__contains=term.text).order_by("path"),
            hit=lambda unit: SearchHit(unit.name, unit.get_absolute_url()),
            list_url=f"/x/?q={term.token}",
        )

    register_search_provider("test.units", find, label="单位", permission="branches.approve_union", order=1)
    try:
        assert search_providers_for(county_user)[0].key == "test.units"
        assert "test.units" not in [p.key for p in search_providers_for(officer_a)]  # no approve_union
        groups = global_search(county_user, SearchTerm(text="工会", token="~0123456789abcdef"))
        assert groups[0].key == "test.units" and groups[0].count == 5 and len(groups[0].hits) == 5
        assert groups[0].list_url == "/x/?q=~0123456789abcdef"
        assert seen[0].token == "~0123456789abcdef"
    finally:
        unregister_search_provider("test.units")
    assert "test.units" not in [p.key for p in registered_search_providers()]


def test_a_term_shaped_like_an_id_number_or_mobile_is_a_long_number():
    assert not SearchTerm("白塔化工", "~t").is_long_number
    assert SearchTerm(valid_id_number(5), "~t").is_long_number
    assert SearchTerm("139 1234 0001", "~t").is_long_number
    assert SearchTerm("+86-139-1234-0001", "~t").is_long_number


# --- who finds what -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_chair_finds_only_their_own_township(client_for, chair_a, people):
    _location, html = _search(client_for(chair_a), "陈桂")
    members = _group(html, "members")
    assert "陈桂兰" in members and "陈桂芳" not in members
    assert people["a"].get_absolute_url() in members
    assert people["b"].get_absolute_url() not in html
    _location, html = _search(client_for(chair_a), "桂花食品")
    assert "白塔埠桂花食品厂" in _group(html, "enterprises") and "平明桂花食品厂" not in html
    # A complaint is found by its enterprise's name and by its tracking number, in the own area only.
    assert people["complaint_a"].tracking_number in _group(html, "complaints")
    assert people["complaint_b"].tracking_number not in html
    _location, html = _search(client_for(chair_a), people["complaint_b"].tracking_number)
    assert "未找到" in _group(html, "complaints")
    _location, html = _search(client_for(chair_a), "平明")
    assert "未找到" in _group(html, "orgunits")


@pytest.mark.django_db
def test_another_townships_member_is_not_found_by_id_number_mobile_or_card(client_for, chair_a, people):
    b = people["b"]
    for term in (b.id_number, b.mobile, b.card_number):
        _location, html = _search(client_for(chair_a), term)
        assert "陈桂芳" not in html and "未找到" in _group(html, "members"), term


@pytest.mark.django_db
def test_county_staff_find_every_township(client_for, county_user, people):
    _location, html = _search(client_for(county_user), "陈桂")
    members = _group(html, "members")
    assert "陈桂兰" in members and "陈桂芳" in members
    assert "查看全部 2 条" in members
    _location, html = _search(client_for(county_user), "工会")
    assert "白塔埠镇总工会" in _group(html, "orgunits") and "平明镇总工会" in _group(html, "orgunits")


@pytest.mark.django_db
def test_a_member_is_found_by_whole_id_number_mobile_and_card(client_for, chair_a, people):
    a = people["a"]
    for term in (a.id_number, a.id_number.lower(), a.mobile, "139-1234-0001", a.card_number, a.card_number.lower()):
        _location, html = _search(client_for(chair_a), term)
        assert people["a"].get_absolute_url() in _group(html, "members"), term


@pytest.mark.django_db
def test_an_officer_searches_their_union_and_not_complaints(client_for, officer_a, people):
    _location, html = _search(client_for(officer_a), "陈桂")
    assert "陈桂兰" in _group(html, "members")
    assert _group(html, "complaints") is None  # no complaints.view_complaint: the kind is not searched


@pytest.mark.django_db
def test_a_user_without_any_kind_is_refused_and_has_no_box(client, county_tree):
    from tests.factories import UserFactory

    user = UserFactory(username="norole", org_unit=county_tree["a"])
    client.force_login(user)
    assert client.post(URL, {"q": "陈桂"}).status_code == 403
    assert client.get(URL).status_code == 403
    assert 'data-testid="header-search"' not in client.get(reverse("overview:home")).content.decode()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.post(URL, {"q": "陈桂"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- masking and URLs ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_hits_are_masked_and_the_term_is_never_in_a_url(client_for, county_user, people):
    a = people["a"]
    for term in (a.id_number, a.mobile, "陈桂兰"):
        location, html = _search(client_for(county_user), term)
        assert re.fullmatch(rf"{URL}\?q=~[0-9a-f]{{16}}", location), location
        assert a.id_masked in html
        assert a.id_number not in html  # not even in the box: the number is shown masked or not at all
        assert a.mobile not in html
        if term != "陈桂兰":
            assert f"“{term[:3]}" in html and "****" in html  # the heading shows it masked
        hrefs = re.findall(r'(?:href|action)="([^"]*)"', html)
        assert not [h for h in hrefs if "陈桂" in h or a.id_number in h or a.mobile in h or "%E9%99%88" in h]
        assert "陈桂" not in html.split("<title>")[1].split("</title>")[0]


@pytest.mark.django_db
def test_see_all_opens_the_list_filtered_alike(client_for, county_user, county_tree):
    for n in range(7):
        MemberFactory(union=county_tree["union_a"], real_name=f"周建{n}", id_number=valid_id_number(100 + n))
    client = client_for(county_user)
    _location, html = _search(client, "周建")
    members = _group(html, "members")
    assert members.count("list-group-item") == 5 and "查看全部 7 条" in members
    link = re.search(r'href="([^"]*)" data-testid="search-all-members"', members).group(1)
    assert re.fullmatch(r"/members/\?q=~[0-9a-f]{16}", link)
    listed = client.get(link).content.decode()
    assert listed.count("周建") >= 7 and "共 7 条" in listed


@pytest.mark.django_db
def test_see_all_complaints_opens_the_complaint_list_behind_the_same_token(client_for, county_user, people):
    client = client_for(county_user)
    _location, html = _search(client, "桂花食品")
    link = re.search(r'href="([^"]*)" data-testid="search-all-complaints"', _group(html, "complaints")).group(1)
    assert re.fullmatch(r"/complaints/\?q=~[0-9a-f]{16}", link)
    listed = client.get(link).content.decode()
    assert people["complaint_a"].tracking_number in listed and people["complaint_b"].tracking_number in listed


@pytest.mark.django_db
def test_no_link_of_the_search_page_carries_the_typed_term(client_for, county_user, county_tree, people):
    """The union and enterprise lists' "查看全部" carry the session token, as the member list's:
    what was typed may be a person's name, whatever the lists it also matched."""
    from urllib.parse import quote, quote_plus

    client = client_for(county_user)
    for term in ("白塔", "桂花食品", people["ent_a"].credit_code):
        _location, html = _search(client, term)
        links = re.findall(r'href="([^"]*)"', html)
        assert links
        for link in links:
            assert term not in link and quote(term) not in link and quote_plus(term) not in link, (term, link)
    for term, key, path, found in (
        ("桂花食品", "enterprises", "/branches/enterprises/", "白塔埠桂花食品厂"),
        ("白塔", "orgunits", "/branches/orgunits/", county_tree["union_a"].name),
    ):
        _location, html = _search(client, term)
        link = re.search(rf'href="([^"]*)" data-testid="search-all-{key}"', _group(html, key)).group(1)
        assert re.fullmatch(rf"{path}\?q=~[0-9a-f]{{16}}", link), link
        listed = client.get(link)
        assert listed.status_code == 200 and found in listed.content.decode()


# --- cost ---------------------------------------------------------------------------------------


def _queries(client, location):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(location).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_matches(client_for, county_user, county_tree):
    client = client_for(county_user)
    for n in range(3):
        MemberFactory(union=county_tree["union_a"], real_name=f"孙丽{n}", id_number=valid_id_number(200 + n))
        ComplaintFactory(user=county_user, enterprise=EnterpriseFactory(township=county_tree["a"], name=f"孙丽{n}商店"))
    few = _queries(client, _search(client, "孙丽")[0])
    for n in range(3, 30):
        MemberFactory(union=county_tree["union_a"], real_name=f"孙丽{n}", id_number=valid_id_number(200 + n))
        OrgUnitFactory(parent=county_tree["a"], name=f"孙丽{n}工会")
        ComplaintFactory(user=county_user, enterprise=EnterpriseFactory(township=county_tree["a"], name=f"孙丽{n}商店"))
    many = _queries(client, _search(client, "孙丽")[0])
    assert many == few + 1  # the one query that counts the kinds with more hits than are shown
    # session, user, permissions, notifications; a query per kind; the counts
    assert many <= 10, many


@pytest.mark.django_db
def test_a_long_number_is_looked_up_by_index_only(county_user, people):
    """An ID number, a mobile or a card is in no organisation's name, tracking number or
    complainant's name: only the members (by hash, mobile or card) and, for 18 characters, the
    enterprises' credit codes are asked; no LIKE '%…%' over any table."""
    a = people["a"]
    search_providers_for(county_user)  # the user's permissions, loaded once per request anyway
    for term, asked in ((a.id_number, 2), (a.mobile, 1), (a.card_number, 1)):
        with CaptureQueriesContext(connection) as captured:
            groups = global_search(county_user, SearchTerm(term, "~0123456789abcdef"))
        assert len(captured.captured_queries) == asked, term
        assert all("LIKE '%" not in query["sql"] for query in captured.captured_queries), term
        assert [g.count for g in groups] == [1, 0, 0, 0, 0], term


# --- input that cannot be searched --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("", "请输入姓名"),
        ("   ", "请输入姓名"),
        ("陈", "请至少输入 2 个字"),
        ("陈" * 10_000, "最多输入 50 个字"),
        ("%%%", "请输入文字或数字"),
        ("'--", "请输入文字或数字"),
    ],
)
def test_a_term_that_cannot_be_searched_gets_a_chinese_message(client_for, county_user, people, term, message):
    client = client_for(county_user)
    responses = [client.post(URL, {"q": term})] + ([client.get(URL, {"q": term})] if term else [])
    for response in responses:
        assert response.status_code == 200
        assert message in response.content.decode()
    assert "_search_terms" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["陈_兰", "陈%兰", "<script>alert(1)</script>", "' OR 1=1 --", "陈桂%", "\\x"])
def test_garbage_is_searched_safely(client_for, county_user, people, term):
    _location, html = _search(client_for(county_user), term)
    assert "<script>alert(1)" not in html
    assert "陈桂兰" not in _group(html, "members")


@pytest.mark.django_db
def test_a_nul_character_is_a_chinese_400_not_a_500(client_for, county_user):
    client = client_for(county_user)
    for response in (client.post(URL, {"q": "陈\x00桂"}), client.get(URL, {"q": "陈\x00桂"})):
        assert response.status_code == 400
        assert re.search(r"[\u4e00-\u9fff]", response.content.decode())


@pytest.mark.django_db
def test_a_term_in_the_url_is_moved_behind_a_token(client_for, county_user, people):
    client = client_for(county_user)
    response = client.get(URL, {"q": "陈桂"})
    assert response.status_code == 302 and "陈" not in response["Location"]
    assert re.fullmatch(rf"{URL}\?q=~[0-9a-f]{{16}}", response["Location"])


@pytest.mark.django_db
def test_an_unknown_or_expired_token_says_so(client_for, county_user, chair_a, people):
    response = client_for(county_user).get(URL, {"q": "~0123456789abcdef"})
    assert response.status_code == 200 and "已失效" in response.content.decode()
    location, _html = _search(client_for(county_user), "陈桂")
    # Another session's token means nothing there (a shared link, a new login).
    html = client_for(chair_a).get(location).content.decode()
    assert "已失效" in html and "陈桂" not in html


@pytest.mark.django_db
def test_the_empty_page_explains_the_box(client_for, county_user):
    html = client_for(county_user).get(URL).content.decode()
    assert "在每页顶部的查询框输入" in html and 'data-testid="header-search"' in html


@pytest.mark.django_db
def test_the_header_box_is_on_every_page_and_posts(client_for, chair_a):
    for path in (reverse("overview:home"), reverse("members:member_list"), reverse("complaints:complaint_list")):
        html = client_for(chair_a).get(path).content.decode()
        form = re.search(r'<form[^>]*data-testid="header-search">.*?</form>', html, re.S)
        assert form, path
        assert 'method="post"' in form.group(0) and 'name="csrfmiddlewaretoken"' in form.group(0), path
        assert f'action="{URL}"' in form.group(0), path
