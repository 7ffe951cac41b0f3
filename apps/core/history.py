"""The audit history every model joins.

django-pghistory records changes with PostgreSQL triggers, so bulk imports, `update()` and
raw SQL are recorded too. `AuditContextMiddleware` (settings) stores who and which page in
the event's context. Decorate each model that matters with `@audited()`.
"""

import datetime
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

import pghistory
import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _
from pghistory.middleware import HistoryMiddleware
from pghistory.runtime import Context, _tracker

BOOLEAN_LABELS = {True: _("Yes"), False: _("No")}
EVENT_LABELS = {"insert": _("Created"), "update": _("Changed"), "delete": _("Deleted")}
# Fields that change on every save and say nothing to a reader.
NOISE_FIELDS = {"updated_at", "created_at", "path", "depth", "numchild"}


def audited(**kwargs):
    """Track inserts, updates and deletes of a model in its event table.

    The triggers are statement-level: one trigger call per INSERT/UPDATE/DELETE statement
    writes one event per row from the statement's transition table, and looks up the context
    (who, which page or import) once. Row-level triggers did that look-up for every row, in a
    subtransaction each: on 10,000 member inserts the history cost about 0.3-0.9 s, now about
    0.06 s. An update still writes an event only for the rows whose tracked fields changed,
    and an update that changes nothing writes no event and no context.
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        level=pgtrigger.Statement,
        **kwargs,
    )


class AuditContextMiddleware(HistoryMiddleware):
    """pghistory's context plus the user name, so history reads without a user lookup."""

    def get_context(self, request):
        context = super().get_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["user_name"] = user.get_username()
        return context


def _actor(user) -> dict:
    if user is None:
        return {"user": None, "user_name": "系统"}
    return {"user": user.pk, "user_name": user.get_username()}


@contextmanager
def acting_user(user):
    """The history context of a service's writes: who acted (None: the system's own jobs, "系统").

    A request's middleware has recorded the user; a shell, a Celery task or a management command
    has not, so every write service opens this around its writes with its `user=`.

    pghistory merges nested contexts into one (one id, the last metadata written wins, for the
    events already written too) and keeps its id in a transaction-local setting, so a later
    write outside any context inherits the previous one. Here the innermost service's user is
    what its writes record: inside a context naming someone else, the writes get a context of
    their own (the outer one's metadata, such as the page, with this user), and the outer
    context is back, unchanged, on exit. Inside a context that already names this user (a
    request's own user) nothing is added, so a request's writes share one context.
    Relies on pghistory's thread-local tracker (`pghistory.runtime._tracker`, 3.x).
    """
    actor = _actor(user)
    outer = getattr(_tracker, "value", None)
    if outer is None:
        with pghistory.context(**actor):
            yield
        return
    if all(outer.metadata.get(key) == value for key, value in actor.items()):
        yield
        return
    _tracker.value = Context(id=uuid.uuid4(), metadata={**outer.metadata, **actor})
    try:
        yield
    finally:
        _tracker.value = outer


@dataclass
class HistoryRow:
    when: datetime.datetime
    label: str
    who: str
    changes: list[tuple[str, object, object]]


def _local_time(value: str) -> str:
    """A timestamp of the history's JSON (ISO, UTC) as the office reads it: Shanghai, to the minute."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        return value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class _Reader:
    """How one model's stored values read: a choice's label, a related row's name (a user's display
    name), a time in Shanghai. The related names of all the events are read in one query per model."""

    def __init__(self, model, events):
        from django.contrib.auth import get_user_model

        self.fields = {}
        concrete = model._meta.concrete_fields if model is not None else []  # None: a model since removed
        for field in concrete:
            self.fields[field.name] = self.fields[field.attname] = field
        self.labels = {f.name: {k: str(v) for k, v in f.flatchoices} for f in concrete if f.choices}
        wanted = defaultdict(set)
        user_model = get_user_model()
        for event in events:
            if (user_id := (event.pgh_context or {}).get("user")) is not None:
                wanted[user_model].add(user_id)
            for name, pair in (event.pgh_diff or {}).items():
                field = self.fields.get(name)
                if field is not None and field.many_to_one:
                    wanted[field.related_model].update(v for v in pair if v is not None)
        self.names = {
            related: {row.pk: str(row) for row in related._default_manager.filter(pk__in=ids)}
            for related, ids in wanted.items()
        }
        self.user_model = user_model

    def label(self, name):
        field = self.fields.get(name)
        return str(field.verbose_name) if field is not None else name

    def value(self, name, value):
        if value is None or value == "":
            return value
        if isinstance(value, bool):
            return str(BOOLEAN_LABELS[value])
        field = self.fields.get(name)
        if field is None:
            return value
        if field.many_to_one:
            # A row since removed keeps its number, marked as such.
            return self.names.get(field.related_model, {}).get(value, f"#{value}")
        if field.choices:
            return self.labels[field.name].get(value, value)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            return _local_time(value)
        return value

    def who(self, metadata) -> str:
        user_id = metadata.get("user")
        if user_id is not None and user_id in self.names.get(self.user_model, {}):
            return self.names[self.user_model][user_id]  # the display name (姓名), not the login
        return metadata.get("user_name") or ""


def read_events(events) -> list[HistoryRow | None]:
    """Events of any tracked models (pghistory's aggregate `Events` rows) in words a reader
    understands, one row per event in their order; None for an update that changed nothing a
    reader sees (bookkeeping: a child added, a timestamp). The portal's history and Django
    admin's (apps.core.admin_history) both read through here. One query per related model."""
    from django.apps import apps

    by_model = defaultdict(list)
    for event in events:
        by_model[event.pgh_obj_model].append(event)
    readers = {}
    for label, model_events in by_model.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            model = None
        readers[label] = _Reader(model, model_events)
    rows = []
    for event in events:
        reader = readers[event.pgh_obj_model]
        # The aggregate Events view inlines the context's metadata as JSON.
        metadata = event.pgh_context or {}
        changes = [
            (reader.label(name), reader.value(name, before), reader.value(name, after))
            for name, (before, after) in (event.pgh_diff or {}).items()
            if name not in NOISE_FIELDS
        ]
        if event.pgh_label == "update" and not changes:
            rows.append(None)
            continue
        rows.append(
            HistoryRow(
                when=event.pgh_created_at,
                label=str(EVENT_LABELS.get(event.pgh_label, event.pgh_label)),
                who=reader.who(metadata),
                changes=changes,
            )
        )
    return rows


def object_history(obj, *, limit=50) -> list[HistoryRow]:
    """The latest events of one object, newest first, in words a reader understands: field names,
    choice labels, the names of related rows and of who acted, times in Shanghai. A few queries
    whatever the number of events (one for the events, one per related model)."""
    from pghistory.models import Events

    events = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    return [row for row in read_events(events) if row is not None]
