from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContractKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive collective contract")
    WAGE = "wage", _("Special collective contract on wages")
    WOMEN = "women", _("Special collective contract on women workers' rights")
    SAFETY = "safety", _("Special collective contract on work safety")
    OTHER = "other", _("Other special collective contract")


# The kinds the county reads beside the comprehensive contract (签订率's 工资专项 and 女职工专项 coverage).
SPECIAL_KINDS = frozenset({ContractKind.WAGE, ContractKind.WOMEN, ContractKind.SAFETY, ContractKind.OTHER})


class ContractScope(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise contract")
    REGIONAL = "regional", _("Regional contract")
    INDUSTRY = "industry", _("Industry contract")


# Scopes that cover many enterprises, signed with the employers' representative.
MULTI_ENTERPRISE_SCOPES = frozenset({ContractScope.REGIONAL, ContractScope.INDUSTRY})


class ContractStatus(models.TextChoices):
    """Where a contract stands on the statutory clock (集体合同规定, 2004)."""

    REQUESTED = "requested", _("Bargaining requested")  # 要约已提出，待对方回应 (art. 32)
    NEGOTIATING = "negotiating", _("Negotiating")  # 协商中 (also after an objection, art. 47)
    PASSED = "passed", _("Draft passed")  # 草案经职代会或全体职工通过 (art. 36)
    SIGNED = "signed", _("Signed")  # 已签字，待报送 (art. 42)
    SUBMITTED = "submitted", _("Under review")  # 已报送劳动保障行政部门审查 (art. 42-47)
    IN_FORCE = "in_force", _("In force")  # 已生效 (art. 47)
    EXPIRED = "expired", _("Expired")  # 期满未续订
    RENEWED = "renewed", _("Renewed")  # 已由续订的合同接替 (art. 38)
    CLOSED = "closed", pgettext_lazy("contract status", "Closed")  # 协商终止或作废，有原因


# Before it takes effect: the steps of the clock still ahead.
PRE_FORCE_STATUSES = frozenset(
    {
        ContractStatus.REQUESTED,
        ContractStatus.NEGOTIATING,
        ContractStatus.PASSED,
        ContractStatus.SIGNED,
        ContractStatus.SUBMITTED,
    }
)
ENDED_STATUSES = frozenset({ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.CLOSED})


class StepKind(models.TextChoices):
    """One dated record on a contract's timeline."""

    REQUEST = "request", _("Bargaining request")  # 要约
    ANSWER = "answer", _("Answer to the request")  # 回应
    MEETING = "meeting", _("Negotiation meeting")  # 协商会议
    VOTE = "vote", _("Vote on the draft")  # 职代会或全体职工审议
    SIGN = "sign", pgettext_lazy("contract step", "Signed")  # 签字
    SEND = "send", _("Sent for review")  # 报送
    RECEIVE = "receive", _("Received by the labour administration")  # 收到
    OBJECTION = "objection", _("Review objection")  # 审查意见（有异议）
    APPROVAL = "approval", _("Review approved")  # 审查同意
    IN_FORCE = "in_force", pgettext_lazy("contract step", "In force")  # 生效（含 15 日无异议自行生效）
    RENEWAL_REQUEST = "renewal_request", _("Renewal requested")  # 续订要求
    EXPIRE = "expire", pgettext_lazy("contract step", "Expired")  # 期满
    RENEW = "renew", _("Replaced by its renewal")  # 续订合同生效
    CLOSE = "close", pgettext_lazy("contract step", "Closed")  # 终止协商或作废
    COVERAGE = "coverage", _("Coverage changed")  # 覆盖企业、职工人数调整


class Party(models.TextChoices):
    """The two sides of collective bargaining."""

    WORKERS = "workers", _("Workers' side (the union)")
    EMPLOYER = "employer", _("Employer side")


class VoteBody(models.TextChoices):
    CONGRESS = "congress", _("Workers' congress")  # 职工代表大会
    ALL_WORKERS = "all_workers", _("All workers")  # 全体职工


class DocumentKind(models.TextChoices):
    SIGNED_TEXT = "signed_text", _("Signed text")  # 合同文本（签字盖章）
    CONGRESS_RESOLUTION = "resolution", _("Workers' congress resolution")  # 职代会决议
    MINUTES = "minutes", _("Negotiation minutes")  # 协商会议纪要
    REQUEST_LETTER = "request_letter", _("Bargaining request letter")  # 要约书、回应书
    REVIEW_OPINION = "review_opinion", _("Review opinion")  # 审查意见书
    OTHER = "other", _("Other document")


class WageAreaClass(models.TextChoices):
    """Provinces publish minimum wages by area class (一类、二类、三类地区)."""

    CLASS_1 = "1", _("Class 1 area")
    CLASS_2 = "2", _("Class 2 area")
    CLASS_3 = "3", _("Class 3 area")
    CLASS_4 = "4", _("Class 4 area")
