"""The last place of a base under truly concurrent placements: two real transactions in two
threads on PostgreSQL, released together by a barrier, both asking for the base's last place."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.reemployment.choices import HelpKind
from apps.reemployment.models import ReemploymentHelp
from apps.reemployment.services import bases as base_services
from apps.reemployment.services import cases as case_services
from apps.reemployment.services import help_give

from .conftest import make_base, register_member


def _race(monkeypatch, calls):
    """Run `calls` at once: each thread stops right before it takes the base year's lock until
    all have got there, so they really do ask at the same moment."""
    ready = threading.Barrier(len(calls), timeout=30)
    real_lock = base_services.base_year_locked

    def lock_together(base, year):
        ready.wait()
        return real_lock(base, year)

    monkeypatch.setattr(case_services, "base_year_locked", lock_together)
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            results[index] = call()
        except ApplicationError as exc:
            errors.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_placements_at_once_for_the_last_place_give_it_once(reemp_world, monkeypatch):
    w = reemp_world
    today = timezone.localdate()
    base = make_base(w, places=2)
    help_give(user=None, case=register_member(w.members_a[0]), kind=HelpKind.BASE, given_on=today, base=base)
    cases = [register_member(m) for m in w.members_a[1:3]]
    results, errors = _race(
        monkeypatch,
        [
            lambda case=case: help_give(user=w.chair, case=case, kind=HelpKind.BASE, given_on=today, base=base)
            for case in cases
        ],
    )
    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 1 and "岗位已全部安置" in errors[0]
    assert ReemploymentHelp.objects.filter(base=base, kind=HelpKind.BASE).count() == 2
