"""The complaint pages speak Chinese: no "---------" in a select (请选择…), no English label."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.complaints.services import complaint_transition

pytestmark = pytest.mark.django_db

# Words a Chinese office page may carry in Latin letters.
ALLOWED = {"Excel", "JPG", "PNG", "PDF"}


def _visible_words(html: str) -> set[str]:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return set(re.findall(r"[A-Za-z]{4,}", text)) - ALLOWED


@pytest.fixture
def pages(register, chair_a):
    complaint = register(timezone.now() - datetime.timedelta(days=1))
    investigating = complaint_transition(
        user=chair_a, complaint=register(timezone.now() - datetime.timedelta(days=1)), to_status="investigating"
    )
    answered = complaint_transition(
        user=chair_a,
        complaint=register(timezone.now() - datetime.timedelta(days=2)),
        to_status="investigating",
    )
    answered = complaint_transition(
        user=chair_a, complaint=answered, to_status="answered", answer_method="phone", answer_text="已答复"
    )

    def transition(obj, status):
        return reverse("complaints:complaint_transition", kwargs={"pk": obj.pk, "status": status})

    return {
        "list": reverse("complaints:complaint_list"),
        "create": reverse("complaints:complaint_create"),
        "statistics": reverse("complaints:statistics"),
        "detail": answered.get_absolute_url(),
        "print": reverse("complaints:complaint_print", kwargs={"pk": answered.pk}),
        "investigating": transition(complaint, "investigating"),
        "answered": transition(investigating, "answered"),
        "posted": transition(investigating, "posted"),
        "referred": transition(investigating, "referred"),
        "closed": transition(answered, "closed"),
    }


def test_no_dashes_and_no_english_on_the_complaint_pages(client_for, chair_a, pages):
    client = client_for(chair_a)
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        content = response.content.decode()
        assert "---------" not in content, name
        assert not _visible_words(content), (name, _visible_words(content))


@pytest.mark.parametrize(
    ("page", "field"),
    [("answered", "answer_method"), ("referred", "referred_to"), ("closed", "satisfaction"), ("create", "category")],
)
def test_a_required_choice_starts_empty_and_must_be_made(client_for, chair_a, pages, page, field):
    client = client_for(chair_a)
    form = client.get(pages[page]).context["form"]
    assert form.fields[field].choices[0] == ("", "请选择…")
    response = client.post(pages[page], {field: ""})
    assert response.status_code == 200
    assert "这个字段是必填项。" in response.context["form"].errors[field]
