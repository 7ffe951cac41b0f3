"""Excel exports: streamed from a queryset, one sheet, header row first.

Up to EXPORT_WAIT_MAX_ROWS rows the file is written while the user waits (a few seconds);
larger exports, up to EXPORT_MAX_ROWS, are written by a Celery worker behind a progress page
(apps.core.models.ExportJob); beyond that the user is asked to export in parts.
"""

import datetime as dt
import itertools
import re
import unicodedata
from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import connections
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .errors import ApplicationError
from .replica import reads_from_primary, reads_from_replica

INVALID_FILTER_MESSAGE = "筛选条件有误，没有导出：请在列表中改正标出的筛选条件，再导出。"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text typed by users must never run as a spreadsheet formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# Written first, before the widths are known (a write-only sheet takes them before any row):
# this many rows are read ahead to size the columns.
WIDTH_SAMPLE_ROWS = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Excel refuses these in a sheet's name, and more than 31 characters.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def text_width(text: str) -> int:
    """How many Excel columns of width 1 the text needs: a CJK (wide) character counts double."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def excel_value(value):
    """A cell's value as the office reads it: 是/否 for a boolean, a real date for a date (an
    aware time in Shanghai, as Excel keeps no time zone), text that cannot run as a formula."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Promise):
        return safe_cell(str(value))
    return safe_cell(value)


def _shown_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return len("2026-01-01 00:00")
    if isinstance(value, dt.date):
        return len("2026-01-01")
    return max((text_width(line) for line in str(value).splitlines()), default=0)


def sheet_title_of(title) -> str:
    """A sheet's name Excel accepts: the list's name without the characters Excel refuses, at most 31 characters."""
    return SHEET_TITLE_FORBIDDEN.sub("", str(title or "")).strip()[:31] or _("Data")


def xlsx_bytes(*, headers: list[str], rows, progress=None, every: int = 2000, sheet_title=None) -> bytes:
    """The .xlsx file of `rows` (an iterable of sequences), in write-only mode.

    One sheet named after its content (`sheet_title`, e.g. 会员名册), a bold header row that
    stays in view when scrolling (frozen), columns as wide as their content (from the header and
    the first WIDTH_SAMPLE_ROWS rows; CJK characters count double), booleans as 是/否 and dates
    and times as Excel dates. `progress(rows_written)` is called every `every` rows, for a
    progress page.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title_of(sheet_title))
    sheet.freeze_panes = "A2"
    headers = [str(h) for h in headers]
    rows = iter(rows)
    sample = [[excel_value(value) for value in row] for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
    for index, header in enumerate(headers):
        widest = max([text_width(header), *(_shown_width(row[index]) for row in sample if index < len(row))])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    def cells(values):
        for value in values:
            if isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATETIME_FORMAT
                yield cell
            elif isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                yield cell
            else:
                yield value

    written = 0
    for values in itertools.chain(sample, ([excel_value(value) for value in row] for row in rows)):
        sheet.append(list(cells(values)))
        written += 1
        if progress is not None and written % every == 0:
            progress(written)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file_name(filename: str) -> str:
    # ASCII on purpose: no personal data, and every browser accepts it.
    return f"{filename}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def xlsx_download(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def xlsx_response(*, filename: str, headers: list[str], rows, sheet_title=None) -> HttpResponse:
    """An .xlsx download of `rows` (an iterable of sequences), in write-only mode."""
    return xlsx_download(xlsx_bytes(headers=headers, rows=rows, sheet_title=sheet_title), xlsx_file_name(filename))


class XlsxExportMixin:
    """A filtered list's Excel download: exactly the rows the same filters show on screen.

    Set `export_filename` and `export_columns` as (header, function of a row) pairs; use on a
    django-filter `FilterView` whose queryset is already scoped to the user. The sheet is named
    `export_sheet_title`, else the list's `page_title`.
    """

    export_filename = "export"
    export_columns = ()
    export_sheet_title = None

    def export_queryset(self):
        """The list's rows under the list's filters; refused (ApplicationError) if a filter is invalid.

        django-filter's `qs` drops the fields that failed validation and filters by the rest,
        while the list (strict) shows no rows at all: an export of `?township=abc` was the
        whole scope. Refusing is the only answer that never exports more than was asked for.
        """
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            raise ApplicationError(INVALID_FILTER_MESSAGE)
        return filterset.qs

    def get(self, request, *args, **kwargs):
        # An export reads from the replica when there is one (apps.core.replica); the job it may
        # start is written to the primary, and the worker reads its rows from the replica too.
        with reads_from_replica():
            return self._export(request)

    def _export(self, request):
        if getattr(self, "filter_data_expired", False):
            # Without its search the filter would export the whole scope: refuse instead.
            from .search import search_expired_message

            messages.error(request, search_expired_message())
            return redirect(self.list_path(request))
        try:
            queryset = self.export_queryset()
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(f"{self.list_path(request)}?{request.GET.urlencode()}")
        most = settings.EXPORT_MAX_ROWS
        rows = queryset.order_by().values("pk")[: most + 1].count()
        if rows > most:
            # A province's worth would take the worker an hour: the office exports in parts.
            messages.error(
                request,
                _(
                    "More than %(limit)s rows match, too many for one Excel file. Narrow the list with the "
                    "filters (for example one township, or a range of join dates) and export it in parts."
                )
                % {"limit": intcomma(most)},
            )
            return redirect(f"{self.list_path(request)}?{request.GET.urlencode()}")
        if rows > settings.EXPORT_WAIT_MAX_ROWS:
            # A county's 150,000 members take ~30 s to write, past the web server's timeout.
            from .services import export_job_start

            # The worker has no session: it gets the search terms behind their tokens.
            query = getattr(self, "filter_data", request.GET).urlencode()
            with reads_from_primary():  # the job's row, read back at once by an in-process worker
                job = export_job_start(user=request.user, path=request.path, query=query, rows=rows)
            return redirect(job)
        return xlsx_download(self.export_content(queryset), xlsx_file_name(self.export_filename))

    @staticmethod
    def list_path(request) -> str:
        return request.path.rsplit("export/", 1)[0]

    def export_content(self, queryset, progress=None) -> bytes:
        columns = self.export_columns
        with connections[queryset.db].cursor() as cursor:
            # The rows come through a server-side cursor, which PostgreSQL plans for the first
            # 10% of rows; an export reads them all. Planned for 10%, a 10,000-member export
            # walked the whole name index of 1.5 million members (6 s instead of 2). Set for
            # the session, not a transaction, so a worker's progress updates commit as it goes.
            cursor.execute("SET cursor_tuple_fraction = 1.0")
            try:
                return xlsx_bytes(
                    headers=[header for header, _value in columns],
                    rows=([value(row) for _header, value in columns] for row in queryset.iterator(chunk_size=2000)),
                    progress=progress,
                    sheet_title=self.export_sheet_title or getattr(self, "page_title", None),
                )
            finally:
                cursor.execute("RESET cursor_tuple_fraction")
