"""To-dos: what a user has to do, declared by each app, shown on the home page.

    from apps.core.todos import TodoQuery, register_todo

    def transfers_to_accept(user):
        return TodoQuery(
            queryset=transfer_pending_for(user=user),       # the app's own scoped selector
            label="待本方接收或处理的会籍接转", url=reverse(...) + "#pending",
        )

    register_todo("members.transfers_to_accept", transfers_to_accept,
                  permission="members.change_membershiptransfer", order=200)

A to-do function takes the user and returns a `TodoQuery` (the rows to count, not yet counted),
a `Todo` it counted itself, or None when it does not apply. The registry counts every
`TodoQuery` of a user in one database round trip, however many apps declare to-dos, so the home
page does not grow a query per app. The link opens a list that shows exactly the counted rows
(tests hold each to-do to that). The registry checks the permission first, so a user without it
costs nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.core.exceptions import EmptyResultSet
from django.db import connection

URGENCIES = ("normal", "soon", "urgent")


@dataclass(frozen=True)
class Todo:
    count: int
    label: str
    url: str
    urgency: str = "normal"  # normal, soon (a deadline is near), urgent (a deadline has passed)
    key: str = ""

    def __post_init__(self):
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {URGENCIES}, not {self.urgency!r}")


@dataclass(frozen=True)
class TodoQuery:
    """A to-do whose rows the registry counts (with every other to-do's, in one query)."""

    queryset: object
    label: str
    url: str
    urgency: str = "normal"  # when there is something to do and none of it is `urgent`
    urgent: object = None  # the rows (a subset) that make it urgent: a deadline that has passed


@dataclass(frozen=True)
class TodoSource:
    key: str
    func: Callable
    permission: str | None
    order: int


_SOURCES: dict[str, TodoSource] = {}


def register_todo(key: str, func: Callable, *, permission: str | None = None, order: int = 500) -> None:
    """Declare a to-do (replaces one of the same key); call from AppConfig.ready()."""
    _SOURCES[key] = TodoSource(key=key, func=func, permission=permission, order=order)


def unregister_todo(key: str) -> None:
    _SOURCES.pop(key, None)


def registered_todos() -> list[TodoSource]:
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.key))


def count_together(querysets) -> list[int]:
    """COUNT(*) of each queryset, all in one SELECT of scalar subqueries."""
    parts, params = [], []
    for index, queryset in enumerate(querysets):
        try:
            sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # .none(), or a user with no scope: nothing to count, nor to ask
            parts.append("0")
            continue
        # The SQL is Django's own compilation of the queryset; every value stays a parameter.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS todo_{index})")  # noqa: S608
        params.extend(sql_params)
    if all(part == "0" for part in parts):
        return [0] * len(parts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def todo_list(user, *, include_empty: bool = False) -> list[Todo]:
    """The user's to-dos in order; those with nothing to do are left out unless asked for."""
    if user is None or not user.is_authenticated:
        return []
    answers = []
    for source in registered_todos():
        if source.permission and not user.has_perm(source.permission):
            continue
        answer = source.func(user)
        if answer is not None:
            answers.append((source, answer))
    querysets = []
    for _source, answer in answers:
        if isinstance(answer, TodoQuery):
            querysets.append(answer.queryset)
            if answer.urgent is not None:
                querysets.append(answer.urgent)
    counts = iter(count_together(querysets))
    todos = []
    for source, answer in answers:
        if isinstance(answer, TodoQuery):
            count = next(counts)
            urgency = answer.urgency
            if answer.urgent is not None and next(counts):
                urgency = "urgent"
            answer = Todo(count=count, label=answer.label, url=answer.url, urgency=urgency)
        if answer.count == 0 and not include_empty:
            continue
        todos.append(replace(answer, key=source.key))
    return todos
