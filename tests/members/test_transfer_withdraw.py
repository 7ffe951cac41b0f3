"""撤回: the releasing side withdraws a pending transfer; the receiving side may look at the member
of a transfer waiting for it (not change them), and no longer once it is withdrawn or refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.errors import ApplicationError
from apps.core.history import object_history
from apps.core.models import Notification
from apps.members.models import MembershipTransfer
from apps.members.selectors import member_list, member_viewable_list
from apps.members.services import transfer_accept, transfer_cancel, transfer_in, transfer_reject, transfer_request

from .conftest import make_id


@pytest.fixture
def sent(member_a, unions, chair_a):
    """Township A's chair sends 陈桂 to township B's union: waiting for township B."""
    return transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")


def _pending_member_url(member):
    return reverse("members:member_detail", kwargs={"pk": member.pk})


@pytest.mark.django_db
class TestWithdrawService:
    def test_the_releasing_side_withdraws_with_a_reason(self, sent, member_a, chair_a, chair_b):
        before = len(object_history(sent))
        transfer = transfer_cancel(user=chair_a, transfer=sent, reason="职工未到新单位报到")
        member_a.refresh_from_db()
        assert (transfer.status, transfer.decided_by, member_a.status, member_a.union_id) == (
            "cancelled",
            chair_a,
            "active",
            sent.from_union.pk,
        )
        assert transfer.decision_note == "发起方撤回：职工未到新单位报到"
        notice = Notification.objects.get(recipient=chair_b, title__contains="已撤回")
        assert "职工未到新单位报到" in notice.body and member_a.id_masked not in notice.title + notice.body
        history = object_history(MembershipTransfer.objects.get(pk=sent.pk))
        assert len(history) == before + 1
        # The display name (姓名), never the login name.
        assert chair_a.real_name and chair_a.real_name != chair_a.get_username()
        assert history[0].who == chair_a.real_name

    def test_the_reason_is_optional(self, sent, chair_a):
        assert transfer_cancel(user=chair_a, transfer=sent).decision_note == "发起方撤回"

    def test_the_receiving_side_cannot_withdraw(self, sent, chair_b):
        with pytest.raises(ApplicationError, match="发起方"):
            transfer_cancel(user=chair_b, transfer=sent)
        sent.refresh_from_db()
        assert sent.status == "pending"

    @pytest.mark.parametrize("settle", ["accept", "reject", "cancel"])
    def test_refused_when_not_pending(self, sent, chair_a, chair_b, settle):
        if settle == "accept":
            transfer_accept(user=chair_b, transfer=sent)
        elif settle == "reject":
            transfer_reject(user=chair_b, transfer=sent, note="查无此人")
        else:
            transfer_cancel(user=chair_a, transfer=sent)
        with pytest.raises(ApplicationError, match="已经办结"):
            transfer_cancel(user=chair_a, transfer=sent, reason="再撤一次")

    def test_a_reason_too_long_is_refused_and_nothing_changes(self, sent, chair_a, member_a):
        with pytest.raises(ValidationError):
            transfer_cancel(user=chair_a, transfer=sent, reason="长" * 201)
        sent.refresh_from_db()
        member_a.refresh_from_db()
        assert (sent.status, member_a.status) == ("pending", "transferring")


@pytest.mark.django_db
class TestWithdrawView:
    def test_the_releasing_chair_withdraws_from_the_list_with_a_reason(self, client_for, sent, chair_a):
        page = client_for(chair_a).get(reverse("members:transfer_list")).content.decode()
        assert 'data-testid="transfer-cancel"' in page and 'name="reason"' in page
        response = client_for(chair_a).post(
            reverse("members:transfer_cancel", kwargs={"pk": sent.pk}), {"reason": "填错了接收单位"}
        )
        assert response.status_code == 302
        sent.refresh_from_db()
        assert (sent.status, sent.decision_note) == ("cancelled", "发起方撤回：填错了接收单位")
        page = client_for(chair_a).get(reverse("members:transfer_list")).content.decode()
        assert "填错了接收单位" in page

    def test_the_receiving_chair_is_offered_no_withdrawal_and_cannot_post_one(self, client_for, sent, chair_b):
        page = client_for(chair_b).get(reverse("members:transfer_list")).content.decode()
        assert 'data-testid="transfer-cancel"' not in page
        client_for(chair_b).post(reverse("members:transfer_cancel", kwargs={"pk": sent.pk}))
        sent.refresh_from_db()
        assert sent.status == "pending"

    def test_a_reason_too_long_is_a_chinese_message_not_a_500(self, client_for, sent, chair_a):
        response = client_for(chair_a).post(
            reverse("members:transfer_cancel", kwargs={"pk": sent.pk}), {"reason": "长" * 201}, follow=True
        )
        assert response.status_code == 200
        assert "撤回原因最多 200 个字" in response.content.decode()
        sent.refresh_from_db()
        assert sent.status == "pending"

    def test_out_of_scope_is_404(self, client_for, sent, roles, county_tree):
        from apps.accounts.roles import TOWNSHIP_STAFF
        from apps.accounts.services import user_create
        from apps.branches.services import orgunit_create

        township_c = orgunit_create(user=None, parent=county_tree["county"], name="牛山镇总工会", kind="township")
        chair_c = user_create(
            user=None, username="chair_c", password="x-Demo-2026!", org_unit=township_c, role=TOWNSHIP_STAFF
        )
        response = client_for(chair_c).post(reverse("members:transfer_cancel", kwargs={"pk": sent.pk}))
        assert response.status_code == 404
        sent.refresh_from_db()
        assert sent.status == "pending"


@pytest.mark.django_db
class TestReceivingSideLooks:
    """The selector rule: view yes, change no; and only while the sent transfer is pending."""

    def test_the_receiving_chair_views_but_does_not_change(self, client_for, sent, member_a, chair_b):
        assert member_viewable_list(user=chair_b).filter(pk=member_a.pk).exists()
        assert not member_list(user=chair_b).filter(pk=member_a.pk).exists()
        client = client_for(chair_b)
        page = client.get(_pending_member_url(member_a))
        assert page.status_code == 200
        content = page.content.decode()
        assert 'data-testid="incoming-only"' in content and "陈桂" in content
        for absent in ("members:member_update", "members:member_archive", "members:transfer_start"):
            assert reverse(absent, kwargs={"pk": member_a.pk}) not in content
        assert reverse("members:member_print", kwargs={"pk": member_a.pk}) not in content
        assert 'data-testid="history"' not in content
        for name in ("members:member_update", "members:member_archive", "members:transfer_start"):
            assert client.get(reverse(name, kwargs={"pk": member_a.pk})).status_code == 404, name
        assert client.post(reverse("members:member_update", kwargs={"pk": member_a.pk}), {}).status_code == 404
        assert client.get(reverse("members:member_print", kwargs={"pk": member_a.pk})).status_code == 404
        member_a.refresh_from_db()
        assert member_a.real_name == "陈桂"

    def test_the_transfer_lists_link_the_member_for_both_sides(self, client_for, sent, member_a, chair_a, chair_b):
        url = _pending_member_url(member_a)
        receiving = client_for(chair_b).get(reverse("members:transfer_list")).content.decode()
        assert f'href="{url}"' in receiving and 'data-testid="pending-member"' in receiving
        releasing = client_for(chair_a).get(reverse("members:transfer_list")).content.decode()
        assert f'href="{url}"' in releasing

    @pytest.mark.parametrize("settle", ["cancel", "reject"])
    def test_no_longer_after_withdrawn_or_refused(self, client_for, sent, member_a, chair_a, chair_b, settle):
        if settle == "cancel":
            transfer_cancel(user=chair_a, transfer=sent)
        else:
            transfer_reject(user=chair_b, transfer=sent, note="无此人")
        assert client_for(chair_b).get(_pending_member_url(member_a)).status_code == 404
        listing = client_for(chair_b).get(reverse("members:transfer_list")).content.decode()
        assert _pending_member_url(member_a) not in listing
        assert client_for(chair_a).get(_pending_member_url(member_a)).status_code == 200

    def test_after_acceptance_the_member_is_the_receiving_sides_to_change(self, client_for, sent, member_a, chair_b):
        transfer_accept(user=chair_b, transfer=sent)
        content = client_for(chair_b).get(_pending_member_url(member_a)).content.decode()
        assert 'data-testid="incoming-only"' not in content
        assert reverse("members:member_update", kwargs={"pk": member_a.pk}) in content

    def test_a_transfer_in_request_shows_the_requester_nothing(self, client_for, member_a, unions, chair_b):
        transfer, visible = transfer_in(user=chair_b, id_number=make_id(), to_union=unions["b1"], reason="已调入")
        assert (transfer.status, visible) == ("pending", False)
        assert client_for(chair_b).get(_pending_member_url(member_a)).status_code == 404
        assert not member_viewable_list(user=chair_b).filter(pk=member_a.pk).exists()

    def test_another_township_sees_nothing(self, client_for, sent, member_a, roles, county_tree):
        from apps.accounts.roles import TOWNSHIP_STAFF
        from apps.accounts.services import user_create
        from apps.branches.services import orgunit_create

        township_c = orgunit_create(user=None, parent=county_tree["county"], name="牛山镇总工会", kind="township")
        chair_c = user_create(
            user=None, username="chair_c", password="x-Demo-2026!", org_unit=township_c, role=TOWNSHIP_STAFF
        )
        assert client_for(chair_c).get(_pending_member_url(member_a)).status_code == 404


@pytest.mark.django_db
class TestPendingWording:
    def test_county_staff_see_neutral_wording(self, client_for, sent, county_user):
        content = client_for(county_user).get(reverse("members:transfer_list")).content.decode()
        assert "待本乡镇接收" not in content
        assert "待接收方接收" in content

    def test_a_township_chair_sees_its_own_task(self, client_for, sent, chair_b):
        content = client_for(chair_b).get(reverse("members:transfer_list")).content.decode()
        assert "待本乡镇接收" in content
