"""Celery beat's scheduler: django-celery-beat's DatabaseScheduler, riding out a database outage.

The stock scheduler exits when the database is unreachable as beat starts, or when reloading
the schedule fails (its tick lets the error through, and beat's loop ends on any exception
from a tick). Here a database error closes the connection, logs one line and retries a few
seconds later; meanwhile the schedule already in memory keeps being sent.
"""

import logging
import time

from django.db import DatabaseError, InterfaceError, connections
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (DatabaseError, InterfaceError)  # OperationalError is a DatabaseError


class ResilientDatabaseScheduler(DatabaseScheduler):
    _database_down = False

    @property
    def retry_seconds(self) -> float:
        # Every 5 s, or as often as beat ticks if that is more often (`--max-interval`).
        return min(float(self.max_interval or 5), 5.0)

    def setup_schedule(self):
        while True:
            try:
                # The defaults (CELERY_BEAT_SCHEDULE) are added one by one and a failed one is
                # only logged, so wait for the database before adding them.
                connections["default"].ensure_connection()
                self._initial_read = True
                super().setup_schedule()
            except DATABASE_ERRORS as exc:
                self._lost_database("starting", exc)
                time.sleep(self.retry_seconds)
                continue
            self._database_back()
            return

    def tick(self, *args, **kwargs):
        try:
            interval = super().tick(*args, **kwargs)
        except DATABASE_ERRORS as exc:
            self._lost_database("reading the schedule", exc)
            return self.retry_seconds
        return interval

    def all_as_schedule(self):
        try:
            schedule = super().all_as_schedule()
        except DATABASE_ERRORS as exc:
            if self._schedule is None:
                raise
            # Keep sending what is known; read the schedule again at the next tick.
            self._lost_database("reloading the schedule", exc)
            self._initial_read = True
            return self._schedule
        self._database_back()
        return schedule

    def _lost_database(self, doing: str, exc: Exception) -> None:
        logger.warning(
            "beat: database unavailable while %s (%s); retrying in %.0f s",
            doing,
            type(exc).__name__,
            self.retry_seconds,
        )
        self._database_down = True
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except DATABASE_ERRORS:
                pass

    def _database_back(self) -> None:
        if self._database_down:
            logger.warning("beat: database reachable again")
            self._database_down = False
