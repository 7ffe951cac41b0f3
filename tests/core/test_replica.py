"""The read replica router without a replica server: where reads and writes go, migrations on
the primary only, the settings, and the fall-back to the primary when the replica is down.
(The real streaming replica: tests/core/test_replica_streaming.py.)"""

import logging
import socket

import pytest
from django.db import connections

from apps.core import replica
from apps.core.replica import REPLICA, ReplicaRouter, reading_from_replica, reads_from_replica


@pytest.fixture
def unreachable_replica(django_db_blocker):
    """A "replica" database on a port where nothing listens. The test runs outside a test case's
    transaction (no django_db mark): a test case refuses a connection to an alias it was not
    given, and it is given its aliases before a fixture can add one."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    connections.settings[REPLICA] = {**connections["default"].settings_dict, "PORT": str(port)}
    connections.settings[REPLICA]["OPTIONS"] = {"connect_timeout": 2}
    replica.replica_reset()
    with django_db_blocker.unblock():
        yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    replica.replica_reset()


def test_without_a_replica_everything_reads_and_writes_the_primary():
    from apps.branches.models import OrgUnit

    assert REPLICA not in connections.settings  # DATABASE_REPLICA_URL is not set in tests
    with reads_from_replica() as allowed:
        assert allowed is False and not reading_from_replica()
        assert OrgUnit.objects.all().db == "default"


def test_the_router_keeps_writes_and_migrations_on_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(None) is None
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "branches") is True
    assert router.allow_migrate(REPLICA, "branches") is False


def test_an_unreachable_replica_falls_back_to_the_primary_with_a_warning(unreachable_replica, caplog):
    from apps.branches.models import OrgUnit

    with caplog.at_level(logging.WARNING, logger="apps.core.replica"):
        with reads_from_replica() as allowed:
            assert allowed is False
            assert OrgUnit.objects.all().db == "default"
    (record,) = [r for r in caplog.records if r.name == "apps.core.replica"]
    assert "unreachable" in record.getMessage() and "reading from the primary" in record.getMessage()
    # Not tried again at once: the next page does not wait for the connection timeout again.
    with caplog.at_level(logging.WARNING, logger="apps.core.replica"):
        with reads_from_replica() as allowed:
            assert allowed is False
    assert len([r for r in caplog.records if r.name == "apps.core.replica"]) == 1


def test_the_settings_add_the_replica_from_its_url(monkeypatch):
    import importlib

    import unionportal.settings.base as base

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@10.0.0.2:5433/unionportal")
    try:
        settings = importlib.reload(base)
        replica_db = settings.DATABASES[REPLICA]
        assert (replica_db["HOST"], replica_db["PORT"], replica_db["NAME"], replica_db["USER"]) == (
            "10.0.0.2",
            5433,
            "unionportal",
            "reader",
        )
        assert replica_db["TEST"] == {"MIRROR": "default"}
        assert replica_db["OPTIONS"]["connect_timeout"] == 3
        assert settings.DATABASE_ROUTERS == ["apps.core.replica.ReplicaRouter"]
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        assert REPLICA not in importlib.reload(base).DATABASES


def test_the_statistics_pages_and_exports_read_from_the_replica():
    """The views the brief names are wrapped (the assessment wraps its own)."""
    from apps.branches.views import FormationRateView
    from apps.complaints.views import ComplaintStatisticsView
    from apps.contracts.views.coverage import CoverageView
    from apps.core.exports import XlsxExportMixin
    from apps.core.replica import ReadsFromReplicaMixin
    from apps.dues.views.finance import CollectionRateExportView, CollectionRateView
    from apps.reemployment.views.reports import ReportExportView, ReportView
    from apps.training.views.reports import TargetReportExportView, TargetReportView

    for view in (
        FormationRateView,
        ComplaintStatisticsView,
        CoverageView,
        CollectionRateView,
        CollectionRateExportView,
        ReportView,
        ReportExportView,
        TargetReportView,
        TargetReportExportView,
    ):
        assert issubclass(view, ReadsFromReplicaMixin), view
    assert "reads_from_replica" in XlsxExportMixin.get.__code__.co_names


def test_the_context_nests_and_decorates(unreachable_replica, monkeypatch):
    """As a decorator each call has a context of its own; reads_from_primary() inside turns it off."""
    from apps.core.replica import reads_from_primary

    monkeypatch.setattr(replica, "_replica_reachable", lambda: True)
    seen = []

    @reads_from_replica()
    def report(depth):
        seen.append(reading_from_replica())
        if depth:
            report(depth - 1)
        with reads_from_primary():
            seen.append(reading_from_replica())
        seen.append(reading_from_replica())

    report(1)
    assert seen == [True, True, False, True, False, True]
    assert not reading_from_replica()


def test_inside_a_transaction_the_context_reads_the_primary_without_trying_the_replica(
    unreachable_replica, monkeypatch
):
    tried = []
    monkeypatch.setattr(replica, "_replica_reachable", lambda: tried.append(1) or True)
    monkeypatch.setattr(connections["default"], "in_atomic_block", True)  # as in transaction.atomic()
    with reads_from_replica() as allowed:
        assert allowed is False and not reading_from_replica()
    assert tried == []


def test_a_session_that_has_just_written_reads_its_replica_pages_from_the_primary(unreachable_replica, monkeypatch):
    """Read-your-writes: after `pin_to_primary` (a year just locked) the replica page reads the
    primary for PRIMARY_PIN_SECONDS, then the replica again; other sessions read the replica."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.views import View

    from apps.core.replica import ReadsFromReplicaMixin, pin_to_primary

    monkeypatch.setattr(replica, "_replica_reachable", lambda: True)
    seen = []

    class ReportView(ReadsFromReplicaMixin, View):
        def get(self, request):
            seen.append(reading_from_replica())
            return HttpResponse()

    def visit(session):
        request = RequestFactory().get("/report/")
        request.session = session
        ReportView.as_view()(request)

    writer, other = {}, {}
    pin_to_primary(type("Request", (), {"session": writer})())
    visit(writer)
    visit(other)
    now = replica._wall_clock()
    monkeypatch.setattr(replica, "_wall_clock", lambda: now + replica.PRIMARY_PIN_SECONDS + 1)
    visit(writer)
    assert seen == [False, True, True]
