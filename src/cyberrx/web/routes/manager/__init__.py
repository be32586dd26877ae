"""The practice manager's pages (issue 13, "The practice manager"), under ``/practices/{id}/``:

- ``questionnaire/{step}``: "Our practice", the profile in five steps (:mod:`.questionnaire`)
"""

from __future__ import annotations

from cyberrx.web.routes.manager import questionnaire

MANAGER_ROUTERS = [questionnaire.router]

__all__ = ["MANAGER_ROUTERS"]
