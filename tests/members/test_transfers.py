"""会籍转入 by ID number: a request the releasing side settles, a lookup that is no oracle, never one click."""

import datetime
import logging

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.errors import ApplicationError
from apps.core.models import Notification
from apps.members.models import Member, MemberLookup, MembershipTransfer
from apps.members.selectors import membership_chain
from apps.members.services import (
    TRANSFER_IN_BLOCKED,
    TRANSFER_IN_NOT_FOUND,
    TRANSFER_IN_REQUESTED,
    member_archive,
    member_create,
    transfer_accept,
    transfer_in,
    transfer_reject,
    transfer_request,
)

from .conftest import make_id

# What chair B must never learn about township A's member: the name, the card, where they are.
A_SECRETS = ("陈桂", "白塔化工建材厂工会", "白塔埠镇总工会", "白塔埠镇联合工会")


def _pull(chair_b, unions, **kwargs):
    return transfer_in(
        user=chair_b, id_number=kwargs.get("id_number", make_id()), to_union=unions["b1"], reason="已调入本单位"
    )


def _secrets(member):
    return (*A_SECRETS, member.card_number)


@pytest.mark.django_db
class TestTransferInRequest:
    def test_a_chair_cannot_take_another_townships_member_at_once(self, member_a, unions, chair_b):
        transfer, visible = _pull(chair_b, unions)
        member_a.refresh_from_db()
        assert (transfer.status, transfer.direction, visible) == ("pending", "pull", False)
        assert member_a.union == unions["a1"] and member_a.status == "transferring"

    def test_the_requesting_chair_cannot_settle_it(self, member_a, unions, chair_b):
        transfer, _visible = _pull(chair_b, unions)
        with pytest.raises(ApplicationError, match="转出方"):
            transfer_accept(user=chair_b, transfer=transfer)
        with pytest.raises(ApplicationError, match="转出方"):
            transfer_reject(user=chair_b, transfer=transfer, note="不要了")
        member_a.refresh_from_db()
        assert member_a.union == unions["a1"]

    @pytest.mark.parametrize("decider", ["chair_a", "county_user"])
    def test_the_releasing_township_or_the_county_accepts_and_the_member_moves(
        self, request, member_a, unions, chair_b, decider
    ):
        card, joined = member_a.card_number, member_a.join_date
        transfer, _visible = _pull(chair_b, unions)
        transfer_accept(user=request.getfixturevalue(decider), transfer=transfer)
        member_a.refresh_from_db()
        assert (member_a.union, member_a.status) == (unions["b1"], "active")
        assert (member_a.card_number, member_a.join_date) == (card, joined)
        assert [link["union"] for link in membership_chain(member_a)] == [unions["a1"], unions["b1"]]
        assert Member.objects.count() == 1

    def test_refused_the_member_stays_and_the_requester_learns_nothing_more(self, member_a, unions, chair_a, chair_b):
        transfer, _visible = _pull(chair_b, unions)
        transfer_reject(user=chair_a, transfer=transfer, note="劳动关系未变")
        member_a.refresh_from_db()
        assert (member_a.union, member_a.status) == (unions["a1"], "active")
        told = " ".join(Notification.objects.filter(recipient=chair_b).values_list("title", flat=True))
        assert "未获同意" in told
        assert not any(secret in told for secret in _secrets(member_a))

    def test_the_releasing_side_is_notified_of_the_request(self, member_a, unions, chair_a, chair_b):
        _pull(chair_b, unions)
        (note,) = Notification.objects.filter(recipient=chair_a)
        assert "转入申请" in note.title and unions["b1"].name in note.title
        assert not Notification.objects.filter(recipient=chair_b).exists()

    def test_the_county_settles_its_own_pull_at_once(self, member_a, unions, county_user):
        transfer, visible = transfer_in(
            user=county_user, id_number=make_id(), to_union=unions["b1"], reason="调入新单位"
        )
        member_a.refresh_from_db()
        assert transfer.status == "accepted" and visible and member_a.union == unions["b1"]

    def test_within_one_township_a_pull_settles_at_once(self, member_a, unions, chair_a):
        transfer, visible = transfer_in(user=chair_a, id_number=make_id(), to_union=unions["a2"], reason="调岗")
        member_a.refresh_from_db()
        assert transfer.status == "accepted" and visible and member_a.union == unions["a2"]

    def test_a_chair_pulls_only_into_own_unions(self, member_a, unions, chair_a, chair_b):
        with pytest.raises(ApplicationError, match="所辖"):
            transfer_in(user=chair_a, id_number=make_id(), to_union=unions["b1"], reason="调入新单位")
        with pytest.raises(ApplicationError, match="所辖"):
            transfer_in(user=chair_b, id_number=make_id(), to_union=unions["a2"], reason="调入新单位")
        assert not MembershipTransfer.objects.exists() and not MemberLookup.objects.exists()

    def test_a_push_from_the_releasing_side_still_waits_for_the_receiving_side(
        self, member_a, unions, chair_a, chair_b
    ):
        transfer = transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
        assert transfer.direction == "release"
        with pytest.raises(ApplicationError):
            transfer_accept(user=chair_a, transfer=transfer)
        transfer_accept(user=chair_b, transfer=transfer)
        member_a.refresh_from_db()
        assert member_a.union == unions["b1"]

    @pytest.mark.parametrize("state", ["transferring", "left"])
    def test_a_member_who_cannot_move_gets_one_neutral_answer(self, member_a, unions, chair_a, chair_b, state):
        if state == "transferring":
            transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
        else:
            member_archive(user=None, member=member_a, status="left", left_on=datetime.date(2024, 1, 1), reason="调离")
        with pytest.raises(ApplicationError) as caught:
            _pull(chair_b, unions)
        assert caught.value.message == TRANSFER_IN_BLOCKED

    def test_an_unknown_number_is_not_found_and_recorded(self, unions, chair_b):
        with pytest.raises(ValidationError) as caught:
            _pull(chair_b, unions, id_number=make_id(serial="999"))
        assert caught.value.message_dict["id_number"] == [TRANSFER_IN_NOT_FOUND]
        lookup = MemberLookup.objects.get()
        assert lookup.user == chair_b and lookup.member is None and not lookup.found


