"""Who may move a complaint on, asked in one place (services.complaint_transitions_allowed /
complaint_transition_refusal): the page's buttons, the form's opening and sending, the service.
Evidence is not taken on a closed complaint. The forms show the complaint they act on."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.accounts.services import user_create
from apps.complaints.choices import Status
from apps.complaints.models import Complaint, ComplaintAttachment
from apps.complaints.services import (
    attachment_add,
    complaint_transition,
    complaint_transitions_allowed,
)
from apps.core.errors import ApplicationError
from tests.factories import PNG

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def viewer_a(roles, county_tree):
    """Sees township A's complaints, may not move them on."""
    user = user_create(
        user=None, username="viewer_a", password="test-pass-2026", real_name="白塔埠镇查阅员", org_unit=county_tree["a"]
    )
    user.user_permissions.add(Permission.objects.get(content_type__app_label="complaints", codename="view_complaint"))
    return user


def _url(complaint, status):
    return reverse("complaints:complaint_transition", kwargs={"pk": complaint.pk, "status": status})


def _closed(user, complaint):
    for status, details in (
        ("investigating", {}),
        ("answered", {"answer_method": "phone", "answer_text": "已答复"}),
        ("closed", {"satisfaction": "satisfied"}),
    ):
        complaint = complaint_transition(user=user, complaint=complaint, to_status=status, **details)
    return complaint


def _buttons(content):
    return {status.value for status in Status if f'data-testid="transition-{status.value}"' in content}


class TestTheRule:
    def test_the_steps_allowed_follow_the_workflow_and_the_permission(self, register, chair_a, viewer_a):
        complaint = register(timezone.now() - DAY)
        assert complaint_transitions_allowed(user=chair_a, complaint=complaint) == [
            Status.INVESTIGATING,
            Status.REFERRED,
        ]
        assert complaint_transitions_allowed(user=viewer_a, complaint=complaint) == []
        assert complaint_transitions_allowed(user=chair_a, complaint=_closed(chair_a, complaint)) == []

    def test_the_service_refuses_a_user_without_the_permission(self, register, viewer_a):
        complaint = register(timezone.now() - DAY)
        with pytest.raises(ApplicationError, match="没有办理投诉的权限"):
            complaint_transition(user=viewer_a, complaint=complaint, to_status="investigating")
        assert Complaint.objects.get(pk=complaint.pk).status == "received"


