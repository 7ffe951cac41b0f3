"""The assessment's charts and its print view (A4 landscape): the charts draw the table's own
figures from Chart.js served from the portal's static files; the print view is the Excel report's
statistical report (栏次, 勾稽关系, the totals row the sum of the townships) with the chart, scoped
like the table; bad filters never fail; the pages keep their query budget."""

import json
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.overview import assessment as services
from apps.overview.models import VetoItem
from tests.overview.test_assessment_views import YEAR, _townships, snap, table_url, township_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_scheme")]
COVERAGE = "contracts.coverage"


@pytest.fixture
def counted(county_user, county_tree):
    services.year_open(user=county_user, year=YEAR)
    snap(county_tree["a"], COVERAGE, 4, 5)
    snap(county_tree["a"], "branches.formation_rate", 9, 10)
    snap(county_tree["b"], COVERAGE, 3, 4)
    snap(county_tree["b"], "members.enrolment_rate", 12, 10)
    snap(county_tree["a"], COVERAGE, 3, 5, year=YEAR - 1)  # last year: a snapshot, no assessment
    services.score_year(year=YEAR)


def print_url(**query):
    query = {"year": YEAR, **query}
    return reverse("overview:assessment_print") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def chart_data(content, chart_id):
    found = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', content, re.S)
    assert found, chart_id
    return json.loads(found.group(1))


def test_the_totals_chart_draws_the_table_s_totals_average_and_target(client_for, county_user, counted):
    from apps.overview.models import ScoringScheme

    ScoringScheme.objects.filter(year=YEAR).update(target_total=Decimal("60"))
    response = client_for(county_user).get(table_url())
    table, data = response.context["table"], chart_data(response.content.decode(), "chart-totals")
    assert data["labels"] == [row["township"].name for row in table["rows"]]
    assert data["series"][0]["values"] == [float(row["total"]) for row in table["rows"]]
    assert data["series"][0]["label"] == "合计得分"
    assert data["lines"] == [
        {"label": "全县平均", "value": round(float(table["average"]["total"]), 2)},
        {"label": "目标", "value": 60.0},
    ]
    assert 'aria-label="2026年各乡镇考核合计得分"' in response.content.decode()
    assert "chart-indicator" not in response.content.decode()  # no filter: no indicator chart


def test_the_indicator_chart_draws_the_filtered_item_s_rates(client_for, county_user, county_tree, counted):
    response = client_for(county_user).get(table_url(indicator=COVERAGE))
    table, data = response.context["table"], chart_data(response.content.decode(), "chart-indicator")
    assert data["labels"] == [row["township"].name for row in table["rows"]]
    assert data["series"][0]["values"] == [round(float(row["cells"][0]["percent"]), 1) for row in table["rows"]]
    assert sorted(data["series"][0]["values"]) == [75.0, 80.0]
    assert data["lines"] == [{"label": "全县平均", "value": round(7 / 9 * 100, 1)}]  # pooled: 7 of 9
    assert data["unit"] == "%"


def test_a_chair_s_chart_holds_their_own_row_and_the_county_average(client_for, chair_a, county_tree, counted):
    response = client_for(chair_a).get(table_url())
    data = chart_data(response.content.decode(), "chart-totals")
    assert data["labels"] == [county_tree["a"].name]
    assert county_tree["b"].name not in response.content.decode()
    assert data["lines"][0]["value"] == round(float(response.context["table"]["average"]["total"]), 2)


def test_the_township_page_charts_its_items_over_the_years(client_for, chair_a, county_tree, counted):
    response = client_for(chair_a).get(township_url(county_tree["a"]))
    content = response.content.decode()
    data = chart_data(content, "chart-years")
    assert data["labels"] == [str(YEAR - 1), str(YEAR)]
    series = {series["label"]: series["values"] for series in data["series"]}
    assert series["集体合同签订率"] == [60.0, 80.0]
    assert series["工会组建率"] == [None, 90.0]  # nothing counted last year
    assert 'data-testid="years-table"' in content
    over = response.context["over_years"]
    assert [cell["percent"] for cell in over["rows"][0]["cells"]] == [None, Decimal(90)]


def test_the_charts_library_is_served_from_the_portal_s_static_files(client_for, county_user, counted):
    from django.template.loader import get_template

    assert finders.find("chartkick/Chart.bundle.js")
    assert finders.find("js/assessment_charts.js")
    assert "Chart.js v4" in open(finders.find("chartkick/Chart.bundle.js"), encoding="utf-8").read(200)
    for name in ("overview/assessment_table.html", "overview/assessment_print.html"):
        source = get_template(name).template.source
        assert "{% static 'chartkick/Chart.bundle.js' %}" in source
    for url in (table_url(), print_url()):
        content = client_for(county_user).get(url).content.decode()
        sources = re.findall(r"<script([^>]*)>", content)
        srcs = [re.search(r'src="([^"]+)"', tag).group(1) for tag in sources if "src=" in tag]
        assert "/static/chartkick/Chart.bundle.js" in srcs and "/static/js/assessment_charts.js" in srcs
        assert not [src for src in srcs if "http" in src or src.startswith("//")]
        # No inline code (the production CSP allows scripts from 'self' only): data only.
        assert all("src=" in tag or 'type="application/json"' in tag for tag in sources)


