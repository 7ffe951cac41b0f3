"""Writes of the core app: notifications."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification, NotificationLevel

logger = logging.getLogger(__name__)


@transaction.atomic
def notification_send(
    *,
    recipient,
    title: str,
    body: str = "",
    link: str = "",
    level: str = NotificationLevel.INFO,
    dedupe_key: str = "",
    email: bool = True,
) -> Notification | None:
    """Store an in-app notification and queue its email once the transaction commits.

    With a `dedupe_key`, a second call for the same recipient and key stores nothing and
    returns None: this is what makes reminders exactly-once under retries and concurrency.
    """
    notification = Notification(
        recipient=recipient,
        title=title,
        body=body,
        link=link,
        level=level,
        dedupe_key=dedupe_key,
    )
    notification.full_clean(validate_constraints=False)
    try:
        # A savepoint, so a duplicate leaves the caller's transaction usable.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if not dedupe_key:
            raise
        return None
    if email and recipient.email:
        from .tasks import send_notification_email

        # robust: a broker outage must not break the caller; the periodic
        # send_pending_notification_emails task picks up anything not emailed.
        transaction.on_commit(lambda: send_notification_email.delay(notification.pk), robust=True)
    return notification


@transaction.atomic
def notification_send_many(*, notifications: list[Notification]) -> int:
    """Store many deduplicated notifications in one insert and queue their emails in one task.

    For sweeps that may notify thousands at once. Every item needs a `dedupe_key`; one that was
    stored before is skipped (the unique constraint decides). Returns how many were new.
    """
    if not notifications:
        return 0
    if any(not n.dedupe_key for n in notifications):
        raise ValueError("notification_send_many needs a dedupe_key on every notification")
    keys = {(n.recipient_id, n.dedupe_key) for n in notifications}
    before = set(
        Notification.objects.filter(dedupe_key__in={key for _r, key in keys}).values_list("recipient_id", "dedupe_key")
    )
    Notification.objects.bulk_create(notifications, batch_size=1000, ignore_conflicts=True)
    new_keys = keys - before
    to_email = list(
        Notification.objects.filter(dedupe_key__in={key for _r, key in new_keys}, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .values_list("pk", "recipient_id", "dedupe_key")
    )
    ids = [pk for pk, recipient_id, key in to_email if (recipient_id, key) in new_keys]
    if ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids), robust=True)
    return len(new_keys)


def notification_email(*, notification_id: int) -> bool:
    """Email one notification, once. Returns whether an email went out now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at or not notification.recipient.email:
            return False
        body = notification.body
        if notification.link:
            body = f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{notification.link}"
        send_mail(
            subject=notification.title,
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "updated_at"])
    logger.info("notification %s emailed", notification_id)
    return True


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


def notification_pending_email_ids(*, older_than_minutes: int = 5, within_days: int = 2) -> list[int]:
    """Notifications whose email never went out (the broker was down, a worker died)."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now - timedelta(minutes=older_than_minutes),
            created_at__gte=now - timedelta(days=within_days),
        )
        .exclude(recipient__email="")
        .values_list("pk", flat=True)[:1000]
    )
