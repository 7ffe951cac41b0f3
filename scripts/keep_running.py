#!/usr/bin/env python3
"""Run a command, and start it again whenever it exits, until this process is told to stop.

    python scripts/keep_running.py COMMAND [ARGS...]

Each line of Procfile.dev runs through this, so a web server, worker or beat that exits (a
database restart it could not ride out, a crash) comes back after a short pause, 1 s doubling
to 30 s, instead of honcho stopping everything. SIGTERM or SIGINT stops the command and then
this process: honcho signals the whole process group, so the command has usually had the
signal already; it is passed on only when the command is still running a second later.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
RAN_WELL = 60.0  # a command that ran this long before exiting is restarted after FIRST_PAUSE again


def log(message: str) -> None:
    print(f"[keep_running] {message}", file=sys.stderr, flush=True)


def main(command: list[str]) -> int:
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    stop = {"signal": None, "at": 0.0, "passed_on": False}

    def on_signal(signum, _frame):
        if stop["signal"] is None:
            stop["signal"], stop["at"] = signum, time.monotonic()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pause = FIRST_PAUSE
    code = 0
    while stop["signal"] is None:
        started = time.monotonic()
        child = subprocess.Popen(command)
        while (code := child.poll()) is None:
            if stop["signal"] is not None and not stop["passed_on"] and time.monotonic() - stop["at"] > 1:
                child.send_signal(stop["signal"])
                stop["passed_on"] = True
            time.sleep(0.1)
        if stop["signal"] is not None:
            break
        pause = FIRST_PAUSE if time.monotonic() - started > RAN_WELL else pause
        log(f"{command[0]} exited with {code}; starting it again in {pause:.0f} s")
        resume = time.monotonic() + pause
        while stop["signal"] is None and time.monotonic() < resume:
            time.sleep(0.1)
        pause = min(pause * 2, LONGEST_PAUSE)
    return 0 if stop["signal"] is not None else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
