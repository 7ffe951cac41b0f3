"""The complaint workflow, bad input, attachments, the public notice, scoping and query counts."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.complaints.choices import TRANSITIONS, Status
from apps.complaints.models import Complaint, ComplaintAttachment
from apps.complaints.services import complaint_transition
from apps.core.errors import ApplicationError

SH = datetime.timezone(datetime.timedelta(hours=8))
NOW = timezone.now
DETAILS = {
    "answered": {"answer_method": "phone", "answer_text": "已答复投诉人"},
    "posted": {"posted_where": "厂区公示栏", "posted_text": "经调查，企业已纠正。"},
    "referred": {"referred_to": "mediation"},
    "closed": {"satisfaction": "satisfied"},
}
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def walk(user, complaint, *statuses):
    for status in statuses:
        complaint = complaint_transition(user=user, complaint=complaint, to_status=status, **DETAILS.get(status, {}))
    return complaint


@pytest.mark.django_db
class TestWorkflow:
    @pytest.mark.parametrize(
        "path",
        [
            ["investigating", "in_talks", "answered", "closed"],
            ["investigating", "in_talks", "posted", "closed"],
            ["investigating", "answered", "closed"],
            ["investigating", "posted", "closed"],
            ["investigating", "referred", "closed"],
            ["investigating", "in_talks", "referred", "closed"],
            ["referred", "closed"],
        ],
    )
    def test_every_legal_path_and_its_timeline(self, register, chair_a, path):
        complaint = walk(chair_a, register(NOW() - datetime.timedelta(days=1)), *path)
        assert complaint.status == "closed" and complaint.closed_at
        steps = list(complaint.steps.values_list("from_status", "to_status"))
        assert steps == list(zip(["", "received", *path[:-1]], ["received", *path], strict=True))

    def test_every_illegal_jump_is_refused_with_a_reason(self, register, chair_a):
        for start in Status:
            for target in Status:
                if target in TRANSITIONS[start] or target == Status.RECEIVED:
                    continue
                complaint = register(NOW() - datetime.timedelta(days=1))
                Complaint.objects.filter(pk=complaint.pk).update(
                    status=start, answered_at=NOW() if start in ("answered", "posted") else None
                )
                with pytest.raises(ApplicationError, match="不能直接改为"):
                    complaint_transition(user=chair_a, complaint=complaint, to_status=target, **DETAILS.get(target, {}))

    def test_answering_needs_its_details(self, register, chair_a):
        complaint = walk(chair_a, register(NOW()), "investigating")
        with pytest.raises(ValidationError, match="答复方式"):
            complaint_transition(user=chair_a, complaint=complaint, to_status="answered")
        assert Complaint.objects.get(pk=complaint.pk).status == "investigating"

    def test_database_refuses_an_answer_before_receipt_and_unknown_status(self, register):
        complaint = register(NOW() - datetime.timedelta(days=1))
        with pytest.raises(IntegrityError), transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(answered_at=complaint.received_at - datetime.timedelta(1))
        with pytest.raises(IntegrityError), transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(status="lost")

    def test_tracking_numbers_are_unique_and_readable(self, register):
        first, second = register(NOW()), register(NOW())
        assert first.tracking_number.startswith(f"TS-{timezone.localtime().year}-")
        assert first.tracking_number != second.tracking_number

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"description": "  "}, "事情经过"),
            ({"received_at": NOW() + datetime.timedelta(days=1)}, "不能晚于现在"),
            ({"complainant_name": ""}, "匿名投诉"),
        ],
    )
    def test_bad_input_is_refused_and_nothing_saved(self, register, fields, message):
        received = fields.pop("received_at", NOW())
        with pytest.raises(ValidationError, match=message):
            register(received, **fields)
        assert not Complaint.objects.exists()


@pytest.mark.django_db
class TestPages:
    def test_register_through_the_form_and_the_list_shows_it(self, client_for, chair_a, factories):
        client = client_for(chair_a)
        response = client.post(
            reverse("complaints:complaint_create"),
            {
                "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "channel": "hotline",
                "enterprise": factories["a"].pk,
                "category": "wages",
                "complainant_name": "李娜",
                "description": "加班费未发",
                "confidential": "on",
            },
        )
        assert response.status_code == 302
        complaint = Complaint.objects.get()
        assert complaint.township == factories["a"].township
        listing = client.get(reverse("complaints:complaint_list")).content.decode()
        assert complaint.tracking_number in listing

    def test_unknown_enterprise_and_empty_description_are_refused_in_chinese(self, client_for, chair_a, factories):
        response = client_for(chair_a).post(
            reverse("complaints:complaint_create"),
            {
                "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "channel": "hotline",
                "enterprise": factories["b"].pk,
                "category": "wages",
                "complainant_name": "李娜",
                "description": "",
            },
        )
        content = response.content.decode()
        assert response.status_code == 200 and "选择一个有效的选项" in content and "这个字段是必填项" in content
        assert not Complaint.objects.exists()

    @pytest.mark.parametrize("route", ["complaint_detail", "posting_print"])
    def test_other_townships_complaint_is_404(self, client_for, chair_a, chair_b, register, factories, route):
        complaint = register(NOW(), enterprise=factories["b"], user=chair_b)
        walk(chair_b, complaint, "investigating", "posted")
        assert client_for(chair_a).get(reverse(f"complaints:{route}", kwargs={"pk": complaint.pk})).status_code == 404

    def test_other_townships_transition_attachment_and_export_are_closed(
        self, client_for, chair_a, chair_b, register, factories
    ):
        complaint = register(NOW(), enterprise=factories["b"], user=chair_b)
        attachment = ComplaintAttachment.objects.create(
            complaint=complaint,
            file_name="x.png",
            content_type="image/png",
            size=len(PNG),
            content=PNG,
            uploaded_by=chair_b,
        )
        client = client_for(chair_a)
        url = reverse("complaints:complaint_transition", kwargs={"pk": complaint.pk, "status": "investigating"})
        assert client.post(url, {"note": "x"}).status_code == 404
        url = reverse("complaints:attachment_download", kwargs={"pk": complaint.pk, "attachment_pk": attachment.pk})
        assert client.get(url).status_code == 404
        url = reverse("complaints:attachment_upload", kwargs={"pk": complaint.pk})
        assert client.post(url, {"file": SimpleUploadedFile("a.png", PNG)}).status_code == 404
        sheet = load_workbook(io.BytesIO(client.get(reverse("complaints:complaint_export")).content)).active
        assert sheet.max_row == 1
        assert Complaint.objects.get(pk=complaint.pk).status == "received"

    def test_attachments_are_checked_by_content_and_served_privately(self, client_for, chair_a, register):
        complaint = register(NOW())
        client = client_for(chair_a)
        url = reverse("complaints:attachment_upload", kwargs={"pk": complaint.pk})
        client.post(url, {"file": SimpleUploadedFile("evil.png", b"<script>alert(1)</script>")})
        client.post(url, {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1))})
        assert not ComplaintAttachment.objects.exists()
        client.post(url, {"file": SimpleUploadedFile("photo.png", PNG)})
        attachment = ComplaintAttachment.objects.get()
        response = client.get(
            reverse("complaints:attachment_download", kwargs={"pk": complaint.pk, "attachment_pk": attachment.pk})
        )
        assert response.content == PNG and response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"

    @pytest.mark.parametrize(("consent", "shown"), [(False, "王*"), (True, "王强")])
    def test_public_notice_names_the_complainant_only_with_consent(self, client_for, chair_a, register, consent, shown):
        complaint = walk(
            chair_a, register(NOW(), consent_to_name=consent, confidential=not consent), "investigating", "posted"
        )
        page = client_for(chair_a).get(reverse("complaints:posting_print", kwargs={"pk": complaint.pk}))
        assert f'data-testid="posted-complainant">{shown}<' in page.content.decode()

    def test_statistics_count_on_time_answers(self, client_for, county_user, chair_a, register):
        walk(chair_a, register(NOW() - datetime.timedelta(days=2)), "investigating", "answered")
        register(NOW() - datetime.timedelta(days=20))  # overdue, not answered: late
        page = client_for(county_user).get(reverse("complaints:statistics")).content.decode()
        assert "50%" in page and "白塔埠镇总工会" in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 300])
def test_list_and_detail_cost_the_same_at_any_size(
    client_for, county_user, chair_a, factories, count, django_assert_max_num_queries
):
    now = timezone.now()
    Complaint.objects.bulk_create(
        Complaint(
            tracking_number=f"TS-T-{i:06d}",
            received_at=now,
            due_at=now + datetime.timedelta(days=7),
            channel="hotline",
            complainant_name="某",
            enterprise=factories["a"],
            township=factories["a"].township,
            category="other",
            description="x",
            handler=chair_a,
        )
        for i in range(count)
    )
    client = client_for(county_user)
    client.get(reverse("overview:home"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("complaints:complaint_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(Complaint.objects.first().get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_list_filters_by_enterprise_and_handler(client_for, county_user, chair_a, chair_b, register, factories):
    mine = register(NOW())
    theirs = register(NOW(), enterprise=factories["b"], user=chair_b)
    client = client_for(county_user)
    by_enterprise = client.get(reverse("complaints:complaint_list"), {"enterprise": factories["b"].pk}).content.decode()
    assert theirs.tracking_number in by_enterprise and mine.tracking_number not in by_enterprise
    by_handler = client.get(reverse("complaints:complaint_list"), {"handler": chair_a.pk}).content.decode()
    assert mine.tracking_number in by_handler and theirs.tracking_number not in by_handler


@pytest.mark.django_db
def test_odd_query_strings_are_refused_on_the_form_not_a_server_error(client_for, county_user, register):
    """Since the list has a filterset (issue 11): a bad value is shown on the form with no rows,
    and its export refuses (back to the list) instead of exporting the whole scope."""
    register(NOW())
    client = client_for(county_user)
    for params in (
        {"township": "abc"},
        {"received_from": "2026-02-30"},
        {"received_to": "x"},
        {"handler": "1; drop"},
        {"status": "zz"},
    ):
        listing = client.get(reverse("complaints:complaint_list"), params)
        assert listing.status_code == 200 and listing.context["table"].paginator.count == 0
        export = client.get(reverse("complaints:complaint_export"), params)
        assert export.status_code == 302 and export["Location"].startswith(reverse("complaints:complaint_list"))
