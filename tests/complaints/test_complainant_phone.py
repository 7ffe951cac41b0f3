"""The complainant's telephone: a mobile by the members' rule, or a landline with its area code;
held for new complaints (form and service), while a row stored before the rule keeps working."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.complaints.choices import Status
from apps.complaints.forms import ComplaintForm
from apps.complaints.models import Complaint
from apps.complaints.services import complaint_transition

AN_HOUR_AGO = timezone.now() - datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("0518-85123456", "0518-85123456"),
        ("0518 8512 3456", "0518-85123456"),
        ("(010)87654321", "010-87654321"),
        ("", ""),
    ],
)
def test_the_service_stores_a_mobile_or_a_landline_normalised(register, typed, stored):
    assert register(AN_HOUR_AGO, complainant_mobile=typed).complainant_mobile == stored


@pytest.mark.parametrize("typed", ["12345678901", "1391234567", "85123456", "0518-851", "电话13912345678", "abc"])
def test_the_service_refuses_anything_else_in_chinese(register, typed):
    with pytest.raises(ValidationError) as caught:
        register(AN_HOUR_AGO, complainant_mobile=typed)
    assert "手机号码" in caught.value.message_dict["complainant_mobile"][0]
    assert not Complaint.objects.exists()


def _form(user, factories, mobile):
    return ComplaintForm(
        data={
            "received_at": timezone.localtime(AN_HOUR_AGO).strftime("%Y-%m-%dT%H:%M"),
            "channel": "hotline",
            "enterprise": factories["a"].pk,
            "category": "punishment",
            "complainant_name": "王强",
            "complainant_mobile": mobile,
            "confidential": "on",
            "description": "迟到被扣全勤奖",
        },
        user=user,
    )


def test_the_form_cleans_and_refuses_by_the_same_rule(factories, chair_a):
    good = _form(chair_a, factories, "139 1234 5678")
    assert good.is_valid(), good.errors
    assert good.cleaned_data["complainant_mobile"] == "13912345678"
    landline = _form(chair_a, factories, "0518-8512-3456")
    assert landline.is_valid() and landline.cleaned_data["complainant_mobile"] == "0518-85123456"
    bad = _form(chair_a, factories, "1234567")
    assert not bad.is_valid()
    assert "手机号码" in bad.errors["complainant_mobile"][0]


def test_a_row_stored_before_the_rule_still_moves_along_the_workflow(register, chair_a):
    complaint = register(AN_HOUR_AGO)
    Complaint.objects.filter(pk=complaint.pk).update(complainant_mobile="5123456 转 8")
    complaint.refresh_from_db()
    complaint = complaint_transition(user=chair_a, complaint=complaint, to_status=Status.INVESTIGATING)
    assert complaint.complainant_mobile == "5123456 转 8"
