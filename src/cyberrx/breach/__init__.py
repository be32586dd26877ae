"""HIPAA breach notification: obligations and deadlines, the state overlay, the playbook and the notice letter.

Pure functions over :class:`cyberrx.domain.incident.Incident` and
:class:`cyberrx.domain.profile.PracticeProfile`; nothing here prints or writes files. Figures come from
``cyberrx/reference/data/breach_rule.yaml`` and ``state_breach_laws.yaml``.
"""

from cyberrx.breach.obligations import (
    Obligation,
    ObligationsReport,
    Recipient,
    StateStatus,
    assess_obligations,
    days_after,
    delay_end,
    delayed,
    hhs_annual_deadline,
)
from cyberrx.breach.rule import BreachRule, Figure, breach_rule
from cyberrx.breach.states import StateLaw, StateTable, add_business_days, state_law_for, state_table

__all__ = [
    "BreachRule",
    "Figure",
    "Obligation",
    "ObligationsReport",
    "Recipient",
    "StateLaw",
    "StateStatus",
    "StateTable",
    "add_business_days",
    "assess_obligations",
    "breach_rule",
    "days_after",
    "delay_end",
    "delayed",
    "hhs_annual_deadline",
    "state_law_for",
    "state_table",
]
