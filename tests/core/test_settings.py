"""Production settings: refuse to start without secrets, and pass `check --deploy` cleanly."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "unionportal.settings.production",
    "DJANGO_SECRET_KEY": "x7!k2-production-test-secret-that-is-long-and-random-enough-9f3c1a",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "FIELD_ENCRYPTION_SALT": "production-test-salt",
    "MEMBER_ID_HASH_KEY": "production-test-hash-key",
    "DATABASE_URL": "postgres://portal@db.example.org:5432/unionportal",
    "REDIS_URL": "redis://redis.example.org:6379/0",
    "AXES_PROXY_COUNT": "1",
}


def _required_in_production() -> list[str]:
    source = (ROOT / "unionportal" / "settings" / "production.py").read_text()
    return re.findall(r'_required\("([A-Z_]+)"\)', source)


def _readme_deploying_section() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]


def test_check_deploy_reports_no_warnings_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
    result = _manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""}
    result = _manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_with_generated_throwaway_values_as_ci_makes_them():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert result.returncode == 0, result.stdout + result.stderr
    # Nothing silenced either: the lockout counts per address too, so axes.W006 does not apply.
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_short_secret_key_fails_check_deploy_which_is_why_the_readme_asks_for_50_characters():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": "too-short-secret-key"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr
    assert "50 characters" in _readme_deploying_section()


def test_the_readme_lists_every_variable_production_requires():
    required = _required_in_production()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MEMBER_ID_HASH_KEY"} <= set(required)
    section = _readme_deploying_section()
    missing = [name for name in required if f"`{name}`" not in section]
    assert not missing, f"README 'Deploying' does not list {missing}"


def test_ci_runs_check_deploy_before_the_suite():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make check-deploy" in ci
    assert ci.index("make check-deploy") < ci.index("make test")
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\ncheck-deploy:", 1)[1].split("\n\n", 1)[0]
    assert "check --deploy --fail-level WARNING" in target
    for name in _required_in_production():
        assert name in target, f"make check-deploy does not set {name}"


def test_production_refuses_to_start_without_the_personal_data_keys():
    for name in ("FIELD_ENCRYPTION_SALT", "MEMBER_ID_HASH_KEY"):
        result = _manage("check", env_overrides={**PRODUCTION, name: ""})
        assert result.returncode != 0
        assert f"{name} must be set" in result.stderr


def test_production_refuses_to_start_without_database_and_redis_urls():
    for name in ("DATABASE_URL", "REDIS_URL"):
        result = _manage("check", env_overrides={**PRODUCTION, name: ""})
        assert result.returncode != 0
        assert f"{name} must be set" in result.stderr


def test_production_requires_the_proxy_count_and_takes_an_explicit_zero():
    """Left at 0 behind a proxy, the per-address lockout would lock out every client at once."""
    unset = {name: value for name, value in PRODUCTION.items() if name != "AXES_PROXY_COUNT"}
    for env in (unset, {**PRODUCTION, "AXES_PROXY_COUNT": ""}):
        result = _manage("check", env_overrides=env)
        assert result.returncode != 0
        assert "AXES_PROXY_COUNT" in result.stderr
    assert "AXES_PROXY_COUNT must be set" in _manage("check", env_overrides=unset).stderr
    show = "from django.conf import settings; print(settings.CLIENT_IP_PROXY_COUNT)"
    for value in ("0", "2"):
        result = _manage("shell", "-c", show, env_overrides={**PRODUCTION, "AXES_PROXY_COUNT": value})
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == value
