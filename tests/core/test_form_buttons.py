"""Forms: the submit in the portal's colour (or red-brown for a destructive action), a 取消 link
back where the user came from, "请选择…" instead of Django's "---------", and one paginator."""

import re

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from apps.core.forms import EMPTY_LABEL, submit_helper
from apps.core.pagination import CappedCountPaginator
from apps.members.models import Member
from tests.factories import MemberFactory

CANCEL = re.compile(r'<a class="btn btn-outline-secondary"\s+href="([^"]*)"\s+data-testid="form-cancel">取消</a>')
SUBMIT = re.compile(r'<input type="submit"\s+name="submit"\s+value="([^"]*)"\s+class="([^"]*)"')


def _buttons(response):
    html = response.content.decode()
    cancel = CANCEL.search(html)
    submit = SUBMIT.search(html)
    assert cancel and submit, html[-3000:]
    return submit.group(1), submit.group(2), cancel.group(1)


@pytest.mark.django_db
def test_a_form_has_its_submit_and_a_cancel_back_to_the_page_the_user_came_from(client, county_user, county_tree):
    client.force_login(county_user)
    came_from = f"{reverse('members:member_list')}?status=active"
    response = client.get(reverse("members:member_create"), headers={"referer": f"http://testserver{came_from}"})
    label, classes, cancel = _buttons(response)
    assert (label, classes.split()) == ("保存", ["btn", "btn-primary"])
    assert cancel == came_from


@pytest.mark.django_db
def test_without_a_referer_cancel_goes_to_the_objects_page_and_an_outside_referer_is_ignored(
    client, county_user, county_tree
):
    member = MemberFactory(union=county_tree["union_a"])
    client.force_login(county_user)
    url = reverse("members:member_update", kwargs={"pk": member.pk})
    assert _buttons(client.get(url))[2] == member.get_absolute_url()
    assert _buttons(client.get(url, headers={"referer": "https://evil.example.org/x/"}))[2] == member.get_absolute_url()
    # After a refused POST the Referer is the form itself: back to the member, not to the form.
    assert _buttons(client.get(url, headers={"referer": f"http://testserver{url}"}))[2] == member.get_absolute_url()


@pytest.mark.django_db
def test_a_refused_form_shown_again_still_cancels_to_where_the_user_came_from(client, county_user, county_tree):
    client.force_login(county_user)
    url = reverse("members:member_create")
    came_from = f"{reverse('members:member_list')}?status=active"
    html = client.get(url, headers={"referer": f"http://testserver{came_from}"}).content.decode()
    assert f'name="cancel_to" value="{came_from.replace("&", "&amp;")}"' in html
    refused = client.post(
        url, {"real_name": "", "cancel_to": came_from}, headers={"referer": f"http://testserver{url}"}
    )
    assert refused.status_code == 200 and _buttons(refused)[2] == came_from
    for hostile in ("https://evil.example.org/", "//evil.example.org/", "/" + "x" * 3000, "javascript:alert(1)"):
        refused = client.post(url, {"real_name": "", "cancel_to": hostile})
        assert _buttons(refused)[2] == reverse("overview:home"), hostile


@pytest.mark.django_db
def test_a_form_about_nothing_in_particular_cancels_to_home(client, county_user, county_tree):
    client.force_login(county_user)
    assert _buttons(client.get(reverse("members:transfer_in")))[2] == reverse("overview:home")


@pytest.mark.django_db
def test_destructive_submits_look_destructive(client, county_user, county_tree):
    member = MemberFactory(union=county_tree["union_a"])
    client.force_login(county_user)
    label, classes, _cancel = _buttons(client.get(reverse("members:member_archive", kwargs={"pk": member.pk})))
    assert (label, classes.split()) == ("归档", ["btn", "btn-danger"])
    union = county_tree["union_a"]
    for name in ("branches:union_archive", "branches:union_reject"):
        _label, classes, _cancel = _buttons(client.get(reverse(name, kwargs={"pk": union.pk})))
        assert "btn-danger" in classes.split(), name
    detail = client.get(member.get_absolute_url()).content.decode()
    archive_link = re.search(r'<a class="([^"]*)"\s+href="[^"]*/archive/"', detail)
    assert "btn-outline-danger" in archive_link.group(1).split()


