"""Checks behind /healthz/: each returns (ok, detail) and never raises or leaks secrets."""

import redis
from django.conf import settings
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
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return False, type(exc).__name__
    if pending:
        return False, f"{len(pending)} pending"
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
        replies = app.control.ping(timeout=settings.HEALTHZ_CELERY_TIMEOUT)
    except Exception as exc:
        return False, type(exc).__name__
    if not replies:
        return False, "no worker answered"
    return True, f"{len(replies)} worker(s)"


def run_checks():
    checks = {"database": check_database()}
    checks["migrations"] = check_migrations() if checks["database"][0] else (False, "database down")
    checks["redis"] = check_redis()
    checks["celery"] = check_celery() if checks["redis"][0] else (False, "broker down")
    return {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}
