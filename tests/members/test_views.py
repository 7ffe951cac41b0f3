"""Member pages: scoping on every URL and export, masking, reveal, the transfer offer, query counts."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.members.models import IdNumberReveal, Member
from apps.members.services import member_create, transfer_request

from .conftest import make_id


@pytest.fixture
def member_b(unions):
    return member_create(
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
        by_card = client.get(reverse("members:member_list"), {"q": member_b.card_number}).content.decode()
        assert "平明会员" in by_card and "陈桂" not in by_card
        by_id = client.get(reverse("members:member_list"), {"q": make_id()}).content.decode()
        assert "陈桂" in by_id and "平明会员" not in by_id


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