def test_submit_helper_says_which_kind_of_button():
    assert submit_helper().inputs[0].field_classes.split() == ["btn", "btn-primary"]
    assert submit_helper("归档", danger=True).inputs[0].field_classes.split() == ["btn", "btn-danger"]


@pytest.mark.django_db
def test_the_password_form_has_the_same_buttons(client, county_user):
    client.force_login(county_user)
    html = client.get(reverse("password_change"), headers={"referer": "http://testserver/members/"}).content.decode()
    assert 'data-testid="form-buttons"' in html
    assert CANCEL.search(html).group(1) == "/members/"


@pytest.mark.django_db
def test_selects_say_please_choose_not_dashes(client, county_user, county_tree):
    client.force_login(county_user)
    html = client.get(reverse("members:member_create")).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>请选择…</option>' in html  # the employment form's blank choice
    for name in ("ethnicity", "education", "political_status"):  # the code lists' selects
        select = re.search(rf'<select name="{name}"[^>]*>\s*<option value=""[^>]*>([^<]*)</option>', html)
        assert select.group(1) == "请选择…", name


def test_one_empty_label_for_every_apps_own_choices():
    from apps.branches.forms import ElectedOfficerForm
    from apps.complaints.forms import ComplaintForm
    from apps.members.forms import CodeListField

    assert CodeListField("ethnicity").choices[0] == ("", EMPTY_LABEL)
    assert ComplaintForm.base_fields["category"].choices[0] == ("", EMPTY_LABEL)
    assert ComplaintForm.base_fields["enterprise"].empty_label == EMPTY_LABEL
    assert ElectedOfficerForm.base_fields["position"].choices[0] == ("", EMPTY_LABEL)


def test_every_apps_model_choice_field_and_model_choices_inherit_the_label():
    class AnyForm(forms.ModelForm):
        class Meta:
            model = Member
            fields = ("union", "employment_form", "sex")

    form = AnyForm()
    assert form.fields["union"].empty_label == EMPTY_LABEL
    assert str(form.fields["union"].empty_label) == "请选择…"
    assert form.fields["sex"].choices[0] == ("", EMPTY_LABEL)
    assert forms.ModelChoiceField(Member.objects.none()).empty_label == EMPTY_LABEL
    # A form that names its own keeps it (the lists' filters: "全部").
    assert forms.ModelChoiceField(Member.objects.none(), empty_label="全部").empty_label == "全部"


def _render_pagination(page, path="/members/?status=active"):
    request = RequestFactory().get(path)
    return Template('{% include "includes/pagination.html" %}').render(RequestContext(request, {"page_obj": page}))


def test_one_paginator_numbers_the_pages_around_this_one_and_keeps_the_filters():
    page = Paginator(range(1000), 50).page(10)
    html = _render_pagination(page)
    numbers = re.findall(r'<a class="page-link" href="\?status=active&amp;page=(\d+)">(\d+)</a>', html)
    assert [n for n, _label in numbers] == ["1", "8", "9", "11", "12", "20"]
    assert '<span class="page-link">10</span>' in html and html.count("…") == 2
    assert "上一页" in html and "下一页" in html
    assert _render_pagination(Paginator(range(10), 50).page(1)).strip() == ""


@pytest.mark.django_db
def test_a_table_list_and_a_plain_list_page_the_same_way(client, county_user, county_tree):
    """The member list (a django-tables2 table) uses includes/pagination.html, not tables2's own."""
    MemberFactory.create_batch(3, union=county_tree["union_a"])
    client.force_login(county_user)
    html = client.get(reverse("members:member_list"), {"per_page": 1}).content.decode()
    assert 'data-testid="pagination"' in html
    assert 'href="?per_page=1&amp;page=2"' in html
    assert "Table navigation" not in html  # tables2's paginator


def test_a_capped_list_says_so_on_its_last_page():
    paginator = CappedCountPaginator(range(3000), 50)
    assert paginator.count == 2000 and paginator.count_is_capped
    assert "只能翻阅前 2,000 条" in _render_pagination(paginator.page(paginator.num_pages))
    assert "2,000" not in _render_pagination(paginator.page(1))
