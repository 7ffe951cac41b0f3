from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BaseLevel(models.TextChoices):
    """Who recognised a re-employment base (再就业基地)."""

    MUNICIPAL = "municipal", _("Municipal base")  # 市级
    COUNTY = "county", _("County base")  # 县级


class CaseReason(models.TextChoices):
    """Why the person is looking for work."""

    LAID_OFF = "laid_off", _("Laid off")  # 下岗
    UNEMPLOYED = "unemployed", _("Unemployed")  # 失业
    ENTERPRISE_CLOSED = "enterprise_closed", _("Enterprise closed")  # 企业关闭、破产
    OTHER = "other", pgettext_lazy("re-employment reason", "Other")


class CaseStatus(models.TextChoices):
    SEEKING = "seeking", _("Seeking work")  # 求职中: the one open state
    EMPLOYED = "employed", _("Re-employed")  # 已再就业
    CLOSED = "closed", _("Closed without work")  # 未就业结案 (moved away, retired, no longer seeking)


class HelpKind(models.TextChoices):
    REFERRAL = "referral", _("Job referral")  # 职业介绍
    TRAINING = "training", _("Skills training")  # 技能培训
    BASE = "base", _("Placement at a re-employment base")  # 基地安置
    OTHER = "other", pgettext_lazy("re-employment help", "Other")
