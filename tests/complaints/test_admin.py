"""Django admin shows complaints, their steps and reminders, and changes none of them: the
workflow's services own every field."""

import pytest
from django.contrib.admin import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.complaints.admin import ComplaintAdmin
from apps.complaints.models import Complaint, ComplaintReminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(client, django_user_model):
    def login(user):
        django_user_model.objects.filter(pk=user.pk).update(is_staff=True)
        user.refresh_from_db()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def superuser(county_tree):
    from apps.accounts.services import user_create

    return user_create(user=None, username="root", password="test-pass-2026", is_superuser=True)


def test_admin_shows_a_complaint_read_only_without_the_complainant(admin_client_for, superuser, register):
    complaint = register(timezone.now())
    client = admin_client_for(superuser)
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_save"' not in content and "王强" not in content and "13912345678" not in content
    before = Complaint.objects.values("status", "due_at", "is_overdue").get(pk=complaint.pk)
    response = client.post(url, {"status": "closed", "is_overdue": "on", "due_at": "2030-01-01 00:00"})
    assert response.status_code == 403
    assert Complaint.objects.values("status", "due_at", "is_overdue").get(pk=complaint.pk) == before
    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403
    assert client.post(reverse("admin:complaints_complaint_delete", args=[complaint.pk])).status_code == 403


def test_admin_adds_no_steps_or_reminders_by_hand(admin_client_for, superuser, register):
    complaint = register(timezone.now())
    client = admin_client_for(superuser)
    request = RequestFactory().get("/")
    request.user = superuser
    inlines = ComplaintAdmin(Complaint, site).get_inline_instances(request, complaint)
    assert inlines and all(
        not inline.has_add_permission(request, complaint) and not inline.has_change_permission(request, complaint)
        for inline in inlines
    )
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    assert 'name="steps-0-note"' not in page  # the registration's step is shown, not editable
    assert client.get(reverse("admin:complaints_complaintreminder_add")).status_code == 403
    reminder = ComplaintReminder.objects.create(complaint=complaint, kind="warning")
    url = reverse("admin:complaints_complaintreminder_change", args=[reminder.pk])
    assert client.post(url, {"kind": "overdue"}).status_code == 403
    assert ComplaintReminder.objects.get(pk=reminder.pk).kind == "warning"


def test_admin_lists_only_the_staff_members_townships(admin_client_for, chair_a, chair_b, register, factories):
    from django.contrib.auth.models import Permission

    mine = register(timezone.now())
    theirs = register(timezone.now(), enterprise=factories["b"], user=chair_b)
    ComplaintReminder.objects.create(complaint=mine, kind="warning")
    ComplaintReminder.objects.create(complaint=theirs, kind="warning")
    chair_a.user_permissions.add(Permission.objects.get(codename="view_complaintreminder"))
    client = admin_client_for(chair_a)
    listing = client.get(reverse("admin:complaints_complaint_changelist")).content.decode()
    assert mine.tracking_number in listing and theirs.tracking_number not in listing
    assert client.get(reverse("admin:complaints_complaint_change", args=[theirs.pk])).status_code == 302
    reminders = client.get(reverse("admin:complaints_complaintreminder_changelist")).content.decode()
    assert mine.tracking_number in reminders and theirs.tracking_number not in reminders
