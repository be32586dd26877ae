"""The practice manager's pages (issue 13, "The practice manager"), under ``/practices/{id}/``:

- ``questionnaire/{step}``: "Our practice", the profile in five steps (:mod:`.questionnaire`)
- ``risk``, ``risk/{assessment}`` (+ ``/progress``, ``/report.pdf``), ``fixes``: "Our risk", "What to fix first"
  (:mod:`.risk`)
- ``incidents``, ``incidents/{incident}`` (+ ``/playbook``, ``/deadlines.ics``, ``/letter``): "We've been hit"
  (:mod:`.incidents`)
"""

from __future__ import annotations

from cyberrx.web.routes.manager import incidents, questionnaire, risk

MANAGER_ROUTERS = [questionnaire.router, risk.router, incidents.router]

__all__ = ["MANAGER_ROUTERS"]
