"""Every write service records who acted: an AST sweep of apps/*/services*.py.

A public service taking `user=` that writes (save, create, update, delete, bulk_create) must
open `acting_user(...)`, or write only through `model_update` or another service that passes.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITES = (
    ".save(",
    ".create(",
    ".update(",
    ".delete(",
    "bulk_create(",
    "bulk_insert(",  # apps.core.bulk
    "bulk_update(",
    "get_or_create(",
)
# Writes to tables outside the audit history (no @audited model): nothing to attribute.
NOT_AUDITED = {
    "apps/core/services.py:notification_mark_all_read": "notifications are not audited",
    "apps/core/services.py:export_job_start": "export jobs are not audited",
    "apps/members/services.py:member_lookup": "the lookup log is not audited",
    "apps/overview/services.py:unit_summaries_refresh_for": "unit summaries are derived counts, not audited",
}


def _services():
    files = [*ROOT.glob("apps/*/services.py"), *ROOT.glob("apps/*/services/*.py")]
    found = {}
    for path in files:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                found[node.name] = (path.relative_to(ROOT).as_posix(), node, ast.unparse(node))
    return found


def test_every_write_service_opens_acting_user():
    services = _services()

    def covered(name, seen=()):
        path, node, source = services[name]
        if f"{path}:{name}" in NOT_AUDITED or "acting_user(" in source or "model_update(" in source:
            return True
        if not any(write in source for write in WRITES):
            calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            callees = [c for c in calls if c in services and c not in seen and c != name]
            return all(covered(c, (*seen, name)) for c in callees)
        return False

    missing = []
    for name, (path, node, _source) in services.items():
        if name.startswith("_") or "user" not in [a.arg for a in node.args.kwonlyargs]:
            continue
        if f"{path}:{name}" not in NOT_AUDITED and not covered(name):
            missing.append(f"{path}:{name}")
    assert missing == []