class TestThePage:
    def test_the_page_shows_only_the_buttons_the_user_may_use(self, client_for, register, chair_a, viewer_a):
        complaint = register(timezone.now() - DAY)
        assert _buttons(client_for(chair_a).get(complaint.get_absolute_url()).content.decode()) == {
            "investigating",
            "referred",
        }
        complaint = complaint_transition(user=chair_a, complaint=complaint, to_status="investigating")
        assert _buttons(client_for(chair_a).get(complaint.get_absolute_url()).content.decode()) == {
            "in_talks",
            "answered",
            "posted",
            "referred",
        }
        assert _buttons(client_for(viewer_a).get(complaint.get_absolute_url()).content.decode()) == set()

    def test_every_button_shown_opens_its_form(self, client_for, register, chair_a):
        complaint = complaint_transition(
            user=chair_a, complaint=register(timezone.now() - DAY), to_status="investigating"
        )
        client = client_for(chair_a)
        for status in _buttons(client.get(complaint.get_absolute_url()).content.decode()):
            assert client.get(_url(complaint, status)).status_code == 200, status

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_a_step_not_allowed_now_is_refused_when_the_form_opens_and_when_sent(
        self, client_for, register, chair_a, method
    ):
        complaint = register(timezone.now() - DAY)  # received: not yet answerable
        client = client_for(chair_a)
        data = {"answered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "answer_method": "phone"}
        response = getattr(client, method)(_url(complaint, "answered"), {**data, "answer_text": "x"})
        assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
        (message,) = [str(m) for m in get_messages(response.wsgi_request)]
        assert "不能直接改为“已答复”" in message and "可以改为：调查中、已转交" in message
        complaint.refresh_from_db()
        assert complaint.status == "received" and complaint.answered_at is None

    def test_a_closed_complaint_opens_no_form(self, client_for, register, chair_a):
        complaint = _closed(chair_a, register(timezone.now() - DAY))
        response = client_for(chair_a).get(_url(complaint, "closed"))
        assert response.status_code == 302
        assert "无（已办结）" in " ".join(str(m) for m in get_messages(response.wsgi_request))

    def test_unknown_steps_and_other_townships_are_404_and_no_permission_is_403(
        self, client_for, register, factories, chair_a, chair_b, viewer_a
    ):
        theirs = register(timezone.now() - DAY, enterprise=factories["b"], user=chair_b)
        client = client_for(chair_a)
        for status in ("investigating", "answered", "closed"):
            assert client.get(_url(theirs, status)).status_code == 404
            assert client.post(_url(theirs, status), {"note": "x"}).status_code == 404
        mine = register(timezone.now() - DAY)
        assert client.get(_url(mine, "lost")).status_code == 404
        assert client_for(viewer_a).get(_url(mine, "investigating")).status_code == 403
        assert Complaint.objects.get(pk=theirs.pk).status == "received"


class TestTheFormShowsTheComplaint:
    def test_the_form_shows_what_it_acts_on(self, client_for, register, chair_a):
        complaint = register(timezone.now() - DAY, category="wages", description="三个月未发工资")
        content = client_for(chair_a).get(_url(complaint, "investigating")).content.decode()
        summary = content.split('data-testid="complaint-summary"', 1)[1]
        for shown in (complaint.tracking_number, "王强", "13912345678", "白塔化工建材厂", "拖欠工资", "三个月未发工资"):
            assert shown in summary, shown
        last_day = timezone.localtime(complaint.due_at - datetime.timedelta(microseconds=1)).date()
        assert f'data-testid="last-day">\n      {last_day:%Y-%m-%d}' in summary

    def test_the_complainant_as_the_viewer_may_see_them(self, client_for, register, clerk_a):
        complaint = register(timezone.now() - DAY)
        content = client_for(clerk_a).get(_url(complaint, "investigating")).content.decode()
        summary = content.split('data-testid="complaint-summary"', 1)[1]
        assert 'data-testid="complainant">王*<' in summary
        assert "王强" not in content and "13912345678" not in content


class TestEvidenceOnClosedComplaints:
    def test_the_page_offers_no_upload_and_says_why(self, client_for, register, chair_a):
        complaint = register(timezone.now() - DAY)
        client = client_for(chair_a)
        assert 'data-testid="attachment-upload"' in client.get(complaint.get_absolute_url()).content.decode()
        _closed(chair_a, complaint)
        content = client.get(complaint.get_absolute_url()).content.decode()
        assert 'data-testid="attachment-upload"' not in content and "已办结，不再上传证据材料" in content

    def test_the_service_and_the_view_refuse_it_in_chinese(self, client_for, register, chair_a):
        complaint = _closed(chair_a, register(timezone.now() - DAY))
        with pytest.raises(ValidationError, match="已办结，不能再上传证据材料"):
            attachment_add(user=chair_a, complaint=complaint, file_name="a.png", content=PNG)
        response = client_for(chair_a).post(
            reverse("complaints:attachment_upload", kwargs={"pk": complaint.pk}),
            {"file": SimpleUploadedFile("photo.png", PNG)},
        )
        assert response.status_code == 302
        assert "已办结，不能再上传证据材料" in " ".join(str(m) for m in get_messages(response.wsgi_request))
        assert not ComplaintAttachment.objects.exists()

    def test_an_answered_complaint_still_takes_evidence(self, register, chair_a):
        complaint = complaint_transition(
            user=chair_a, complaint=register(timezone.now() - DAY), to_status="investigating"
        )
        complaint = complaint_transition(
            user=chair_a, complaint=complaint, to_status="answered", answer_method="phone", answer_text="已答复"
        )
        assert attachment_add(user=chair_a, complaint=complaint, file_name="a.png", content=PNG).pk
