from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HardshipReason(models.TextChoices):
    """Why the member is in hardship (致困原因)."""

    ILLNESS = "illness", _("Illness")  # 因病
    DISABILITY = "disability", _("Disability")  # 因残
    SINGLE_PARENT = "single_parent", _("Single parent")  # 单亲
    LAID_OFF = "laid_off", _("Laid off or unemployed")  # 下岗失业
    DISASTER = "disaster", _("Disaster")  # 因灾
    SCHOOLING = "schooling", _("Children's schooling")  # 子女就学
    OTHER = "other", pgettext_lazy("hardship reason", "Other")


class ReviewOutcome(models.TextChoices):
    CONTINUED = "continued", _("Still in hardship")  # 继续保留
    CLOSED = "closed", _("Out of hardship")  # 脱困


class ClosingReason(models.TextChoices):
    """Why a file is closed (脱困原因)."""

    EMPLOYMENT = "employment", _("Found work")  # 实现就业
    INCOME = "income", _("Income above the threshold")  # 收入超过标准
    RECOVERED = "recovered", _("Recovered")  # 病愈、康复
    MOVED_AWAY = "moved_away", _("Moved away")  # 迁出
    DECEASED = "deceased", _("Deceased")  # 去世
    OTHER = "other", pgettext_lazy("closing reason", "Other")


class AidKind(models.TextChoices):
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival visit (送温暖)")
    SCHOOLING = "schooling", _("Autumn schooling aid (金秋助学)")
    MEDICAL = "medical", _("Medical aid")  # 医疗救助
    EMERGENCY = "emergency", _("Emergency aid")  # 应急救助
    GOODS = "goods", _("Goods")  # 物资


class FundSource(models.TextChoices):
    COUNTY = "county", _("County federation")  # 县总工会
    TOWNSHIP = "township", _("Township union")  # 乡镇工会
    DONATIONS = "donations", _("Donations")  # 社会捐赠
