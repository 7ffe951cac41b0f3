"""`manage.py bench` end to end on a tiny generated county: it runs, prints the table, writes the JSON."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_the_bench_refuses_outside_its_own_settings(settings):
    settings.ROOT_URLCONF = "unionportal.urls"
    with pytest.raises(CommandError, match="settings.bench"):
        call_command("bench", "--skip-generate")


def test_bench_on_a_tiny_county_writes_every_page_and_the_background_work(settings, tmp_path, roles):
    settings.ROOT_URLCONF = "apps.bench.urls"
    output = tmp_path / "results.json"
    out = StringIO()
    call_command(
        "bench",
        "--scale=0.003",
        "--seed=5",
        "--repeats=2",
        "--roster-rows=40",
        "--sweep-open=200",
        f"--output={output}",
        "--markdown",
        stdout=out,
    )
    document = json.loads(output.read_text())
    assert document["scale"] == "0.003" and document["seed"] == 5
    pages = {(page["name"], page["role"]): page for page in document["pages"]}
    assert ("member list", "township_staff") in pages
    assert ("complaint list (by urgency)", "county_staff") in pages
    assert ("admin member changelist", "admin") in pages
    for name in ("contract list", "contract detail", "contract coverage"):
        assert (name, "county_staff") in pages and (name, "township_staff") in pages
    assert ("admin contract changelist", "admin") in pages
    for name in ("assessment year table", "assessment township page"):
        assert (name, "county_staff") in pages and (name, "township_staff") in pages
    assert ("assessment year table", "grassroots_officer") not in pages
    refresh = document["assessment_refresh"]
    assert refresh["townships"] > 0 and refresh["refresh_this_year_s"] > 0 and refresh["refresh_per_county_s"] > 0
    for page in document["pages"]:
        assert page["status"] == 200, page
        assert page["kind"] in {"baseline", "admin"} or page["queries"] <= 12, (
            page["name"],
            page["role"],
            page["queries"],
        )
    assert document["import"]["rows"] == 40 and document["import_rows_per_s"] > 0
    assert document["sweep_open_complaints"] >= 200 and document["sweep_s"] >= 0
    assert document["summary_refresh_s"] >= 0
    assert document["contract_sweep_contracts"] > 0 and document["contract_sweep_idle_s"] >= 0
    assert set(document["contract_sweep"]["contract_sweep_second_run"].values()) == {0}
    printed = out.getvalue()
    assert "member list" in printed and "| page | role |" in printed
