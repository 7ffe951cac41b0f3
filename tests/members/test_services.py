"""Members: one record per person, transfers that keep join date and card, archiving, reveals."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from apps.core.errors import ApplicationError
from apps.core.history import object_history
from apps.members.models import IdNumberReveal, Member, MembershipTransfer
from apps.members.selectors import member_list, member_search, membership_chain
from apps.members.services import (
    MemberAlreadyRegistered,
    card_number_issue,
    member_archive,
    member_create,
    member_reveal_id_number,
    transfer_accept,
    transfer_reject,
    transfer_request,
)

from .conftest import make_id


@pytest.mark.django_db
class TestMember:
    def test_id_is_encrypted_at_rest_masked_for_lists_and_found_by_hash(self, member_a):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, id_hash, id_masked FROM members_member WHERE id = %s", [member_a.pk])
            stored, hashed, masked = cursor.fetchone()
        number = make_id()
        assert number not in stored and stored.startswith("gAAAA")  # a Fernet token
        assert number not in hashed and len(hashed) == 64
        assert masked == number[:6] + "*" * 10 + number[-2:]
        assert Member.objects.get(pk=member_a.pk).id_number == number
        assert list(member_search(Member.objects.all(), number.lower()[:-1] + number[-1].lower())) == [member_a]

    def test_birth_date_and_sex_come_from_the_id(self, member_a):
        assert member_a.birth_date == datetime.date(1985, 3, 15)
        assert member_a.sex == "male"  # 17th digit 3 is odd

    def test_card_number_is_issued_in_the_documented_format_and_never_reused(self, member_a):
        assert member_a.card_number.startswith("DH2019") and len(member_a.card_number) == 12
        first, second = card_number_issue(join_year=2026), card_number_issue(join_year=2026)
        assert first != second

    def test_the_same_person_cannot_join_twice(self, member_a, unions):
        with pytest.raises(MemberAlreadyRegistered) as raised:
            member_create(
                user=None,
                union=unions["b1"],
                real_name="陈桂",
                id_number=make_id(),
                join_date=datetime.date(2024, 1, 1),
                employment_form="migrant",
            )
        assert raised.value.member == member_a
        assert Member.objects.count() == 1

    def test_database_refuses_a_second_record_for_one_id(self, member_a):
        clone = Member.objects.get(pk=member_a.pk)
        clone.pk, clone.card_number = None, "DH2099000001"
        with pytest.raises(IntegrityError):
            clone.save()

    @pytest.mark.parametrize(
        ("raw", "message"),
        [("32072219850315123", "18"), (make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1"), "校验")],
    )
    def test_bad_id_is_refused_in_chinese_and_nothing_saved(self, unions, raw, message):
        with pytest.raises(ValidationError, match=message):
            member_create(
                user=None,
                union=unions["a1"],
                real_name="某人",
                id_number=raw,
                join_date=datetime.date(2024, 1, 1),
                employment_form="regular",
            )
        assert not Member.objects.exists()

    def test_a_member_joins_a_grassroots_union_only(self, county_tree):
        with pytest.raises(ValidationError, match="基层工会"):
            member_create(
                user=None,
                union=county_tree["a"],
                real_name="某人",
                id_number=make_id(),
                join_date=datetime.date(2024, 1, 1),
                employment_form="regular",
            )

    def test_archiving_keeps_the_record_with_date_and_reason(self, member_a):
        with pytest.raises(ValidationError):
            member_archive(user=None, member=member_a, status="left", left_on=datetime.date(2026, 1, 1), reason=" ")
        member = member_archive(
            user=None, member=member_a, status="left", left_on=datetime.date(2026, 1, 1), reason="离职"
        )
        assert member.status == "left" and Member.objects.filter(pk=member.pk).exists()
        with pytest.raises(IntegrityError):
            Member.objects.filter(pk=member.pk).update(left_on=None)

    def test_reveal_needs_the_permission_and_is_recorded(self, member_a, chair_a, county_user):
        with pytest.raises(ApplicationError):
            member_reveal_id_number(user=chair_a, member=member_a)
        assert member_reveal_id_number(user=county_user, member=member_a) == make_id()
        assert IdNumberReveal.objects.filter(member=member_a, user=county_user).count() == 1

    def test_history_never_holds_the_whole_id(self, member_a):
        from apps.members.models import Member as M

        event_model = M.pgh_event_models["insert"] if hasattr(M, "pgh_event_models") else None
        with connection.cursor() as cursor:
            cursor.execute("SELECT row_to_json(e)::text FROM members_memberevent e")
            rows = [r[0] for r in cursor.fetchall()]
        assert rows and all(make_id() not in row for row in rows)
        assert event_model is None or event_model
        assert object_history(member_a)[0].label == "新建"


@pytest.mark.django_db
class TestTransfers:
    def test_across_townships_waits_for_the_receiving_township(self, member_a, unions, chair_a, chair_b):
        card, joined = member_a.card_number, member_a.join_date
        transfer = transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
        member_a.refresh_from_db()
        assert transfer.status == "pending" and member_a.status == "transferring" and member_a.union == unions["a1"]
        with pytest.raises(ApplicationError, match="接收方"):
            transfer_accept(user=chair_a, transfer=transfer)
        transfer_accept(user=chair_b, transfer=transfer)
        member_a.refresh_from_db()
        assert member_a.union == unions["b1"] and member_a.status == "active"
        assert (member_a.card_number, member_a.join_date) == (card, joined)
        chain = membership_chain(member_a)
        assert [p["union"] for p in chain] == [unions["a1"], unions["b1"]]
        assert chain[0]["start"] == joined
        # The old township no longer sees the member; the new one does.
        assert member_a not in member_list(user=chair_a) and member_a in member_list(user=chair_b)

    def test_within_one_township_is_settled_at_once(self, member_a, unions, chair_a):
        transfer = transfer_request(user=chair_a, member=member_a, to_union=unions["a2"], reason="调岗")
        member_a.refresh_from_db()
        assert transfer.status == "accepted" and member_a.union == unions["a2"]

    def test_refused_transfer_leaves_the_member_where_they_were(self, member_a, unions, chair_a, chair_b):
        transfer = transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
        with pytest.raises(ValidationError):
            transfer_reject(user=chair_b, transfer=transfer, note="")
        transfer_reject(user=chair_b, transfer=transfer, note="劳动关系未确认")
        member_a.refresh_from_db()
        assert member_a.union == unions["a1"] and member_a.status == "active"

    def test_a_member_in_transfer_cannot_be_transferred_again(self, member_a, unions, chair_a):
        transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
        with pytest.raises(ApplicationError, match="尚未办结"):
            transfer_request(user=chair_a, member=member_a, to_union=unions["a2"], reason="再次调动")
        assert MembershipTransfer.objects.filter(member=member_a).count() == 1

    def test_database_allows_one_open_transfer_per_member(self, member_a, unions, chair_a):
        transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
        with pytest.raises(IntegrityError):
            MembershipTransfer.objects.create(
                member=member_a, from_union=unions["a1"], to_union=unions["a2"], reason="x", requested_by=chair_a
            )

    def test_database_refuses_a_transfer_to_the_same_union(self, member_a, unions, chair_a):
        with pytest.raises(IntegrityError):
            MembershipTransfer.objects.create(
                member=member_a, from_union=unions["a1"], to_union=unions["a1"], reason="x", requested_by=chair_a
            )

    def test_the_old_unions_history_is_not_rewritten(self, member_a, unions, chair_a):
        transfer_request(user=chair_a, member=member_a, to_union=unions["a2"], reason="调岗")
        labels = [row.label for row in object_history(member_a)]
        assert labels[-1] == "新建" and "修改" in labels
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT union_id FROM members_memberevent WHERE pgh_obj_id = %s ORDER BY pgh_id", [member_a.pk]
            )
            assert [r[0] for r in cursor.fetchall()][0] == unions["a1"].pk


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transfers_of_one_member_cannot_both_succeed(member_a, unions, chair_a):
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(target):
        try:
            barrier.wait()
            transfer_request(user=chair_a, member=member_a, to_union=target, reason="并发测试")
            outcomes.append("ok")
        except (ApplicationError, ValidationError, IntegrityError) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(unions[key],)) for key in ("b1", "a2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The loser gets the refusal the form shows ("membership just changed"), never a server error.
    assert sorted(outcomes) == ["ApplicationError", "ok"], outcomes
    assert MembershipTransfer.objects.filter(member=member_a).count() == 1


@pytest.mark.django_db
def test_history_shows_status_labels_not_codes(member_a, unions, chair_a):
    transfer_request(user=chair_a, member=member_a, to_union=unions["b1"], reason="调入新单位")
    change = object_history(member_a)[0].changes
    assert ("状态", "在册", "接转中") in change
