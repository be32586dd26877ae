"""Charts for the assessment: the annual-loss exceedance curve and cost by coverage part (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cyberrx.vocab import PARTS


def plot_assessment(result: dict[str, Any], path: str | Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    money = FuncFormatter(lambda v, _: f"${v / 1e6:.1f}M" if v >= 1e6 else f"${v / 1e3:.0f}K")
    curve = result["exceedance"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    ax1.plot(curve["levels"], curve["probability"], color="#1f4e79")
    ax1.set_yscale("log")
    ax1.set_xscale("log")
    ax1.xaxis.set_major_formatter(money)
    ax1.set_xlabel("annual loss")
    ax1.set_ylabel("chance per year of a loss at least this large")
    ax1.axvline(result["recommended"]["aggregate_limit"], color="#2e7d32", ls="--",
                label=f"recommended limit ${result['recommended']['aggregate_limit']:,.0f}")
    if result["gap"]["existing_limit"] > 0:
        ax1.axvline(result["gap"]["existing_limit"], color="#c62828", ls=":",
                    label=f"current cover ${result['gap']['existing_limit']:,.0f}")
    ax1.axhline(0.01, color="grey", lw=0.5)
    ax1.legend(loc="lower left")
    ax1.set_title("How often a year costs at least this much")

    names = [p.value for p in PARTS]
    means = [result["by_coverage"][n]["mean"] for n in names]
    p99s = [result["by_coverage"][n]["p99"] for n in names]
    y = range(len(names))
    ax2.barh([i + 0.2 for i in y], p99s, height=0.4, color="#90caf9", label="1-in-100 year (p99)")
    ax2.barh([i - 0.2 for i in y], means, height=0.4, color="#1f4e79", label="expected per year")
    ax2.set_yticks(list(y), names)
    ax2.invert_yaxis()
    ax2.set_xscale("symlog", linthresh=1000)
    ax2.xaxis.set_major_formatter(money)
    ax2.legend(loc="lower right")
    ax2.set_title("Cost by coverage part")
    fig.suptitle(f"{result['practice']}: {result['trials']:,} simulated years")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
