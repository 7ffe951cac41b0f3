"""The members a roster import wrote are found through an index on the history contexts'
metadata ->> 'roster_import' (migration 0014), the expression the selector filters on."""

import pytest
from django.db import connection
from pghistory.models import Context

from apps.members.models import Member, RosterImport
from apps.members.selectors import members_written_by_import

pytestmark = pytest.mark.django_db


def test_the_selector_finds_the_import_through_the_expression_index(county_tree, chair_a):
    record = RosterImport.objects.create(union=county_tree["union_a"], uploaded_by=chair_a, file_name="r.xlsx")
    Context.objects.create(metadata={"roster_import": record.pk})
    Context.objects.create(metadata={"roster_import": record.pk + 1})
    queryset = members_written_by_import(Member.objects.all(), record)
    sql, params = queryset.query.sql_with_params()
    assert "->> 'roster_import'" in sql or "->> %s" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "pghistory_context_roster_import_idx" in plan, plan
    assert list(queryset) == []
