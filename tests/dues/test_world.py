"""The dues tests' world is what its docstring says (the other dues tests rely on it)."""

import pytest

from apps.dues.channels import channel_of, fund_kind_of
from apps.dues.choices import Channel, FundKind

pytestmark = pytest.mark.django_db


def test_dues_world_channels_funds_and_finance_permission(dues_world):
    w = dues_world
    assert [channel_of(e) for e in (w.tax_a, w.direct_a, w.finance_a, w.tax_b)] == [
        Channel.TAX,
        Channel.DIRECT,
        Channel.FINANCE,
        Channel.TAX,
    ]
    assert fund_kind_of(w.tax_a) == FundKind.FUND
    assert fund_kind_of(w.direct_a) == FundKind.PREPARATORY
    assert w.finance.has_perm("dues.manage_funds")
    assert not w.county.has_perm("dues.manage_funds")
    assert w.county.has_perm("dues.approve_fund_relief") and not w.chair.has_perm("dues.approve_fund_relief")
