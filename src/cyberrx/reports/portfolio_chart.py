"""Charts for a book run (matplotlib, Agg): exceedance curves, and what each vendor adds to the 1-in-200 loss."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _money(v: float, _: Any = None) -> str:
    if abs(v) >= 1e6:
        return "$" + f"{v / 1e6:.2f}".rstrip("0").rstrip(".") + "M"
    if abs(v) >= 1e3:
        return f"${v / 1e3:.0f}K"
    return f"${v:.0f}"


def plot_portfolio(result: dict[str, Any], path: str | Path) -> Path:
    """A PNG with the AEP/OEP curves (gross, net, and the same book with no shared event) and the 1-in-200
    loss by vendor (systemic) and attritional."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5.2))
    curve = result["ep_curve"]
    periods = [p["return_period"] for p in curve]
    ax1.plot(periods, [p["aep_gross"] for p in curve], color="#1f4e79", marker="o", ms=3,
             label="gross, year's total (AEP)")
    ax1.plot(periods, [p["oep_gross"] for p in curve], color="#1f4e79", ls="--", label="gross, largest event (OEP)")
    if result.get("reinsurance"):
        ax1.plot(periods, [p["aep_net"] for p in curve], color="#2e7d32", marker="o", ms=3,
                 label="net of reinsurance (AEP)")
    ind = result["independent"]["pml"]
    if ind:
        xs = sorted(int(k) for k in ind)
        ax1.plot(xs, [ind[str(x)] for x in xs], color="#c62828", ls=":", marker="s", ms=4,
                 label="no shared event (independent practices)")
    ax1.set_xscale("log")
    ax1.yaxis.set_major_formatter(FuncFormatter(_money))
    ax1.set_xlabel("return period (years)")
    ax1.set_ylabel("insured loss of the book")
    pml200 = result["gross"]["pml"].get("200")
    if pml200:
        ax1.axvline(200, color="grey", lw=0.6)
        ax1.annotate(f"1-in-200: {_money(pml200)}", (200, pml200), textcoords="offset points", xytext=(-110, 8))
    ax1.legend(loc="upper left", fontsize=8)
    ax1.set_title(f"{result['book']}: {result['policies']:,} policies, {result['years']:,} years")

    rows = [(c["id"], c["contribution"]) for c in result["vendor_contributions"][:10]]
    rows.append(("attritional (own incidents)", result["attritional_contribution"]))
    rows.sort(key=lambda r: r[1])
    ax2.barh([r[0] for r in rows], [r[1] for r in rows], color="#90caf9")
    for i, (_, v) in enumerate(rows):
        ax2.text(v, i, " " + _money(v), va="center", fontsize=8)
    ax2.xaxis.set_major_formatter(FuncFormatter(_money))
    ax2.set_title("What makes the 1-in-200 year: by shared vendor or product")
    ax2.set_xlabel("contribution to the 1-in-200 loss (gross)")
    ax2.margins(x=0.2)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


__all__ = ["plot_portfolio"]
