"""apps.core.search: personal search terms live in the session, the URL holds a token."""

from django.http import QueryDict

from apps.core import search


def test_a_token_is_opaque_stable_for_the_same_terms_and_resolves_only_in_its_session():
    session, other = {}, {}
    token = search.search_token_store(session, "32072219800101123X")
    assert search.is_token(token) and "320722" not in token
    assert search.search_token_store(session, "32072219800101123X") == token
    assert search.search_token_resolve(session, token) == "32072219800101123X"
    assert search.search_token_resolve(other, token) is None


def test_a_session_keeps_the_latest_searches_only_and_cuts_long_input():
    session = {}
    tokens = [search.search_token_store(session, f"张{n}") for n in range(search.MAX_TOKENS + 5)]
    assert len(session[search.SESSION_KEY]) == search.MAX_TOKENS
    assert search.search_token_resolve(session, tokens[0]) is None
    assert search.search_token_resolve(session, tokens[-1]) == f"张{search.MAX_TOKENS + 4}"
    long = search.search_token_store(session, "x" * 10_000)
    assert len(search.search_token_resolve(session, long)) == search.MAX_TERMS_LENGTH


def test_only_private_filters_are_tokenised_and_resolved():
    session = {}
    data = QueryDict("q=13812345678&status=active&township=&csrfmiddlewaretoken=abc")
    assert search.needs_tokenising(data, ("q",))
    query = search.tokenised_query(session, data, ("q",))
    assert query["status"] == "active" and "township" not in query and "csrfmiddlewaretoken" not in query
    assert search.is_token(query["q"]) and not search.needs_tokenising(query, ("q",))
    resolved, expired = search.resolved_query(session, query, ("q",))
    assert resolved["q"] == "13812345678" and resolved["status"] == "active" and not expired
    resolved, expired = search.resolved_query({}, query, ("q",))
    assert "q" not in resolved or not resolved.getlist("q")
    assert expired
