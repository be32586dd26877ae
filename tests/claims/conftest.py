"""Makes ``claims_support`` (helpers shared by the claims tests) importable under ``--import-mode=importlib``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if "claims_support" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("claims_support", Path(__file__).with_name("claims_support.py"))
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["claims_support"] = _module
    _spec.loader.exec_module(_module)
