"""The county assessment's pages: values as the table shows them, scoping, query budgets, forms."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.branches.choices import OrgUnitKind
from apps.branches.services import orgunit_create
from apps.overview import assessment as services
from apps.overview.models import IndicatorSnapshot, TownshipScore, VetoItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_scheme")]
YEAR = 2026


def snap(township, key, numerator, denominator, year=YEAR):
    IndicatorSnapshot.objects.update_or_create(
        year=year,
        township=township,
        indicator_key=key,
        defaults={
            "numerator": numerator,
            "denominator": denominator,
            "counted_at": timezone.now(),
            "numerator_url": f"/branches/enterprises/?township={township.pk}",
        },
    )


@pytest.fixture
def opened(county_user, county_tree):
    services.year_open(user=county_user, year=YEAR)
    snap(county_tree["a"], "contracts.coverage", 4, 5)
    snap(county_tree["a"], "branches.formation_rate", 0, 0)
    snap(county_tree["b"], "contracts.coverage", 0, 0)
    snap(county_tree["b"], "members.enrolment_rate", 12, 10)
    services.score_year(year=YEAR)


def table_url(**query):
    query = {"year": YEAR, **query}
    return reverse("overview:assessment") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def township_url(township):
    return reverse("overview:assessment_township", args=[township.pk]) + f"?year={YEAR}"


def test_the_table_shows_rates_dashes_data_problems_and_ranks(client_for, county_user, county_tree, opened):
    response = client_for(county_user).get(table_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "80.0%" in content
    assert "—" in content
    assert "数据待核实" in content
    assert "统计时间" in content
    assert f'data-testid="total-{county_tree["a"].pk}">4<' in content
    assert "全县平均" in content
    table = response.context["table"]
    assert [row["township"] for row in table["rows"]] == [county_tree["a"], county_tree["b"]]
    assert table["rows"][0]["rank"] == 1


def test_the_indicator_filter_shows_one_column(client_for, county_user, opened):
    response = client_for(county_user).get(table_url(indicator="contracts.coverage"))
    assert [entry["item"].indicator_key for entry in response.context["table"]["items"]] == ["contracts.coverage"]


def test_a_chair_sees_their_own_row_and_the_county_average_only(client_for, chair_a, county_tree, opened):
    response = client_for(chair_a).get(table_url())
    rows = response.context["table"]["rows"]
    assert [row["township"] for row in rows] == [county_tree["a"]]
    assert response.context["table"]["average"] is not None
    assert client_for(chair_a).get(township_url(county_tree["a"])).status_code == 200
    assert client_for(chair_a).get(township_url(county_tree["b"])).status_code == 404


def test_the_township_page_links_the_lists_behind_the_numbers(client_for, chair_a, county_tree, opened):
    content = client_for(chair_a).get(township_url(county_tree["a"])).content.decode()
    assert f'href="/branches/enterprises/?township={county_tree["a"].pk}"' in content
    assert "自评" in content and "县评定" in content


def _townships(county, n):
    for index in range(n):
        orgunit_create(user=None, parent=county, name=f"测试{index}镇总工会", kind=OrgUnitKind.TOWNSHIP)


@pytest.mark.parametrize("extra", [1, 28])
def test_the_pages_cost_the_same_few_queries_at_any_number_of_townships(
    client_for, county_user, county_tree, extra, django_assert_max_num_queries
):
    _townships(county_tree["county"], extra)  # 3 or 30 townships
    services.year_open(user=county_user, year=YEAR)
    services.year_open(user=county_user, year=YEAR - 1)
    for township in services.townships():
        snap(township, "contracts.coverage", 3, 4)
        snap(township, "contracts.coverage", 3, 4, year=YEAR - 1)
    services.score_year(year=YEAR)
    services.score_year(year=YEAR - 1)
    veto = VetoItem.objects.get(scheme__year=YEAR, label="发生重大群体性事件")
    services.veto_record(user=county_user, year=YEAR, township=county_tree["b"], veto=veto)
    client = client_for(county_user)
    with django_assert_max_num_queries(12):
        response = client.get(table_url())
    assert len(response.context["table"]["rows"]) == extra + 2
    with django_assert_max_num_queries(12):
        assert client.get(township_url(county_tree["a"])).status_code == 200


def test_hostile_points_are_refused_in_chinese_and_nothing_is_saved(client_for, chair_a, county_tree, opened):
    client = client_for(chair_a)
    url = reverse("overview:assessment_self", args=[county_tree["a"].pk])
    for points, message in (("abc", "输入一个数字"), ("4.5", "满分"), ("-1", ""), ("1e400", "")):
        response = client.post(
            url, {"year": YEAR, "indicator_key": "contracts.coverage", "points": points, "note": "x"}, follow=True
        )
        errors = [str(m) for m in response.context["messages"]]
        assert errors and (message in errors[0]), (points, errors)
    assert not TownshipScore.objects.filter(township=county_tree["a"], self_points__isnull=False).exists()
    client.post(url, {"year": YEAR, "indicator_key": "contracts.coverage", "points": "3.5", "note": "已签订"})
    score = TownshipScore.objects.get(township=county_tree["a"], indicator_key="contracts.coverage")
    assert score.self_points == Decimal("3.5") and score.self_note == "已签订"


def test_county_staff_edit_the_scheme_in_the_portal(client_for, county_user, opened):
    from apps.overview.models import SchemeItem, ScoreBand

    client = client_for(county_user)
    item = SchemeItem.objects.get(scheme__year=YEAR, indicator_key="contracts.coverage")
    client.post(
        reverse("overview:assessment_band_add"), {"year": YEAR, "item": item.pk, "threshold": "90", "points": "9"}
    )
    assert not ScoreBand.objects.filter(item=item, threshold=90).exists()  # above the item's maximum
    client.post(
        reverse("overview:assessment_band_add"), {"year": YEAR, "item": item.pk, "threshold": "60", "points": "0.5"}
    )
    assert ScoreBand.objects.filter(item=item, threshold=60, points=Decimal("0.5")).exists()
    client.post(
        reverse("overview:assessment_item_add"),
        {"year": YEAR, "indicator_key": "contracts.coverage", "max_points": "6", "order": "30"},
    )
    item.refresh_from_db()
    assert item.max_points == 6
    response = client.get(reverse("overview:assessment_manage") + f"?year={YEAR}")
    assert response.status_code == 200


def test_locking_through_the_confirm_page(client_for, county_user, county_tree, opened):
    client = client_for(county_user)
    assert client.get(reverse("overview:assessment_lock") + f"?year={YEAR}").status_code == 200
    client.post(reverse("overview:assessment_lock"), {"year": YEAR})
    response = client.post(
        reverse("overview:assessment_final", args=[county_tree["a"].pk]),
        {"year": YEAR, "indicator_key": "contracts.coverage", "points": "1"},
        follow=True,
    )
    assert "该年度考核已锁定，不能再修改。" in [str(m) for m in response.context["messages"]]
    assert TownshipScore.objects.get(township=county_tree["a"], indicator_key="contracts.coverage").final_points == 4


def test_locking_pins_the_session_to_the_primary_for_the_table(client_for, county_user, opened):
    """The table reads the replica; right after the lock this session reads it from the primary."""
    from apps.core.replica import PRIMARY_PIN_SESSION_KEY

    client = client_for(county_user)
    response = client.post(reverse("overview:assessment_lock"), {"year": YEAR})
    assert response.url == reverse("overview:assessment") + f"?year={YEAR}"
    assert PRIMARY_PIN_SESSION_KEY in client.session


@pytest.mark.parametrize("value", ["abc", "", "²", "9" * 30])
def test_a_hand_made_row_to_remove_is_a_404_never_a_500(client_for, county_user, county_tree, opened, value):
    client = client_for(county_user)
    veto = client.post(
        reverse("overview:assessment_veto_remove", args=[county_tree["a"].pk]), {"year": YEAR, "veto_row": value}
    )
    row = client.post(reverse("overview:assessment_row_delete"), {"year": YEAR, "kind": "band", "row": value})
    assert (veto.status_code, row.status_code) == (404, 404)


def test_the_excel_report_numbers_its_columns_and_its_totals_row_sums_the_townships(client_for, county_user, opened):
    import io

    from openpyxl import load_workbook

    response = client_for(county_user).get(reverse("overview:assessment_export") + f"?year={YEAR}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, numbers, check = rows[0], rows[1], rows[2]
    assert numbers[:3] == ["甲", "乙", 1] and len(numbers) == len(header)
    assert str(check[0]).startswith("勾稽关系：第15栏 = 第2栏 + 第4栏")
    townships, totals = rows[3:-1], rows[-1]
    assert totals[1] == "合计" and len(townships) == 2
    for column in range(3, len(header) - 1, 2):  # every points column and the total
        assert totals[column] == sum(row[column] for row in townships)
    assert totals[len(header) - 2] == sum(row[len(header) - 2] for row in townships) == 4


@pytest.mark.parametrize("year", ["abc", "1999", "2026.0", ""])
def test_a_hand_made_year_never_locks_this_year(client_for, county_user, opened, year):
    from apps.overview.models import AssessmentYear

    response = client_for(county_user).post(reverse("overview:assessment_lock") + f"?year={YEAR}", {"year": year})
    assert response.status_code == 404
    assert not AssessmentYear.objects.get(year=YEAR).locked
