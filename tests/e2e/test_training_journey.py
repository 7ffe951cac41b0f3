"""County staff open a county training batch with quotas, township A's chair nominates a cadre,
the attendance is entered and completion assessed, the certificate is printed, and the chair's
未培训干部 list no longer names the cadre.

Dates are today's (the live server runs on the real clock): sign-up runs up to today, the batch
starts today and its one session is held today, so it can be signed in and assessed at once.
With E2E_SHOTS_DIR set to a folder, each page is saved there as a numbered screenshot at 1366×768.
"""

import datetime

import pytest

from apps.contracts.clock import SHANGHAI
from apps.training.models import Certificate, Nomination
from tests.e2e.conftest import choose
from tests.e2e.test_contracts_journey import Shots, login, logout, main_text, submit
from tests.training.conftest import make_officer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TRAINEE = "王学军"
TITLE = "工会干部业务集训"


def today() -> datetime.date:
    return datetime.datetime.now(tz=SHANGHAI).date()


def untrained_names(page) -> str:
    page.goto(f"{page.base_url}/training/reports/untrained/")
    return page.inner_text("[data-testid=untrained]")


@pytest.fixture
def cadres(county_tree):
    return [make_officer(county_tree["union_a"], TRAINEE), make_officer(county_tree["union_a"], "李春燕")]


def test_a_county_batch_from_quotas_to_the_certificate(page, cadres, county_tree, county_user, chair_a):
    shot = Shots(page)
    day = today()

    # 1. County staff open the batch: sign-up up to today, one day of lectures today.
    login(page, "county")
    page.click("aside >> text=培训班")
    page.wait_for_selector("h1")
    shot("list-empty")
    page.click("main >> text=开办培训班")
    page.select_option("#id_organiser", label="东海县总工会")
    page.fill("#id_title", TITLE)
    page.fill("#id_venue", "县委党校")
    page.fill("#id_starts_on", day.isoformat())
    page.fill("#id_ends_on", day.isoformat())
    page.fill("#id_capacity", "120")
    page.check("input[name=target_groups][value=enterprise_chair]")
    page.fill("#id_signup_opens_on", (day - datetime.timedelta(days=10)).isoformat())
    page.fill("#id_signup_closes_on", day.isoformat())
    shot("programme-form")
    submit(page, "id_title")
    page.wait_for_selector("[data-testid=programme-status]")
    assert "培训班已开办" in main_text(page)
    shot("programme-opened")

    page.click("[data-testid=session-add]")
    page.fill("#id_hours", "6")
    page.fill("#id_subject", "新时代乡镇工会工作实务")
    page.fill("#id_teacher", "县委党校 陈老师")
    submit(page, "id_subject")
    page.wait_for_selector("[data-testid=sessions]")

    page.click("[data-testid=quotas]")
    page.fill(f"#id_township_{county_tree['a'].pk}", "2")
    page.fill(f"#id_township_{county_tree['b'].pk}", "1")
    shot("quotas")
    submit(page, f"id_township_{county_tree['a'].pk}")
    page.wait_for_selector("[data-testid=places]")
    assert "名额分配已保存" in main_text(page)
    shot("programme-with-quotas")
    logout(page)

    # 2. The chair sees who still needs training, then nominates one of them.
    login(page, "chair_a")
    assert TRAINEE in untrained_names(page)
    shot("untrained-before")
    page.click("aside >> text=培训班")
    page.wait_for_selector("[data-testid=programmes]")
    assert "0 / 2" in page.inner_text("[data-testid=programmes]")  # the township's enrolled / quota
    shot("chair-list")
    page.click(f"[data-testid=programmes] >> text={TITLE}")
    page.click("[data-testid=nominate]")
    assert "分配名额 2 个" in page.inner_text("[data-testid=nomination-places]")
    choose(page, "id_officer", "王", TRAINEE)
    shot("nomination-form")
    submit(page, "id_officer")
    page.wait_for_selector("[data-testid=nominations]")
    assert f"{TRAINEE} 已报名" in main_text(page)
    shot("nominated")
    logout(page)

    # 3. County staff enter the attendance, assess completion and issue the certificate.
    login(page, "county")
    page.click("aside >> text=培训班")
    page.click(f"[data-testid=programmes] >> text={TITLE}")
    page.click("[data-testid^=attendance-]")
    page.wait_for_selector("[data-testid=attendance]")
    shot("attendance")
    page.click("[data-testid=attendance-form] [type=submit]")
    page.wait_for_selector("[data-testid=nominations]")
    assert "已登记 1 名学员的签到" in main_text(page)
    page.click("[data-testid=assess]")
    page.wait_for_selector("[data-testid=nominations]")
    assert "1 人结业" in main_text(page)
    page.click("[data-testid=certificates-issue]")
    page.wait_for_selector("[data-testid=nominations]")
    assert "已颁发 1 本结业证书" in main_text(page)
    shot("certified")
    nomination = Nomination.objects.get(officer=cadres[0])
    certificate = Certificate.objects.get(nomination=nomination)
    page.click(f"[data-testid=certificate-{nomination.pk}]")
    page.wait_for_selector("[data-testid=print-page]")
    assert page.inner_text("[data-testid=print-name]") == TRAINEE
    assert page.inner_text("[data-testid=print-number]") == f"证书编号：{certificate.number}"
    assert "东海县总工会（盖章）" in page.inner_text("[data-testid=print-organiser]")
    page.set_viewport_size({"width": 1366, "height": 768})
    shot("certificate-print")
    page.goto(f"{page.base_url}/training/")  # the print view has no menu: back to log out
    logout(page)

    # 4. The chair's 未培训干部 list no longer names the trainee; the other cadre is still there.
    login(page, "chair_a")
    names = untrained_names(page)
    assert TRAINEE not in names and "李春燕" in names
    shot("untrained-after")
