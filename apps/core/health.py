"""Checks behind /healthz/: each returns (ok, detail) and never raises or leaks secrets."""

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def check_database():
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, type(exc).__name__
    return True, "ok"


def check_migrations():
    # Building the migration graph is the costly part of /healthz/, and the answer only
    # changes on deploy: keep it for a minute per process.
    cached = cache.get("healthz:migrations")
    if cached is not None:
        return tuple(cached)
    result = _check_migrations()
    cache.set("healthz:migrations", result, 60)
    return result


def _check_migrations():
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return False, type(exc).__name__
    if pending:
        return False, "pending migrations"
    return True, "ok"


def check_redis():
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return False, type(exc).__name__
    finally:
        client.close()
    return True, "ok"


def check_celery():
    from unionportal.celery import app

    try:
        # limit=1: answer as soon as one worker replies, instead of always waiting the timeout.
        replies = app.control.ping(timeout=settings.HEALTHZ_CELERY_TIMEOUT, limit=1)
    except Exception as exc:
        return False, type(exc).__name__
    if not replies:
        return False, "no worker answered"
    return True, "ok"


def run_checks():
    checks = {"database": check_database()}
    checks["migrations"] = check_migrations() if checks["database"][0] else (False, "database down")
    checks["redis"] = check_redis()
    checks["celery"] = check_celery() if checks["redis"][0] else (False, "broker down")
    return {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}
