"""The view-check base (tests/viewchecks.py) on complaints, their attachments and public notice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.complaints.models import Complaint
from tests.factories import PNG, AttachmentFactory, ComplaintFactory, EnterpriseFactory, complaint_posted
from tests.viewchecks import STAFF, ViewChecks, button, form, page, search
from tests.viewchecks import Route as R


def _chair(world, where):
    return world.users["chair" if where == "a" else "chair_b"]


def _complaint(world, where, user=None):
    enterprise = EnterpriseFactory(township=world.tree[where])
    return ComplaintFactory(user=_chair(world, where), enterprise=enterprise)


def _attachment(world, where, user=None):
    return AttachmentFactory(user=_chair(world, where), complaint=_complaint(world, where))


def _posted(world, where, user=None):
    return complaint_posted(_complaint(world, where), user=_chair(world, where))


def _new_complaint(enterprise):
    return {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "hotline",
        "enterprise": enterprise.pk,
        "category": "wages",
        "complainant_name": "李娜",
        "description": "三个月未发工资",
        "confidential": "on",
    }


def _changed(field, value):
    def check(obj):
        obj.refresh_from_db()
        assert getattr(obj, field) == value, (field, getattr(obj, field))

    return check


class TestComplaintViews(ViewChecks):
    def make(self, world, where, user):
        return _complaint(world, where)

    routes = (
        page("complaints:complaint_list", "list", STAFF, shows=str),
        search("complaints:handler_autocomplete", STAFF),
        page("complaints:complaint_export", "export", STAFF),
        page(
            "complaints:complaint_create",
            "create",
            STAFF,
            methods=("get", "post"),
            data=lambda world, obj: _new_complaint(obj.enterprise),
            done=lambda obj: Complaint.objects.get(description="三个月未发工资"),
            foreign=lambda world, obj: _new_complaint(EnterpriseFactory(township=world.tree["b"])),
        ),
        page("complaints:statistics", "list", STAFF),
        R("complaints:complaint_detail", "detail", STAFF),
        form(
            "complaints:complaint_transition",
            "action",
            STAFF,
            lambda world, obj: {"note": "开始调查"},
            url_kwargs=lambda obj: {"pk": obj.pk, "status": "investigating"},
            done=_changed("status", "investigating"),
        ),
        button(
            "complaints:attachment_upload",
            STAFF,
            lambda world, obj: {"file": SimpleUploadedFile("photo.png", PNG)},
            done=lambda obj: obj.attachments.get(),
        ),
        R(
            "complaints:attachment_download",
            "export",
            STAFF,
            obj=_attachment,
            url_kwargs=lambda obj: {"pk": obj.complaint_id, "attachment_pk": obj.pk},
        ),
        R("complaints:posting_print", "detail", STAFF, obj=_posted),
        R("complaints:complaint_print", "detail", STAFF),
    )


@pytest.mark.django_db
def test_an_attachment_is_served_only_under_its_own_complaint(world, client):
    """Township B's evidence under township A's complaint number is a 404, for the county too."""
    own = _complaint(world, "a")
    other = _attachment(world, "b")
    url = reverse("complaints:attachment_download", kwargs={"pk": own.pk, "attachment_pk": other.pk})
    for role in ("chair", "county"):
        client.force_login(world.users[role])
        assert client.get(url).status_code == 404
