"""Branches pages link to what belongs to them (members, complaints, forming a union) and use
the office's words (姓名, 称号, 请选择…); a unit is never counted among its own units."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.branches.models import Enterprise
from apps.branches.selectors import orgunit_overview
from tests.factories import EnterpriseFactory, OfficerFactory, UnionFactory

pytestmark = pytest.mark.django_db


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- a union's page --------------------------------------------------------------------------------


def test_a_unions_page_links_to_its_members_and_its_enrolment_numerator(client_for, chair_a, county_tree):
    union = county_tree["union_a"]
    page = _html(client_for(chair_a), union.get_absolute_url())
    members = reverse("members:member_list")
    assert f'href="{members}?union={union.pk}"' in page
    assert f'href="{members}?union={union.pk}&amp;status=current"' in page
    assert "在册会员（含接转中，计入入会率）" in page
    # The member list takes that filter (apps/members/filters.py: `union`, `status`).
    listing = client_for(chair_a).get(f"{members}?union={union.pk}&status=current")
    assert listing.status_code == 200


@pytest.mark.parametrize("kind", ["union", "township"])
def test_the_numerator_link_lists_exactly_the_panels_numerator(client_for, chair_a, county_tree, kind):
    """The link counts what the enrolment panel counts: in good standing plus 接转中, not the left."""
    import datetime as dt

    from apps.members.selectors import enrolment_rate
    from apps.members.services import member_archive
    from tests.factories import MemberFactory, TransferFactory

    union = county_tree["union_a"]
    EnterpriseFactory(township=county_tree["a"], union=union, employee_count=40)
    members = [MemberFactory(union=union) for _ in range(4)]
    member_archive(user=None, member=members[0], status="left", left_on=dt.date(2024, 1, 1), reason="调离")
    TransferFactory(user=chair_a, member=members[1], to_union=county_tree["union_b"])  # 接转中
    unit = union if kind == "union" else county_tree["a"]
    page = _html(client_for(chair_a), unit.get_absolute_url())
    link = re.search(r'href="([^"]*status=current)"', page).group(1).replace("&amp;", "&")
    assert link == f"{reverse('members:member_list')}?{kind}={unit.pk}&status=current"
    listing = client_for(chair_a).get(link)
    numerator = enrolment_rate(user=chair_a, unit=unit)["members"]
    assert len(listing.context["table"].page.object_list) == numerator == 3


def test_a_townships_page_links_to_its_members_by_township(client_for, chair_a, county_tree):
    township = county_tree["a"]
    page = _html(client_for(chair_a), township.get_absolute_url())
    assert f'href="{reverse("members:member_list")}?township={township.pk}"' in page


def test_no_member_links_for_a_role_that_cannot_see_members(client_for, county_tree):
    from apps.accounts.services import user_create

    viewer = user_create(user=None, username="viewer", password="x-2026-pass", org_unit=county_tree["a"])
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_orgunit"))
    page = _html(client_for(viewer), county_tree["union_a"].get_absolute_url())
    assert reverse("members:member_list") not in page


def test_officers_in_post_and_former_ones_are_shown_apart(client_for, chair_a, county_tree):
    union = county_tree["union_a"]
    OfficerFactory(union=union, name="王在任")
    former = OfficerFactory(union=union, name="李离任", position="member")
    type(former).objects.filter(pk=former.pk).update(ended_on=datetime.date(2024, 1, 1))
    page = _html(client_for(chair_a), union.get_absolute_url())
    in_post, _rest = page.split('data-testid="officers-in-post"')[1].split("</ul>", 1)
    assert "王在任" in in_post and "李离任" not in in_post
    assert "李离任" in page.split('data-testid="former-officers"')[1]


# --- an enterprise's page --------------------------------------------------------------------------


def test_an_enterprises_page_links_to_its_complaints(client_for, chair_a, county_tree):
    enterprise = EnterpriseFactory(township=county_tree["a"], union=county_tree["union_a"])
    page = _html(client_for(chair_a), enterprise.get_absolute_url())
    assert f'href="{reverse("complaints:complaint_list")}?enterprise={enterprise.pk}"' in page


def test_a_unionless_enterprise_offers_to_form_a_union_prefilled(client_for, chair_a, county_tree):
    enterprise = EnterpriseFactory(township=county_tree["a"], name="白塔埠镇金鼎机械厂")
    client = client_for(chair_a)
    page = _html(client, enterprise.get_absolute_url())
    register = f"{reverse('branches:union_register')}?enterprise={enterprise.pk}"
    assert f'href="{register}"' in page
    form = _html(client, register)
    assert 'value="白塔埠镇金鼎机械厂工会"' in form
    assert re.search(rf'<option value="{enterprise.pk}" selected>白塔埠镇金鼎机械厂', form)
    assert re.search(rf'<option value="{county_tree["a"].pk}" selected>', form)


def test_no_offer_for_an_enterprise_with_a_union_or_a_user_who_cannot_register(
    client_for, chair_a, officer_a, county_tree
):
    covered = EnterpriseFactory(township=county_tree["a"], union=county_tree["union_a"])
    unionless = EnterpriseFactory(township=county_tree["a"])
    archived = EnterpriseFactory(township=county_tree["a"])
    Enterprise.objects.filter(pk=archived.pk).update(archived_at=timezone.now(), archive_reason="注销")
    client = client_for(chair_a)
    assert 'data-testid="register-union"' not in _html(client, covered.get_absolute_url())
    assert 'data-testid="register-union"' not in _html(client, archived.get_absolute_url())
    page = _html(client, unionless.get_absolute_url())
    assert 'data-testid="register-union"' in page
    # Forming a union creates: the primary colour, never the destructive one.
    button = re.search(r'<a class="([^"]*)"\s+href="[^"]*"\s+data-testid="register-union"', page)
    assert button and "btn-primary" in button.group(1).split()
    # The grassroots officer sees their union's enterprise and registers no union.
    assert 'data-testid="register-union"' not in _html(client_for(officer_a), covered.get_absolute_url())


def test_the_prefill_ignores_an_enterprise_out_of_scope_or_garbage(client_for, chair_a, county_tree):
    other = EnterpriseFactory(township=county_tree["b"], name="平明镇外企")
    client = client_for(chair_a)
    for value in (other.pk, "abc", "-1", "٣", "9" * 30):
        form = _html(client, f"{reverse('branches:union_register')}?enterprise={value}")
        assert "平明镇外企" not in form


# --- words ----------------------------------------------------------------------------------------------


def test_officers_are_people_with_a_name_and_titles_are_titles(client_for, county_user, county_tree):
    client = client_for(county_user)
    union = county_tree["union_a"]
    officer_form = _html(client, reverse("branches:officer_add", kwargs={"pk": union.pk}))
    assert "姓名" in officer_form and "名称" not in officer_form.split("<form", 1)[1]
    rating_form = _html(client, reverse("branches:rating_add", kwargs={"pk": union.pk}))
    assert "称号" in rating_form.split("<form", 1)[1] and "标题" not in rating_form


@pytest.mark.parametrize(
    "name",
    [
        "branches:union_register",
        "branches:enterprise_create",
        "branches:officer_add",
        "branches:subcommittee_add",
        "branches:meeting_add",
        "branches:rating_add",
        "branches:union_new_term",
    ],
)
def test_no_dashes_in_the_selects(client_for, county_user, county_tree, name):
    kwargs = {} if name in ("branches:union_register", "branches:enterprise_create") else {"pk": 0}
    if kwargs:
        kwargs["pk"] = county_tree["union_a"].pk
    page = _html(client_for(county_user), reverse(name, kwargs=kwargs))
    assert "---------" not in page
    if name != "branches:meeting_add":  # its kinds are all real choices
        assert "请选择…" in page


def test_the_approval_form_has_no_dashes_either(client_for, county_user, chair_a, county_tree):
    union = UnionFactory(user=chair_a, township=county_tree["a"])
    page = _html(client_for(county_user), reverse("branches:union_approve", kwargs={"pk": union.pk}))
    assert "---------" not in page


# --- a unit is not one of its own units -------------------------------------------------------------


def test_the_home_card_does_not_count_the_users_own_unit(county_user, chair_a, officer_a, county_tree):
    assert orgunit_overview(user=county_user)["counts"] == {"townships": 2, "grassroots": 2, "total": 4}
    assert orgunit_overview(user=chair_a)["counts"] == {"townships": 0, "grassroots": 1, "total": 1}
    # A grassroots officer's own union is not one of "its" grassroots unions.
    assert orgunit_overview(user=officer_a)["counts"] == {"townships": 0, "grassroots": 0, "total": 0}


def test_a_townships_page_lists_its_units_without_itself(client_for, chair_a, county_tree):
    page = _html(client_for(chair_a), county_tree["a"].get_absolute_url())
    under = page.split('card-header">', 2)[2]
    assert county_tree["union_a"].name in under
    assert f'href="{county_tree["a"].get_absolute_url()}"' not in under
