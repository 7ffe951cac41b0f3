"""Member pages: scoping on every URL and export, masking, reveal, the transfer offer, query counts."""

import datetime
import io
import re
from urllib.parse import quote, unquote

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from apps.members.models import IdNumberReveal, Member
from apps.members.services import member_create, transfer_request

from .conftest import make_id


@pytest.fixture
def member_b(unions):
    return member_create(
        user=None,
        union=unions["b1"],
        real_name="平明会员",
        id_number=make_id(serial="456"),
        join_date=datetime.date(2020, 1, 1),
        employment_form="migrant",
        mobile="13812345678",
    )


MEMBER_ROUTES = ["member_detail", "member_update", "member_archive", "transfer_start"]


@pytest.mark.django_db
class TestScoping:
    @pytest.mark.parametrize("route", MEMBER_ROUTES)
    def test_chair_gets_404_for_another_townships_member(self, client_for, chair_a, member_b, route):
        assert client_for(chair_a).get(reverse(f"members:{route}", kwargs={"pk": member_b.pk})).status_code == 404

    def test_reveal_of_another_townships_member_is_404_even_for_county_like_permission(
        self, client_for, chair_a, member_b
    ):
        from django.contrib.auth.models import Permission

        chair_a.user_permissions.add(Permission.objects.get(codename="reveal_id_number"))
        response = client_for(chair_a).post(reverse("members:member_reveal_id", kwargs={"pk": member_b.pk}))
        assert response.status_code == 404
        assert not IdNumberReveal.objects.exists()

    @pytest.mark.parametrize("route", MEMBER_ROUTES)
    def test_own_member_pages_open(self, client_for, chair_a, member_a, route):
        assert client_for(chair_a).get(reverse(f"members:{route}", kwargs={"pk": member_a.pk})).status_code == 200

    def test_list_and_export_hold_only_own_township_with_masked_ids_and_mobiles(
        self, client_for, chair_a, member_a, member_b
    ):
        client = client_for(chair_a)
        content = client.get(reverse("members:member_list")).content.decode()
        assert "陈桂" in content and "平明会员" not in content
        assert make_id() not in content and member_a.id_masked in content
        sheet = load_workbook(io.BytesIO(client.get(reverse("members:member_export")).content)).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert [r[0] for r in rows] == ["陈桂"]
        assert rows[0][2] == member_a.id_masked and rows[0][5] == "151****8929"

    def test_full_mobile_export_needs_the_permission(self, client_for, chair_a, county_user, member_a):
        url = reverse("members:member_export") + "?full=1"
        rows = list(load_workbook(io.BytesIO(client_for(chair_a).get(url).content)).active.iter_rows(values_only=True))
        assert rows[1][5] == "151****8929"
        rows = list(
            load_workbook(io.BytesIO(client_for(county_user).get(url).content)).active.iter_rows(values_only=True)
        )
        assert rows[1][5] == "15152758929"

    def test_search_by_card_number_and_by_whole_id(self, client_for, county_user, member_a, member_b):
        client = client_for(county_user)
        url = reverse("members:member_list")
        by_card = client.post(url, {"q": member_b.card_number}, follow=True).content.decode()
        assert "平明会员" in by_card and "陈桂" not in by_card
        by_id = client.post(url, {"q": make_id()}, follow=True).content.decode()
        assert "陈桂" in by_id and "平明会员" not in by_id


