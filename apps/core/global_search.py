"""The header's one search box: each app declares what it finds, the registry asks them all.

    from apps.core.global_search import SearchHit, SearchQuery, register_search_provider

    def find_members(user, term):
        found = member_search(member_list(user=user), term.text)   # the app's own scoped selector
        return SearchQuery(
            queryset=found.only("pk", "real_name", "card_number", "id_masked", "union__name"),
            hit=lambda m: SearchHit(m.real_name, m.get_absolute_url(), (m.card_number, m.id_masked)),
            list_url=f"{reverse('members:member_list')}?q={term.token}",   # the list, filtered alike
        )

    register_search_provider("members", find_members, label=_("Members"),
                             permission="members.view_member", order=200)

A provider takes the user and the term and returns a `SearchQuery` (the matching rows in the
user's area, ordered, not yet read; None when the term cannot be one of its kind) whose `hit`
turns a row into what the results page shows: a title, the row's page and a few details, masked
as on the lists (never a whole ID number or mobile). `list_url` opens the app's list filtered
by the same term ("查看全部 N 条"), so it must count what the provider finds.

The term is personal data as often as not (a name, an ID number, a mobile): it reaches the
providers only as a `SearchTerm`, whose `token` is what a link may carry (the session token of
apps.core.search, which every list a "查看全部" opens resolves: members, complaints, unions
and enterprises). No link carries the term itself: a union's or an enterprise's name is not
personal data, but what was typed into the header may be a person's name.

Cost: one query per provider the user may use for its first rows (PER_KIND + 1 of them), and
one more for all the counts together, capped as the lists cap theirs (COUNT_CAP), whatever the
size of the tables or the number of matches; a provider whose rows all fit is its own count.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils.translation import gettext

from .logging import CITIZEN_ID, MOBILE, redact

PER_KIND = 5  # hits shown per kind; the rest behind "查看全部"
COUNT_CAP = 2000  # as the lists: more than this is "超过 2,000 条"
MIN_LENGTH = 2  # one character is a fifth of a county's names
MAX_LENGTH = 50  # as the autocomplete: a name, a card, an ID number, a tracking number
# Seven digits or more in a row may be (part of) an ID number or a mobile: never put in a URL.
LONG_NUMBER = re.compile(r"\d{7,}")


@dataclass(frozen=True)
class SearchTerm:
    text: str  # what the user typed, cleaned: for the providers' lookups only
    token: str  # the session token standing for it: what a link may carry

    @property
    def is_long_number(self) -> bool:
        """Seven digits or more in a row (spaces and dashes aside): an ID number, a mobile, a card
        or a credit code, never part of an organisation's name or of a tracking number
        (TS-2026-000123), so the providers of those need not look (no query)."""
        return bool(LONG_NUMBER.search("".join(ch for ch in self.text if ch not in " -.()+")))

    @property
    def shown(self) -> str:
        """The term as a page may show it: an ID number or a mobile masked as the lists mask them."""
        squeezed = "".join(ch for ch in self.text if ch not in " -.()+")
        if CITIZEN_ID.search(squeezed) or MOBILE.search(squeezed):
            return redact(squeezed)
        return self.text


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    details: tuple[str, ...] = ()  # shown after the title, as the list shows them (masked)


@dataclass(frozen=True)
class SearchQuery:
    queryset: object
    hit: Callable
    list_url: str | None = None


@dataclass(frozen=True)
class SearchProvider:
    key: str
    func: Callable
    label: str
    permission: str | None
    order: int


@dataclass
class SearchGroup:
    key: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)
    count: int = 0
    capped: bool = False  # more than COUNT_CAP
    list_url: str | None = None


_PROVIDERS: dict[str, SearchProvider] = {}


def register_search_provider(
    key: str, func: Callable, *, label: str, permission: str | None = None, order: int = 500
) -> None:
    """Declare what the header search finds of one kind (replaces one of the same key); call from AppConfig.ready()."""
    _PROVIDERS[key] = SearchProvider(key=key, func=func, label=label, permission=permission, order=order)


def unregister_search_provider(key: str) -> None:
    _PROVIDERS.pop(key, None)


def registered_search_providers() -> list[SearchProvider]:
    return sorted(_PROVIDERS.values(), key=lambda provider: (provider.order, provider.key))


def search_providers_for(user) -> list[SearchProvider]:
    """The kinds the user may search: those whose permission they hold (from their cached permissions)."""
    if user is None or not user.is_authenticated:
        return []
    return [p for p in registered_search_providers() if p.permission is None or user.has_perm(p.permission)]


def search_term_problem(text: str) -> str | None:
    """Why a typed term cannot be searched (in the user's language), or None."""
    if not text:
        return gettext("Type a name, card number, ID number, mobile, union, enterprise or tracking number.")
    if len(text) < MIN_LENGTH:
        return gettext("Type at least %(min)d characters.") % {"min": MIN_LENGTH}
    if len(text) > MAX_LENGTH:
        return gettext("Type at most %(max)d characters.") % {"max": MAX_LENGTH}
    if not any(ch.isalnum() for ch in text):
        return gettext("Type letters or digits: a name, a number.")
    return None


def clean_term(value: str) -> str:
    """What is searched for: the typed text without surrounding or doubled spaces."""
    return " ".join((value or "").split())


def global_search(user, term: SearchTerm, *, per_kind: int = PER_KIND) -> list[SearchGroup]:
    """The user's hits of every kind they may search, in the registry's order, kinds with none included."""
    answers = []
    for provider in search_providers_for(user):
        query = provider.func(user, term)
        if query is not None:
            answers.append((provider, query))
    groups, to_count = [], []
    for provider, query in answers:
        rows = list(query.queryset[: per_kind + 1])
        group = SearchGroup(
            key=provider.key,
            label=str(provider.label),
            hits=[query.hit(row) for row in rows[:per_kind]],
            count=len(rows),
            list_url=query.list_url,
        )
        if len(rows) > per_kind:
            to_count.append((group, query.queryset))
        groups.append(group)
    for (group, _queryset), count in zip(to_count, _capped_counts([qs for _group, qs in to_count]), strict=True):
        group.count = min(count, COUNT_CAP)
        group.capped = count > COUNT_CAP
    return groups


def _capped_counts(querysets) -> list[int]:
    """How many rows each queryset has, up to COUNT_CAP + 1, all in one SELECT of scalar subqueries."""
    parts, params = [], []
    for index, queryset in enumerate(querysets):
        try:
            sql, sql_params = queryset.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        except EmptyResultSet:
            parts.append("0")
            continue
        # Django's own compilation of the queryset; every value stays a parameter.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS search_{index})")  # noqa: S608
        params.extend(sql_params)
    if not parts:
        return []
    if all(part == "0" for part in parts):
        return [0] * len(parts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())