@pytest.mark.django_db
class TestLookups:
    def test_each_lookup_is_recorded_without_the_number(self, member_a, unions, chair_b, caplog):
        caplog.set_level(logging.DEBUG)
        _pull(chair_b, unions)
        lookup = MemberLookup.objects.get()
        assert (lookup.user, lookup.member, lookup.purpose) == (chair_b, member_a, "transfer_in")
        assert lookup.id_hash == member_a.id_hash
        stored = " ".join(str(value) for value in MemberLookup.objects.values().get().values())
        assert make_id() not in stored and make_id() not in str(lookup)
        assert make_id() not in caplog.text

    def test_lookups_are_limited_per_user_and_hour(self, unions, chair_b, chair_a, time_machine):
        time_machine.move_to("2026-12-01 09:00:00+08:00", tick=False)
        for serial in range(settings.MEMBER_LOOKUPS_PER_HOUR):
            with pytest.raises(ValidationError):
                _pull(chair_b, unions, id_number=make_id(serial=f"{serial:03d}"))
            # The same number again reveals nothing new: recorded, but not counted again.
            with pytest.raises(ValidationError):
                _pull(chair_b, unions, id_number=make_id(serial="000"))
        with pytest.raises(ApplicationError, match="已达上限"):
            _pull(chair_b, unions, id_number=make_id(serial="500"))
        assert MemberLookup.objects.filter(user=chair_b).count() == 2 * settings.MEMBER_LOOKUPS_PER_HOUR
        # Another user is not affected; an hour later chair B may look up again.
        with pytest.raises(ValidationError):
            transfer_in(user=chair_a, id_number=make_id(serial="501"), to_union=unions["a1"], reason="调入")
        time_machine.move_to("2026-12-01 10:00:01+08:00", tick=False)
        with pytest.raises(ValidationError):
            _pull(chair_b, unions, id_number=make_id(serial="500"))


