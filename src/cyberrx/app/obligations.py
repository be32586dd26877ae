"""Whom a practice must notify about an incident, and by when: the breach pipeline every interface shares.

``cyberrx breach obligations FILE``, ``POST /incidents`` and the library's :func:`cyberrx.breach_obligations`
all call :func:`obligations_of`: the incident is checked as an :class:`~cyberrx.domain.incident.Incident` (its
dates against ``today``) and :func:`cyberrx.breach.assess_obligations` works out every notice.
"""

from __future__ import annotations

from datetime import date

from cyberrx.breach import ObligationsReport, assess_obligations
from cyberrx.domain.incident import Incident


def obligations_of(incident: Incident, today: date | None = None) -> ObligationsReport:
    """Who must be notified of ``incident``, by when, as of ``today`` (default: the date now)."""
    return assess_obligations(incident, today=today)


__all__ = ["obligations_of"]
