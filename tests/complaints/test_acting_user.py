"""Who did what: each complaint service records its own user, even after another user's service
in the same transaction (pghistory's context id is transaction-local and outlives its block)."""

import datetime

from django.utils import timezone
from pghistory.models import Events

from apps.complaints.choices import Status
from apps.complaints.models import ComplaintAttachment, ComplaintStep
from apps.complaints.services import attachment_add, complaint_transition


def _who(obj):
    event = Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id").first()
    return (event.pgh_context or {}).get("user_name")


def test_register_after_another_users_service_records_the_registrar(register, factories, chair_a):
    # The `factories` fixture ran enterprise_register(user=chair_b) last, in this test's transaction.
    complaint = register(timezone.now() - datetime.timedelta(hours=1))
    assert _who(complaint) == "chair_a"


def test_transition_and_attachment_record_their_user(register, factories, chair_a, county_user):
    complaint = register(timezone.now() - datetime.timedelta(hours=1), user=county_user)
    complaint = complaint_transition(user=chair_a, complaint=complaint, to_status=Status.INVESTIGATING)
    assert _who(complaint) == "chair_a"
    attachment_add(user=county_user, complaint=complaint, file_name="a.pdf", content=b"%PDF-1.4 x")
    complaint_transition(user=county_user, complaint=complaint, to_status=Status.IN_TALKS)
    assert _who(complaint) == "county"
    assert ComplaintStep.objects.filter(complaint=complaint).count() == 3
    assert ComplaintAttachment.objects.filter(complaint=complaint).count() == 1
