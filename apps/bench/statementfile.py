"""The tax bureau's statement in the benchmark (issue 14): the generated dataset's quarter, as the
bureau sends it (apps.bench.generator.tax_statement_xlsx), checked and imported the way the
upload page does it, then its reconciliation page, all in the caller's transaction (rolled back).
"""

from __future__ import annotations

import time

from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.dues.imports import tax_statement_execute
from apps.dues.models import TaxStatementImport


def grant_manage_funds(user) -> None:
    """County finance staff's permission for the bench's county login (the caller rolls it back)."""
    user.user_permissions.add(Permission.objects.get(codename="manage_funds", content_type__app_label="dues"))
    for cache in ("_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)


def measure_statement_import(*, user, content: bytes, rows: int) -> dict:
    """Check, then import, the statement as ``user``; the seconds and rows/s of each, the floor
    for the same file (apps.bench.measure.measure_import_floor) and the job imported.

    Raises RuntimeError when either step fails, so a broken import never reports a speed.
    """
    from apps.bench.measure import import_multiples, measure_import_floor

    check = _timed_run(user=user, content=content, commit=False)
    imported = _timed_run(user=user, content=content, commit=True)
    summary = imported["record"].summary
    result = {
        "rows": rows,
        "entries": summary.get("entries", 0),
        "payments": summary.get("payments", 0),
        "errors": summary.get("error", 0),
        "check_s": round(check["seconds"], 3),
        "check_rows_per_s": round(rows / check["seconds"], 1),
        "import_s": round(imported["seconds"], 3),
        "import_rows_per_s": round(rows / imported["seconds"], 1),
        **measure_import_floor(content),
    }
    return {**result, **import_multiples(result), "job": imported["record"]}


def reconciliation_url(job) -> str:
    return reverse("dues:statement_reconciliation", kwargs={"pk": job.pk})


def _timed_run(*, user, content: bytes, commit: bool) -> dict:
    started = time.perf_counter()
    record = TaxStatementImport.objects.create(
        uploaded_by=user,
        confirmed_by=user if commit else None,
        file_name="bench-statement.xlsx",
        content=content,
        commit=commit,
    )
    record = tax_statement_execute(import_id=record.pk)
    seconds = time.perf_counter() - started
    expected = "imported" if commit else "checked"
    if record.status != expected:
        raise RuntimeError(f"statement import {record.pk} ended {record.status!r}: {record.error}")
    return {"record": record, "seconds": seconds}
