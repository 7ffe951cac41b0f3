"""The import report page shows one page of rows at a time, whatever the size of the report."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
    # Only the counts in the text and the paginator's page numbers (1 2 against 1 2 3 … 301) differ.
    assert abs(sizes[150][1] - sizes[30_000][1]) < 600
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


# --- a shifted column puts personal data where a message might quote it --------------------------

SHIFT_HEADER = ["序号", "姓名", "身份证号码", "性别", "出生年月", "民族", "手机号码", "用工形式", "入会时间", "备注"]


def _shifted_people():
    from .conftest import make_id

    people = []
    for n, (name, birth) in enumerate((("欧阳明辉", "19850315"), ("司马晓雯", "19920708"), ("Zhang San", "19770101"))):
        id_number = make_id(region="320722", birth=birth, serial=f"{n + 3}{n + 1}{n * 2 + 1}")
        people.append(
            [
                n + 1,
                name,
                id_number,
                "男",
                f"{birth[:4]}.{birth[4:6]}",
                "汉族",
                f"1391234{n:04d}",
                "合同工",
                "2020-01-01",
                "无",
            ]
        )
    return people


def _personal_values(person) -> list[str]:
    _n, name, id_number, _sex, birth, _nation, mobile, *_rest = person
    return [
        name,
        *name.split(),
        id_number,
        id_number[:6],
        id_number[6:14],
        id_number[10:14],
        birth,
        birth[:4],
        mobile,
        mobile[3:7],
        mobile[-4:],
    ]


@pytest.mark.parametrize(
    "shift",
    [
        lambda values: values[:1] + [None] + values[1:-1],  # one column to the right
        lambda values: values[:1] + values[2:] + [None],  # one column to the left
        lambda values: [
            values[0],
            values[6],
            values[1],
            values[2],
            values[2],
            values[5],
            values[1],
            values[2],
            values[4],
            values[1],
        ],  # names, ID numbers and mobiles under every column
    ],
    ids=["right", "left", "scrambled"],
)
@pytest.mark.django_db
def test_a_roster_with_shifted_columns_reports_none_of_its_personal_values(
    shift, county_tree, chair_a, client_for, django_capture_on_commit_callbacks
):
    """Every message says which column and what it expects, and quotes nothing the file holds:
    the report (page and Excel download) has no name, ID number (nor a part of it), birth date
    or mobile, however the columns were shifted."""
    from openpyxl import Workbook

    from apps.members.roster import parse_roster

    people = _shifted_people()
    book = Workbook()
    book.active.append(SHIFT_HEADER)
    for person in people:
        book.active.append(shift(list(person)))
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()

    parse = parse_roster(content)
    assert parse.error is None and len(parse.rows) == len(people)
    messages = "\n".join(message for row in parse.rows for message in row.messages)
    assert messages  # the shift is noticed
    with django_capture_on_commit_callbacks(execute=True):
        client_for(chair_a).post(
            reverse("members:import_upload"),
            {"union": county_tree["union_a"].pk, "file": SimpleUploadedFile("花名册.xlsx", content)},
        )
    job = RosterImport.objects.get()
    assert job.status == "checked"
    download = client_for(chair_a).get(reverse("members:import_report", kwargs={"pk": job.pk}))
    sheet = load_workbook(
        io.BytesIO(b"".join(download.streaming_content if download.streaming else [download.content]))
    )
    cells = "\n".join(str(v) for row in sheet.active.iter_rows(values_only=True) for v in row if v is not None)
    page = client_for(chair_a).get(job.get_absolute_url() + "?status=all").content.decode()
    report = json.dumps(job.report, ensure_ascii=False)
    for person in people:
        for value in _personal_values(person):
            for where, text in (("messages", messages), ("report", report), ("download", cells)):
                assert value not in text, (where, value, text)
        assert person[2] not in page and person[1] not in page and person[6] not in page