def test_the_print_view_is_the_statistical_report_with_its_chart(client_for, county_user, county_tree, counted):
    response = client_for(county_user).get(print_url())
    assert response.status_code == 200
    content = response.content.decode()
    sheet = response.context["sheet"]
    assert sheet["numbers"][:3] == ["甲", "乙", 1] and len(sheet["numbers"]) == len(sheet["headers"]) == 18
    assert "<th>甲</th>" in content and "<th>16</th>" in content
    assert "勾稽关系：第15栏 = 第2栏 + 第4栏 + 第6栏" in content
    assert "合计行 = 各乡镇行之和" in content
    assert f'data-testid="print-row-{county_tree["a"].pk}"' in content
    assert f'data-testid="print-row-{county_tree["b"].pk}"' in content
    assert "统计时间" in content and "考核进行中" in content
    # The totals row is the sum of the townships' rows in every points column and the total.
    totals, rows = sheet["totals"]["values"], [row["values"] for row in sheet["rows"]]
    for column, kind in enumerate(sheet["kinds"]):
        if kind in ("points", "total"):
            assert totals[column] == sum(row[column] for row in rows), column
    assert totals[sheet["kinds"].index("total")] == float(sum(r["total"] for r in response.context["table"]["rows"]))
    coverage = 2 + 2 * [entry["item"].indicator_key for entry in sheet["items"]].index(COVERAGE)
    assert totals[coverage] == round(7 / 9 * 100, 1)  # the totals row's rate: the county's pooled rate
    assert 'data-testid="print-totals"' in content
    assert chart_data(content, "chart-totals")["series"][0]["values"] == [
        float(row["total"]) for row in response.context["table"]["rows"]
    ]
    assert '<link rel="stylesheet" href="/static/css/assessment_print.css">' in content
    css = open(finders.find("css/assessment_print.css"), encoding="utf-8").read()
    assert "size: A4 landscape" in css


def test_the_print_view_and_the_excel_report_share_their_columns(client_for, county_user, counted):
    import io

    from openpyxl import load_workbook

    client = client_for(county_user)
    sheet = client.get(print_url()).context["sheet"]
    book = load_workbook(io.BytesIO(client.get(reverse("overview:assessment_export") + f"?year={YEAR}").content))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert rows[0] == sheet["headers"] and rows[1] == sheet["numbers"] and rows[2][0] == sheet["check"]
    assert rows[3:-1] == [row["values"] for row in sheet["rows"]]
    assert rows[-1] == [value if value != "" else None for value in sheet["totals"]["values"]]


def test_a_chair_prints_their_own_row_and_the_county_average(client_for, chair_a, county_tree, counted):
    response = client_for(chair_a).get(print_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert f'data-testid="print-row-{county_tree["a"].pk}"' in content
    assert f'data-testid="print-row-{county_tree["b"].pk}"' not in content
    assert county_tree["b"].name not in content
    assert 'data-testid="print-average"' in content and 'data-testid="print-totals"' not in content
    assert "填报单位：白塔埠镇总工会" in content
    # No totals row, so no cross-check naming one.
    assert "勾稽关系：" in content and "合计行" not in response.context["sheet"]["check"]


def test_the_print_view_of_one_indicator_says_the_total_counts_every_item(client_for, county_user, counted):
    response = client_for(county_user).get(print_url(indicator=COVERAGE))
    sheet = response.context["sheet"]
    assert [entry["item"].indicator_key for entry in sheet["items"]] == [COVERAGE]
    assert sheet["numbers"] == ["甲", "乙", 1, 2, 3, 4]
    assert sheet["check"].startswith("勾稽关系：第3栏 = 全部7个考核项目得分之和")


def test_the_print_view_shows_the_locked_result(client_for, county_user, county_tree, counted):
    services.year_lock(user=county_user, year=YEAR)
    content = client_for(county_user).get(print_url()).content.decode()
    assert "已锁定" in content and "数字不再变动" in content


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=-5",
        "year=99999999999999999999",
        "year=2026.5",
        "year=",
        "indicator=%3Cscript%3Ealert(1)%3C/script%3E",
        "indicator=" + "x" * 500,
        "indicator=contracts.coverage&year=1999",
        "year=2026&indicator=no.such",
        "year=2026&year=abc&indicator=",
    ],
)
def test_bad_filters_never_fail(client_for, county_user, county_tree, counted, query):
    client = client_for(county_user)
    for url in (
        reverse("overview:assessment"),
        reverse("overview:assessment_print"),
        reverse("overview:assessment_township", args=[county_tree["a"].pk]),
    ):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query)
        assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("extra", [1, 28])
def test_the_pages_with_their_charts_keep_the_query_budget(
    client_for, county_user, county_tree, extra, django_assert_max_num_queries
):
    _townships(county_tree["county"], extra)  # 3 or 30 townships
    services.year_open(user=county_user, year=YEAR)
    services.year_open(user=county_user, year=YEAR - 1)
    for township in services.townships():
        snap(township, COVERAGE, 3, 4)
        snap(township, COVERAGE, 3, 4, year=YEAR - 1)
    services.score_year(year=YEAR)
    services.score_year(year=YEAR - 1)
    veto = VetoItem.objects.get(scheme__year=YEAR, label="发生重大群体性事件")
    services.veto_record(user=county_user, year=YEAR, township=county_tree["b"], veto=veto)
    client = client_for(county_user)
    client.get(table_url())  # the session and the user, once
    counts = {}
    for name, url in (
        ("table", table_url()),
        ("table, one indicator", table_url(indicator=COVERAGE)),
        ("print", print_url()),
        ("township", township_url(county_tree["a"])),
    ):
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts[name] = len(queries)
    assert 'data-chart="chart-years-data"' in response.content.decode()
    # The same at 3 and at 30 townships (the README's figures); the report and its chart are
    # the table's own reads.
    assert counts == {"table": 9, "table, one indicator": 9, "print": 9, "township": 11}, counts
