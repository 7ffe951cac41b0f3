"""The re-employment pages beyond the view-check base: query counts equal at two sizes, refusals
shown in Chinese on the forms (never a 500), the report's Excel rows, the panels."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.reemployment import services
from apps.reemployment.choices import HelpKind
from apps.reemployment.models import ReemploymentHelp
from tests.factories import MemberFactory

from .conftest import make_base, person_id, register_member, register_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_to_collection_day")]

TODAY = timezone.localdate()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _queries(client, url) -> int:
    client.get(url)  # warms the session and the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _cases(world, n):
    for _ in range(n):
        register_member(MemberFactory(union=world.tree["union_a"]))
        register_person(world, "b")


def _bases(world, n):
    for i in range(n):
        make_base(world, "a", name=f"基地{i}-{make_base.__name__}{TODAY}{n}", places=3)


@pytest.mark.parametrize(
    "name, add, counted",
    [
        # County staff see 60 cases (a full first page of 50: one capped count is added), a chair 30.
        ("reemployment:case_list", _cases, {"county": 1, "chair": 0}),
        ("reemployment:base_list", _bases, {"county": 0, "chair": 0}),
        ("reemployment:report", _cases, {"county": 0, "chair": 0}),
        ("reemployment:targets", _cases, {"county": 0}),
    ],
)
def test_a_page_costs_the_same_queries_at_3_and_at_30_rows(reemp_world, name, add, counted):
    w = reemp_world
    url = reverse(name)
    roles = ["county"] if name == "reemployment:targets" else ["county", "chair"]
    add(w, 3)
    small = {role: _queries(_client(w.users[role]), url) for role in roles}
    add(w, 27)
    large = {role: _queries(_client(w.users[role]), url) for role in roles}
    assert large == {role: n + counted[role] for role, n in small.items()}


def test_the_last_place_refused_on_the_form_in_chinese(reemp_world):
    w = reemp_world
    base = make_base(w, places=1)
    first, second = (register_member(m) for m in w.members_a[:2])
    services.help_give(user=None, case=first, kind=HelpKind.BASE, given_on=TODAY, base=base)
    response = _client(w.chair).post(
        reverse("reemployment:help_create", kwargs={"pk": second.pk}),
        {"kind": "base", "given_on": TODAY.isoformat(), "base": base.pk},
    )
    assert response.status_code == 200
    assert "岗位已全部安置" in response.content.decode()
    assert not ReemploymentHelp.objects.filter(case=second).exists()


def test_a_bad_id_number_and_a_second_open_case_are_refused_in_chinese(reemp_world):
    w = reemp_world
    client = _client(w.chair)
    data = {
        "township": w.tree["a"].pk,
        "person_name": "张三",
        "id_number": "12345",
        "registered_on": TODAY.isoformat(),
        "reason": "unemployed",
    }
    response = client.post(reverse("reemployment:case_register"), data)
    assert response.status_code == 200 and "长度应为 18 位" in response.content.decode()
    register_member(w.members_a[0])
    response = client.post(
        reverse("reemployment:case_register") + f"?member={w.members_a[0].pk}",
        {"registered_on": TODAY.isoformat(), "reason": "laid_off"},
    )
    assert response.status_code == 200 and "已有一条求职中" in response.content.decode()


def test_a_chair_cannot_register_another_townships_member(reemp_world):
    w = reemp_world
    url = reverse("reemployment:case_register") + f"?member={w.members_b[0].pk}"
    assert _client(w.chair).get(url).status_code == 404
    assert _client(w.county_user).get(url).status_code == 200


def test_the_report_exports_its_rows_to_excel(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0])
    services.case_employed(user=None, case=case, employed_on=TODAY, employer_name="苏果超市")
    services.target_set(user=None, township=w.tree["a"], year=TODAY.year, persons=4)
    response = _client(w.county_user).get(reverse("reemployment:report_export") + f"?year={TODAY.year}")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("所属乡镇", "登记人数", "已再就业")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["白塔埠镇总工会"][1:7] == (1, 1, 0, 0, 4, 25)
    assert by_name["合计"][1:3] == (1, 1)


def test_the_member_page_shows_their_cases(reemp_world):
    w = reemp_world
    case = register_member(w.members_a[0])
    page = _client(w.chair).get(reverse("members:member_detail", kwargs={"pk": w.members_a[0].pk})).content.decode()
    assert 'data-testid="reemployment-panel"' in page and case.get_absolute_url() in page
    assert "register-reemployment" not in page  # an open case: nothing to register
    other = _client(w.chair).get(reverse("members:member_detail", kwargs={"pk": w.members_a[1].pk})).content.decode()
    assert "register-reemployment" in other


def test_the_township_page_gets_links_only(reemp_world):
    w = reemp_world
    page = _client(w.chair).get(reverse("branches:orgunit_detail", kwargs={"pk": w.tree["a"].pk})).content.decode()
    assert 'data-testid="reemployment-area-links"' in page
    assert f"?township={w.tree['a'].pk}" in page


def test_a_non_member_is_shown_masked(reemp_world):
    w = reemp_world
    number = person_id()
    case = register_person(w, id_number=number)
    for url in (reverse("reemployment:case_list"), case.get_absolute_url()):
        page = _client(w.chair).get(url).content.decode()
        assert number not in page and case.id_masked in page
