"""The console a command prints to: the terminal's width, ``COLUMNS`` when set, 100 columns when piped.

``--wide`` gives a console at least :data:`WIDE_WIDTH` columns wide, and the renderers show their secondary
columns (ids, HICP practices, every option in one table).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

#: width of piped output when ``COLUMNS`` is not set
PIPED_WIDTH = 100
#: the least width of ``--wide`` output
WIDE_WIDTH = 160

WIDE_HELP = "Show every column (ids, secondary figures) and split no table to fit, whatever the width."


def console(*, wide: bool = False, stderr: bool = False) -> Console:
    from rich.console import Console

    out = Console(stderr=stderr)
    width = out.width if (out.is_terminal or os.environ.get("COLUMNS")) else PIPED_WIDTH
    if wide:
        width = max(width, WIDE_WIDTH)
    if width != out.width:
        out = Console(stderr=stderr, width=width)
    return out


__all__ = ["PIPED_WIDTH", "WIDE_HELP", "WIDE_WIDTH", "console"]
