"""The import report page shows one page of rows at a time, whatever the size of the report."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.members.models import RosterImport


def make_import(union, user, *, errors, warnings=10, valid=10):
    report = (
        [{"row": n, "status": "valid", "messages": [], "action": "create"} for n in range(valid)]
        + [
            {"row": valid + n, "status": "error", "messages": [f"身份证号码：第{n}个错误"], "action": "skip"}
            for n in range(errors)
        ]
        + [
            {"row": valid + errors + n, "status": "warning", "messages": ["手机号码：不是有效号码"], "action": "create"}
            for n in range(warnings)
        ]
    )
    rows = len(report)
    summary = {"rows": rows, "valid": valid, "warning": warnings, "error": errors}
    summary |= {"create": valid + warnings, "update": 0, "unchanged": 0, "transfer": 0, "skip": errors}
    return RosterImport.objects.create(
        union=union,
        uploaded_by=user,
        file_name="花名册.xlsx",
        content=b"",
        status="checked",
        report=report,
        summary=summary,
        total_rows=rows,
        processed_rows=rows,
    )


def table_rows(html):
    table = re.search(r'data-testid="import-problems">(.*?)</table>', html, re.S)
    return re.findall(r"<tr class=\"table-(danger|warning)\">\s*<td>(\d+)</td>", table.group(1)) if table else []


@pytest.mark.django_db
def test_a_report_of_many_error_rows_renders_one_page_at_the_same_cost(client_for, chair_a, county_tree):
    client = client_for(chair_a)
    sizes = {}
    for errors in (150, 30_000):
        record = make_import(county_tree["union_a"], chair_a, errors=errors)
        url = reverse("members:import_detail", kwargs={"pk": record.pk})
        client.get(url)  # the session and the permissions cached, as for any second page view
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        html = response.content.decode()
        rows = table_rows(html)
        assert len(rows) == 100
        assert rows[0] == ("danger", "10") and rows[-1] == ("danger", "109")
        assert f"共 {errors + 10} 条" in html
        sizes[errors] = (len(queries), len(response.content))
    assert sizes[150][0] == sizes[30_000][0]
    assert abs(sizes[150][1] - sizes[30_000][1]) < 200  # only the counts in the text differ
    assert sizes[30_000][1] < 150_000


@pytest.mark.django_db
def test_the_report_pages_and_filters_by_status(client_for, chair_a, county_tree):
    record = make_import(county_tree["union_a"], chair_a, errors=250, warnings=30)
    client = client_for(chair_a)
    url = reverse("members:import_detail", kwargs={"pk": record.pk})
    last = table_rows(client.get(url, {"page": 3}).content.decode())
    assert [row for _kind, row in last] == [str(n) for n in range(210, 290)]
    warnings = table_rows(client.get(url, {"status": "warning"}).content.decode())
    assert {kind for kind, _row in warnings} == {"warning"} and len(warnings) == 30
    errors = table_rows(client.get(url, {"status": "error", "page": 2}).content.decode())
    assert {kind for kind, _row in errors} == {"danger"} and errors[0][1] == "110"
    clean = make_import(county_tree["union_a"], chair_a, errors=0, warnings=0)
    page = client.get(reverse("members:import_detail", kwargs={"pk": clean.pk}), {"status": "error"}).content.decode()
    assert "没有这一类的行" in page and not table_rows(page)
    # Hostile or stale values fall back to a page that exists and the default filter.
    for params in ({"page": "-1"}, {"page": "9999"}, {"page": "x"}, {"status": "valid", "page": "1"}):
        response = client.get(url, params)
        assert response.status_code == 200 and len(table_rows(response.content.decode())) > 0, params
    # A NUL byte is refused before any view, with the Chinese 400 page (apps.core.middleware).
    for params in ({"page": "x\x00"}, {"status": "valid\x00", "page": "1"}):
        assert client.get(url, params).status_code == 400, params


@pytest.mark.django_db
def test_the_report_download_has_every_row_read_in_batches(client_for, chair_a, county_tree):
    record = make_import(county_tree["union_a"], chair_a, errors=12_000)
    client = client_for(chair_a)
    url = reverse("members:import_report", kwargs={"pk": record.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == list(range(12_020))
    reads = [q["sql"] for q in queries if "jsonb_array_elements" in q["sql"]]
    assert len(reads) == 1  # one query, read 5,000 rows at a time through a server-side cursor
    assert not any('"members_rosterimport"."report"' in q["sql"] for q in queries)


@pytest.mark.django_db
def test_a_report_page_reads_the_report_once_its_count_is_the_summarys(client_for, chair_a, county_tree):
    from apps.members.selectors import import_report_entries

    record = make_import(county_tree["union_a"], chair_a, errors=250, warnings=30)
    client = client_for(chair_a)
    url = reverse("members:import_detail", kwargs={"pk": record.pk})
    client.get(url)
    for status, total in (("problems", 280), ("error", 250), ("warning", 30)):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url, {"status": status}).content.decode()
        assert len([q for q in queries if "jsonb_array_elements" in q["sql"]]) == 1, status
        assert f"共 {total} 条" in html
    # An import stored without those counts (a fatal error, an older row) is counted in the report.
    RosterImport.objects.filter(pk=record.pk).update(summary={"rows": 290})
    record.refresh_from_db()
    assert import_report_entries(roster_import=record, status="error").count() == 250
