"""Reads from a PostgreSQL streaming replica, where a page allows it.

When `DATABASE_REPLICA_URL` is set, settings add the "replica" database and `ReplicaRouter`.
Reads go to the replica only inside `reads_from_replica()` (a context manager and a decorator,
and `ReadsFromReplicaMixin` for a view): the assessment, the statistics pages and the Excel
exports (the views and the export jobs), whose figures may be a moment behind the primary.
Everything else (forms, detail pages, services, the snapshot refresh) reads the primary, so a
user never misses the row they have just saved. Writes always go to the primary, inside the
context too, and so does every read inside a transaction on the primary (`transaction.atomic`:
what a service reads before it writes must be the primary's).

A user's own write is read back from the primary: a view that has just written and redirects to
a replica page calls `pin_to_primary(request)`, and for PRIMARY_PIN_SECONDS that session's
replica pages read the primary (the replica may not have replayed the write yet: a year just
locked would show as open).

If the replica cannot be reached, the context reads the primary and logs a warning (the
database's name and host, never a row); it tries the replica again after REPLICA_RETRY_SECONDS.

    from apps.core.replica import ReadsFromReplicaMixin, reads_from_primary, reads_from_replica

    with reads_from_replica():
        rows = list(report_rows(user=user))

    @reads_from_replica()
    def report(request): ...

    class ReportView(ReadsFromReplicaMixin, TemplateView): ...
"""

import logging
import time
from contextlib import ContextDecorator
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

logger = logging.getLogger(__name__)

REPLICA = "replica"
# After a failed connection, the replica is not tried again for this long (a page would
# otherwise wait for the connection timeout on each of its queries).
REPLICA_RETRY_SECONDS = 30
# How long a session reads its replica pages from the primary after its own write: well above
# a streaming replica's usual lag (under a second), short enough not to load the primary.
PRIMARY_PIN_SECONDS = 15
PRIMARY_PIN_SESSION_KEY = "replica_primary_pinned_until"

_allowed: ContextVar[bool] = ContextVar("reads_from_replica", default=False)
_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _replica_reachable() -> bool:
    """Connect to the replica if not connected yet; False (logged, remembered) when it fails."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        _down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        settings = connections[REPLICA].settings_dict
        logger.warning(
            "Replica database %s on %s:%s unreachable (%s); reading from the primary for %s s.",
            settings.get("NAME"),
            settings.get("HOST"),
            settings.get("PORT"),
            type(exc).__name__,
            REPLICA_RETRY_SECONDS,
        )
        return False
    return True


def replica_reset() -> None:
    """Forget a failed connection (tests; an operator after bringing the replica back)."""
    global _down_until
    _down_until = 0.0


class reads_from_replica(ContextDecorator):
    """Reads inside go to the replica (if one is configured and reachable); writes to the primary."""

    def _recreate_cm(self):
        return type(self)()  # as a decorator: a context of its own for each call (its token)

    def __enter__(self):
        # Inside a transaction on the primary, reads stay there (`reading_from_replica`): then
        # the whole context does, without trying the replica (a test case's transaction too).
        in_transaction = connections[DEFAULT_DB_ALIAS].in_atomic_block
        allowed = replica_configured() and not in_transaction and _replica_reachable()
        self._token = _allowed.set(allowed)
        return allowed

    def __exit__(self, *exc):
        _allowed.reset(self._token)
        return False


class reads_from_primary(ContextDecorator):
    """Inside `reads_from_replica()`, a part that must read the primary: a job's own record,
    a row just written (an export starting its job, which an in-process worker then reads)."""

    def _recreate_cm(self):
        return type(self)()

    def __enter__(self):
        self._token = _allowed.set(False)

    def __exit__(self, *exc):
        _allowed.reset(self._token)
        return False


def reading_from_replica() -> bool:
    """Whether a read here goes to the replica."""
    return _allowed.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block


def _wall_clock() -> float:
    # Wall-clock seconds, not monotonic: the pin is read by whichever web node serves the next page.
    return time.time()


def pin_to_primary(request) -> None:
    """This session's replica pages read the primary for a while: it has just written."""
    request.session[PRIMARY_PIN_SESSION_KEY] = _wall_clock() + PRIMARY_PIN_SECONDS


def pinned_to_primary(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(PRIMARY_PIN_SESSION_KEY, 0) > _wall_clock()


class ReadsFromReplicaMixin:
    """A view whose reads (all of its request) go to the replica: a report, statistics, an export;
    the primary for a session that has just written (`pin_to_primary`)."""

    def dispatch(self, request, *args, **kwargs):
        context = reads_from_primary() if pinned_to_primary(request) else reads_from_replica()
        with context:
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # a template response renders (and reads) inside the context
            return response


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: the replica for reads inside `reads_from_replica()`, else the primary."""

    def db_for_read(self, model, **hints):
        # None: Django's own choice, the primary (or the database an instance was read from).
        return REPLICA if reading_from_replica() else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
