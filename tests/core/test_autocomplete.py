"""Every autocomplete endpoint, found by walking the URL conf: login, permission, POST only,
bounded terms, hostile input, a capped answer, and a query count that does not grow with rows.
The per-app files (tests/<app>/test_autocomplete.py) check what each one offers to whom."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from apps.accounts.roles import TOWNSHIP_STAFF
from apps.accounts.services import user_create
from apps.branches.models import OrgUnit
from apps.branches.services import orgunit_create
from apps.core.autocomplete import MAX_RESULTS, MAX_TERM_LENGTH, ScopedAutocompleteView
from apps.core.widgets import Autocomplete, AutocompleteMultiple
from tests.conftest import PASSWORD
from tests.core.test_login_required import _walk


def _endpoints():
    found = []
    for name, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None and issubclass(view_class, ScopedAutocompleteView):
            found.append((name, view_class))
    return found


ENDPOINTS = _endpoints()
NAMES = [name for name, _view in ENDPOINTS]


def test_the_walk_finds_every_autocomplete():
    assert set(NAMES) == {
        "branches:union_autocomplete",
        "branches:enterprise_autocomplete",
        "members:member_autocomplete",
        "members:transfer_destination_autocomplete",
        "members:workplace_autocomplete",
        "complaints:handler_autocomplete",
        "contracts:union_autocomplete",
        "training:officer_autocomplete",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_login(client, name):
    response = client.post(reverse(name), {"q": "工会"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_the_term_is_never_taken_from_a_url(client_for, county_user, name):
    """GET is refused: a typed name would be in the address, the access log and any proxy's log."""
    response = client_for(county_user).get(reverse(name), {"q": "陈桂"})
    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_a_user_without_the_permission_is_refused(client, county_tree, name):
    user = user_create(user=None, username="noperm", password=PASSWORD, org_unit=county_tree["a"], role=None)
    client.force_login(user)
    assert client.post(reverse(name), {"q": ""}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_a_user_without_an_org_unit_is_offered_nothing(client, roles, name):
    user = user_create(user=None, username="nounit", password=PASSWORD, org_unit=None, role=TOWNSHIP_STAFF)
    client.force_login(user)
    response = client.post(reverse(name), {"q": "1"})
    assert response.status_code == 200
    assert response.json()["results"] == []


HOSTILE_TERMS = {
    "longest allowed": ("工" * MAX_TERM_LENGTH, 200),
    "one too long": ("工" * (MAX_TERM_LENGTH + 1), 400),
    "10,000 characters": ("x" * 10_000, 400),
    "NUL": ("工会\x00", 400),  # refused by the middleware before anything reaches PostgreSQL
    "percent": ("%", 200),
    "underscore": ("_", 200),
    "SQL": ("'; DROP TABLE members_member; --", 200),
    "backslash": ("\\", 200),
    "full-width digits": ("３２０７２２", 200),
    "emoji": ("😀", 200),
    "spaces only": ("   ", 200),
}


@pytest.mark.django_db
def test_hostile_terms_are_refused_or_answered_never_a_server_error(client_for, county_user, chair_a):
    for user in (county_user, chair_a):
        client = client_for(user)
        for name in NAMES:
            for label, (term, status) in HOSTILE_TERMS.items():
                response = client.post(reverse(name), {"q": term})
                assert response.status_code == status, (user.username, name, label)
                if status == 200:
                    assert isinstance(response.json()["results"], list)


@pytest.mark.django_db
def test_malformed_forwarded_fields_are_ignored(client_for, county_user):
    client = client_for(county_user)
    for name in NAMES:
        for forward in (
            "",
            "not json",
            "[1, 2]",
            "null",
            '{"township": "x\u00b2"}',
            '{"township": 99999999999999999999999}',
            '{"township": ["1"]}',
            '{"t": 1}',
        ):
            response = client.post(reverse(name), {"q": "", "forward": forward})
            assert response.status_code == 200, (name, forward)


@pytest.mark.django_db
def test_the_answer_is_capped_with_a_hint_to_type_more(client_for, county_user, county_tree):
    for serial in range(MAX_RESULTS + 5):
        orgunit_create(user=None, parent=county_tree["a"], name=f"白塔村{serial:02d}工会", kind="village")
    response = client_for(county_user).post(reverse("branches:union_autocomplete"), {"q": "白塔村"})
    results = response.json()["results"]
    assert len(results) == MAX_RESULTS + 1
    assert all(row["id"] for row in results[:MAX_RESULTS])
    assert results[-1] == {"id": "", "text": f"仅显示前 {MAX_RESULTS} 条，请输入更多文字缩小范围。", "disabled": True}
    assert response["Cache-Control"] == "no-store"


def _union_rows(county_tree, count):
    for serial in range(count):
        orgunit_create(user=None, parent=county_tree["a"], name=f"白塔村{serial:02d}工会", kind="village")


@pytest.mark.django_db
def test_query_count_is_the_same_at_3_and_at_30_rows(client_for, county_user, county_tree, chair_a):
    """Session, user, permissions and one query for the rows; the same for every endpoint."""
    counts = {}
    for size in (3, 30):
        OrgUnit.objects.filter(name__startswith="白塔村").delete()
        _union_rows(county_tree, size)
        for name in NAMES:
            for user in (county_user, chair_a):
                client = client_for(user)
                client.post(reverse(name), {"q": ""})  # warm the caches a first request fills
                with CaptureQueriesContext(connection) as queries:
                    response = client.post(reverse(name), {"q": "白", "forward": json.dumps({"township": "1"})})
                assert response.status_code == 200
                counts.setdefault((name, user.username), set()).add(len(queries))
    assert all(len(seen) == 1 for seen in counts.values()), counts
    assert max(max(seen) for seen in counts.values()) <= 8, counts


# --- the widget ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_widget_renders_only_the_chosen_option_and_posts_its_term(county_tree):
    from django import forms

    class Form(forms.Form):
        union = forms.ModelChoiceField(
            queryset=OrgUnit.objects.all(), widget=Autocomplete("branches:union_autocomplete")
        )

    html = str(Form(initial={"union": county_tree["union_a"].pk})["union"])
    assert html.count("<option") == 2  # the chosen one and select2's empty placeholder option
    assert f'<option value="{county_tree["union_a"].pk}" selected>白塔化工建材厂工会</option>' in html
    assert 'data-ajax--type="POST"' in html
    assert f'data-autocomplete-light-url="{reverse("branches:union_autocomplete")}"' in html
    assert f'data-maximum-input-length="{MAX_TERM_LENGTH}"' in html
    assert 'data-autocomplete-light-language="zh-CN"' in html
    assert "输入文字搜索" in html


@pytest.mark.django_db
def test_the_forward_block_has_no_style_attribute_the_csp_would_refuse():
    from django import forms

    from apps.branches.models import Enterprise

    class Form(forms.Form):
        enterprises = forms.ModelMultipleChoiceField(
            queryset=Enterprise.objects.all(),
            widget=AutocompleteMultiple("branches:enterprise_autocomplete", forward=["township"]),
        )

    html = str(Form()["enterprises"])
    assert "style=" not in html
    assert "<div hidden" in html and 'type="text/dal-forward-conf"' in html


def test_the_assets_are_local_static_files_that_exist():
    from django.contrib.staticfiles import finders

    media = Autocomplete("branches:union_autocomplete").media
    paths = [*media._js, *(path for paths in media._css.values() for path in paths)]
    assert paths and not any("//" in path for path in paths)
    for path in paths:
        assert finders.find(path), path


@pytest.mark.django_db
def test_a_role_granted_only_the_view_permission_may_search(client, county_tree):
    """The endpoint asks for the verb it needs (view), not for a whole role."""
    from django.contrib.auth.models import Permission

    group = Group.objects.create(name="只读")
    group.permissions.add(Permission.objects.get(codename="view_orgunit", content_type__app_label="branches"))
    user = user_create(user=None, username="reader", password=PASSWORD, org_unit=county_tree["a"], role=None)
    user.groups.add(group)
    client.force_login(user)
    response = client.post(reverse("branches:union_autocomplete"), {"q": ""})
    assert [row["text"] for row in response.json()["results"]] == ["白塔化工建材厂工会"]


@pytest.mark.django_db
@pytest.mark.parametrize("widget_class", [Autocomplete, AutocompleteMultiple])
def test_a_form_sent_back_with_hand_made_ids_renders_without_a_server_error(widget_class, county_tree):
    from django import forms

    field_class = forms.ModelMultipleChoiceField if widget_class is AutocompleteMultiple else forms.ModelChoiceField

    class Form(forms.Form):
        union = field_class(queryset=OrgUnit.objects.all(), widget=widget_class("branches:union_autocomplete"))

    for value in ("99999999999999999999999", "-1", "x²", "1e3", "", str(county_tree["union_a"].pk)):
        data = {"union": [value] if widget_class is AutocompleteMultiple else value}
        form = Form(data=data)
        assert not form.is_valid() or value == str(county_tree["union_a"].pk)
        html = str(form["union"])
        assert "<select" in html
    assert f'value="{county_tree["union_a"].pk}" selected' in html


@pytest.mark.django_db
def test_whitenoise_serves_the_assets_without_a_login(client, settings):
    """From the installed apps' static folders, as after collectstatic (the test run has none)."""
    from django.templatetags.static import static

    settings.WHITENOISE_USE_FINDERS = True  # read when the client's handler builds its middleware

    for path in Autocomplete("branches:union_autocomplete").media._js:
        response = client.get(static(path))
        assert response.status_code == 200, path
        assert "javascript" in response["Content-Type"], path
