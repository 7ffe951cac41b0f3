"""Measure every main page, the roster import and the sweeps (complaints, contracts) on a generated dataset.

    DJANGO_SETTINGS_MODULE=unionportal.settings.bench python manage.py bench [--scale county] [--seed 1]

`make bench` runs this with a separate benchmark database (embedded PostgreSQL unless
BENCH_DATABASE_URL is set). It generates the dataset first (skipped when already there),
prints a table and writes bench/results.json. Only the benchmark settings are accepted:
the command logs in as generated users and writes sessions, which a real database must not get.
"""

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.roles import COUNTY_STAFF
from apps.bench import measure
from apps.overview.services import unit_summaries_refresh

ROSTER_ROWS = 10_000
# A city's tax statement (issue 14: 50,000 rows within 10 s each way); the generated quarter of
# the dataset's counties gives at most this many rows (about 7,200 a county).
STATEMENT_ROWS = 50_000


class Command(BaseCommand):
    help = "Benchmark the portal's pages, the roster import and the deadline sweep; write bench/results.json."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="county", help="county, province or a factor of county (default county)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeats", type=int, default=measure.DEFAULT_REPEATS, help="timed requests per page")
        parser.add_argument("--skip-generate", action="store_true", help="use the dataset already in the database")
        parser.add_argument("--only", action="append", help="measure only this page (repeatable)")
        parser.add_argument("--no-import", action="store_true", help="skip the roster import measurement")
        parser.add_argument("--no-sweep", action="store_true", help="skip the sweeps (complaints, contracts)")
        parser.add_argument("--roster-rows", type=int, default=ROSTER_ROWS, help="rows of the imported roster")
        parser.add_argument(
            "--statement-rows", type=int, default=STATEMENT_ROWS, help="most rows of the tax statement imported"
        )
        parser.add_argument(
            "--sweep-open", type=int, default=measure.SWEEP_OPEN, help="open complaints the sweep runs over"
        )
        parser.add_argument(
            "--output", default=None, help="the JSON file (default bench/results.json, results-<scale>.json)"
        )
        parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")

    def handle(self, *args, scale, seed, repeats, skip_generate, only, no_import, no_sweep, output, markdown, **opts):
        roster_rows, sweep_open = opts["roster_rows"], opts["sweep_open"]
        if settings.ROOT_URLCONF != "apps.bench.urls":
            raise CommandError("run with DJANGO_SETTINGS_MODULE=unionportal.settings.bench (see `make bench`)")
        from apps.bench.generator import bench_roots, bench_users, foreign_data

        if not skip_generate:
            call_command("generate_dataset", scale=scale, seed=seed, stdout=self.stdout, stderr=self.stderr)
        # The sweep and import measurements write (and clean up) rows: never next to real data.
        roots = bench_roots()
        found = foreign_data(roots) if roots else ["no generated dataset"]
        if found:
            raise CommandError("not a benchmark database: " + ", ".join(found))
        users = bench_users()
        admin = self._admin_user()
        log = self.stdout.write

        # The home page reads pre-computed figures; Celery beat refreshes them every few minutes.
        started = time.perf_counter()
        summaries = unit_summaries_refresh()
        summary_refresh_s = round(time.perf_counter() - started, 3)
        log(f"home page figures for {summaries:,} units recounted in {summary_refresh_s:.2f} s")

        # The assessment's pages read its snapshots: counted first, and the count is timed.
        assessment = measure.measure_assessment_refresh(county_user=users[COUNTY_STAFF], log=log)

        log(f"\npages ({repeats} timed requests each, after {measure.WARMUP} warm-up requests)")
        pages = measure.measure_pages(users=users, admin_user=admin, repeats=repeats, only=only, log=log)
        import_result = None if no_import else self._measure_import(users, seed, roster_rows, log)
        statement = None
        if not no_import and (not only or "statement reconciliation" in only):
            statement = self._measure_statement(users, scale, seed, opts["statement_rows"], repeats, log)
            pages.append(statement.pop("page"))
        due = min(measure.SWEEP_DUE, sweep_open // 10)
        sweep = None if no_sweep else measure.measure_sweep(open_complaints=sweep_open, due=due, log=log)
        contract_sweep = None if no_sweep else measure.measure_contract_sweep(log=log)

        document = measure.results_document(
            scale=scale, pages=pages, import_result=import_result, sweep=sweep, contract_sweep=contract_sweep
        )
        document["seed"] = seed
        document["summary_refresh_s"] = summary_refresh_s
        document["assessment_refresh"] = assessment
        if import_result:
            document["import"] = import_result
        if statement:
            document["statement_import"] = statement
        path = Path(output) if output else measure.default_results_path(scale)
        measure.write_results(document, path)
        log("\n" + measure.table(pages))
        if import_result:
            rates = import_result
            log(
                f"roster import of {rates['rows']:,} rows: check {rates['check_rows_per_s']:,.0f} rows/s "
                f"({rates['check_x_floor']}× floor), import {rates['import_rows_per_s']:,.0f} rows/s "
                f"({rates['import_x_floor']}× floor); floor (calamine read + COPY into an unlogged table) "
                f"{rates['floor_rows_per_s']:,.0f} rows/s; readers: calamine {rates['calamine_rows_per_s']:,.0f}, "
                f"openpyxl {rates['openpyxl_rows_per_s']:,.0f} rows/s"
            )
        if statement:
            log(
                f"tax statement import of {statement['rows']:,} rows ({statement['entries']:,} ledger entries, "
                f"{statement['payments']:,} payments): check {statement['check_rows_per_s']:,.0f} rows/s "
                f"({statement['check_x_floor']}× floor), import {statement['import_rows_per_s']:,.0f} rows/s "
                f"({statement['import_x_floor']}× floor); floor {statement['floor_rows_per_s']:,.0f} rows/s"
            )
        if sweep:
            log(f"deadline sweep: {sweep['sweep_s']:.3f} s ({sweep['sweep_open_complaints']:,} open complaints)")
        if contract_sweep:
            log(
                f"contract milestone sweep, nothing due: {contract_sweep['contract_sweep_idle_s']:.3f} s "
                f"({contract_sweep['contract_sweep_contracts']:,} contracts)"
            )
        if markdown:
            log("\n" + measure.markdown_table(document))
        log(f"\nwritten: {path}")

    def _admin_user(self):
        """A superuser for Django admin's changelist, with no password: the bench logs in directly."""
        admin, created = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "real_name": "基准测试管理员"}
        )
        if created:
            admin.set_unusable_password()
            admin.save(update_fields=["password"])
        return admin

    def _measure_statement(self, users, scale, seed, rows, repeats, log):
        """The tax bureau's statement of the dataset's awaited quarter checked and imported by county
        finance staff, then its reconciliation page measured like the others; all rolled back."""
        from apps.bench.generator import tax_statement_xlsx
        from apps.bench.statementfile import grant_manage_funds, measure_statement_import, reconciliation_url

        finance = users.get("county_staff") or next(iter(users.values()))
        content, written = tax_statement_xlsx(scale=scale, seed=seed, rows=rows)
        with transaction.atomic():
            grant_manage_funds(finance)
            result = measure_statement_import(user=finance, content=content, rows=written)
            job = result.pop("job")
            spec = measure.PageSpec("statement reconciliation", "county_staff", reconciliation_url(job), 100)
            client = measure.client_for(finance)
            floor = (client, measure.baseline_url(measure.floor_rows(spec.rows)))
            result["page"] = measure.measure_page(client, spec, repeats, floor=floor)
            transaction.set_rollback(True)  # the benchmark database keeps its quarter awaiting import
        log(
            f"tax statement of {written:,} rows: check {result['check_s']:.2f} s, "
            f"import {result['import_s']:.2f} s (rolled back)"
        )
        return result

    def _measure_import(self, users, seed, rows, log):
        """A 10,000-row roster checked and imported into a union of the chair's township, then rolled back."""
        from apps.bench.rosterfile import build_roster_xlsx, measure_roster_import
        from apps.branches.choices import GRASSROOTS_KINDS
        from apps.branches.models import OrgUnit

        chair = users.get("township_staff") or next(iter(users.values()))
        union = (
            OrgUnit.objects.filter(kind__in=GRASSROOTS_KINDS, path__startswith=chair.org_unit.path)
            .order_by("path")
            .first()
        )
        content = build_roster_xlsx(rows=rows, seed=seed)
        with transaction.atomic():
            result = measure_roster_import(union=union, user=chair, content=content)
            transaction.set_rollback(True)  # the benchmark database keeps its county-scale numbers
        log(
            f"roster import of {result['rows']:,} rows: check {result['check_s']:.2f} s, "
            f"import {result['import_s']:.2f} s (rolled back)"
        )
        return result
