"""`make run` keeps its processes up: each Procfile.dev line restarts its command when it exits."""

import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT

KEEP_RUNNING = ROOT / "scripts" / "keep_running.py"


def _wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_every_process_of_make_run_is_restarted_when_it_exits():
    lines = [line for line in (ROOT / "Procfile.dev").read_text().splitlines() if line.strip()]
    assert {line.split(":", 1)[0] for line in lines} == {"web", "worker", "beat"}
    for line in lines:
        assert line.split(":", 1)[1].split()[:2] == ["python", "scripts/keep_running.py"], line


def test_a_command_that_exits_is_started_again_and_sigterm_stops_both(tmp_path):
    runs = tmp_path / "runs"
    # Exits at once the first two times, then stays up (as a beat that lost its database would).
    script = (
        "import sys, time, pathlib\n"
        f"p = pathlib.Path({str(runs)!r})\n"
        "n = len(p.read_text().splitlines()) if p.exists() else 0\n"
        "p.write_text(p.read_text() + 'run\\n' if p.exists() else 'run\\n')\n"
        "sys.exit(1) if n < 2 else time.sleep(600)\n"
    )
    wrapper = subprocess.Popen([sys.executable, str(KEEP_RUNNING), sys.executable, "-c", script])
    try:
        assert _wait_for(lambda: runs.exists() and len(runs.read_text().splitlines()) == 3, 10)
        assert wrapper.poll() is None
        # SIGTERM to the wrapper alone (not its group): it passes the signal on and ends.
        wrapper.send_signal(signal.SIGTERM)
        assert wrapper.wait(timeout=10) == 0
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
    time.sleep(0.2)
    assert len(runs.read_text().splitlines()) == 3  # not started a fourth time


def test_a_signal_to_the_whole_group_stops_the_command_once(tmp_path):
    started = tmp_path / "started"
    script = f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(600)\n"
    wrapper = subprocess.Popen(
        [sys.executable, str(KEEP_RUNNING), sys.executable, "-c", script], start_new_session=True
    )
    try:
        assert _wait_for(started.exists, 10)
        os.killpg(wrapper.pid, signal.SIGINT)  # what Ctrl-C (or honcho's SIGTERM) does
        assert wrapper.wait(timeout=10) == 0
    finally:
        if wrapper.poll() is None:
            os.killpg(wrapper.pid, signal.SIGKILL)
