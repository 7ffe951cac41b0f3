"""A township chair registers a complaint, moves it to answered and sees it leave the overdue
list; county staff see it in the statistics."""

import datetime

import pytest
from django.utils import timezone

from apps.complaints.models import Complaint
from apps.complaints.services import complaint_deadline_sweep
from tests.conftest import PASSWORD
from tests.e2e.conftest import choose

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, username):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=own-unit]")


def test_chair_answers_an_overdue_complaint_and_the_county_sees_it(page, chair_a, county_user, county_tree):
    from apps.branches.demo import demo_credit_code
    from apps.branches.services import enterprise_register

    enterprise_register(
        user=chair_a,
        township=county_tree["a"],
        name="白塔化工建材厂",
        credit_code=demo_credit_code(401),
        ownership="private",
        employee_count=80,
    )
    login(page, "chair_a")
    page.click("aside >> text=员工投诉")
    page.click("text=登记投诉")
    received = timezone.localtime() - datetime.timedelta(days=9)
    page.fill("#id_received_at", received.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_channel", label="热线电话")
    choose(page, "id_enterprise", "化工", "白塔化工建材厂")
    page.select_option("#id_category", label="处分不当")
    page.fill("#id_complainant_name", "王强")
    page.fill("#id_description", "迟到五分钟被扣全勤奖和绩效工资。")
    page.click("input[type=submit]")
    tracking = page.inner_text("h1").split()[0]
    assert tracking.startswith("TS-")

    complaint_deadline_sweep()  # beat's job: it is nine days old, so overdue
    page.goto(f"{page.base_url}/complaints/?overdue=1")
    assert tracking in page.inner_text("[data-testid=complaints]")

    page.click(f"text={tracking}")
    page.click("a:has-text('调查中')")
    page.fill("#id_note", "已到企业核实考勤记录")
    page.click("input[type=submit]")
    page.click("a:has-text('已答复')")
    page.select_option("#id_answer_method", label="电话答复")
    page.fill("#id_answer_text", "企业同意退还扣发的绩效工资。")
    page.click("input[type=submit]")
    assert page.inner_text("[data-testid=complaint-status]") == "已答复"
    assert "已答复" in page.inner_text("[data-testid=timeline]")

    page.goto(f"{page.base_url}/complaints/?overdue=1")
    assert tracking not in page.inner_text("[data-testid=complaints]")
    assert Complaint.objects.get(tracking_number=tracking).answered_at is not None

    page.click("nav.navbar .dropdown-toggle")
    page.click("text=退出登录")
    login(page, "county")
    page.goto(f"{page.base_url}/complaints/statistics/")
    totals = page.inner_text("[data-testid=totals]")
    assert "0%" in totals  # answered, but after the seven days
    assert "白塔埠镇总工会" in page.inner_text("main")
