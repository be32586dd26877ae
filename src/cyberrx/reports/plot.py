"""Charts for the assessment (matplotlib, Agg): how often a year costs at least a given amount, and the cost by
what a cyber policy pays for.

Labels are the report's plain-language labels (:mod:`cyberrx.reports.labels`), never ids; the tail bar is the
table's tail figure, the average of the worst 1% of years (TVaR99), so that a part with a p99 of zero (hit in
fewer than 1% of years) still shows its tail as the table does; money ticks are short and distinct ($500, $10K,
$2.5M); the legends sit outside the bars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cyberrx.reports.labels import PART_LABELS
from cyberrx.vocab import PARTS


def money_tick(value: float, _: Any = None) -> str:
    """A short money tick: ``$500``, ``$10K``, ``$2.5M`` (never ``$0K``).

    >>> [money_tick(v) for v in (0, 500, 1_000, 10_000, 2_500_000, 10_000_000)]
    ['$0', '$500', '$1K', '$10K', '$2.5M', '$10M']
    """
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"${value / size:,.1f}".rstrip("0").rstrip(".") + unit
    return f"${value:,.0f}"


def bar_figures(result: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(label, expected per year, average of the worst 1% of years) for each coverage part, in the table's order
    and with the table's figures."""
    return [(PART_LABELS[p.value], result["by_coverage"][p.value]["mean"], result["by_coverage"][p.value]["tvar99"])
            for p in PARTS]


def plot_assessment(result: dict[str, Any], path: str | Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    money = FuncFormatter(money_tick)
    curve = result["exceedance"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 6), gridspec_kw={"width_ratios": [1, 1.15]})
    ax1.plot(curve["levels"], curve["probability"], color="#1f4e79")
    ax1.set_yscale("log")
    ax1.set_xscale("log")
    ax1.xaxis.set_major_locator(LogLocator(base=10))
    ax1.xaxis.set_major_formatter(money)
    ax1.xaxis.set_minor_formatter(NullFormatter())
    ax1.set_xlabel("cost of a year (usd)")
    ax1.set_ylabel("chance per year of a year costing at least this")
    limit = result["recommended"]["aggregate_limit"]
    ax1.axvline(limit, color="#2e7d32", ls="--", label=f"recommended limit {money_tick(limit)}")
    if result["gap"]["existing_limit"] > 0:
        current = result["gap"]["existing_limit"]
        ax1.axvline(current, color="#c62828", ls=":", label=f"current cover {money_tick(current)}")
    ax1.axhline(0.01, color="grey", lw=0.5, label="1 in 100 years")
    ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False)
    ax1.set_title("How often a year costs at least this much")

    bars = bar_figures(result)
    labels = [label for label, _, _ in bars]
    means = [mean for _, mean, _ in bars]
    tails = [tail for _, _, tail in bars]
    positive = [v for v in means + tails if v > 0]
    floor = min(positive) / 3 if positive else 1.0
    y = range(len(labels))
    ax2.barh([i + 0.2 for i in y], tails, height=0.4, left=0, color="#90caf9",
             label="average of the worst 1% of years (TVaR99)")
    ax2.barh([i - 0.2 for i in y], means, height=0.4, left=0, color="#1f4e79", label="expected per year")
    ax2.set_yticks(list(y), labels)
    ax2.invert_yaxis()
    ax2.set_xscale("log")
    ax2.set_xlim(left=floor, right=max(positive, default=10.0) * 2)
    ax2.xaxis.set_major_locator(LogLocator(base=10))
    ax2.xaxis.set_major_formatter(money)
    ax2.xaxis.set_minor_formatter(NullFormatter())
    ax2.set_xlabel("usd a year (log scale)")
    ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    ax2.set_title("Cost by what a cyber policy pays for")
    fig.suptitle(f"{result['practice']}: {result['trials']:,} simulated years")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110, bbox_inches="tight")  # the legends below the axes included
    plt.close(fig)
    return out


__all__ = ["bar_figures", "money_tick", "plot_assessment"]
