"""更正身份证号码: county staff only, with a reason; checked again, unique, recorded in the history
(masked) and the reveal log."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.errors import ApplicationError
from apps.members.choices import IdNumberAccess
from apps.members.idnumbers import mask_id_number
from apps.members.models import IdNumberReveal, Member
from apps.members.selectors import id_hash_of, member_by_id_number, member_history
from apps.members.services import member_correct_id_number, member_create
from tests.members.conftest import make_id

# The member_a fixture's number, with the birth date typed wrong (1985-03-15 instead of 1985-03-16).
RIGHT = make_id(birth="19850316", serial="124")


@pytest.mark.django_db
class TestService:
    def test_county_staff_correct_a_number_and_it_is_recorded_without_the_clear_number(self, county_user, member_a):
        wrong = member_a.id_number
        member = member_correct_id_number(user=county_user, member=member_a, id_number=RIGHT, reason="出生日期录错")
        member.refresh_from_db()
        assert (member.id_number, member.id_hash, member.id_masked) == (RIGHT, id_hash_of(RIGHT), mask_id_number(RIGHT))
        assert member.birth_date == datetime.date(1985, 3, 16) and member.sex == "female"
        assert member_by_id_number(RIGHT) == member and member_by_id_number(wrong) is None
        log = IdNumberReveal.objects.get(member=member)
        assert (log.user, log.purpose, log.reason) == (county_user, IdNumberAccess.CORRECT, "出生日期录错")
        history = member_history(member, user=county_user)
        text = repr([row.changes for row in history])
        assert mask_id_number(RIGHT) in text and mask_id_number(wrong) in text
        assert RIGHT not in text and wrong not in text and member.id_hash not in text
        assert history[0].who == county_user.real_name

    @pytest.mark.parametrize(
        ("number", "reason", "field", "words"),
        [
            ("32072219850316124", "录错", "id_number", "18"),  # one character short
            (make_id(birth="19850316", serial="124")[:-1] + "0", "录错", "id_number", "校验"),
            (RIGHT, "  ", "reason", "更正原因"),
            (make_id(birth="20210101", serial="124"), "录错", None, "入会时间"),  # born after joining
        ],
    )
    def test_a_bad_correction_is_refused_in_chinese_and_nothing_changes(
        self, county_user, member_a, number, reason, field, words
    ):
        before = Member.objects.values().get(pk=member_a.pk)
        with pytest.raises(ValidationError) as caught:
            member_correct_id_number(user=county_user, member=member_a, id_number=number, reason=reason)
        messages = caught.value.message_dict[field] if field else caught.value.messages
        assert any(words in m for m in messages), messages
        assert Member.objects.values().get(pk=member_a.pk) == before
        assert not IdNumberReveal.objects.exists()

    def test_the_same_number_is_not_a_correction(self, county_user, member_a):
        with pytest.raises(ValidationError, match="相同"):
            member_correct_id_number(user=county_user, member=member_a, id_number=member_a.id_number, reason="x")

    def test_a_number_of_another_member_is_refused_naming_them_only_to_who_may_see_them(
        self, county_user, chair_a, member_a, unions
    ):
        other = member_create(
            user=None,
            union=unions["b1"],
            real_name="李四",
            id_number=RIGHT,
            join_date=datetime.date(2020, 1, 1),
            employment_form="regular",
        )
        with pytest.raises(ValidationError) as caught:
            member_correct_id_number(user=county_user, member=member_a, id_number=RIGHT, reason="录错")
        message = caught.value.message_dict["id_number"][0]
        assert message.startswith("该身份证号已属于本县另一名会员")
        assert "李四" in message and other.card_number in message
        # A township user given the permission does not see township B's member: not named.
        chair_a.user_permissions.add(Permission.objects.get(codename="correct_id_number"))
        chair_a = type(chair_a).objects.get(pk=chair_a.pk)
        with pytest.raises(ValidationError) as caught:
            member_correct_id_number(user=chair_a, member=member_a, id_number=RIGHT, reason="录错")
        message = caught.value.message_dict["id_number"][0]
        assert "另一名会员" in message and "李四" not in message and other.card_number not in message
        member_a.refresh_from_db()
        assert member_a.id_number != RIGHT and not IdNumberReveal.objects.exists()

    def test_only_with_the_permission(self, chair_a, member_a):
        with pytest.raises(ApplicationError):
            member_correct_id_number(user=chair_a, member=member_a, id_number=RIGHT, reason="录错")


@pytest.mark.django_db
class TestPage:
    def test_county_staff_correct_through_the_page(self, client_for, county_user, member_a):
        client = client_for(county_user)
        page = client.get(member_a.get_absolute_url()).content.decode()
        assert reverse("members:member_correct_id", args=[member_a.pk]) in page
        url = reverse("members:member_correct_id", args=[member_a.pk])
        response = client.get(url)
        assert response.status_code == 200 and member_a.id_number not in response.content.decode()
        response = client.post(url, {"id_number": "12345", "reason": "录错"})
        assert response.status_code == 200 and "身份证" in response.content.decode()
        response = client.post(url, {"id_number": RIGHT, "reason": "出生日期录错"})
        assert response.status_code == 302
        member_a.refresh_from_db()
        assert member_a.id_number == RIGHT
        page = client.get(member_a.get_absolute_url()).content.decode()
        assert "身份证号码更正记录" in page and "出生日期录错" in page and RIGHT not in page

    def test_township_staff_have_no_button_and_no_page(self, client_for, chair_a, member_a):
        client = client_for(chair_a)
        url = reverse("members:member_correct_id", args=[member_a.pk])
        assert url not in client.get(member_a.get_absolute_url()).content.decode()
        assert client.get(url).status_code == 403
        assert client.post(url, {"id_number": RIGHT, "reason": "录错"}).status_code == 403

    def test_a_member_out_of_the_users_area_is_404(self, client_for, chair_b, member_a):
        chair_b.user_permissions.add(Permission.objects.get(codename="correct_id_number"))
        client = client_for(chair_b)
        url = reverse("members:member_correct_id", args=[member_a.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"id_number": RIGHT, "reason": "录错"}).status_code == 404
        member_a.refresh_from_db()
        assert member_a.id_number != RIGHT and not IdNumberReveal.objects.exists()


def test_county_staff_have_the_permission_by_role():
    from apps.accounts.roles import COUNTY_STAFF, GRASSROOTS_OFFICER, ROLE_PERMISSIONS, TOWNSHIP_STAFF

    assert "members.correct_id_number" in ROLE_PERMISSIONS[COUNTY_STAFF]
    assert "members.correct_id_number" not in ROLE_PERMISSIONS[TOWNSHIP_STAFF] + ROLE_PERMISSIONS[GRASSROOTS_OFFICER]
