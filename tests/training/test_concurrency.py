"""Capacity and quotas under truly concurrent sign-ups: two real transactions in two threads on
PostgreSQL, released together by a barrier, both asking for the programme's last place."""

import threading

import pytest
from django.db import connection

from apps.training.models import Nomination
from apps.training.services import nomination_create, quota_set
from apps.training.services import nominations as nomination_services

from .conftest import NOW, make_programme


def _race(monkeypatch, calls):
    """Run `calls` at once: each thread stops right before it takes the programme's lock until
    all have got there, so they really do ask at the same moment."""
    ready = threading.Barrier(len(calls), timeout=30)
    real_lock = nomination_services.programme_locked

    def lock_together(programme):
        ready.wait()
        return real_lock(programme)

    monkeypatch.setattr(nomination_services, "programme_locked", lock_together)
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            results[index] = call()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_chairs_at_once_for_the_last_place_get_one_place_and_one_waiting_entry(training_world, monkeypatch):
    w = training_world
    batch = make_programme(w.tree["county"], capacity=2, user=w.county_user)
    nomination_create(user=w.chair, programme=batch, officer=w.officers_a[0], now=NOW)
    results = _race(
        monkeypatch,
        [
            lambda: nomination_create(user=w.chair, programme=batch, officer=w.officers_a[1], now=NOW).status,
            lambda: nomination_create(user=w.chair_b, programme=batch, officer=w.officers_b[0], now=NOW).status,
        ],
    )
    assert sorted(results) == ["nominated", "waiting"]
    assert Nomination.objects.filter(programme=batch, status="nominated").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_townships_last_quota_place_is_given_once_under_concurrent_sign_ups(training_world, monkeypatch):
    w = training_world
    batch = make_programme(w.tree["county"], capacity=150, user=w.county_user)
    quota_set(user=w.county_user, programme=batch, township=w.tree["a"], places=1)
    results = _race(
        monkeypatch,
        [
            lambda officer=officer: nomination_create(user=w.chair, programme=batch, officer=officer, now=NOW)
            for officer in w.officers_a[:3]
        ],
    )
    assert sorted(n.status for n in results) == ["nominated", "waiting", "waiting"]
    assert sorted(n.waiting_position for n in results if n.status == "waiting") == [1, 2]
    assert Nomination.objects.filter(programme=batch, township=w.tree["a"], status="nominated").count() == 1
