"""The core import framework with a parser and a writer of a test's own (as the contract, dues and
training imports will plug theirs in), on the roster import's table."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from apps.core.imports import Importer, ImportRow, ImportStatus, ParsedFile
from apps.core.spreadsheets import open_workbook
from apps.members.models import RosterImport

WRITTEN: list = []


class SignInSheet(Importer):
    """A sign-in sheet (签到表): a name and a yes/no per row; the writer collects the names."""

    model = RosterImport
    task_name = "apps.members.tasks.run_roster_import"
    what = "sign-in-test"
    noun = "签到表"
    progress_every = 1

    def parse(self, job, content):
        book, error = open_workbook(content)
        if book is None:
            return ParsedFile(error=error)
        sheet = book.sheet(book.sheet_titles()[0])
        rows = []
        for number in sorted(sheet.rows)[1:]:
            name, present = (sheet.row_values(number) + ["", ""])[:2]
            row = ImportRow(row=number, values={"name": name})
            if not name:
                row.errors.append("姓名：未填写，请补充。")
            if present not in ("是", "否"):
                row.warnings.append("是否到场：应填“是”或“否”，按未到场登记。")
            rows.append(row)
        return ParsedFile(rows=rows)

    def write(self, job, plan):
        WRITTEN.extend(row.values["name"] for row in plan)


def _sheet(*rows) -> bytes:
    book = openpyxl.Workbook()
    for row in [("姓名", "是否到场"), *rows]:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_parser_and_a_writer_are_an_import(county_tree, chair_a, django_capture_on_commit_callbacks):
    WRITTEN.clear()
    importer = SignInSheet()
    with django_capture_on_commit_callbacks(execute=False):  # the test runs the job itself
        job = importer.start(
            user=chair_a,
            file_name="签到表.xlsx",
            content=_sheet(("甲", "是"), (None, "是"), ("丙", "?")),
            union=county_tree["union_a"],
        )
    job = importer.execute(import_id=job.pk)
    assert job.status == ImportStatus.CHECKED and WRITTEN == []  # the dry run writes nothing
    assert [(e["row"], e["status"], e["action"]) for e in job.report] == [
        (2, "valid", "create"),
        (3, "error", "skip"),
        (4, "warning", "create"),
    ]
    assert job.summary == {"rows": 3, "valid": 1, "warning": 1, "error": 1, "create": 2, "skip": 1}
    assert (job.total_rows, job.processed_rows) == (3, 3)
    with django_capture_on_commit_callbacks(execute=False):
        importer.confirm(job=job, user=chair_a)
    job = importer.execute(import_id=job.pk)
    assert job.status == ImportStatus.IMPORTED and WRITTEN == ["甲", "丙"]
    with pytest.raises(ValidationError):  # confirmed once only
        importer.confirm(job=job, user=chair_a)


@pytest.mark.django_db
def test_the_framework_refuses_by_content_and_fails_a_job_in_chinese(county_tree, chair_a):
    importer = SignInSheet()
    with pytest.raises(ValidationError, match="xls"):
        importer.start(user=chair_a, file_name="签到表.xlsx", content=b"a,b\n", union=county_tree["union_a"])
    assert not RosterImport.objects.exists()

    class Broken(SignInSheet):
        def write(self, job, plan):
            raise KeyError("a writer that fails")

    job = RosterImport.objects.create(
        union=county_tree["union_a"],
        uploaded_by=chair_a,
        file_name="签到表.xlsx",
        content=_sheet(("甲", "是")),
        commit=True,
    )
    with pytest.raises(KeyError):
        Broken().execute(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "签到表中有平台无法处理的内容（KeyError）" in job.error
    assert not job.can_retry  # the file's fault: "重试" is not offered
