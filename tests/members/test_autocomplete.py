"""What the member and transfer-destination autocompletes offer to whom; the member forms still
refuse a union from outside the user's area."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.branches.models import OrgUnit
from apps.members.models import Member, MembershipTransfer
from apps.members.services import member_create

from .conftest import make_id

INVALID_CHOICE = "选择一个有效的选项"


def offered(client, name, q=""):
    response = client.post(reverse(name), {"q": q})
    assert response.status_code == 200
    return sorted(row["text"] for row in response.json()["results"])


@pytest.fixture
def people(unions):
    def add(union, name, serial):
        return member_create(
            user=None,
            union=union,
            real_name=name,
            id_number=make_id(serial=serial),
            join_date=datetime.date(2020, 1, 1),
            employment_form="regular",
            mobile=f"13912345{serial}",
        )

    return {
        "a": add(unions["a1"], "陈桂", "101"),
        "a2": add(unions["a2"], "陈明", "102"),
        "b": add(unions["b1"], "陈平", "103"),
    }


@pytest.mark.django_db
class TestMemberAutocomplete:
    name = "members:member_autocomplete"

    def test_a_chair_never_gets_another_townships_member(self, client_for, chair_a, chair_b, people):
        a = offered(client_for(chair_a), self.name, "陈")
        assert [label.split(" · ")[0] for label in a] == ["陈明", "陈桂"]
        assert offered(client_for(chair_a), self.name, "陈平") == []
        assert [label.split(" · ")[0] for label in offered(client_for(chair_b), self.name, "陈")] == ["陈平"]

    def test_county_staff_find_every_member_of_the_county(self, client_for, county_user, people):
        assert len(offered(client_for(county_user), self.name, "陈")) == 3

    def test_the_label_shows_the_masked_id_number_never_the_whole(self, client_for, chair_a, people):
        (label,) = offered(client_for(chair_a), self.name, "陈桂")
        member = people["a"]
        assert label == f"陈桂 · {member.id_masked} · 白塔化工建材厂工会"
        assert make_id(serial="101") not in label and "**" in label

    def test_the_same_box_as_the_member_list_mobile_and_whole_id_number(self, client_for, chair_a, chair_b, people):
        assert len(offered(client_for(chair_a), self.name, "13912345101")) == 1
        assert len(offered(client_for(chair_a), self.name, make_id(serial="101"))) == 1
        assert offered(client_for(chair_b), self.name, make_id(serial="101")) == []  # A's member, B's chair

    def test_an_empty_term_lists_nobody(self, client_for, county_user, people):
        assert offered(client_for(county_user), self.name, "") == []
        assert offered(client_for(county_user), self.name, "  ") == []

    def test_the_officer_sees_only_their_own_unions_members(self, client_for, officer_a, people):
        assert [label.split(" · ")[0] for label in offered(client_for(officer_a), self.name, "陈")] == ["陈桂"]


@pytest.mark.django_db
class TestTransferDestinations:
    name = "members:transfer_destination_autocomplete"

    def test_any_active_union_of_the_deployment_but_no_township(self, client_for, chair_a, unions, county_tree):
        OrgUnit.objects.filter(pk=unions["a2"].pk).update(archived_at=timezone.now())
        assert offered(client_for(chair_a), self.name) == sorted(["白塔化工建材厂工会", "平明太平洋石英制品工会"])
        assert offered(client_for(chair_a), self.name, "总工会") == []

    def test_the_officer_may_not_start_transfers(self, client_for, officer_a, unions):
        assert client_for(officer_a).post(reverse(self.name), {"q": ""}).status_code == 403


@pytest.mark.django_db
class TestFormsStillRefuseOutOfScopeIds:
    def test_member_create_refuses_another_townships_union(self, client_for, chair_a, unions):
        response = client_for(chair_a).post(
            reverse("members:member_create"),
            {
                "union": unions["b1"].pk,
                "real_name": "越界会员",
                "id_number": make_id(serial="201"),
                "join_date": "2026-01-05",
                "employment_form": "regular",
            },
        )
        assert response.status_code == 200
        assert INVALID_CHOICE in response.content.decode()
        assert not Member.objects.filter(real_name="越界会员").exists()

    def test_member_create_renders_the_union_autocomplete(self, client_for, county_user, unions):
        content = client_for(county_user).get(reverse("members:member_create")).content.decode()
        assert f'data-autocomplete-light-url="{reverse("branches:union_autocomplete")}"' in content
        union_select = content.split('name="union"')[1].split("</select>")[0]
        assert union_select.count("<option") == 1  # not the county's unions

    def test_transfer_refuses_a_township_or_an_archived_union(self, client_for, chair_a, member_a, unions, county_tree):
        OrgUnit.objects.filter(pk=unions["a2"].pk).update(archived_at=timezone.now())
        client = client_for(chair_a)
        url = reverse("members:transfer_start", kwargs={"pk": member_a.pk})
        for target in (county_tree["b"], unions["a2"], unions["a1"]):  # a township, archived, its own union
            response = client.post(url, {"to_union": target.pk, "reason": "换单位"})
            assert response.status_code == 200
            assert INVALID_CHOICE in response.content.decode()
        assert not MembershipTransfer.objects.exists()
        response = client.post(url, {"to_union": unions["b1"].pk, "reason": "换单位"})
        assert response.status_code == 302 and MembershipTransfer.objects.count() == 1

    def test_transfer_in_and_roster_upload_refuse_another_townships_union(self, client_for, chair_a, unions):
        client = client_for(chair_a)
        response = client.post(
            reverse("members:transfer_in"),
            {"id_number": make_id(serial="202"), "to_union": unions["b1"].pk, "reason": "现在本单位", "confirm": "on"},
        )
        assert response.status_code == 200 and INVALID_CHOICE in response.content.decode()
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            reverse("members:import_upload"),
            {"union": unions["b1"].pk, "file": SimpleUploadedFile("r.xlsx", b"PK\x03\x04")},
        )
        assert response.status_code == 200 and INVALID_CHOICE in response.content.decode()
