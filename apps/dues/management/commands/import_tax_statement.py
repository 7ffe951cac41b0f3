"""Import the tax bureau's statement (税务代征工会经费明细) from the command line, for county
finance staff:

    python manage.py import_tax_statement PATH [--dry-run] [--json] [--user USERNAME]

Runs the same checks and writes as the web import, in this process (no worker needed). --json
prints the statement's report: every data row and every enterprise of the reconciliation
(apps.dues.statement.statement_report_json), against the enterprises on the tax channel.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.core.imports import ImportFileError
from apps.core.spreadsheets import spreadsheet_kind
from apps.dues.imports import (
    ACTION_LABELS,
    ENTERPRISE_ENTRY,
    STATEMENT,
    statement_limits_for_upload,
    statement_reconciliation,
    tax_statement_execute,
)
from apps.dues.models import TaxStatementImport
from apps.dues.statement import parse_statement, statement_report_json


class Command(BaseCommand):
    help = "Check (--dry-run) or import the tax bureau's statement of union funds (.xlsx or .xls)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the rows' and enterprises' report as JSON"
        )
        parser.add_argument("--user", default="admin", help="who the import is recorded as (default: admin)")

    def handle(self, path, dry_run, as_json, user, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"no such file: {path}")
        uploader = get_user_model().objects.filter(username=user).first()
        if uploader is None:
            raise CommandError(f"no user {user!r} (use --user)")
        if not uploader.has_perm("dues.manage_funds"):
            raise CommandError(f"user {user!r} may not import tax statements (dues.manage_funds)")
        content = file.read_bytes()
        if spreadsheet_kind(content) not in STATEMENT.kinds:
            raise CommandError("not an Excel file (.xlsx or .xls)")
        problem = STATEMENT.file_problem(content)
        if problem:
            raise CommandError(problem)
        if as_json:
            # The statement's own verdicts, before anything is written (the import's rules for
            # the ledger do not change them): the report the tax bureau's file gives.
            try:
                parsed = parse_statement(content, limits=statement_limits_for_upload())
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            report = statement_report_json(parsed, statement_reconciliation(parsed))
        record = TaxStatementImport.objects.create(
            uploaded_by=uploader,
            file_name=file.name[:200],
            content=content,
            commit=not dry_run,
            confirmed_by=None if dry_run else uploader,
        )
        record = tax_statement_execute(import_id=record.pk)
        if record.error:
            raise CommandError(record.error)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
        else:
            self._print_text(record, dry_run)

    def _print_text(self, record, dry_run):
        for entry in record.report:
            if entry["status"] in ("error", "warning"):
                self.stdout.write(
                    f"{entry['row']:>6} {entry['status']:<8} {ACTION_LABELS[entry['action']]}: "
                    + "；".join(entry["messages"])
                )
        s = record.summary
        verb = "checked (nothing written)" if dry_run else "imported"
        enterprises = sum(1 for entry in record.report if entry["status"] == ENTERPRISE_ENTRY)
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {s['rows']} rows, {s['valid']} valid, {s['warning']} warnings, {s['error']} errors; "
                f"payments {s['create']}, refunds {s['refund']}, already recorded {s['unchanged']}, "
                f"unregistered payers' rows {s['unregistered']}; {enterprises} enterprises: "
                f"paid {s['verdict_paid']}, partial {s['verdict_partial']}, over {s['verdict_over']}, "
                f"unpaid {s['verdict_unpaid']}, unknown {s['verdict_unknown']}"
            )
        )