@pytest.mark.django_db
class TestSearchKeepsPersonalDataOutOfUrls:
    """Names, card numbers, mobiles and ID numbers are posted; the URL carries an opaque token."""

    @pytest.mark.parametrize("what", ["real_name", "card_number", "mobile", "id_number"])
    def test_the_search_posts_and_no_url_carries_the_terms(self, client_for, county_user, member_a, member_b, what):
        term = make_id() if what == "id_number" else getattr(member_a, what)
        client = client_for(county_user)
        url = reverse("members:member_list")
        response = client.post(url, {"q": term, "status": "active"})
        assert response.status_code == 302
        location = response["Location"]
        assert term not in location and quote(term) not in location
        assert "status=active" in location  # filters that are not personal data stay readable
        page = client.get(location)
        content = page.content.decode()
        assert "陈桂" in content and "平明会员" not in content
        # Every link on the page (pagination, sorting, export) carries the token, never the terms.
        for href in re.findall(r'href="([^"]*)"', content):
            assert term not in unquote(href), href
        assert 'method="post"' in content and f'value="{term}"' in content

    def test_export_applies_exactly_the_searched_filter(self, client_for, county_user, member_a, member_b):
        client = client_for(county_user)
        location = client.post(reverse("members:member_list"), {"q": member_b.card_number})["Location"]
        query = location.split("?", 1)[1]
        sheet = load_workbook(io.BytesIO(client.get(f"{reverse('members:member_export')}?{query}").content)).active
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["平明会员"]

    def test_sorting_and_paging_keep_the_search(self, client_for, county_user, member_a, member_b):
        client = client_for(county_user)
        location = client.post(reverse("members:member_list"), {"q": "平明会员"})["Location"]
        content = client.get(f"{location}&sort=-real_name&page=1").content.decode()
        assert "平明会员" in content and "陈桂" not in content

    def test_a_url_with_the_terms_in_the_clear_is_redirected_to_a_token(self, client_for, county_user, member_a):
        client = client_for(county_user)
        for url in (reverse("members:member_list"), reverse("members:member_export")):
            response = client.get(url, {"q": make_id(), "status": "active"})
            assert response.status_code == 302
            assert make_id() not in response["Location"] and response["Location"].startswith(url)
        content = client.get(client.get(reverse("members:member_list"), {"q": "陈桂"})["Location"]).content.decode()
        assert "陈桂" in content

    def test_a_token_from_another_session_finds_nothing_and_exports_nothing(
        self, client, county_user, member_a, member_b
    ):
        client.force_login(county_user)
        location = client.post(reverse("members:member_list"), {"q": member_b.card_number})["Location"]
        query = location.split("?", 1)[1]
        client.logout()
        client.force_login(county_user)
        page = client.get(location).content.decode()
        assert "该查询已失效" in page
        export = client.get(f"{reverse('members:member_export')}?{query}")
        # Never the whole scope instead of the search: refused, back to the list.
        assert export.status_code == 302 and export["Location"] == reverse("members:member_list")

    def test_the_background_export_gets_the_terms_not_the_token(
        self, client_for, county_user, member_a, member_b, settings, django_capture_on_commit_callbacks
    ):
        from apps.core.models import ExportJob

        settings.EXPORT_WAIT_MAX_ROWS = 0
        client = client_for(county_user)
        location = client.post(reverse("members:member_list"), {"q": member_b.card_number})["Location"]
        with django_capture_on_commit_callbacks(execute=True):
            client.get(f"{reverse('members:member_export')}?{location.split('?', 1)[1]}")
        job = ExportJob.objects.get()
        sheet = load_workbook(io.BytesIO(bytes(job.content))).active
        assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["平明会员"]


