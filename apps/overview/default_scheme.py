"""The default scoring scheme (an example the county adjusts in the portal, see the README).

Shipped for the current and the previous year by migration 0006; the keys are registered
indicator keys (apps.core.indicators). An item whose indicator is not registered when the year
is scored shows as 指标未启用 and scores 0.
"""

from decimal import Decimal

# (indicator key, maximum points, [(threshold %, points), ...], [(deduction label, points each, key)])
DEFAULT_ITEMS = [
    ("branches.formation_rate", 15, [(95, 15), (90, 12), (85, 9), (80, 6)], []),
    ("members.enrolment_rate", 15, [(95, 15), (90, 12), (85, 9), (80, 6)], []),
    (
        "contracts.coverage",
        4,
        [(80, 4), (75, 3), (70, 2), (65, 1)],
        [("缺少工资专项集体合同", 2, ""), ("缺少女职工专项集体合同", 2, "")],
    ),
    ("complaints.answered_on_time", 10, [(100, 10), (95, 8), (90, 6), (80, 3)], []),
    ("dues.collection_rate", 10, [(95, 10), (90, 8), (85, 6), (80, 4)], []),
    ("training.trained", 6, [(90, 6), (80, 4), (70, 2)], []),
    ("reemployment.reemployed", 5, [(100, 5), (90, 4), (80, 3), (70, 2)], []),
]
DEFAULT_VETOES = [
    ("发生重大群体性事件", "因劳动关系问题引发、造成重大社会影响的群体性事件。"),
    ("发生重大安全生产责任事故", "辖区企业发生较大以上生产安全责任事故，工会监督缺位。"),
]


def install_default_scheme(scheme_model, item_model, band_model, deduction_model, veto_model, *, year: int) -> None:
    """Create the default scheme of `year` unless the year has one (works with historical models)."""
    if scheme_model.objects.filter(year=year).exists():
        return
    scheme = scheme_model.objects.create(year=year, name=f"{year}年度乡镇工会工作考核细则（示例）")
    for order, (key, max_points, bands, deductions) in enumerate(DEFAULT_ITEMS, start=1):
        item = item_model.objects.create(
            scheme=scheme, indicator_key=key, max_points=Decimal(max_points), order=order * 10
        )
        for threshold, points in bands:
            band_model.objects.create(item=item, threshold=Decimal(threshold), points=Decimal(points))
        for label, points_each, source in deductions:
            deduction_model.objects.create(
                item=item, label=label, points_each=Decimal(points_each), indicator_key=source
            )
    for label, description in DEFAULT_VETOES:
        veto_model.objects.create(scheme=scheme, label=label, description=description)
