"""The answer's recorded time (已答复 / 已张榜公布): typed on the form (a phone answer given
yesterday), not later than now, not before the complaint came in; the seven-day rule reads it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.complaints.deadlines import answered_in_time
from apps.complaints.models import Complaint
from apps.complaints.selectors import ANSWERED_ON_TIME, answered_on_time_counts, complaint_statistics
from apps.complaints.services import complaint_transition

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
ANSWER = {"answer_method": "phone", "answer_text": "已电话答复投诉人"}


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def investigating(register, chair_a):
    """Received eight days ago (its last day was yesterday), under investigation."""
    complaint = register(timezone.now() - 8 * DAY)
    return complaint_transition(user=chair_a, complaint=complaint, to_status="investigating")


def _url(complaint, status="answered"):
    return reverse("complaints:complaint_transition", kwargs={"pk": complaint.pk, "status": status})


class TestTheRule:
    def test_an_answer_given_yesterday_before_the_deadline_counts_as_on_time(self, investigating, chair_a):
        given = investigating.due_at - datetime.timedelta(hours=3)  # the last evening, entered today
        assert given < timezone.now() and investigating.due_at < timezone.now()
        done = complaint_transition(
            user=chair_a, complaint=investigating, to_status="answered", answered_at=given, **ANSWER
        )
        assert done.answered_at == given
        assert answered_in_time(done.answered_at, done.due_at) is True
        assert Complaint.objects.filter(ANSWERED_ON_TIME, pk=done.pk).exists()
        total = complaint_statistics(user=chair_a)["total"]
        assert (total["on_time"], total["due"]) == (1, 1)
        year = timezone.localtime(done.due_at).year
        assert answered_on_time_counts(user=chair_a, year=year) == {"due": 1, "on_time": 1, "late": 0}

    def test_an_answer_entered_today_without_a_time_is_late(self, investigating, chair_a):
        done = complaint_transition(user=chair_a, complaint=investigating, to_status="answered", **ANSWER)
        assert done.answered_at > done.due_at
        assert answered_in_time(done.answered_at, done.due_at) is False
        assert complaint_statistics(user=chair_a)["total"]["on_time"] == 0

    @pytest.mark.parametrize(
        ("when", "message"),
        [
            (lambda c: timezone.now() + DAY, "不能晚于现在"),
            (lambda c: c.received_at - datetime.timedelta(hours=2), "不能早于收到投诉的时间"),
        ],
    )
    def test_a_future_or_too_early_answer_is_refused_and_nothing_saved(self, investigating, chair_a, when, message):
        with pytest.raises(ValidationError) as caught:
            complaint_transition(
                user=chair_a, complaint=investigating, to_status="answered", answered_at=when(investigating), **ANSWER
            )
        assert message in " ".join(caught.value.message_dict["answered_at"])
        investigating.refresh_from_db()
        assert investigating.status == "investigating" and investigating.answered_at is None
        assert investigating.answer_text == "" and investigating.steps.count() == 2

    def test_posting_records_its_time_too(self, investigating, chair_a):
        given = investigating.received_at + 2 * DAY
        done = complaint_transition(
            user=chair_a,
            complaint=investigating,
            to_status="posted",
            posted_where="厂区公示栏",
            posted_text="企业已纠正。",
            answered_at=given,
        )
        assert done.answered_at == given

    def test_an_answer_in_the_minute_of_receipt_is_taken_as_given_at_receipt(self, register, chair_a):
        received = timezone.now().replace(second=40, microsecond=0) - datetime.timedelta(minutes=1)
        complaint = complaint_transition(user=chair_a, complaint=register(received), to_status="investigating")
        done = complaint_transition(
            user=chair_a, complaint=complaint, to_status="answered", answered_at=received.replace(second=0), **ANSWER
        )
        assert done.answered_at == received

    def test_the_model_refuses_it_for_every_writer(self, investigating):
        """Admin and imports call full_clean(): the same rule, on the field."""
        investigating.status = "answered"
        investigating.answered_at = investigating.received_at - DAY
        with pytest.raises(ValidationError) as caught:
            investigating.full_clean()
        assert "不能早于收到投诉的时间" in " ".join(caught.value.message_dict["answered_at"])
        investigating.answered_at = timezone.now() + DAY
        with pytest.raises(ValidationError) as caught:
            investigating.full_clean()
        assert "不能晚于现在" in " ".join(caught.value.message_dict["answered_at"])


class TestTheForm:
    def test_the_form_offers_the_time_defaulting_to_now_and_no_dashes(self, client_for, chair_a, investigating):
        page = client_for(chair_a).get(_url(investigating))
        assert page.status_code == 200
        content = page.content.decode()
        assert 'name="answered_at"' in content and 'type="datetime-local"' in content
        initial = page.context["form"]["answered_at"].value()
        assert abs(initial.replace(tzinfo=None) - timezone.localtime().replace(tzinfo=None)) < datetime.timedelta(
            minutes=2
        )
        assert "请选择…" in content and "---------" not in content
        assert "答复时间" in content and "按时答复以此为准" in content

    def test_yesterdays_phone_answer_through_the_form(self, client_for, chair_a, investigating):
        given = investigating.due_at - datetime.timedelta(hours=3)
        response = client_for(chair_a).post(
            _url(investigating), {"answered_at": _local(given), **ANSWER, "note": "昨天电话答复"}
        )
        assert response.status_code == 302
        investigating.refresh_from_db()
        assert investigating.status == "answered"
        assert investigating.answered_at == given.replace(second=0, microsecond=0)
        detail = client_for(chair_a).get(investigating.get_absolute_url()).content.decode()
        assert 'data-testid="answered-in-time">按时答复<' in detail

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (lambda c: _local(timezone.now() + DAY), "不能晚于现在"),
            (lambda c: _local(c.received_at - DAY), "不能早于收到投诉的时间"),
            (lambda c: "昨天", "输入一个有效的日期/时间"),
            (lambda c: "", "这个字段是必填项"),
        ],
    )
    def test_bad_times_are_refused_in_chinese_and_nothing_saved(
        self, client_for, chair_a, investigating, value, message
    ):
        response = client_for(chair_a).post(_url(investigating), {"answered_at": value(investigating), **ANSWER})
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors.get("answered_at", []))
        investigating.refresh_from_db()
        assert investigating.status == "investigating" and investigating.answered_at is None

    def test_the_answer_method_must_be_chosen(self, client_for, chair_a, investigating):
        response = client_for(chair_a).post(
            _url(investigating), {"answered_at": _local(timezone.now()), "answer_method": "", "answer_text": "x"}
        )
        assert response.status_code == 200 and "answer_method" in response.context["form"].errors
        investigating.refresh_from_db()
        assert investigating.status == "investigating"
