from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .dates import plausible_date_constraint


class BaseModel(models.Model):
    """Every model's creation and last-change times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class NotificationLevel(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    DANGER = "danger", _("Urgent")


class Notification(BaseModel):
    """A message to one user, shown in the portal and, unless told otherwise, emailed.

    `dedupe_key` makes a reminder idempotent: the same key for the same recipient is stored
    once, however often the sweep that sends it runs (the unique constraint below decides,
    so two concurrent sweeps cannot both send it).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    level = models.CharField(
        _("level"), max_length=16, choices=NotificationLevel.choices, default=NotificationLevel.INFO
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="core_notif_recipient_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="core_notif_unread_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="core_notification_unique_dedupe_key",
                violation_error_message=_("This reminder has already been sent to this user."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:notification_open", kwargs={"pk": self.pk})

    @property
    def is_read(self):
        return self.read_at is not None


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Writing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(BaseModel):
    """A large Excel export written by a Celery worker while the user waits on a progress page.

    It holds personal data, so only its requester may download it, and its file is removed a
    day after it was made (apps.core.services.export_jobs_purge). It is a copy, not a record:
    clearing the file loses nothing.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(_("list"), max_length=200)
    query = models.TextField(_("filters"), blank=True)
    file_name = models.CharField(_("file name"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows written"), default=0)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    # Failed because it was interrupted (apps.core.jobs.job_is_interruption): "重试" is offered.
    retryable = models.BooleanField(_("can be retried"), default=False, editable=False)
    # The Celery task id of the message that claimed it (apps.core.jobs.job_claim).
    task_id = models.CharField(_("task id"), max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Excel export")
        verbose_name_plural = _("Excel exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values), name="core_exportjob_valid_status"
            ),
        ]

    def __str__(self):
        return f"{self.path} #{self.pk}"

    def get_absolute_url(self):
        return reverse("core:export_job", args=[self.pk])

    @property
    def purged(self) -> bool:
        """Past EXPORT_KEEP_HOURS: its file and its filters are removed (or about to be)."""
        from datetime import timedelta

        from django.utils import timezone

        return self.created_at < timezone.now() - timedelta(hours=settings.EXPORT_KEEP_HOURS)

    @property
    def can_retry(self) -> bool:
        """Failed because it was interrupted, and its filters are still kept."""
        return self.status == ExportStatus.FAILED and self.retryable and not self.purged

    @property
    def percent(self) -> int:
        return min(100, self.processed_rows * 100 // self.total_rows) if self.total_rows else 0


class MilestoneClaim(models.Model):
    """A milestone one subject reached, and whose reminders went out (apps.core.milestones).

    Unique per (kind, subject, occurrence): the sweep claims it with INSERT … ON CONFLICT DO
    NOTHING in the transaction that sends its notifications, so each is sent exactly once however
    often, and however concurrently, the sweep runs. `occurrence` tells apart the times a
    recurring milestone comes round (a year, a term's end); it is blank for a one-off.
    """

    kind = models.CharField(_("kind"), max_length=60)
    # Any app's row: no foreign key (the kind says which model).
    subject_id = models.BigIntegerField(_("subject"))
    occurrence = models.CharField(_("occurrence"), max_length=40, blank=True, default="")
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("milestone reached")
        verbose_name_plural = _("milestones reached")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "occurrence"],
                name="core_milestoneclaim_once",
                violation_error_message=_("This reminder was already sent."),
            ),
            models.CheckConstraint(condition=~models.Q(kind=""), name="core_milestoneclaim_has_kind"),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible", is_datetime=True)
                for field in ("due_at", "sent_at")
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.subject_id} {self.occurrence}".rstrip()
