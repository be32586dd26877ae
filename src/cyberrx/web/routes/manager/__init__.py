"""The practice manager's pages (issue 13, "The practice manager"), under ``/practices/{id}/``:

- ``questionnaire/{step}``: "Our practice", the profile in five steps (:mod:`.questionnaire`)
- ``risk``, ``risk/{assessment}`` (+ ``/progress``, ``/report.pdf``), ``fixes``: "Our risk", "What to fix first"
  (:mod:`.risk`)
"""

from __future__ import annotations

from cyberrx.web.routes.manager import questionnaire, risk

MANAGER_ROUTERS = [questionnaire.router, risk.router]

__all__ = ["MANAGER_ROUTERS"]