@pytest.mark.django_db
class TestTransferInPages:
    url = staticmethod(lambda: reverse("members:transfer_in"))

    def _post(self, client, unions, **overrides):
        data = {"id_number": make_id(), "to_union": unions["b1"].pk, "reason": "已调入本单位", "confirm": "on"}
        data.update(overrides)
        return client.post(self.url(), {k: v for k, v in data.items() if v is not None}, follow=True)

    def test_the_answer_says_only_member_elsewhere_and_request_sent(self, client_for, member_a, unions, chair_b):
        response = self._post(client_for(chair_b), unions)
        content = response.content.decode()
        assert TRANSFER_IN_REQUESTED in content
        assert not any(secret in content for secret in _secrets(member_a)), content
        assert make_id() not in content
        # Nor anywhere else chair B can look: the transfer list, the notifications.
        page = client_for(chair_b).get(reverse("members:transfer_list")).content.decode()
        assert member_a.id_masked in page and not any(secret in page for secret in _secrets(member_a))

    def test_after_a_refusal_the_list_still_hides_the_member(self, client_for, member_a, unions, chair_a, chair_b):
        self._post(client_for(chair_b), unions)
        transfer = MembershipTransfer.objects.get()
        response = client_for(chair_a).post(
            reverse("members:transfer_reject", kwargs={"pk": transfer.pk}), {"note": "劳动关系未变"}
        )
        assert response.status_code == 302
        page = client_for(chair_b).get(reverse("members:transfer_list")).content.decode()
        assert not any(secret in page for secret in _secrets(member_a))

    def test_the_releasing_chair_accepts_on_the_transfer_list(self, client_for, member_a, unions, chair_a, chair_b):
        self._post(client_for(chair_b), unions)
        transfer = MembershipTransfer.objects.get()
        assert (
            client_for(chair_b).post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk})).status_code == 404
        )
        page = client_for(chair_a).get(reverse("members:transfer_list")).content.decode()
        assert "陈桂" in page and "转入方申请" in page
        client_for(chair_a).post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk}))
        member_a.refresh_from_db()
        assert member_a.union == unions["b1"]
        assert "陈桂" in client_for(chair_b).get(reverse("members:transfer_list")).content.decode()

    def test_a_get_does_nothing(self, client_for, member_a, unions, chair_b):
        query = {"id_number": make_id(), "to_union": unions["b1"].pk, "reason": "x", "confirm": "on"}
        response = client_for(chair_b).get(self.url(), query)
        assert response.status_code == 200
        assert not MembershipTransfer.objects.exists() and not MemberLookup.objects.exists()

    @pytest.mark.parametrize(("missing", "message"), [("confirm", "请勾选确认"), ("reason", "这个字段是必填项")])
    def test_a_post_without_confirmation_or_reason_is_refused(
        self, client_for, member_a, unions, chair_b, missing, message
    ):
        response = self._post(client_for(chair_b), unions, **{missing: None})
        assert response.status_code == 200 and message in response.content.decode()
        assert not MembershipTransfer.objects.exists() and not MemberLookup.objects.exists()
        member_a.refresh_from_db()
        assert member_a.status == "active"

    def test_over_the_limit_the_page_says_so_in_chinese(self, client_for, unions, chair_b):
        client = client_for(chair_b)
        for serial in range(settings.MEMBER_LOOKUPS_PER_HOUR):
            self._post(client, unions, id_number=make_id(serial=f"{serial:03d}"))
        content = self._post(client, unions, id_number=make_id(serial="500")).content.decode()
        assert "已达上限" in content


