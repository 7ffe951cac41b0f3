"""Reads of the tax statements part: the statements a user sees, the enterprises on the tax
channel, and a statement's reconciliation per enterprise (read from the report its import
stored, a page at a time, with each code's enterprise where the portal has one)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection

from apps.branches.selectors import user_oversees_townships, user_scope_path

from ..channels import channel_expression
from ..choices import Channel
from ..models import TaxStatementImport
from ..money import money_text

# The reconciliation's verdicts, in the report's order, with their Chinese names.
VERDICTS = ("paid", "partial", "over", "unpaid", "unknown")


def tax_channel_enterprises():
    """Enterprises registered (not archived) that pay on the tax channel (apps.dues.channels)."""
    from apps.branches.models import Enterprise

    return (
        Enterprise.objects.filter(archived_at__isnull=True)
        .alias(fund_channel_now=channel_expression())
        .filter(fund_channel_now=Channel.TAX)
    )


def statement_list(*, user):
    """The statements the user sees: county-wide users only (the tax bureau's statement is the
    county's; township chairs see their enterprises' payments in the ledger)."""
    queryset = TaxStatementImport.objects.select_related("uploaded_by", "confirmed_by").defer("content", "report")
    if user_scope_path(user) is None or not user_oversees_townships(user):
        return queryset.none()
    return queryset


_ENTRIES_SQL = """
SELECT e.entry::text, ent.id, ent.name, town.name, ent.union_id
FROM dues_taxstatementimport AS r
CROSS JOIN LATERAL jsonb_array_elements(r.report) WITH ORDINALITY AS e(entry, n)
LEFT JOIN branches_enterprise AS ent ON ent.credit_code = e.entry->>'credit_code'
LEFT JOIN branches_orgunit AS town ON town.id = ent.township_id
WHERE r.id = %s AND e.entry->>'status' = 'enterprise' {where}
"""


class Reconciliation:
    """One statement's verdicts per enterprise, filtered by verdict, township and a code or name
    fragment; a Django Paginator takes it as its object list (count() and slices), and
    ``batches()`` streams it all (the Excel export) through a server-side cursor."""

    def __init__(self, job: TaxStatementImport, *, verdict: str = "", township=None, q: str = ""):
        where, params = [], [job.pk]
        if verdict in VERDICTS:
            where.append("AND e.entry->>'verdict' = %s")
            params.append(verdict)
        if township is not None:
            where.append("AND ent.township_id = %s")
            params.append(township.pk)
        if q:
            where.append("AND (e.entry->>'credit_code' LIKE %s OR ent.name LIKE %s OR e.entry->>'payer_name' LIKE %s)")
            like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like.upper(), like, like]
        self.sql = _ENTRIES_SQL.replace("{where}", " ".join(where))
        self.params = params

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({self.sql}) AS found", self.params)  # noqa: S608 - fixed text
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict]:
        if not isinstance(window, slice) or window.step not in (None, 1):
            raise TypeError("the reconciliation is read by slices")
        start = window.start or 0
        limit = "ALL" if window.stop is None else str(max(window.stop - start, 0))
        with connection.cursor() as cursor:
            cursor.execute(self.sql + f" ORDER BY e.n LIMIT {limit} OFFSET %s", [*self.params, start])
            return [_verdict(row) for row in cursor.fetchall()]

    def batches(self, size: int = 5000):
        with connection.chunked_cursor() as cursor:
            cursor.execute(self.sql + " ORDER BY e.n", self.params)
            while rows := cursor.fetchmany(size):
                yield from (_verdict(row) for row in rows)


def _verdict(row) -> dict:
    entry, enterprise_id, name, township, union_id = row
    verdict = json.loads(entry)
    due, paid = Decimal(verdict["due"] or "0.00"), Decimal(verdict["paid"])
    verdict.update(
        # What a partial payer still owes, what an overpayer paid beyond the due (the statement's).
        shortfall=money_text(due - paid) if verdict["verdict"] == "partial" else "",
        excess=money_text(paid - due) if verdict["verdict"] == "over" else "",
        enterprise_id=enterprise_id,
        enterprise_name=name or "",
        township=township or "",
        has_union=union_id is not None,
    )
    return verdict


def statement_reconciliation(*, job: TaxStatementImport, verdict: str = "", township=None, q: str = ""):
    return Reconciliation(job, verdict=verdict, township=township, q=q)


def statement_verdict_counts(job: TaxStatementImport) -> dict[str, int]:
    """{verdict: enterprises} from the summary the import stored."""
    summary = job.summary or {}
    return {verdict: summary.get(f"verdict_{verdict}", 0) for verdict in VERDICTS}
