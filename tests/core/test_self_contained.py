"""The suite runs on a fresh clone with nothing beside it, and a skip fails CI.

`.ci/run` (E2E_REQUIRED=1) and any CI (CI set) turn a skipped test into a failure
(tests/conftest.py); nothing under tests/ or apps/ reads the folder of shared samples that
sits beside the repository on a developer's machine (its samples are copied to tests/fixtures).
"""

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = "UNIONPORTAL_SKIP_PROBE"


def test_probe():
    """Skips only inside the run below, as a test would for a missing program."""
    if os.environ.get(PROBE):
        pytest.skip("probe: a program is missing")


def _run_probe(**env):
    environ = {k: v for k, v in os.environ.items() if k not in ("E2E_REQUIRED", "CI")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::test_probe"]
    return subprocess.run(command, env={**environ, PROBE: "1", **env}, cwd=ROOT, capture_output=True, text=True)


def test_a_skip_fails_the_run_under_e2e_required():
    result = _run_probe(E2E_REQUIRED="1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "skipped under E2E_REQUIRED/CI" in result.stdout and "a program is missing" in result.stdout


def test_ci_is_as_strict_as_e2e_required(monkeypatch):
    from tests.conftest import skips_fail

    monkeypatch.delenv("E2E_REQUIRED", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert not skips_fail()
    monkeypatch.setenv("CI", "true")
    assert skips_fail()


def test_a_skip_is_only_reported_on_a_developer_machine():
    result = _run_probe()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout


# Built from parts, so this file does not name the folder it looks for.
SHARED = "sha" + "red"
READS_SHARED = re.compile(rf"""\.\./{SHARED}|["']{SHARED}["']\s*[/)]|parents?\[\d\]\s*/\s*["']{SHARED}""")


def test_nothing_reads_the_shared_folder_beside_the_repository():
    offenders = []
    for folder in ("apps", "tests", "scripts", "unionportal"):
        for path in (ROOT / folder).rglob("*.py"):
            if READS_SHARED.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_the_sample_files_the_tests_read_are_in_tests_fixtures():
    from tests.factories import ROSTER_SAMPLE

    assert ROSTER_SAMPLE.is_file() and ROSTER_SAMPLE.is_relative_to(ROOT / "tests")
