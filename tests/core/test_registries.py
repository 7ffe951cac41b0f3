"""The navigation, to-do and indicator registries: registration, permission filtering, cost."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.core import indicators, navigation, todos
from apps.core.indicators import Rate, indicator_rates, register_indicator, unregister_indicator
from apps.core.navigation import MenuItem, menu_for, register_menu, unregister_menu
from apps.core.todos import Todo, register_todo, todo_list, unregister_todo
from tests.complaints.conftest import factories, register  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def extra_menu():
    added = []

    def add(*items):
        register_menu(*items)
        added.extend(item.url_name for item in items)

    yield add
    for url_name in added:
        unregister_menu(url_name)


# --- navigation ---------------------------------------------------------------------------


def test_every_app_declares_its_entries_and_base_html_names_none_of_them():
    names = {item.url_name for item in navigation.registered_items()}
    assert {
        "overview:home",
        "branches:orgunit_list",
        "branches:union_list",
        "branches:enterprise_list",
        "branches:meeting_list",
        "branches:formation_rate",
        "branches:compliance",
        "members:member_list",
        "members:transfer_list",
        "members:import_upload",
        "complaints:complaint_list",
        "contracts:contract_list",
        "contracts:coverage",
        "contracts:import_upload",
        "core:notification_list",
        "admin:index",
    } <= names
    base = (ROOT / "templates" / "base.html").read_text()
    menu = base[base.index("{% block menu %}") : base.index("{% endblock menu %}")]
    for app in ("branches", "members", "complaints", "perms."):
        assert app not in menu


def test_the_menu_shows_only_what_the_user_may_open(county_user, officer_a):
    county = [item["url_name"] for item in menu_for(county_user)]
    officer = [item["url_name"] for item in menu_for(officer_a)]
    assert "complaints:complaint_list" in county and "members:transfer_list" in county
    assert "complaints:complaint_list" not in officer and "members:transfer_list" not in officer
    # The officer maintains their own union's members and roster; the area's figures are not theirs.
    assert "members:import_upload" in officer and "members:member_list" in officer
    assert "branches:formation_rate" not in officer and "branches:formation_rate" in county
    assert "admin:index" not in county  # not staff
    assert county[0] == "overview:home" and county[-1] == "core:notification_list"


def test_a_registered_entry_appears_in_order_for_permitted_users_only(extra_menu, county_user, chair_a):
    extra_menu(
        MenuItem(
            label="试用条目",
            url_name="password_change",  # any mounted URL that has no entry yet
            icon="file-text",
            permission="branches.approve_union",
            order=250,
            section="合同",
        )
    )
    county = menu_for(county_user)
    labels = [item["label"] for item in county]
    assert labels.index("试用条目") == len([i for i in navigation.registered_items() if i.order < 250])
    entry = county[labels.index("试用条目")]
    assert entry == {
        "label": "试用条目",
        "url": reverse("password_change"),
        "icon": "file-text",
        "section": "合同",
        "active": False,
        "url_name": "password_change",
    }
    assert "试用条目" not in [item["label"] for item in menu_for(chair_a)]


def test_an_entry_whose_url_is_not_mounted_is_left_out(extra_menu, county_user):
    extra_menu(MenuItem(label="未上线", url_name="dues:ledger_list", icon="x", order=1))
    assert "未上线" not in [item["label"] for item in menu_for(county_user)]


def test_a_callable_permission_and_a_staff_only_entry(county_user):
    assert "admin:index" not in [i["url_name"] for i in menu_for(county_user)]
    county_user.is_staff = True
    assert "admin:index" in [i["url_name"] for i in menu_for(county_user)]


def test_section_headings_appear_once_where_the_section_changes(county_user):
    menu = menu_for(county_user)
    headings = [item["section"] for item in menu if item["section"]]
    assert len(headings) == len(set(map(str, headings))) >= 3
    members = [item for item in menu if item["url_name"].startswith("members:")]
    assert members[0]["section"] and not any(item["section"] for item in members[1:])


@pytest.mark.parametrize(
    ("view_name", "active"),
    [
        ("members:member_detail", "members:member_list"),  # the namespace fallback
        ("members:transfer_in", "members:transfer_list"),  # an exact name beats the namespace
        ("members:import_detail", "members:import_upload"),
        ("contracts:import_report", "contracts:import_upload"),
        ("contracts:contract_detail", "contracts:contract_list"),
        ("branches:union_register", "branches:union_list"),
        ("complaints:complaint_detail", "complaints:complaint_list"),
        ("branches:orgunit_detail", None),
    ],
)
def test_one_entry_is_active(county_user, view_name, active):
    marked = [item["url_name"] for item in menu_for(county_user, view_name=view_name) if item["active"]]
    assert marked == ([active] if active else [])


def test_the_menu_costs_no_query_once_the_permissions_are_loaded(county_user, django_assert_num_queries):
    with django_assert_num_queries(1):  # the user's permissions, which every page loads anyway
        menu_for(county_user)
    with django_assert_num_queries(0):
        menu_for(county_user)


def test_pages_render_the_menu_with_the_active_entry(client_for, chair_a, county_tree):
    page = client_for(chair_a).get(reverse("members:transfer_list")).content.decode()
    assert f'href="{reverse("complaints:complaint_list")}"' in page
    active = page[page.index('class="nav-link active"') :][:200]
    assert reverse("members:transfer_list") in active
    assert page.count('class="nav-link active"') == 1


def test_an_officer_sees_no_menu_entry_for_complaints(client_for, officer_a):
    page = client_for(officer_a).get(reverse("overview:home")).content.decode()
    assert f'href="{reverse("complaints:complaint_list")}"' not in page
    assert f'href="{reverse("members:member_list")}"' in page


def test_a_superuser_sees_every_entry(db):
    from apps.accounts.models import User

    admin = User.objects.create_superuser(username="root", password="x-2026-password")
    names = [item["url_name"] for item in menu_for(admin)]
    assert names == [item.url_name for item in navigation.registered_items()]


# --- to-dos --------------------------------------------------------------------------------


@pytest.fixture
def probe_todo():
    calls = []

    def probe(user):
        calls.append(user.username)
        return Todo(count=3 if user.username == "county" else 0, label="试用待办", url="/x/", urgency="soon")

    register_todo("test.probe", probe, permission="branches.approve_union", order=1)
    yield calls
    unregister_todo("test.probe")


def test_a_registered_todo_is_asked_only_for_users_with_its_permission(probe_todo, county_user, chair_a):
    county = todo_list(county_user)
    assert county[0] == Todo(count=3, label="试用待办", url="/x/", urgency="soon", key="test.probe")
    assert "test.probe" not in [t.key for t in todo_list(chair_a)]
    assert probe_todo == ["county"]  # the chair's permission check spared the function


def test_a_todo_with_nothing_to_do_is_left_out_unless_asked_for(probe_todo, county_user, roles, county_tree):
    from apps.accounts.services import user_create

    other = user_create(user=None, username="other", password="x-2026-password", org_unit=county_tree["a"])
    other.user_permissions.add(Permission.objects.get(codename="approve_union"))
    assert "test.probe" not in [t.key for t in todo_list(other)]
    other = type(other).objects.get(pk=other.pk)
    assert "test.probe" in [t.key for t in todo_list(other, include_empty=True)]


def test_every_counted_todo_of_a_user_costs_one_query_together(county_user, county_tree, django_assert_num_queries):
    from apps.branches.models import OrgUnit
    from apps.core.todos import TodoQuery

    units = OrgUnit.objects.filter(path__startswith=county_tree["county"].path)
    declared = {
        "test.all": lambda user: TodoQuery(queryset=units, label="全部", url="/a/"),
        "test.townships": lambda user: TodoQuery(
            queryset=units.filter(kind="township"), label="乡镇", url="/b/", urgency="soon", urgent=units.none()
        ),
        "test.urgent": lambda user: TodoQuery(
            queryset=units.filter(kind="enterprise"), label="基层", url="/c/", urgent=units.filter(name__contains="白")
        ),
    }
    for key, func in declared.items():
        register_todo(key, func, order=0)
    try:
        county_user.get_all_permissions()
        with django_assert_num_queries(1):  # and no more for any number of apps' to-dos
            result = {todo.key: todo for todo in todo_list(county_user) if todo.key.startswith("test.")}
    finally:
        for key in declared:
            unregister_todo(key)
    assert (result["test.all"].count, result["test.all"].urgency) == (5, "normal")
    assert (result["test.townships"].count, result["test.townships"].urgency) == (2, "soon")
    assert (result["test.urgent"].count, result["test.urgent"].urgency) == (2, "urgent")


def test_a_user_with_no_scope_has_nothing_to_do_and_costs_no_query(roles, django_assert_num_queries):
    from apps.accounts.roles import COUNTY_STAFF
    from apps.accounts.services import user_create

    nobody = user_create(user=None, username="nobody", password="x-2026-password", org_unit=None, role=COUNTY_STAFF)
    nobody.get_all_permissions()
    with django_assert_num_queries(0):
        assert todo_list(nobody) == []
    assert {todo.count for todo in todo_list(nobody, include_empty=True)} == {0}


def test_todos_are_ordered_and_urgency_is_checked():
    keys = [source.key for source in todos.registered_todos()]
    assert keys[:4] == [
        "branches.unions_awaiting_approval",
        "branches.terms_ending",
        "members.transfers_to_accept",
        "complaints.due",
    ]
    with pytest.raises(ValueError):
        Todo(count=1, label="x", url="/", urgency="whenever")


def test_an_anonymous_user_has_no_todos_menu_or_rates():
    from django.contrib.auth.models import AnonymousUser

    assert todo_list(AnonymousUser()) == [] and menu_for(AnonymousUser()) == []
    assert indicator_rates(user=AnonymousUser()) == []


# --- indicators ----------------------------------------------------------------------------


EXISTING_RATES = [
    "branches.formation_rate",
    "members.enrolment_rate",
    "contracts.coverage",
    "complaints.answered_on_time",
    "dues.collection_rate",
]


def test_the_existing_rates_are_registered_once_each():
    keys = [item.key for item in indicators.registered_indicators()]
    assert [k for k in keys if k in EXISTING_RATES] == EXISTING_RATES
    assert len(keys) == len(set(keys))
    assert indicators.indicator("complaints.answered_on_time").per_year


def test_a_registered_rate_is_computed_for_permitted_users_only(county_user, officer_a):
    seen = []

    def rate(*, user, unit=None, year=None):
        seen.append((user.username, unit, year))
        return Rate(numerator=1, denominator=4)

    register_indicator("test.rate", rate, label="试用比率", permission="complaints.view_complaint", per_year=True)
    try:
        (result,) = [r for r in indicator_rates(user=county_user, year=2025) if r.key == "test.rate"]
        assert (result.label, result.percent, result.value, result.implausible) == ("试用比率", 25, 0.25, False)
        assert "test.rate" not in [r.key for r in indicator_rates(user=officer_a, year=2025)]
        assert seen == [("county", None, 2025)]
    finally:
        unregister_indicator("test.rate")


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent", "implausible"),
    [(0, 0, None, False), (0, 5, 0, False), (5, 5, 100, False), (2, 3, 67, False), (6, 5, None, True)],
)
def test_a_rate_above_100_percent_is_a_data_problem_not_a_score(numerator, denominator, percent, implausible):
    rate = Rate(numerator=numerator, denominator=denominator)
    assert (rate.percent, rate.implausible) == (percent, implausible)


def test_the_menu_is_worked_out_once_per_page_even_when_a_table_renders_its_own_context(
    client_for, county_user, monkeypatch
):
    from apps.core import context_processors

    calls = []
    real = context_processors.menu_for
    monkeypatch.setattr(context_processors, "menu_for", lambda user, **kw: calls.append(1) or real(user, **kw))
    page = client_for(county_user).get(reverse("branches:enterprise_list"))  # django-tables2 list
    assert page.status_code == 200 and f'href="{reverse("branches:enterprise_list")}"' in page.content.decode()
    assert calls == [1]


def test_a_page_that_shows_no_menu_does_not_work_it_out(client_for, chair_a, register, monkeypatch):  # noqa: F811
    import datetime

    from django.utils import timezone

    from apps.complaints.models import Complaint
    from apps.core import context_processors

    complaint = register(timezone.now() - datetime.timedelta(days=1))
    posted = {"status": "posted", "posted_text": "经调查……", "answered_at": timezone.now()}
    Complaint.objects.filter(pk=complaint.pk).update(**posted)
    calls = []
    monkeypatch.setattr(context_processors, "menu_for", lambda user, **kw: calls.append(1) or [])
    page = client_for(chair_a).get(reverse("complaints:posting_print", args=[complaint.pk]))
    assert page.status_code == 200 and "portal_menu" in page.context  # offered, never worked out
    assert calls == []


def test_the_menu_follows_the_language(county_user):
    from django.utils import translation

    with translation.override("en"):
        english = [item["label"] for item in menu_for(county_user)]
    with translation.override("zh-hans"):
        chinese = [item["label"] for item in menu_for(county_user)]
    assert "Members" in english and "Members" not in chinese


def test_every_menu_icon_is_in_the_locally_served_bootstrap_icons():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("bootstrap-icons/font/bootstrap-icons.min.css")).read_text()
    for item in navigation.registered_items():
        assert f".bi-{item.icon}::before" in css, item.url_name
