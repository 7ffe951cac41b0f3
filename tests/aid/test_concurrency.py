"""Two staff at once, in two real transactions on PostgreSQL released together by a barrier:
opening a file for the same member, and reversing the same record. One succeeds, the other is
told why in Chinese; the database holds one open file and one reversal."""

import threading

import pytest
from django.db import connection

from apps.aid.models import AidRecord, HardshipFile
from apps.aid.services import aid_reverse
from apps.core.errors import ApplicationError

from .conftest import give, open_file


def _race(calls):
    ready = threading.Barrier(len(calls), timeout=30)
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            ready.wait()
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
def test_two_openings_at_once_make_one_file(aid_world):
    member = aid_world.members_a[0]
    results, errors = _race([lambda: open_file(member, user=aid_world.chair), lambda: open_file(member)])
    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 1 and "已有一份在档的困难职工档案" in errors[0]
    assert HardshipFile.objects.filter(member=member, closed_on__isnull=True).count() == 1
    member.refresh_from_db()
    assert member.hardship


@pytest.mark.django_db(transaction=True)
def test_two_reversals_at_once_reverse_once(aid_world):
    record = give(aid_world.members_a[0])
    results, errors = _race(
        [
            lambda: aid_reverse(user=aid_world.chair, record=record, reason="重复"),
            lambda: aid_reverse(user=None, record=record, reason="错"),
        ]
    )
    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 1 and "已冲销" in errors[0]
    assert AidRecord.objects.filter(reverses=record).count() == 1
