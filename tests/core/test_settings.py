"""Production settings: refuse to start without secrets, and pass `check --deploy` cleanly."""

import os
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
}


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


def test_production_refuses_to_start_without_the_personal_data_keys():
    for name in ("FIELD_ENCRYPTION_SALT", "MEMBER_ID_HASH_KEY"):
        result = _manage("check", env_overrides={**PRODUCTION, name: ""})
        assert result.returncode != 0
        assert f"{name} must be set" in result.stderr
