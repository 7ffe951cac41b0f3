from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField

from apps.core.dates import plausible_date_constraint
from apps.core.history import audited
from apps.core.imports import ImportJob
from apps.core.models import BaseModel

from .choices import (
    ARCHIVED_STATUSES,
    Education,
    EmploymentForm,
    Ethnicity,
    IdNumberAccess,
    LookupPurpose,
    MemberStatus,
    PoliticalStatus,
    Sex,
    TransferDirection,
    TransferStatus,
)
from .validators import BIRTH_DATE_RANGE, JOIN_DATE_RANGE, LEFT_ON_RANGE, MobileField, mask_mobile


# The history keeps the masked number only: the whole ID lives encrypted in one column.
@audited(exclude=["id_number"])
class Member(BaseModel):
    """One record per person for the whole deployment (一次入会): found by a keyed hash of the ID."""

    real_name = models.CharField(_("real name"), max_length=50)
    id_number = EncryptedCharField(_("citizen ID number"), max_length=18)
    id_hash = models.CharField(_("ID number hash"), max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("citizen ID number (masked)"), max_length=18, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), validators=[BIRTH_DATE_RANGE])
    # Standard codes (GB/T 3304, 4658, 4762): what offices write is read by codelists.code_for.
    # The columns keep their old width: the history's older events hold the free text of before.
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=Ethnicity.choices, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    # What a code could not say, as it was written (穿青人, or an old free-text value no code
    # reads): never lost. A database default too: the bench generator writes members with COPY.
    code_list_note = models.CharField(
        "原填写内容（未对应标准代码）", max_length=200, blank=True, default="", db_default=""
    )
    mobile = MobileField(_("mobile"), max_length=11, blank=True)
    employment_form = models.CharField(_("employment form"), max_length=20, choices=EmploymentForm.choices)
    join_date = models.DateField(_("join date"), validators=[JOIN_DATE_RANGE])
    card_number = models.CharField(_("member card number"), max_length=20, unique=True)
    union = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("union"), on_delete=models.PROTECT, related_name="members"
    )
    # 工作单位: an enterprise the member's union covers (services.workplace_problem).
    workplace = models.ForeignKey(
        "branches.Enterprise",
        verbose_name="工作单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    hardship = models.BooleanField(_("hardship (困难职工)"), default=False)
    left_on = models.DateField(_("membership ended on"), null=True, blank=True, validators=[LEFT_ON_RANGE])
    leave_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["real_name", "id"]
        permissions = [
            ("reveal_id_number", _("Can see a member's whole citizen ID number")),
            ("export_full_mobile", _("Can export members' whole mobile numbers")),
            ("correct_id_number", "可以更正会员的身份证号码"),
        ]
        indexes = [
            models.Index(fields=["union", "status"], name="members_member_union_status"),
            # The member list's default order: read in index order instead of sorting every member.
            models.Index(fields=["real_name", "id"], name="members_member_name_order"),
            # The list's join-date filter ("joined from ... to ..."), also what a yearly export uses.
            models.Index(fields=["join_date"], name="members_member_join_date"),
            models.Index(fields=["mobile"], name="members_member_mobile"),
            GinIndex(fields=["real_name"], name="members_member_name_trgm", opclasses=["gin_trgm_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MemberStatus.values),
                name="members_member_valid_status",
                violation_error_message=_("Unknown member status."),
            ),
            models.CheckConstraint(
                condition=models.Q(sex__in=Sex.values),
                name="members_member_valid_sex",
                violation_error_message=_("Unknown sex."),
            ),
            models.CheckConstraint(
                condition=models.Q(employment_form__in=EmploymentForm.values),
                name="members_member_valid_employment_form",
                violation_error_message=_("Unknown employment form."),
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__in": [*choices.values, ""]}),
                    name=f"members_member_valid_{name}",
                    violation_error_message=message,
                )
                for name, choices, message in (
                    ("ethnicity", Ethnicity, "未知的民族代码。"),
                    ("education", Education, "未知的文化程度代码。"),
                    ("political_status", PoliticalStatus, "未知的政治面貌代码。"),
                )
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=ARCHIVED_STATUSES) | models.Q(left_on__isnull=False),
                name="members_member_archived_has_date",
                violation_error_message=_("A membership that ended needs the date it ended."),
            ),
            models.CheckConstraint(
                condition=models.Q(join_date__gte=models.F("birth_date")),
                name="members_member_joined_after_birth",
                violation_error_message=_("The join date cannot be before the birth date."),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("join_date")),
                name="members_member_left_after_joined",
                violation_error_message="会籍终止日期不能早于入会日期。",
            ),
            plausible_date_constraint("birth_date", name="members_member_birth_date_plausible"),
            plausible_date_constraint("join_date", name="members_member_join_date_plausible"),
            plausible_date_constraint("left_on", name="members_member_left_on_plausible"),
        ]

    def __str__(self):
        return f"{self.real_name}（{self.card_number}）"

    def get_absolute_url(self):
        return reverse("members:member_detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.left_on and self.join_date and self.left_on < self.join_date:
            raise ValidationError(
                {"left_on": f"会籍终止日期不能早于入会日期（{self.join_date:%Y-%m-%d}），请核对。"},
                code="left_before_joined",
            )

    @property
    def is_archived(self):
        return self.status in ARCHIVED_STATUSES

    @property
    def mobile_masked(self):
        return mask_mobile(self.mobile)


@audited()
class MembershipTransfer(BaseModel):
    """会籍接转: the membership follows the worker to the new employer's union."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="transfers")
    from_union = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("from union"), on_delete=models.PROTECT, related_name="+"
    )
    to_union = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("to union"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    # A database default too: the bench generator writes transfers with COPY.
    direction = models.CharField(
        "发起方",
        max_length=10,
        choices=TransferDirection.choices,
        default=TransferDirection.RELEASE,
        db_default=TransferDirection.RELEASE,
    )
    reason = models.CharField(_("reason"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_union=models.F("to_union")),
                name="members_transfer_unions_differ",
                violation_error_message=_("A transfer goes to another union."),
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status=TransferStatus.PENDING),
                name="members_transfer_one_open_per_member",
                violation_error_message=_("This member already has a transfer waiting to be settled."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=TransferStatus.values),
                name="members_transfer_valid_status",
                violation_error_message=_("Unknown transfer status."),
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=TransferDirection.values),
                name="members_membershiptransfer_valid_direction",
                violation_error_message="未知的接转发起方。",
            ),
        ]

    def __str__(self):
        return f"{self.member.real_name}: {self.from_union} → {self.to_union}"


class IdNumberReveal(models.Model):
    """Each time someone saw or typed a whole ID number (PIPL): who, whose, when, why. Append-only.

    A correction (更正号码) is logged here too, with its reason; the numbers themselves are not.
    """

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    revealed_at = models.DateTimeField(_("revealed at"), auto_now_add=True, db_index=True)
    purpose = models.CharField(
        "用途",
        max_length=10,
        choices=IdNumberAccess.choices,
        default=IdNumberAccess.REVEAL,
        db_default=IdNumberAccess.REVEAL,
    )
    reason = models.CharField("原因", max_length=200, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("ID number reveal")
        verbose_name_plural = _("ID number reveals")
        ordering = ["-revealed_at"]

    def __str__(self):
        return f"{self.user} → {self.member_id} @ {self.revealed_at:%Y-%m-%d %H:%M}"


class MemberLookup(models.Model):
    """Each time someone looked a whole ID number up across the deployment: who, when, what came back.

    The number itself is never kept: the keyed hash (as `Member.id_hash`) and, when it was a
    member, which one. Append-only; it is also what the per-user rate limit counts.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    id_hash = models.CharField("身份证号码摘要", max_length=64, editable=False)
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField("用途", max_length=20, choices=LookupPurpose.choices)
    looked_up_at = models.DateTimeField("查询时间", auto_now_add=True)

    class Meta:
        verbose_name = "身份证号码查询记录"
        verbose_name_plural = "身份证号码查询记录"
        ordering = ["-looked_up_at", "-id"]
        indexes = [models.Index(fields=["user", "looked_up_at"], name="members_lookup_user_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=LookupPurpose.values),
                name="members_memberlookup_valid_purpose",
                violation_error_message="未知的查询用途。",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.looked_up_at:%Y-%m-%d %H:%M}"

    @property
    def found(self):
        return self.member_id is not None


class RosterImport(ImportJob):
    """An uploaded 花名册 for one union: checked (dry run) first, then imported (apps.core.imports)."""

    union = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("union"), on_delete=models.PROTECT, related_name="roster_imports"
    )

    class Meta(ImportJob.Meta):
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def get_absolute_url(self):
        return reverse("members:import_detail", kwargs={"pk": self.pk})
