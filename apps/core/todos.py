"""To-dos: what a user has to do, declared by each app, shown on the home page.

    from apps.core.todos import Todo, register_todo

    def transfers_to_accept(user):
        pending = transfer_pending_for(user=user)          # the app's own scoped selector
        return Todo(count=pending.count(), label=_("..."), url=reverse(...) + "#pending")

    register_todo("members.transfers_to_accept", transfers_to_accept,
                  permission="members.change_membershiptransfer", order=200)

A to-do function takes the user and returns a `Todo` (or None when it does not apply), in one
or a few queries whatever the number of rows. Its link opens a list that shows exactly the rows
it counted (tests hold each to-do to that). The registry checks the permission first, so a user
without it costs no query.
"""

from collections.abc import Callable
from dataclasses import dataclass

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


def todo_list(user, *, include_empty: bool = False) -> list[Todo]:
    """The user's to-dos in order; those with nothing to do are left out unless asked for."""
    if user is None or not user.is_authenticated:
        return []
    todos = []
    for source in registered_todos():
        if source.permission and not user.has_perm(source.permission):
            continue
        todo = source.func(user)
        if todo is None or (todo.count == 0 and not include_empty):
            continue
        todos.append(Todo(count=todo.count, label=todo.label, url=todo.url, urgency=todo.urgency, key=source.key))
    return todos
