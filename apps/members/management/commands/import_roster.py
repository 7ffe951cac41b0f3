"""Import a roster (花名册) from the command line, for county IT staff loading many files.

    python manage.py import_roster PATH --union UNION_ID [--dry-run] [--json]

Runs the same checks and writes as the web import, in this process (no worker needed).
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.branches.choices import GRASSROOTS_KINDS
from apps.branches.models import OrgUnit
from apps.members.imports import ACTION_LABELS, roster_import_execute
from apps.members.models import RosterImport


class Command(BaseCommand):
    help = "Check (--dry-run) or import an .xlsx or .xls roster into a grassroots union."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--union", type=int, required=True, help="id of the grassroots union")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the per-row report as JSON")
        parser.add_argument("--user", default="admin", help="who the import is recorded as (default: admin)")

    def handle(self, path, union, dry_run, as_json, user, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"no such file: {path}")
        unit = OrgUnit.objects.filter(pk=union, kind__in=GRASSROOTS_KINDS).first()
        if unit is None:
            raise CommandError(f"no grassroots union with id {union}")
        uploader = get_user_model().objects.filter(username=user).first()
        if uploader is None:
            raise CommandError(f"no user {user!r} (use --user)")
        content = file.read_bytes()
        from apps.core.spreadsheets import spreadsheet_kind

        if spreadsheet_kind(content) is None:
            raise CommandError("not an Excel file (.xlsx or .xls)")
        record = RosterImport.objects.create(
            union=unit, uploaded_by=uploader, file_name=file.name[:200], content=content, commit=not dry_run
        )
        try:
            record = roster_import_execute(import_id=record.pk)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if record.error:
            raise CommandError(record.error)
        if as_json:
            self._print_json(record)
        else:
            self._print_text(record, dry_run)

    def _print_json(self, record):
        rows = [{"row": e["row"], "status": e["status"], "messages": e["messages"]} for e in record.report]
        self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))

    def _print_text(self, record, dry_run):
        for entry in record.report:
            if entry["status"] != "valid" or entry["action"] == "transfer":
                self.stdout.write(
                    f"{entry['row']:>6} {entry['status']:<8} {ACTION_LABELS[entry['action']]}: "
                    + "；".join(entry["messages"])
                )
        s = record.summary
        verb = "checked (nothing written)" if dry_run else "imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {s['rows']} rows, {s['valid']} valid, {s['warning']} warnings, {s['error']} errors; "
                f"new {s['create']}, updated {s['update']}, unchanged {s['unchanged']}, need transfer {s['transfer']}"
            )
        )
