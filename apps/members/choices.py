from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("In good standing")
    TRANSFERRING = "transferring", _("Transferring")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed")
    DECEASED = "deceased", _("Deceased")


# Statuses that end a membership: the record is archived with a date and reason, never deleted.
ARCHIVED_STATUSES = (MemberStatus.LEFT, MemberStatus.REMOVED, MemberStatus.DECEASED)


class EmploymentForm(models.TextChoices):
    REGULAR = "regular", _("Regular employee")
    MIGRANT = "migrant", _("Migrant worker")
    DISPATCHED = "dispatched", _("Dispatched worker")
    FLEXIBLE = "flexible", _("Flexible or temporary")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class TransferDirection(models.TextChoices):
    """Who started a transfer decides who settles it: the other side (or the county)."""

    RELEASE = "release", "转出方发起"  # the receiving township (or the county) accepts
    PULL = "pull", "转入方申请"  # the releasing township (or the county) accepts


class LookupPurpose(models.TextChoices):
    TRANSFER_IN = "transfer_in", "办理会籍转入"
    MEMBER_CREATE = "member_create", "新增会员时发现已登记"
