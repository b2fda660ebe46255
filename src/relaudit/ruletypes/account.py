"""Rule types over the whole account: metric thresholds."""

from __future__ import annotations

from typing import Any

from relaudit.analyse import METRICS
from relaudit.ruletypes.base import Context, Hit, Option, RuleType


def _metric(options: dict[str, Any], ctx: Context) -> Hit | None:
    value = ctx.analysis.metrics.get(options["metric"])
    if value is None:
        return None
    if options.get("min_count") and ctx.analysis.counts.get(options["count"], 0) < options["min_count"]:
        return None
    below, above = options.get("below"), options.get("above")
    if below is not None and value < below:
        return Hit({"value": _shown(value), "limit": _shown(below)}, below - value)
    if above is not None and value > above:
        return Hit({"value": _shown(value), "limit": _shown(above)}, value - above)
    return None


def _shown(value: float) -> str:
    return f"{value:.0%}" if 0 <= value <= 1 else f"{value:.0f}"


METRIC = RuleType(
    name="metric",
    options={
        "metric": Option(str, required=True, help="a metric of DESIGN.md §2", choices=METRICS),
        "below": Option((int, float), None, help="flag when the metric is below this"),
        "above": Option((int, float), None, help="flag when the metric is above this"),
        "count": Option(str, "messages", help="a count that must reach min_count for the rule to apply"),
        "min_count": Option(int, 0, help="skip small exports where the metric means little"),
    },
    placeholders=frozenset({"value", "limit"}),
    check=_metric,
    doc="""Flags the account when a metric crosses a threshold (fractions are 0-1).

    type: metric
    metric: reply_share
    below: 0.05
    """,
)
