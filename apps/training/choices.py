from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgrammeKind(models.TextChoices):
    """Who runs a programme: the county's joint batch, or a township's own class."""

    # 县委组织部、宣传部、县总工会统一组织实施的集训（每年2批，每批100—150人）
    COUNTY_BATCH = "county_batch", _("County training batch")
    # 乡镇自行办班，培训本乡镇企业工会干部、积极分子
    TOWNSHIP_CLASS = "township_class", _("Township training class")


class TargetGroup(models.TextChoices):
    TOWNSHIP_CHAIR = "township_chair", _("Township union chairs")
    FULL_TIME_CADRE = "full_time_cadre", _("Full-time union cadres")
    ENTERPRISE_CHAIR = "enterprise_chair", _("Enterprise union chairs")
    ACTIVIST = "activist", _("Union activists")


class ProgrammeStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    FINISHED = "finished", pgettext_lazy("training programme status", "Finished")  # 已结业
    CANCELLED = "cancelled", pgettext_lazy("training programme status", "Cancelled")  # 已取消: nothing is deleted


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Enrolled")  # 已报名，占一个名额
    WAITING = "waiting", _("On the waiting list")  # 候补
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已退出，名额让给候补第一位


# The nominations that hold (or wait for) a place: a person has at most one of them per programme.
ACTIVE_NOMINATION_STATUSES = (NominationStatus.NOMINATED, NominationStatus.WAITING)

# A county batch takes 100–150 trainees (“每批100—150人”): the default capacity.
COUNTY_BATCH_CAPACITY = 150
# A township class has no figure in the source; a classroom's worth.
TOWNSHIP_CLASS_CAPACITY = 60
