"""The registration form (会员登记表) and a union's roster (花名册), printed from the browser."""

import datetime

import pytest
from django.urls import reverse

from apps.members.models import IdNumberReveal
from apps.members.selectors import ROSTER_PRINT_ROWS
from apps.members.services import member_archive, member_create, transfer_request

from .conftest import make_id


def add_members(union, count, *, surname="张", birth="19850315"):
    return [
        member_create(
            user=None,
            union=union,
            real_name=f"{surname}{serial}",
            id_number=make_id(birth=birth, serial=f"{serial:03d}"),
            join_date=datetime.date(2020, 1, 1),
            employment_form="regular",
        )
        for serial in range(count)
    ]


def _print_url(member):
    return reverse("members:member_print", kwargs={"pk": member.pk})


def _roster_url(union):
    return reverse("members:roster_print", kwargs={"pk": union.pk})


@pytest.mark.django_db
class TestRegistrationForm:
    def test_from_the_members_page_with_the_id_masked(self, client_for, member_a, chair_a):
        client = client_for(chair_a)
        assert _print_url(member_a) in client.get(member_a.get_absolute_url()).content.decode()
        content = client.get(_print_url(member_a)).content.decode()
        assert "工会会员登记表" in content and "陈桂" in content and member_a.card_number in content
        assert member_a.id_masked in content and member_a.id_number not in content
        assert "15152758929" not in content  # the mobile as the member's page shows it
        assert 'data-testid="print-whole"' not in content  # a chair may not reveal
        assert not IdNumberReveal.objects.exists()

    def test_the_whole_number_is_printed_on_request_and_recorded(self, client_for, member_a, county_user):
        client = client_for(county_user)
        content = client.get(_print_url(member_a)).content.decode()
        assert member_a.id_number not in content and 'data-testid="print-whole"' in content
        assert not IdNumberReveal.objects.exists()  # looking at the masked form records nothing
        response = client.post(reverse("members:member_print_whole", kwargs={"pk": member_a.pk}))
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert member_a.id_number in response.content.decode()
        assert IdNumberReveal.objects.filter(member=member_a, user=county_user).count() == 1
        assert client.get(reverse("members:member_print_whole", kwargs={"pk": member_a.pk})).status_code == 405

    def test_a_chair_cannot_print_the_whole_number(self, client_for, member_a, chair_a):
        response = client_for(chair_a).post(reverse("members:member_print_whole", kwargs={"pk": member_a.pk}))
        assert response.status_code == 403 and not IdNumberReveal.objects.exists()

    def test_out_of_scope_is_404(self, client_for, member_a, chair_b):
        assert client_for(chair_b).get(_print_url(member_a)).status_code == 404


@pytest.mark.django_db
class TestRoster:
    def test_all_active_members_in_pages(self, client_for, unions, chair_a):
        members = add_members(unions["a1"], ROSTER_PRINT_ROWS * 2 + 5)
        member_archive(user=None, member=members[0], status="left", left_on=datetime.date(2025, 1, 1), reason="离职")
        transfer_request(user=chair_a, member=members[1], to_union=unions["b1"], reason="调动")
        add_members(
            unions["a2"], 3, surname="李", birth="19900101"
        )  # another union of the township: not on this roster
        content = client_for(chair_a).get(_roster_url(unions["a1"])).content.decode()
        assert content.count('data-testid="roster-page"') == 3
        assert content.count('data-testid="roster-row"') == ROSTER_PRINT_ROWS * 2 + 4
        assert "共 3 页" in content and "第 3 页" in content
        assert members[0].real_name + "<" not in content  # archived: left
        assert "接转中" in content  # transferring: still theirs
        assert "李0" not in content
        assert members[2].id_masked in content and members[2].id_number not in content

    def test_an_empty_union_prints_one_page_saying_so(self, client_for, unions, chair_a):
        content = client_for(chair_a).get(_roster_url(unions["a2"])).content.decode()
        assert "没有在册会员" in content

    def test_from_the_union_page_and_the_filtered_member_list(self, client_for, unions, chair_a):
        client = client_for(chair_a)
        url = _roster_url(unions["a1"])
        union_page = client.get(reverse("branches:orgunit_detail", kwargs={"pk": unions["a1"].pk})).content.decode()
        assert url in union_page
        township_page = client.get(reverse("branches:orgunit_detail", kwargs={"pk": unions["a1"].get_parent().pk}))
        assert 'data-testid="roster-panel"' not in township_page.content.decode()
        listing = client.get(reverse("members:member_list"), {"union": unions["a1"].pk}).content.decode()
        assert url in listing
        assert 'data-testid="roster-print"' not in client.get(reverse("members:member_list")).content.decode()

    def test_out_of_scope_and_not_a_union_are_404(self, client_for, unions, chair_b, chair_a):
        assert client_for(chair_b).get(_roster_url(unions["a1"])).status_code == 404
        assert client_for(chair_a).get(_roster_url(unions["a1"].get_parent())).status_code == 404

    def test_one_query_for_the_members_whatever_their_number(self, client_for, unions, chair_a):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = client_for(chair_a)
        client.get(_roster_url(unions["a1"]))  # warm up (session, permissions)
        add_members(unions["a1"], 3, birth="19900101")
        with CaptureQueriesContext(connection) as few:
            client.get(_roster_url(unions["a1"]))
        add_members(unions["a1"], 30, surname="王", birth="19910101")
        with CaptureQueriesContext(connection) as many:
            client.get(_roster_url(unions["a1"]))
        assert len(few) == len(many)


@pytest.mark.django_db
def test_the_prints_show_the_code_lists_labels_and_the_workplace(client_for, unions, chair_a):
    from tests.factories import EnterpriseFactory

    workplace = EnterpriseFactory(township=unions["a1"].get_parent(), union=unions["a1"], name="白塔测试机械厂")
    member = member_create(
        user=None,
        union=unions["a1"],
        real_name="马晓",
        id_number=make_id(birth="19900101", serial="321"),
        join_date=datetime.date(2020, 1, 1),
        employment_form="regular",
        ethnicity="03",
        education="20",
        political_status="01",
        workplace=workplace,
    )
    client = client_for(chair_a)
    form = client.get(_print_url(member)).content.decode()
    assert 'data-testid="print-ethnicity">回族<' in form
    assert 'data-testid="print-education">大学本科<' in form
    assert 'data-testid="print-political-status">中共党员<' in form
    assert 'data-testid="print-workplace">白塔测试机械厂<' in form
    roster = client.get(_roster_url(unions["a1"])).content.decode()
    assert all(f"<td>{label}</td>" in roster for label in ("回族", "大学本科", "中共党员"))
    assert not any(f"<td>{code}</td>" in roster for code in ("03", "20", "01"))
