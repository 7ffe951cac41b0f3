"""Members in Django admin: details through member_update; union, status and transfers never by hand."""

import datetime

import pytest
from django.urls import reverse

from apps.core.history import object_history
from apps.members.models import Member, MembershipTransfer
from apps.members.services import member_archive, member_update, transfer_request


def _post(member, **overrides):
    data = {
        "real_name": member.real_name,
        "ethnicity": "",
        "education": "",
        "political_status": "",
        "mobile": member.mobile,
        "employment_form": member.employment_form,
    }
    return {**data, **overrides}


@pytest.mark.django_db
class TestMemberAdmin:
    def test_a_change_goes_through_member_update_as_the_admin_user(self, admin_client, admin_user, member_a):
        url = reverse("admin:members_member_change", args=[member_a.pk])
        response = admin_client.post(url, _post(member_a, real_name=" 陈桂芳 ", mobile="+86 139 0013 9000"))
        assert response.status_code == 302, response.content.decode()[:2000]
        member_a.refresh_from_db()
        assert (member_a.real_name, member_a.mobile) == ("陈桂芳", "13900139000")
        assert object_history(member_a)[0].who == admin_user.username

    def test_a_crafted_post_cannot_move_or_archive_a_member(self, admin_client, member_a, unions):
        url = reverse("admin:members_member_change", args=[member_a.pk])
        response = admin_client.post(
            url,
            _post(
                member_a,
                union=unions["b1"].pk,
                status="deceased",
                left_on="2024-01-01",
                card_number="X1",
                join_date="2001-01-01",
            ),
        )
        assert response.status_code == 302
        member_a.refresh_from_db()
        assert member_a.union == unions["a1"] and member_a.status == "active" and member_a.left_on is None
        assert member_a.card_number != "X1" and member_a.join_date == datetime.date(2019, 9, 19)
        page = admin_client.get(url).content.decode()
        assert 'name="union"' not in page and 'name="status"' not in page

    def test_the_mobile_rule_holds_in_admin(self, admin_client, member_a):
        url = reverse("admin:members_member_change", args=[member_a.pk])
        response = admin_client.post(url, _post(member_a, mobile="1381234567"))
        assert response.status_code == 200
        assert "手机号码应为以 1 开头的 11 位数字" in response.content.decode()
        member_a.refresh_from_db()
        assert member_a.mobile == "15152758929"


@pytest.mark.django_db
class TestTransfersAreViewOnly:
    def test_no_add_and_no_change(self, admin_client, member_a, unions, chair_a):
        assert admin_client.get(reverse("admin:members_membershiptransfer_add")).status_code == 403
        before = MembershipTransfer.objects.count()
        admin_client.post(
            reverse("admin:members_membershiptransfer_add"),
            {"member": member_a.pk, "from_union": unions["a1"].pk, "to_union": unions["b1"].pk, "reason": "x"},
        )
        assert MembershipTransfer.objects.count() == before
        transfer = transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
        change = reverse("admin:members_membershiptransfer_change", args=[transfer.pk])
        page = admin_client.get(change)
        assert page.status_code == 200 and 'name="status"' not in page.content.decode()  # view only
        admin_client.post(change, {"status": "accepted"})
        transfer.refresh_from_db()
        assert transfer.status == "pending"


@pytest.mark.django_db
def test_member_writes_without_a_request_record_the_user(chair_a, member_a):
    member_update(user=chair_a, member=member_a, education="大专")
    assert object_history(member_a)[0].who == "白塔埠镇工会主席"
    member_archive(user=chair_a, member=member_a, status="left", left_on=datetime.date(2024, 1, 1), reason="调离")
    rows = object_history(Member.objects.get(pk=member_a.pk))
    assert [row.who for row in rows[:3]] == [
        "白塔埠镇工会主席",
        "白塔埠镇工会主席",
        "系统",
    ]  # created by the fixture (user=None)


@pytest.mark.django_db
def test_the_expiry_of_a_request_is_recorded_as_the_system(chair_b, member_a, unions):
    from django.conf import settings
    from django.utils import timezone

    from apps.members.services import transfer_expire_requests, transfer_in
    from tests.members.conftest import make_id

    transfer, _visible = transfer_in(user=chair_b, id_number=make_id(), to_union=unions["b1"], reason="调入新单位")
    assert object_history(transfer)[0].who == "平明镇工会主席"
    days = settings.MEMBER_TRANSFER_REQUEST_DAYS + 1
    MembershipTransfer.objects.filter(pk=transfer.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    assert transfer_expire_requests() == [transfer.pk]
    assert object_history(transfer)[0].who == "系统"
    assert object_history(Member.objects.get(pk=member_a.pk))[0].who == "系统"