@pytest.mark.django_db
class TestOfferOnNewMember:
    def _create(self, client, unions, serial="456"):
        return client.post(
            reverse("members:member_create"),
            {
                "union": unions["a1"].pk,
                "real_name": "新来的人",
                "id_number": make_id(serial=serial),
                "join_date": "2026-01-05",
                "employment_form": "migrant",
            },
        )

    @pytest.fixture
    def member_b(self, unions):
        return member_create(
            user=None,
            union=unions["b1"],
            real_name="平明会员",
            id_number=make_id(serial="456"),
            join_date=datetime.date(2020, 1, 1),
            employment_form="migrant",
        )

    def test_the_offer_is_a_form_asking_for_a_reason_and_a_confirmation(self, client_for, chair_a, unions, member_b):
        content = self._create(client_for(chair_a), unions).content.decode()
        assert 'data-testid="offer-transfer-form"' in content
        assert 'name="reason"' in content and 'name="confirm"' in content and "已调入本单位工作" in content
        assert "Now employed here" not in content and "已在本单位就业" not in content  # no pre-filled reason
        assert not any(secret in content for secret in ("平明会员", "平明太平洋石英制品工会", member_b.card_number))
        lookup = MemberLookup.objects.get()
        assert (lookup.user, lookup.member, lookup.purpose) == (chair_a, member_b, "member_create")

    def test_the_offer_sent_with_reason_and_confirmation_is_a_request(self, client_for, chair_a, unions, member_b):
        client = client_for(chair_a)
        self._create(client, unions)
        response = client.post(
            reverse("members:transfer_in"),
            {
                "id_number": make_id(serial="456"),
                "to_union": unions["a1"].pk,
                "reason": "已调入本单位",
                "confirm": "on",
            },
        )
        assert response.status_code == 302
        member_b.refresh_from_db()
        assert member_b.union == unions["b1"] and member_b.status == "transferring"
        # One person looked up twice counts once against the limit, and both are recorded.
        assert MemberLookup.objects.filter(user=chair_a).count() == 2

    def test_over_the_limit_the_new_member_page_says_nothing_about_the_number(
        self, client_for, chair_a, unions, member_b
    ):
        client = client_for(chair_a)
        for serial in range(settings.MEMBER_LOOKUPS_PER_HOUR):
            client.post(
                reverse("members:transfer_in"),
                {
                    "id_number": make_id(serial=f"{serial + 600:03d}"),
                    "to_union": unions["a1"].pk,
                    "reason": "r",
                    "confirm": "on",
                },
            )
        content = self._create(client, unions).content.decode()
        assert "已达上限" in content and "offer-transfer" not in content and "一人只入会一次" not in content


@pytest.mark.django_db
def test_the_lookup_record_is_in_admin_without_the_number(admin_client, member_a, unions, chair_b):
    _pull(chair_b, unions)
    content = admin_client.get(reverse("admin:members_memberlookup_changelist")).content.decode()
    assert "chair_b" in content or chair_b.real_name in content
    assert make_id() not in content


