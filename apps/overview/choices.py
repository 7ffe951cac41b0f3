from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class YearStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("assessment year", "Open")
    LOCKED = "locked", _("Locked")


class RefreshStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