@pytest.mark.django_db
class TestPages:
    def test_reveal_shows_the_whole_number_once_and_records_it(self, client_for, county_user, member_a):
        client = client_for(county_user)
        detail = client.get(member_a.get_absolute_url()).content.decode()
        assert make_id() not in detail
        response = client.post(reverse("members:member_reveal_id", kwargs={"pk": member_a.pk}))
        assert make_id() in response.content.decode() and response["Cache-Control"] == "no-store"
        assert IdNumberReveal.objects.get().user == county_user

    def test_chair_without_the_permission_cannot_reveal(self, client_for, chair_a, member_a):
        assert (
            client_for(chair_a).post(reverse("members:member_reveal_id", kwargs={"pk": member_a.pk})).status_code == 403
        )

    def test_entering_a_registered_id_offers_a_transfer_instead(self, client_for, chair_a, member_b, unions):
        client = client_for(chair_a)
        response = client.post(
            reverse("members:member_create"),
            {
                "union": unions["a1"].pk,
                "real_name": "平明会员",
                "id_number": make_id(serial="456"),
                "join_date": "2026-01-05",
                "employment_form": "migrant",
            },
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert 'data-testid="offer-transfer"' in content and "一人只入会一次" in content
        assert Member.objects.count() == 1
        response = client.post(
            reverse("members:transfer_in"),
            {
                "id_number": make_id(serial="456"),
                "to_union": unions["a1"].pk,
                "reason": "已在本单位就业",
                "confirm": "on",
            },
        )
        assert response.status_code == 302
        # Another township's member: a request to the releasing side, not a move.
        member_b.refresh_from_db()
        assert member_b.union == unions["b1"] and member_b.status == "transferring"
        assert member_b.transfers.get().direction == "pull"

    def test_create_form_with_bad_input_shows_chinese_errors_and_saves_nothing(self, client_for, chair_a, unions):
        response = client_for(chair_a).post(
            reverse("members:member_create"),
            {
                "union": unions["a1"].pk,
                "real_name": "",
                "id_number": "3.2072219850315e+17",
                "join_date": "2026-13-01",
                "employment_form": "regular",
            },
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert "这个字段是必填项" in content and "有效的日期" in content
        assert not Member.objects.exists()

    def test_pending_transfer_is_accepted_by_the_receiving_township(
        self, client_for, chair_a, chair_b, member_a, unions
    ):
        transfer = transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
        assert (
            client_for(chair_a).post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk})).status_code == 404
        )
        page = client_for(chair_b).get(reverse("members:transfer_list")).content.decode()
        assert "陈桂" in page
        assert (
            client_for(chair_b).post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk})).status_code == 302
        )
        member_a.refresh_from_db()
        assert member_a.union == unions["b1"]

    def test_enrolment_rate_on_the_township_page(self, client_for, chair_a, member_a, county_tree):
        from apps.branches.demo import demo_credit_code
        from apps.branches.services import enterprise_register

        enterprise_register(
            user=chair_a,
            township=county_tree["a"],
            name="白塔化工建材厂",
            credit_code=demo_credit_code(600),
            ownership="private",
            employee_count=4,
            union=county_tree["union_a"],
        )
        page = client_for(chair_a).get(county_tree["a"].get_absolute_url()).content.decode()
        assert 'data-testid="enrolment"' in page and "25%" in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 400])
def test_member_list_and_detail_cost_the_same_at_any_size(
    client_for, county_user, unions, count, django_assert_max_num_queries
):
    from apps.members.idnumbers import check_character

    members = []
    for i in range(count):
        first17 = f"320722199001{(i % 28) + 1:02d}{i:03d}"[:17]
        number = first17 + check_character(first17)
        members.append(
            Member(
                union=unions["a1"],
                real_name=f"会员{i}",
                id_number=number,
                id_hash=f"{i:064d}",
                id_masked="x",
                sex="male",
                birth_date=datetime.date(1990, 1, 1),
                employment_form="regular",
                join_date=datetime.date(2020, 1, 1),
                card_number=f"T{i:08d}",
            )
        )
    Member.objects.bulk_create(members)
    client = client_for(county_user)
    client.get(reverse("overview:home"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("members:member_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(members[0].get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_admin_member_search_keeps_the_terms_out_of_urls(admin_client, member_a, member_b):
    url = reverse("admin:members_member_changelist")
    for term in (member_a.mobile, member_a.real_name, member_a.card_number):
        response = admin_client.get(url, {"q": term})
        assert response.status_code == 302
        location = response["Location"]
        assert term not in unquote(location) and location.startswith(url)
        content = admin_client.get(location).content.decode()
        assert "陈桂" in content and "平明会员" not in content
        for href in re.findall(r'href="([^"]*)"', content):
            assert term not in unquote(unquote(href)), href
    # A token of another session finds nothing rather than everything.
    admin_client.logout()
    admin_client.force_login(get_user_model().objects.get(is_superuser=True))
    content = admin_client.get(location).content.decode()
    assert "该查询已失效" in content
