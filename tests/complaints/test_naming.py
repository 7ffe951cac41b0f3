"""Who is shown the complainant: one rule (apps.complaints.selectors), and every page that
shows a complainant asks it: the list's table, the export, the detail page and its history,
and the public notice."""

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.complaints.models import Complaint
from apps.complaints.selectors import complainant_posted, complainant_shown
from apps.complaints.services import complaint_transition

pytestmark = pytest.mark.django_db

APP = Path(__file__).resolve().parents[2] / "apps" / "complaints"
NOW = timezone.now


def posted(chair, complaint):
    complaint = complaint_transition(user=chair, complaint=complaint, to_status="investigating")
    return complaint_transition(
        user=chair, complaint=complaint, to_status="posted", posted_where="厂区公示栏", posted_text="企业已纠正。"
    )


# --- the rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize("confidential", [True, False])
def test_staff_with_the_permission_see_name_and_mobile_confidential_or_not(register, chair_a, clerk_a, confidential):
    complaint = register(NOW(), confidential=confidential)
    shown = complainant_shown(complaint, user=chair_a)
    assert (shown.name, shown.mobile, shown.named) == ("王强", "13912345678", True)
    shown = complainant_shown(complaint, user=clerk_a)
    assert (shown.name, shown.mobile, shown.named) == ("王*", "", False)
    assert complainant_shown(complaint, user=None).name == "王*"


def test_an_anonymous_complaint_is_anonymous_to_everyone(register, chair_a, clerk_a, county_user):
    complaint = register(NOW(), anonymous=True, complainant_name="", complainant_mobile="")
    for user in (chair_a, clerk_a, county_user):
        assert complainant_shown(complaint, user=user).name == "匿名"
    assert complainant_posted(complaint).name == "匿名"


@pytest.mark.parametrize(
    ("consent", "confidential", "named"),
    [(True, False, True), (True, True, False), (False, False, False), (False, True, False)],
)
def test_a_posting_names_only_with_consent_and_without_confidentiality(register, consent, confidential, named):
    complaint = register(NOW(), consent_to_name=consent, confidential=confidential)
    shown = complainant_posted(complaint)
    assert shown.name == ("王强" if named else "王*") and shown.named is named
    assert shown.mobile == ""  # a notice board never carries the mobile


# --- every consumer asks the rule ------------------------------------------------------------------


def test_the_list_shows_the_complainant_as_the_rule_says(client_for, register, chair_a, clerk_a):
    named = register(NOW() - datetime.timedelta(hours=2))
    anonymous = register(NOW() - datetime.timedelta(hours=1), anonymous=True, complainant_name="")
    for user, expected in ((chair_a, "王强"), (clerk_a, "王*")):
        table = client_for(user).get(reverse("complaints:complaint_list")).context["table"]
        cells = {row.record.pk: row.get_cell("complainant") for row in table.paginated_rows}
        assert cells == {named.pk: expected, anonymous.pk: "匿名"}


def test_the_export_shows_the_complainant_as_the_rule_says(client_for, register, chair_a, clerk_a):
    register(NOW())
    for user, expected in ((chair_a, "王强"), (clerk_a, "王*")):
        response = client_for(user).get(reverse("complaints:complaint_export"))
        rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
        assert rows[1][rows[0].index("投诉人")] == expected
        assert "13912345678" not in {str(value) for row in rows for value in row}


def test_the_detail_page_shows_the_complainant_as_the_rule_says(client_for, register, chair_a, clerk_a):
    complaint = register(NOW())
    page = client_for(chair_a).get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="complainant">王强 13912345678<' in page
    page = client_for(clerk_a).get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="complainant">王*<' in page
    assert "王强" not in page and "13912345678" not in page


def test_the_detail_pages_history_masks_a_change_of_the_complainant(client_for, register, chair_a, clerk_a):
    complaint = register(NOW())
    # A correction made outside the portal (a shell): the history records it.
    Complaint.objects.filter(pk=complaint.pk).update(complainant_name="王小强", complainant_mobile="13800000000")
    page = client_for(chair_a).get(complaint.get_absolute_url()).content.decode()
    assert "王小强" in page and "13800000000" in page
    page = client_for(clerk_a).get(complaint.get_absolute_url()).content.decode()
    assert "王小强" not in page and "13800000000" not in page and "***" in page


@pytest.mark.parametrize(("consent", "confidential", "shown"), [(True, False, "王强"), (True, True, "王*")])
def test_the_public_notice_shows_the_complainant_as_the_rule_says(
    client_for, register, chair_a, consent, confidential, shown
):
    complaint = posted(chair_a, register(NOW(), consent_to_name=consent, confidential=confidential))
    page = client_for(chair_a).get(reverse("complaints:posting_print", kwargs={"pk": complaint.pk}))
    content = page.content.decode()
    assert f'data-testid="posted-complainant">{shown}<' in content
    assert "13912345678" not in content


@pytest.mark.parametrize(
    "path",
    ["views.py", "tables.py", "filters.py", *[p.name for p in (APP / "templates" / "complaints").glob("*.html")]],
)
def test_no_page_decides_on_the_complainant_by_itself(path):
    """Only the rule reads the complainant's fields and the permission: a page that read them
    itself would be a second rule, free to drift (as the list, export and notice had)."""
    file = APP / path if path.endswith(".py") else APP / "templates" / "complaints" / path
    source = file.read_text()
    for name in ("complainant_name", "complainant_mobile", "complainant_masked", "consent_to_name", "view_complainant"):
        assert name not in source, f"{path} reads {name}"
