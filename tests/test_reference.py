"""Reference data: every figure has a source, files are versioned, a figure without a source is refused."""

from __future__ import annotations

import pytest

from cyberrx.errors import RuleFileError
from cyberrx.reference import check_sources, iter_figures, load_loss_model


def test_loss_model_is_versioned_and_every_figure_is_sourced():
    ref = load_loss_model()
    assert ref.version
    figures = list(iter_figures(ref.tables))
    assert len(figures) > 80
    for path, fig in figures:
        if "source" in fig:
            assert str(fig["source"]).strip(), path
            # an assumption says so, and why (more than the bare word)
            if fig.get("trust") == "A":
                assert "assumption" in fig["source"] and len(fig["source"]) > len("assumption: ") + 5, path


def test_a_figure_without_source_is_refused():
    with pytest.raises(RuleFileError, match="severity.x has no source"):
        check_sources({"severity": {"x": {"value": 3, "unit": "usd"}}}, "", "t.yaml")
    # a block's source covers the figures inside it
    check_sources({"bands": {"source": "s", "items": [{"value": 1}]}}, "", "t.yaml")


def test_figure_lookup_and_missing_path():
    ref = load_loss_model()
    assert ref.figure("notification.media_threshold") == 500
    with pytest.raises(RuleFileError):
        ref.figure("notification.nope")
