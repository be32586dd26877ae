"""The assessment's PNG charts: plain labels, distinct money ticks, the table's tail figure for every part."""

from __future__ import annotations

from pathlib import Path

import cyberrx
from cyberrx.reports.labels import PART_LABELS
from cyberrx.reports.plot import bar_figures, money_tick, plot_assessment

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_money_ticks_are_short_and_never_zero_thousands():
    ticks = [money_tick(10.0 ** k) for k in range(0, 9)]
    assert ticks == ["$1", "$10", "$100", "$1K", "$10K", "$100K", "$1M", "$10M", "$100M"]
    assert len(set(ticks)) == len(ticks) and "$0K" not in ticks


def test_bars_carry_the_tables_figures_with_plain_labels(tmp_path):
    a = cyberrx.assess(cyberrx.load_profile(EXAMPLES / "valley-multispecialty-group.yaml"), trials=20_000,
                       seed=1).to_dict()
    bars = bar_figures(a)
    assert [label for label, _, _ in bars] == [PART_LABELS[part] for part in a["by_coverage"]]   # every simulated part
    for (label, mean, tail), (part, row) in zip(bars, a["by_coverage"].items(), strict=True):
        assert label == PART_LABELS[part] and mean == row["mean"] and tail == row["tvar99"]
    # the tail bar is the table's TVaR99: a part hit in fewer than 1% of years (p99 = 0) still has its tail
    assert any(row["p99"] == 0 < row["tvar99"] for row in a["by_coverage"].values())
    png = plot_assessment(a, tmp_path / "valley.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
