"""The yearly rhythm and its reminders: once per subject, kind and year, however often the sweep runs."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from apps.branches.demo import demo_credit_code
from apps.branches.services import (
    compliance_reminders_send,
    enterprise_register,
    meeting_record,
    subcommittee_add,
)
from apps.branches.tasks import send_compliance_reminders
from apps.core.models import Notification


@pytest.fixture
def rhythm(county_tree, chair_a, chair_b, officer_a):
    """Township A's union has a committee but no sub-committees; A's factory has a workers' congress."""
    union = county_tree["union_a"]
    union.formation_form = "committee"
    union.term_start = datetime.date(2021, 9, 1)
    union.term_end = datetime.date(2026, 8, 31)
    union.save()
    factory = enterprise_register(
        user=chair_a,
        township=county_tree["a"],
        name="白塔化工建材厂",
        credit_code=demo_credit_code(701),
        ownership="private",
        employee_count=86,
        has_workers_congress=True,
        union=union,
    )
    return {"union": union, "factory": factory, **county_tree}


def titles(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.django_db
class TestSweep:
    def test_before_the_deadline_only_committees_and_terms_are_reminded(self, rhythm, chair_a, time_machine):
        time_machine.move_to("2026-05-01 08:00:00+08:00", tick=False)
        compliance_reminders_send(today=datetime.date(2026, 5, 1))
        assert titles(chair_a) == ["白塔化工建材厂工会缺少：女职工委员会、经费审查委员会、劳动争议调解委员会"]

    def test_after_the_deadline_missing_meetings_are_reminded_once(self, rhythm, chair_a, chair_b, officer_a):
        day = datetime.date(2026, 7, 1)
        first = compliance_reminders_send(today=day)
        second = compliance_reminders_send(today=day)
        assert first > 0 and second == 0
        assert titles(chair_a) == [
            "白塔化工建材厂尚未召开2026年职工代表大会",
            "白塔化工建材厂工会本届任期将于 2026-08-31 届满",
            "白塔化工建材厂工会缺少：女职工委员会、经费审查委员会、劳动争议调解委员会",
            "白塔埠镇总工会尚未召开2026年党政工联席会议",
        ]
        assert titles(chair_b) == ["平明镇总工会尚未召开2026年党政工联席会议"]
        # The grassroots officer hears about their own union, not the township's meeting.
        assert "白塔埠镇总工会尚未召开2026年党政工联席会议" not in titles(officer_a)
        assert "白塔化工建材厂工会缺少：女职工委员会、经费审查委员会、劳动争议调解委员会" in titles(officer_a)

    def test_held_meetings_and_complete_committees_are_not_reminded(self, rhythm, chair_a):
        meeting_record(
            user=chair_a,
            org_unit=rhythm["a"],
            kind="joint_meeting",
            held_on=datetime.date(2026, 3, 2),
            title="联席会议",
        )
        meeting_record(
            user=chair_a,
            org_unit=rhythm["union"],
            kind="workers_congress",
            enterprise=rhythm["factory"],
            held_on=datetime.date(2026, 3, 8),
            title="职代会",
        )
        for kind in ("women", "fund_audit", "mediation"):
            subcommittee_add(user=None, union=rhythm["union"], kind=kind, established_on=datetime.date(2021, 9, 1))
        compliance_reminders_send(today=datetime.date(2026, 7, 1))
        assert titles(chair_a) == ["白塔化工建材厂工会本届任期将于 2026-08-31 届满"]

    def test_a_new_year_is_reminded_again(self, rhythm, chair_b):
        compliance_reminders_send(today=datetime.date(2026, 7, 1))
        compliance_reminders_send(today=datetime.date(2027, 7, 1))
        assert titles(chair_b) == [
            "平明镇总工会尚未召开2026年党政工联席会议",
            "平明镇总工会尚未召开2027年党政工联席会议",
        ]

    def test_the_task_uses_todays_date_in_shanghai(self, rhythm, chair_b, time_machine):
        # 30 June 23:30 UTC is already 1 July in Asia/Shanghai: past the deadline.
        time_machine.move_to(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC), tick=False)
        send_compliance_reminders.delay()
        send_compliance_reminders.delay()
        assert titles(chair_b) == ["平明镇总工会尚未召开2026年党政工联席会议"]

    def test_the_compliance_page_lists_what_is_missing_for_county_staff(self, rhythm, client_for, county_user):
        content = client_for(county_user).get(reverse("branches:compliance")).content.decode()
        assert "白塔埠镇总工会" in content and "平明镇总工会" in content and "白塔化工建材厂" in content

    def test_the_compliance_page_is_scoped(self, rhythm, client_for, chair_b):
        content = client_for(chair_b).get(reverse("branches:compliance")).content.decode()
        assert "平明镇总工会" in content and "白塔" not in content


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_reminder_once(rhythm, chair_a, chair_b):
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            compliance_reminders_send(today=datetime.date(2026, 7, 1))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(titles(chair_a)) == 4 and len(titles(chair_b)) == 1


@pytest.mark.django_db
def test_the_database_not_the_precheck_makes_a_reminder_unique(rhythm, chair_b):
    """Even when a sweep has not seen the other's row yet, the second insert stores nothing."""
    from apps.core.services import notification_send

    key = f"branches:joint_meeting:{rhythm['b'].pk}:2026"
    assert notification_send(recipient=chair_b, title="第一次", dedupe_key=key, email=False) is not None
    assert notification_send(recipient=chair_b, title="第二次", dedupe_key=key, email=False) is None
    assert titles(chair_b) == ["第一次"]


@pytest.mark.worker
def test_sweep_through_a_real_worker_sends_each_reminder_once(celery_worker, rhythm, chair_b):
    for _ in range(2):
        send_compliance_reminders.delay("2026-07-01").get(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not titles(chair_b):
        time.sleep(0.2)
    assert titles(chair_b) == ["平明镇总工会尚未召开2026年党政工联席会议"]
