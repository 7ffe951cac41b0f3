"""A roster import against writers running at the same time: its plan and its write see the
same rows (it plans again inside its transaction, under a lock all roster writes take)."""

import datetime
import io
import threading

import openpyxl
import pytest
from django.db import IntegrityError, connection

from apps.members import imports
from apps.members.models import Member, RosterImport
from apps.members.services import member_create

from .conftest import make_id

PEOPLE = [("甲", make_id(serial="201")), ("乙", make_id(serial="211")), ("丙", make_id(serial="221"))]


def _roster(people=PEOPLE) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码", "用工形式", "入会时间"])
    for name, id_number in people:
        book.active.append([name, id_number, "合同工", "2020-01-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _confirmed(union, user, content=None) -> RosterImport:
    return RosterImport.objects.create(
        union=union, uploaded_by=user, confirmed_by=user, file_name="r.xlsx", content=content or _roster(), commit=True
    )


@pytest.mark.django_db
def test_the_same_people_imported_between_the_check_and_the_write_are_not_entered_twice(
    county_tree, chair_a, monkeypatch
):
    """Another import of the same people commits after this one's check: this one's write plans
    again and finds them (unchanged), instead of failing the whole file on the unique ID."""
    union = county_tree["union_a"]
    first, other = _confirmed(union, chair_a), _confirmed(union, chair_a)
    real_check = imports._check

    def check_then_the_other_import(roster_import):
        result = real_check(roster_import)
        if roster_import.pk == first.pk:
            assert imports.roster_import_execute(import_id=other.pk).status == "imported"
        return result

    monkeypatch.setattr(imports, "_check", check_then_the_other_import)
    first = imports.roster_import_execute(import_id=first.pk)
    assert (first.status, first.error) == ("imported", "")
    assert first.summary["unchanged"] == 3 and first.summary["create"] == 0
    assert {entry["action"] for entry in first.report} == {"unchanged"}
    assert Member.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_confirms_of_the_same_roster_at_once_both_end_done_and_nobody_twice(county_tree, chair_a, monkeypatch):
    """Two real transactions in two threads: both checks run before either writes (a barrier),
    then both write. The second waits for the first's lock, plans again, and ends unchanged."""
    union = county_tree["union_a"]
    jobs = [_confirmed(union, chair_a), _confirmed(union, chair_a)]
    both_checked = threading.Barrier(2, timeout=30)
    real_check = imports._check

    def check_then_wait(roster_import):
        result = real_check(roster_import)
        both_checked.wait()  # neither has written: both plans said "create"
        assert result[1]["create"] == 3
        return result

    monkeypatch.setattr(imports, "_check", check_then_wait)
    errors = []

    def run(job):
        try:
            imports.roster_import_execute(import_id=job.pk, task_id="")
        except Exception as exc:  # recorded on the job; the assertions below say which
            errors.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    results = sorted(
        RosterImport.objects.filter(pk__in=[job.pk for job in jobs]).values_list("status", "error", "summary"),
        key=lambda result: result[2].get("create", 0),
    )
    assert errors == [] and [(status, error) for status, error, _ in results] == [("imported", ""), ("imported", "")]
    (_s, _e, second), (_s2, _e2, first) = results
    assert (first["create"], second["create"], second["unchanged"]) == (3, 0, 3)
    assert Member.objects.count() == 3


@pytest.mark.django_db
def test_a_person_entered_by_hand_during_the_write_fails_it_as_a_race_that_can_be_retried(
    county_tree, chair_a, county_user, monkeypatch
):
    """A member entered on the form (which takes no import lock) between the import's last plan
    and its INSERT: the database refuses the second person with that ID; the import writes
    nothing, blames no file and offers "重试", which then finds the member."""
    union = county_tree["union_a"]
    job = _confirmed(union, chair_a)
    real_write = imports._write

    def entered_by_hand_first(union, *plan):
        name, id_number = PEOPLE[0]
        member_create(
            user=None,
            union=union,
            real_name=name,
            id_number=id_number,
            join_date=datetime.date(2020, 1, 1),
            employment_form="regular",
        )
        real_write(union, *plan)

    monkeypatch.setattr(imports, "_write", entered_by_hand_first)
    with pytest.raises(IntegrityError):
        imports.roster_import_execute(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.can_retry
    assert "重试" in job.error and "IntegrityError" not in job.error and "无法处理" not in job.error
    assert Member.objects.count() == 0
    monkeypatch.setattr(imports, "_write", real_write)
    imports.roster_import_retry(roster_import=job, user=county_user)
    job = imports.roster_import_execute(import_id=job.pk)
    assert job.status == "imported" and Member.objects.count() == 3
    assert job.confirmed_by == county_user  # who asked for the write this time
