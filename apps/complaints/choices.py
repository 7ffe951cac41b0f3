from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")
    ONLINE = "online", _("Online")


class Category(models.TextChoices):
    PUNISHMENT = "punishment", _("Unfair punishment")
    WAGES = "wages", _("Wages owed")
    CONTRACT = "contract", _("Labour contract")
    INSURANCE = "insurance", _("Social insurance")
    SAFETY = "safety", _("Safety and occupational health")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Investigating")
    IN_TALKS = "in_talks", _("In talks with the enterprise")
    ANSWERED = "answered", _("Answered")
    POSTED = "posted", _("Posted publicly")
    REFERRED = "referred", _("Referred on")
    CLOSED = "closed", _("Closed")


# Still waiting for the union's answer: the seven-day clock runs.
OPEN_STATUSES = (Status.RECEIVED, Status.INVESTIGATING, Status.IN_TALKS)

# The workflow: which status may follow which. The service refuses anything else.
TRANSITIONS = {
    Status.RECEIVED: {Status.INVESTIGATING, Status.REFERRED},
    Status.INVESTIGATING: {Status.IN_TALKS, Status.ANSWERED, Status.POSTED, Status.REFERRED},
    Status.IN_TALKS: {Status.ANSWERED, Status.POSTED, Status.REFERRED},
    Status.ANSWERED: {Status.CLOSED},
    Status.POSTED: {Status.CLOSED},
    Status.REFERRED: {Status.CLOSED},
    Status.CLOSED: set(),
}


class AnswerMethod(models.TextChoices):
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("In writing")
    ONLINE = "online", _("Online")


class ReferredTo(models.TextChoices):
    MEDIATION = "mediation", _("Labour-dispute mediation")
    INSPECTION = "inspection", _("Labour inspection")
    LEGAL_AID = "legal_aid", _("Legal aid")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
    UNKNOWN = "unknown", _("Could not be asked")


class ReminderKind(models.TextChoices):
    WARNING = "warning", _("Deadline approaching")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalated to county staff")
