"""Search terms that are personal data (names, ID numbers, mobiles, card numbers) never go
into a URL, where access logs, browser history and proxies would keep them.

A list's search form posts them; the terms are kept in the user's session under an opaque
token, and the list is shown at `?q=<token>`. Pagination, sorting and the export link carry the
token, so they apply exactly the same filter. A token means nothing outside the session that
made it: another user, or the same user after logging in again, gets "search expired".
"""

import secrets

from django.http import QueryDict
from django.utils.translation import gettext

SESSION_KEY = "_search_terms"
TOKEN_PREFIX = "~"  # noqa: S105 (a marker, not a secret)
MAX_TOKENS = 20  # per session; the oldest are forgotten first
MAX_TERMS_LENGTH = 200  # a search box, not a document: longer input is cut before it is kept


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX) and len(value) == len(TOKEN_PREFIX) + 16


def search_token_store(session, value: str) -> str:
    """The token for `value` in this session (the same token for the same terms)."""
    value = value[:MAX_TERMS_LENGTH]
    stored = dict(session.get(SESSION_KEY, {}))
    for token, terms in stored.items():
        if terms == value:
            return token
    token = TOKEN_PREFIX + secrets.token_hex(8)
    stored[token] = value
    while len(stored) > MAX_TOKENS:
        stored.pop(next(iter(stored)))
    session[SESSION_KEY] = stored
    return token


def search_token_resolve(session, token: str) -> str | None:
    """The terms behind a token of this session, or None when unknown (expired, another session)."""
    return session.get(SESSION_KEY, {}).get(token)


def tokenised_query(session, data: QueryDict, private: tuple[str, ...]) -> QueryDict:
    """`data` with each non-empty private value replaced by its token, and empty values dropped."""
    query = QueryDict(mutable=True)
    for name, values in data.lists():
        if name == "csrfmiddlewaretoken":
            continue
        for value in values:
            if value == "":
                continue
            if name in private and not is_token(value):
                value = search_token_store(session, value)
            query.appendlist(name, value)
    return query


def needs_tokenising(data: QueryDict, private: tuple[str, ...]) -> bool:
    """Whether a query string carries private terms in the clear (an old bookmark, a typed URL)."""
    return any(value and not is_token(value) for name in private for value in data.getlist(name))


def resolved_query(session, data: QueryDict, private: tuple[str, ...]) -> tuple[QueryDict, bool]:
    """`data` with each private token replaced by its terms; and whether a token had expired.

    A value that is not a token passes through unchanged: a request reaches here with one only
    when it did not come from a browser (a background export job that stored the resolved query).
    """
    query = data.copy()
    expired = False
    for name in private:
        if name not in data:
            continue
        values = []
        for value in data.getlist(name):
            if is_token(value):
                terms = search_token_resolve(session, value) if session is not None else None
                if terms is None:
                    expired = True
                    continue
                value = terms
            values.append(value)
        query.setlist(name, values)
    return query, expired


def search_expired_message() -> str:
    return gettext("That search has expired (searches are kept until you log out). Please search again.")