@pytest.mark.django_db
def test_admin_does_not_disclose_a_pending_request_to_the_requester(client_for, member_a, unions, chair_b):
    _pull(chair_b, unions)
    chair_b.is_staff = True
    chair_b.save(update_fields=["is_staff"])
    response = client_for(chair_b).get(reverse("admin:members_membershiptransfer_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert not any(secret in content for secret in _secrets(member_a))


@pytest.mark.django_db(transaction=True)
def test_concurrent_lookups_of_one_user_cannot_pass_the_limit_together(unions, chair_b):
    import threading

    from django.db import connection

    from apps.members.services import member_lookup

    for serial in range(settings.MEMBER_LOOKUPS_PER_HOUR - 1):
        member_lookup(user=chair_b, id_number=make_id(serial=f"{serial:03d}"))
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(serial):
        try:
            barrier.wait()
            member_lookup(user=chair_b, id_number=make_id(serial=serial))
            outcomes.append("ok")
        except ApplicationError:
            outcomes.append("limited")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(serial,)) for serial in ("700", "701")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["limited", "ok"], outcomes
    assert MemberLookup.objects.filter(user=chair_b).count() == settings.MEMBER_LOOKUPS_PER_HOUR


@pytest.mark.django_db
def test_the_hourly_lookup_limit_is_the_setting_read_at_each_lookup(unions, chair_b):
    from django.test import override_settings

    from apps.members.services import member_lookup

    with override_settings(MEMBER_LOOKUPS_PER_HOUR=2):
        member_lookup(user=chair_b, id_number=make_id(serial="800"))
        member_lookup(user=chair_b, id_number=make_id(serial="801"))
        with pytest.raises(ApplicationError, match="（2 个）"):
            member_lookup(user=chair_b, id_number=make_id(serial="802"))
    with override_settings(MEMBER_LOOKUPS_PER_HOUR=3):
        member_lookup(user=chair_b, id_number=make_id(serial="802"))


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["memberlookup", "idnumberreveal"])
def test_the_lookup_and_reveal_logs_are_for_superusers_only(client, admin_client, unions, member_a, chair_b, model):
    from django.contrib.auth.models import Permission

    from apps.members.models import IdNumberReveal

    _pull(chair_b, unions)
    IdNumberReveal.objects.create(member=member_a, user=chair_b)
    changelist = reverse(f"admin:members_{model}_changelist")
    assert "陈桂" in admin_client.get(changelist).content.decode()
    chair_b.is_staff = True
    chair_b.save()
    chair_b.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    client.force_login(chair_b)
    assert client.get(changelist).status_code == 403
    entry = (MemberLookup if model == "memberlookup" else IdNumberReveal).objects.get()
    assert client.get(reverse(f"admin:members_{model}_change", args=[entry.pk])).status_code in (403, 404)
    assert "陈桂" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
class TestMemberCreateIsNoOracle:
    """新增会员 answers "is this ID registered?" only after every other check, and counts every answer."""

    def _create(self, user, unions, serial, **changes):
        return member_create(
            **{
                "union": unions["b1"],
                "real_name": "王芳",
                "id_number": make_id(serial=serial),
                "join_date": datetime.date(2020, 1, 1),
                "employment_form": "regular",
                "user": user,
                **changes,
            }
        )

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"join_date": datetime.date(1, 1, 1)}, "join_date"),
            ({"join_date": datetime.date(2999, 1, 1)}, "join_date"),
            ({"card_number": "TAKEN"}, "card_number"),
            ({"mobile": "-1"}, "mobile"),
            ({"employment_form": "boss"}, "employment_form"),
        ],
    )
    def test_a_field_error_is_the_same_for_a_registered_and_an_unregistered_number(
        self, unions, member_a, chair_b, changes, field
    ):
        Member.objects.filter(pk=member_a.pk).update(card_number="TAKEN")
        answers = []
        for serial in ("123", "999"):  # member_a's number, then a number nobody has
            with pytest.raises(ValidationError) as caught:
                self._create(chair_b, unions, serial, **changes)
            answers.append(sorted(caught.value.message_dict))
        assert answers == [[field], [field]]
        assert not MemberLookup.objects.exists()  # the question was never asked

    def test_every_answer_is_recorded_and_counted(self, unions, member_a, chair_b):
        from django.test import override_settings

        from apps.members.services import MemberAlreadyRegistered

        with override_settings(MEMBER_LOOKUPS_PER_HOUR=2):
            with pytest.raises(MemberAlreadyRegistered):
                self._create(chair_b, unions, "123")
            created = self._create(chair_b, unions, "998")
            with pytest.raises(ApplicationError, match="已达上限"):
                self._create(chair_b, unions, "997")
        lookups = list(MemberLookup.objects.order_by("id").values_list("member", "purpose", "id_hash"))
        assert lookups == [
            (member_a.pk, "member_create", member_a.id_hash),
            (None, "member_create", created.id_hash),
        ]
        assert Member.objects.count() == 2


