from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    """How an enterprise's union fund (工会经费) reaches the union (the county's reform)."""

    FINANCE = "finance", _("Finance bureau transfer")  # 财政划拨: county-direct units
    TAX = "tax", _("Collected by the tax bureau")  # 税务代征: non-public enterprises
    DIRECT = "direct", _("Paid directly to the union")  # 工会直收: everyone else


class FundKind(models.TextChoices):
    """An enterprise with an approved union pays 工会经费; one without pays 工会筹备金 at the same
    rate (中华全国总工会, 工会筹备金 rules), which keeps nothing at the grassroots."""

    FUND = "fund", _("Union fund")  # 工会经费
    PREPARATORY = "preparatory", _("Union preparatory fund")  # 工会筹备金


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class EntryStatus(models.TextChoices):
    """Where a ledger entry stands; set by apps.dues.services from its due, received and approvals."""

    UNPAID = "unpaid", _("Unpaid")
    PARTIAL = "partial", _("Partly paid")
    PAID = "paid", pgettext_lazy("fund entry status", "Paid")
    OVERPAID = "overpaid", _("Overpaid")
    DEFERRED = "deferred", _("Deferred")  # 缓缴: approved, with a reason and an until-date
    WRITTEN_OFF = "written_off", _("Written off")  # 核销: approved, with a reason


# Statuses with money still owed: the arrears lists, the ageing report and the reminders read these.
OWING_STATUSES = frozenset({EntryStatus.UNPAID, EntryStatus.PARTIAL})


class PaymentSource(models.TextChoices):
    TAX_STATEMENT = "tax_statement", _("Tax bureau statement row")
    FINANCE_TRANSFER = "finance_transfer", _("Finance bureau transfer")
    HAND_ENTRY = "hand_entry", _("Entered by hand")


class ArrearsStage(models.TextChoices):
    """Chasing arrears (工会法 art. 44): notices, then a payment order (支付令) from the court."""

    NOTICE = "notice", _("Payment notice issued")  # 催缴通知书
    SECOND_NOTICE = "second_notice", _("Second notice issued")  # 再次催缴
    PAYMENT_ORDER = "payment_order", _("Payment order application prepared")  # 支付令申请书
    SETTLED = "settled", _("Settled")  # 已结清
    WRITTEN_OFF = "written_off", pgettext_lazy("arrears stage", "Written off")  # 已核销


# The order the stages are taken in; settled and written off end a case from any stage.
ARREARS_STAGE_ORDER = (ArrearsStage.NOTICE, ArrearsStage.SECOND_NOTICE, ArrearsStage.PAYMENT_ORDER)
ARREARS_END_STAGES = frozenset({ArrearsStage.SETTLED, ArrearsStage.WRITTEN_OFF})


class Delivery(models.TextChoices):
    """How a notice reached the enterprise (what a court asks when the order is applied for)."""

    IN_PERSON = "in_person", _("Handed over in person")  # 直接送达
    POST = "post", _("Registered post")  # 邮寄送达
    ELECTRONIC = "electronic", _("Electronic delivery")  # 电子送达
    NOTICE_BOARD = "notice_board", _("Public notice")  # 公告送达


class ShareLevel(models.TextChoices):
    """Who a share of the fund goes to. Levels above the county are not units of the portal."""

    GRASSROOTS = "grassroots", _("Grassroots union")  # 基层工会
    TOWNSHIP = "township", _("Township union")  # 乡镇（街道）工会
    COUNTY = "county", _("County federation")  # 县总工会
    CITY = "city", _("City federation")  # 市总工会
    PROVINCE = "province", _("Provincial federation")  # 省总工会
    NATIONAL = "national", _("All-China Federation")  # 全国总工会


class ShareFlow(models.TextChoices):
    KEPT = "kept", _("Kept by the grassroots union")  # 留成
    UPWARD = "upward", _("Paid up to a higher level")  # 上解
    PREPARATORY = "preparatory", _("Share of the preparatory fund")  # 筹备金
    COLLECTION_FEE = "collection_fee", _("Collection fee")  # 代收手续费


class RefundBasis(models.TextChoices):
    """What makes an enterprise a small or micro enterprise for the refund (小微企业工会经费返还)."""

    EMPLOYEES = "employees", _("By number of employees")
    YEARLY_AMOUNT = "yearly_amount", _("By yearly amount paid")


class DuesExemption(models.TextChoices):
    """Members who keep their membership and pay no dues (会费)."""

    RETIRED = "retired", _("Retired")
    UNEMPLOYED = "unemployed", _("Unemployed")
    OTHER = "other", _("Other (with a reason)")
