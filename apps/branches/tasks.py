"""Celery tasks of the branches app: thin shells around services."""

import datetime

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.dates import PlausibleDateValidator


@shared_task
def send_compliance_reminders(today: str | None = None) -> int:
    """Daily: meetings missing this year, missing sub-committees, terms ending soon."""
    from .services import compliance_reminders_send

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    PlausibleDateValidator()(day)  # an argument typed in admin: 9999-12-31 would overflow the horizon
    if day > timezone.localdate():
        # A future day would claim that day's (next year's) reminders now, and they would not go out then.
        raise ValidationError(f"不能提前发送 {day:%Y-%m-%d} 的提醒：日期不能晚于今天。")
    return compliance_reminders_send(today=day)
