"""The reports' pages and their Excel files: 未培训干部 (per township, N years) and trained cadres
against the yearly target, each file holding exactly what the page shows."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.training.conftest import train

pytestmark = pytest.mark.django_db


def _sheet(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_untrained_list_and_its_export_name_who_still_needs_training(training_world, client_for):
    w = training_world
    trained = w.officers_a[0]
    train(w, [trained], starts=timezone.localdate() - datetime.timedelta(days=100))
    client = client_for(w.chair)
    listed = client.get(reverse("training:untrained_list")).content.decode()
    assert trained.name not in listed and w.officers_a[1].name in listed
    assert w.officers_b[0].name not in listed  # another township's cadre
    rows = _sheet(client.get(reverse("training:untrained_export")))
    assert rows[0][:4] == ["乡镇", "工会", "姓名", "职务"] or rows[0][2] == "姓名"
    names = {row[2] for row in rows[1:]}
    assert names == {o.name for o in w.officers_a[1:]} | {w.chair_officer_a.name}


def test_the_years_filter_counts_back_that_many_years(training_world, client_for):
    w = training_world
    officer = w.officers_a[0]
    train(w, [officer], starts=timezone.localdate() - datetime.timedelta(days=800))  # over two years ago
    client = client_for(w.county_user)
    assert officer.name in client.get(reverse("training:untrained_list")).content.decode()
    assert officer.name not in client.get(reverse("training:untrained_list"), {"years": 3}).content.decode()
    refused = client.get(reverse("training:untrained_list"), {"years": "0"}).content.decode()
    assert "不能小于 1" in refused


def test_the_untrained_list_filters_by_township(training_world, client_for):
    w = training_world
    client = client_for(w.county_user)
    content = client.get(reverse("training:untrained_list"), {"township": w.tree["b"].pk}).content.decode()
    assert w.officers_b[0].name in content and w.officers_a[0].name not in content


def test_the_target_report_and_its_export(training_world, client_for):
    w = training_world
    # Township A's chair trained this year; township B's not.
    train(w, [w.chair_officer_a], starts=timezone.localdate() - datetime.timedelta(days=10))
    client = client_for(w.county_user)
    page = client.get(reverse("training:target_report"))
    row_a = page.context["rows"][0]
    assert (row_a["township"], row_a["target"], row_a["trained"]) == (w.tree["a"], 1, 1)
    rows = _sheet(client.get(reverse("training:target_export")))
    body = {row[0]: row[1:4] for row in rows[1:]}
    assert body[w.tree["a"].name] == [1, 1, 0]
    assert body[w.tree["b"].name] == [1, 0, 1]
    assert body["合计"] == [2, 1, 1]


def test_the_programme_list_exports_what_it_shows_under_its_filters(training_world, client_for):
    from apps.training.choices import ProgrammeKind
    from tests.training.conftest import make_programme

    w = training_world
    batch = make_programme(w.tree["county"], user=w.county_user, title="全县工会干部集训")
    make_programme(w.tree["a"], kind=ProgrammeKind.TOWNSHIP_CLASS, user=w.chair, title="白塔埠积极分子班")
    county_rows = _sheet(client_for(w.county_user).get(reverse("training:programme_export")))
    assert county_rows[0][:3] == ["年度", "期次", "培训班"]
    assert {row[2] for row in county_rows[1:]} == {"全县工会干部集训", "白塔埠积极分子班"}
    batch_row = next(row for row in county_rows[1:] if row[2] == "全县工会干部集训")
    assert batch_row[9] == batch.capacity and batch_row[10] == 0  # capacity, enrolled
    only_classes = _sheet(
        client_for(w.county_user).get(reverse("training:programme_export"), {"kind": ProgrammeKind.TOWNSHIP_CLASS})
    )
    assert [row[2] for row in only_classes[1:]] == ["白塔埠积极分子班"]
    # Township B's chair sees the county's batch, not township A's own class.
    other = _sheet(client_for(w.chair_b).get(reverse("training:programme_export")))
    assert [row[2] for row in other[1:]] == ["全县工会干部集训"]
