"""Which channel an enterprise's union fund comes by, and which fund it pays (one rule each).

The county's reform: county-direct units (县直单位) pay through the finance bureau (财政划拨),
non-public enterprises through the tax bureau (税务代征), everyone else directly to the county
or township union (工会直收). An enterprise may pay otherwise, with a reason (ChannelOverride).
An enterprise without an approved union pays the preparatory fund (工会筹备金) at the same rate.
"""

from django.db.models import Case, F, Q, Value, When

from apps.branches.choices import Ownership, UnionStatus

from .choices import Channel, FundKind

TAX_CHANNEL_OWNERSHIPS = frozenset({Ownership.PRIVATE, Ownership.FOREIGN, Ownership.HMT, Ownership.INDIVIDUAL})


def default_channel(enterprise) -> str:
    if enterprise.is_county_direct:
        return Channel.FINANCE
    if enterprise.ownership in TAX_CHANNEL_OWNERSHIPS:
        return Channel.TAX
    return Channel.DIRECT


def channel_of(enterprise) -> str:
    """The enterprise's override if it has one, else its default (reads `fund_channel`: select it)."""
    override = getattr(enterprise, "fund_channel", None)
    return override.channel if override is not None else default_channel(enterprise)


def channel_expression(prefix: str = ""):
    """The same rule as `channel_of` for a queryset of enterprises (or rows reaching one by `prefix`,
    e.g. "enterprise__"): filter or annotate with it in one query."""
    return Case(
        When(Q(**{f"{prefix}fund_channel__isnull": False}), then=F(f"{prefix}fund_channel__channel")),
        When(Q(**{f"{prefix}is_county_direct": True}), then=Value(Channel.FINANCE)),
        When(Q(**{f"{prefix}ownership__in": TAX_CHANNEL_OWNERSHIPS}), then=Value(Channel.TAX)),
        default=Value(Channel.DIRECT),
    )


def fund_kind_of(enterprise) -> str:
    """工会经费 when the enterprise's covering union is approved, else 工会筹备金 (reads `union`)."""
    union = enterprise.union
    if union is not None and union.status == UnionStatus.APPROVED and union.archived_at is None:
        return FundKind.FUND
    return FundKind.PREPARATORY
