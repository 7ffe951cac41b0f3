"""County staff open the year and refresh its figures; township A's chair enters a self-assessment;
the county gives its final score and locks the year; the table shows the result, locked, with its
chart drawn, and the print view shows it too.

With E2E_SHOTS_DIR set to a folder, each page is saved there as a numbered screenshot at 1366×768.
"""

import pytest
from django.utils import timezone

from apps.overview.default_scheme import install_default_scheme
from apps.overview.models import (
    AssessmentYear,
    Deduction,
    SchemeItem,
    ScoreBand,
    ScoringScheme,
    TownshipScore,
    VetoItem,
)
from tests.e2e.test_contracts_journey import Shots, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
KEY = "contracts.coverage"


def test_the_county_runs_the_year_s_assessment_end_to_end(page, county_tree, county_user, chair_a):
    shot = Shots(page)
    year = timezone.localdate().year
    install_default_scheme(ScoringScheme, SchemeItem, ScoreBand, Deduction, VetoItem, year=year)
    township = county_tree["a"]

    # 1. County staff open the year from the menu's 年终考核 and refresh its figures now.
    login(page, "county")
    page.click("aside >> text=年终考核")
    page.wait_for_selector("[data-testid=assessment-status]")
    page.goto(f"{page.base_url}/assessment/manage/?year={year}")
    page.click("[data-testid=open-year]")
    page.wait_for_selector("[data-testid=refresh-now]")
    shot("manage")
    page.click("[data-testid=refresh-now]")
    page.wait_for_selector("[data-testid=refresh-status] >> text=已完成")
    shot("refresh-done")
    logout(page)

    # 2. Township A's chair sees their own row and enters the self-assessment of the contract item.
    login(page, "chair_a")
    page.goto(f"{page.base_url}/assessment/?year={year}")
    page.wait_for_selector(f"[data-testid=assessment-row-{township.pk}]")
    assert page.locator(f"[data-testid=assessment-row-{county_tree['b'].pk}]").count() == 0
    page.click(f"[data-testid=assessment-row-{township.pk}] >> text={township.name}")
    row = page.locator(f"[data-testid='item-{KEY}']")
    row.locator("form[action$='/self/'] input[name=points]").fill("3")
    row.locator("form[action$='/self/'] input[name=note]").fill("已签订综合合同")
    row.locator("form[action$='/self/'] [type=submit]").click()
    page.wait_for_selector("text=已保存")
    shot("self-assessment")
    logout(page)

    # 3. The county gives its final score, locks the year, and the table shows it locked.
    login(page, "county")
    page.goto(f"{page.base_url}/assessment/townships/{township.pk}/?year={year}")
    row = page.locator(f"[data-testid='item-{KEY}']")
    row.locator("form[action$='/final/'] input[name=points]").fill("2")
    row.locator("form[action$='/final/'] [type=submit]").click()
    page.wait_for_selector("text=已保存")
    page.goto(f"{page.base_url}/assessment/manage/lock/?year={year}")
    page.click("[data-testid=confirm-lock]")
    page.wait_for_selector("[data-testid=assessment-status] >> text=已锁定")
    assert page.inner_text(f"[data-testid=total-{township.pk}]") == "2"
    shot("table-locked")
    assert AssessmentYear.objects.get(year=year).locked
    score = TownshipScore.objects.get(year=year, township=township, indicator_key=KEY)
    assert (score.self_points, score.final_points, score.self_note) == (3, 2, "已签订综合合同")

    # 4. The table's chart is drawn (Chart.js from the portal's static files); the print view
    #    shows the locked result, with its chart.
    page.wait_for_selector("[data-testid=chart-totals] canvas[data-chart-drawn='1']")
    assert page.evaluate("() => !!Chart.getChart(document.querySelector('[data-testid=chart-totals] canvas'))")
    page.goto(page.base_url + page.get_attribute("[data-testid=assessment-print]", "href"))
    page.wait_for_selector("[data-testid=chart-totals] canvas[data-chart-drawn='1']")
    assert "已锁定" in page.inner_text("[data-testid=print-status]")
    assert page.inner_text(f"[data-testid=print-row-{township.pk}] td:nth-last-child(2)") == "2"
    shot("print")