@pytest.mark.django_db
class TestTransferWithdrawAndExpiry:
    """A transfer-in request freezes another township's member: its side may withdraw it, and it expires."""

    def test_the_requesting_side_withdraws_and_the_owner_may_archive_again(self, member_a, unions, chair_a, chair_b):
        from apps.members.services import transfer_cancel

        transfer, _visible = _pull(chair_b, unions)
        with pytest.raises(ApplicationError, match="发起方"):
            transfer_cancel(user=chair_a, transfer=transfer)  # the deciding side refuses instead
        transfer = transfer_cancel(user=chair_b, transfer=transfer)
        member_a.refresh_from_db()
        assert (transfer.status, transfer.decided_by, member_a.status) == ("cancelled", chair_b, "active")
        assert Notification.objects.filter(recipient=chair_a, title__contains="已撤回").exists()
        with pytest.raises(ApplicationError, match="已经办结"):
            transfer_cancel(user=chair_b, transfer=transfer)
        member_archive(user=None, member=member_a, status="left", left_on=datetime.date(2026, 1, 1), reason="离职")

    def test_the_county_withdraws_any(self, member_a, unions, chair_b, county_user):
        from apps.members.services import transfer_cancel

        transfer, _visible = _pull(chair_b, unions)
        assert transfer_cancel(user=county_user, transfer=transfer).status == "cancelled"

    def test_the_transfer_list_offers_withdrawal_by_post_with_csrf_to_the_requesting_side_only(
        self, client_for, member_a, unions, chair_a, chair_b
    ):
        from django.test import Client

        transfer, _visible = _pull(chair_b, unions)
        url = reverse("members:transfer_cancel", kwargs={"pk": transfer.pk})
        assert (
            'data-testid="transfer-cancel"'
            in client_for(chair_b).get(reverse("members:transfer_list")).content.decode()
        )
        assert (
            'data-testid="transfer-cancel"'
            not in client_for(chair_a).get(reverse("members:transfer_list")).content.decode()
        )
        assert client_for(chair_b).get(url).status_code == 405
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(chair_b)
        assert strict.post(url).status_code == 403
        client_for(chair_a).post(url)  # in chair A's area, but not theirs to withdraw
        transfer.refresh_from_db()
        assert transfer.status == "pending"
        assert client_for(chair_b).post(url).status_code == 302
        transfer.refresh_from_db()
        assert transfer.status == "cancelled"

    def test_a_request_unanswered_for_the_set_days_expires_once(
        self, member_a, unions, chair_a, chair_b, time_machine, settings
    ):
        from apps.members.tasks import expire_transfer_requests

        settings.MEMBER_TRANSFER_REQUEST_DAYS = 30
        assert settings.CELERY_BEAT_SCHEDULE["members-expire-transfer-requests"]["task"] == (
            "apps.members.tasks.expire_transfer_requests"
        )
        time_machine.move_to("2026-11-01 09:00:00+08:00", tick=False)
        transfer, _visible = _pull(chair_b, unions)
        released = transfer_request(user=chair_a, member=member_b_of(unions), to_union=unions["b1"], reason="调动")
        time_machine.move_to("2026-11-30 09:00:00+08:00", tick=False)
        assert expire_transfer_requests() == 0
        time_machine.move_to("2026-12-02 09:00:00+08:00", tick=False)
        notified = Notification.objects.count()
        assert expire_transfer_requests() == 1
        after_first = Notification.objects.count()
        assert expire_transfer_requests() == 0  # run twice: nothing happens again
        transfer.refresh_from_db()
        member_a.refresh_from_db()
        assert (transfer.status, transfer.decided_by, member_a.status) == ("cancelled", None, "active")
        assert "30 天" in transfer.decision_note
        assert after_first > notified and Notification.objects.count() == after_first
        assert Notification.objects.filter(recipient=chair_b, title__contains="过期").exists()
        released.refresh_from_db()
        assert released.status == "pending"  # only transfer-in requests expire


def member_b_of(unions):
    return member_create(
        user=None,
        union=unions["a1"],
        real_name="赵六",
        id_number=make_id(serial="611"),
        join_date=datetime.date(2019, 9, 19),
        employment_form="regular",
    )
