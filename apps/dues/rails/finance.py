"""What the finance part adds to the shared rails (menu, search, to-dos, indicators, panels,
milestones, imports): its `register()` is called from DuesConfig.ready()."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.indicators import Rate, register_indicator
from apps.core.navigation import MenuItem, register_menu

from ..selectors.finance import YEAR, collection_counts, entry_list_url, report_period


def collection_rate(*, user, unit=None, year: int | None = None, counts: dict | None = None) -> Rate | None:
    """经费收缴率 of a year (None: the current one): the union fund collected, each entry counted up
    to its due, ÷ the fund due, over the year's ledger entries not written off
    (apps.dues.selectors.finance, the same numbers as the collection-rate page's total).

    `counts`: {"due", "counted"} of the current year as `collection_counts_by_township` counts
    them, pre-computed for the home page (apps.overview)."""
    period = report_period(YEAR, year or timezone.localdate().year)
    if counts is None:
        live = collection_counts(user=user, unit=unit, period=period)
        if live is None:
            return None
        counts = live["all"]
    township = unit if unit is not None and unit.kind == "township" else None
    return Rate(
        numerator=counts["counted"],
        denominator=counts["due"],
        numerator_label="实收（元）",
        denominator_label="应收（元）",
        url=f"{reverse('dues:collection_rate')}?{urlencode({'period': period.key})}",
        numerator_url=None,
        denominator_url=entry_list_url(period=period, township=township),
    )


def register() -> None:
    section = _("Union funds")
    register_menu(
        MenuItem(
            label=_("Finance bureau transfers"),
            url_name="dues:finance_transfer",
            icon="bank",
            permission="dues.manage_funds",
            order=430,
            section=section,
        ),
        MenuItem(
            label=_("Fund collection rate"),
            url_name="dues:collection_rate",
            icon="percent",
            permission="dues.view_ledgerentry",
            order=450,
            section=section,
            active_for=("dues:collection_rate_export",),
        ),
        MenuItem(
            label=_("Share-out and refunds"),
            url_name="dues:share_out",
            icon="diagram-3",
            permission="dues.view_sharerate",
            order=460,
            section=section,
            active_for=("dues:share_out_export", "dues:refund_export"),
        ),
    )
    register_indicator(
        "dues.collection_rate",
        collection_rate,
        label=_("Fund collection rate"),
        permission="dues.view_ledgerentry",
        order=500,
        per_year=True,
        summarised=True,  # the home page passes apps.overview's pre-computed totals
    )
