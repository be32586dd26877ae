"""The docstring examples of the command line's helpers run (amounts, table cells, days left, charts' ticks,
error messages, the letter's placeholders)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["cyberrx.cli.amounts", "cyberrx.reports.terminal", "cyberrx.reports.terminal.claim",
                                    "cyberrx.reports.terminal.breach", "cyberrx.reports.plot",
                                    "cyberrx.domain.parsing", "cyberrx.breach.letter"])
def test_docstring_examples_run(module):
    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
