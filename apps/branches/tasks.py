"""Celery tasks of the branches app: thin shells around services."""

import datetime

from celery import shared_task
from django.utils import timezone

from apps.core.dates import PlausibleDateValidator


@shared_task
def send_compliance_reminders(today: str | None = None) -> int:
    """Daily: meetings missing this year, missing sub-committees, terms ending soon."""
    from .services import compliance_reminders_send

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    PlausibleDateValidator()(day)  # an argument typed in admin: 9999-12-31 would overflow the horizon
    return compliance_reminders_send(today=day)
