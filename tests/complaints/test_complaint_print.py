"""投诉登记表 (the registration form's A4 print): scoped, the complainant as the viewer may see them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.complaints.services import complaint_transition

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _print(client, complaint):
    return client.get(reverse("complaints:complaint_print", kwargs={"pk": complaint.pk}))


def _cell(content, testid):
    return content.split(f'data-testid="{testid}">', 1)[1].split("</td>", 1)[0].strip()


def test_the_form_prints_the_complaint_for_its_file(client_for, register, chair_a):
    complaint = register(timezone.now() - 2 * DAY, category="wages", description="三个月未发工资", request="补发工资")
    complaint = complaint_transition(user=chair_a, complaint=complaint, to_status="investigating", note="约谈企业")
    response = _print(client_for(chair_a), complaint)
    assert response.status_code == 200
    content = response.content.decode()
    assert "员工投诉登记表" in content and "css/print.css" in content
    for shown in (
        complaint.tracking_number,
        "白塔化工建材厂",
        "拖欠工资",
        "三个月未发工资",
        "补发工资",
        "调查中",
        "约谈企业",
    ):
        assert shown in content, shown
    assert (_cell(content, "print-complainant"), _cell(content, "print-mobile")) == ("王强", "13912345678")


def test_a_viewer_who_may_not_see_the_complainant_prints_them_masked(client_for, register, clerk_a):
    complaint = register(timezone.now() - DAY)
    content = _print(client_for(clerk_a), complaint).content.decode()
    assert (_cell(content, "print-complainant"), _cell(content, "print-mobile")) == ("王*", "—")
    assert "王强" not in content and "13912345678" not in content


def test_an_anonymous_complaint_prints_anonymous(client_for, register, county_user):
    complaint = register(timezone.now() - DAY, anonymous=True, complainant_name="", complainant_mobile="")
    content = _print(client_for(county_user), complaint).content.decode()
    assert _cell(content, "print-complainant") == "匿名"


def test_the_answer_prints_with_its_time_and_whether_on_time(client_for, register, chair_a):
    complaint = register(timezone.now() - 3 * DAY)
    complaint = complaint_transition(user=chair_a, complaint=complaint, to_status="investigating")
    given = complaint.received_at + DAY
    complaint_transition(
        user=chair_a,
        complaint=complaint,
        to_status="answered",
        answer_method="phone",
        answer_text="企业同意补发",
        answered_at=given,
    )
    content = _print(client_for(chair_a), complaint).content.decode()
    assert f"{timezone.localtime(given):%Y年%-m月%-d日 %H:%M}" in content
    assert "电话答复" in content and "（按时）" in content and "企业同意补发" in content


def test_another_townships_complaint_is_404_and_the_page_links_to_the_print(
    client_for, register, factories, chair_a, chair_b
):
    theirs = register(timezone.now() - DAY, enterprise=factories["b"], user=chair_b)
    client = client_for(chair_a)
    assert _print(client, theirs).status_code == 404
    mine = register(timezone.now() - DAY)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert reverse("complaints:complaint_print", kwargs={"pk": mine.pk}) in page and "打印登记表" in page


def test_anonymous_visitors_are_sent_to_login(client, register):
    complaint = register(timezone.now() - DAY)
    response = _print(client, complaint)
    assert response.status_code == 302 and "/login/" in response["Location"]
