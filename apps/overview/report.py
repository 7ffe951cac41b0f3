"""The year's table (selectors.year_table) as a statistical report and as chart data.

One shape for every output of the same rows: the Excel report and the print view take their
columns, 栏次 and 勾稽关系 from `year_report`; the charts take their figures from
`totals_chart`, `indicator_chart` and `township_years`, read off the same rows the
tables show, so a chart never counts anything the table beside it does not.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .selectors import cell_value


def _rate(cell):
    """A cell's rate as a chart draws it: one decimal, None where the table shows no number."""
    return round(float(cell["percent"]), 1) if cell["state"] == "ok" else None


def _percent(cell):
    """A cell's rate as a report prints it: "—" where the table shows no number."""
    rate = _rate(cell)
    return "—" if rate is None else rate


def _number(value):
    return float(value) if value is not None else None


def year_report(table) -> dict:
    """The table as a statistical report: `headers`, `kinds` (each column's: rank, name, rate,
    points, total, previous), `numbers` (栏次: 甲, 乙, 1…n), `check` (the 勾稽关系 line), `rows`
    (one a township: rank, name, each item's rate and points, total, last year's total),
    `totals` (the sum of the townships' rows, its rates the county's pooled rates; None unless
    the user sees every township) and `average` (the county's average; None without rows).
    Each row is {values, cells: [(kind, value)]} (a township's also has `township`).

    A rate the table does not show as a number (nothing to count, 数据待核实, 指标未启用) is "—".
    """
    year = table["year"]
    items = table["items"]
    headers = [_("Rank"), _("Township")]
    kinds = ["rank", "name"]
    for entry in items:
        headers += [f"{entry['label']}（%）", f"{entry['label']}（{_('points')}）"]
        kinds += ["rate", "points"]
    headers += [_("Total"), _("Total %(previous)s") % {"previous": year - 1}]
    kinds += ["total", "previous"]
    numbers = ["甲", "乙", *range(1, len(headers) - 1)]
    point_columns = [2 * index + 2 for index in range(len(items))]
    total_column = 2 * len(items) + 1
    if len(items) < len(table["options"]):
        # An indicator filter shows some items; the total still counts all of them.
        first = f"第{total_column}栏 = 全部{len(table['options'])}个考核项目得分之和（本表只列出所选指标）"
    else:
        first = "第{}栏 = {}".format(total_column, " + ".join(f"第{n}栏" for n in point_columns) or "0")
    check = f"勾稽关系：{first}"
    if table["every"]:  # a chair's report has their own row and no totals row to check
        check += "；合计行 = 各乡镇行之和（比率栏为全县合计比率）"

    def line(values, **extra):
        return {"values": values, "cells": list(zip(kinds, values, strict=True)), **extra}

    rows = []
    for row in table["rows"]:
        values = [row["rank"], row["township"].name]
        for cell in row["cells"]:
            values += [_percent(cell), float(cell["points"])]
        previous = row["previous_total"]
        values += [float(row["total"]), float(previous) if previous is not None else "—"]
        rows.append(line(values, township=row["township"], vetoed=bool(row["vetoes"])))
    totals = None
    if table["rows"] and table["every"]:
        values = ["", _("Total")]
        for index, cell in enumerate(table["average"]["cells"]):
            values += [_percent(cell), float(sum(row["cells"][index]["points"] for row in table["rows"]))]
        values += [float(sum(row["total"] for row in table["rows"])), ""]
        totals = line(values)
    average = None
    if table["average"]:
        values = ["", _("County average")]
        for cell in table["average"]["cells"]:
            values += [_percent(cell), round(float(cell["points"]), 2)]
        values += [round(float(table["average"]["total"]), 2), ""]
        average = line(values)
    return {
        "headers": headers,
        "kinds": kinds,
        "items": items,
        "numbers": numbers,
        "check": check,
        "rows": rows,
        "totals": totals,
        "average": average,
    }


def _target(table):
    scheme = table["scheme"]
    return _number(scheme.target_total) if scheme is not None else None


def totals_chart(table) -> dict:
    """Each township's total (bars, in the table's order), the county average and the target
    (lines, where the table has them)."""
    lines = []
    if table["average"]:
        lines.append({"label": _("County average"), "value": round(float(table["average"]["total"]), 2)})
    target = _target(table)
    if target is not None:
        lines.append({"label": pgettext("assessment", "Target"), "value": target})
    return {
        "kind": "totals",
        "labels": [row["township"].name for row in table["rows"]],
        "series": [{"label": _("Total points"), "values": [float(row["total"]) for row in table["rows"]]}],
        "lines": lines,
        "unit": _("points"),
    }


def indicator_chart(table) -> dict | None:
    """The one item the table is filtered to, across the townships: its rate where the table
    shows one (with the county's pooled rate as a line), else its points; None without a filter
    to one item."""
    if len(table["items"]) != 1 or not table["rows"]:
        return None
    entry = table["items"][0]
    cells = [row["cells"][0] for row in table["rows"]]
    average = table["average"]["cells"][0] if table["average"] else None
    by_rate = any(cell["state"] == "ok" for cell in cells)
    if by_rate:
        values = [_rate(cell) for cell in cells]
        line = _rate(average) if average else None
        unit = "%"
    else:
        values = [float(cell["points"]) for cell in cells]
        line = round(float(average["points"]), 2) if average else None
        unit = _("points")
    return {
        "kind": "indicator",
        "title": entry["label"],
        "labels": [row["township"].name for row in table["rows"]],
        "series": [{"label": f"{entry['label']}（{unit}）", "values": values}],
        "lines": [{"label": _("County average"), "value": line}] if line is not None else [],
        "unit": unit,
    }


def township_years(items, snapshots) -> dict:
    """A township's items over the assessment years that have snapshots: `years`, `rows` for the
    table beside the chart ({label, cells: [{year, state, percent}]}, the items with a registered
    indicator) and `chart`, one line per item: its rate, None where the year has nothing to count
    or a rate above 100 %.

    `items`: the township page's items and `snapshots` the township's snapshots of every year
    (selectors.township_assessment: `items`, `history`); a year counts when it has a snapshot of
    one of the items."""
    keys = {entry["item"].indicator_key for entry in items}
    years = sorted({snapshot.year for snapshot in snapshots if snapshot.indicator_key in keys})
    by_key = {(snapshot.indicator_key, snapshot.year): snapshot for snapshot in snapshots}
    rows = [
        {
            "label": entry["label"],
            "cells": [
                {"year": year, **cell_value(by_key.get((entry["item"].indicator_key, year)), True)} for year in years
            ],
        }
        for entry in items
        if entry["registered"]
    ]
    chart = {
        "kind": "years",
        "labels": [str(year) for year in years],
        "series": [
            {
                "label": row["label"],
                "values": [_rate(cell) for cell in row["cells"]],
            }
            for row in rows
        ],
        "lines": [],
        "unit": "%",
    }
    return {"years": years, "rows": rows, "chart": chart}
