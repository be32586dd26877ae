"""HIPAA breach notification: obligations and deadlines, the state overlay, the playbook and the notice letter.

Pure functions over :class:`cyberrx.domain.incident.Incident` and
:class:`cyberrx.domain.profile.PracticeProfile`; nothing here prints or writes files. Figures come from
``cyberrx/reference/data/breach_rule.yaml`` and ``state_breach_laws.yaml``.
"""

from cyberrx.breach.calendar import deadlines_ics
from cyberrx.breach.letter import Letter, draft_letter, render_letter_html, render_letter_markdown
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
from cyberrx.breach.playbook import (
    Playbook,
    build_playbook,
    render_playbook_markdown,
    render_playbook_text,
)
from cyberrx.breach.rule import BreachRule, Figure, breach_rule
from cyberrx.breach.states import StateLaw, StateTable, add_business_days, state_law_for, state_table

__all__ = [
    "BreachRule",
    "Figure",
    "Letter",
    "Obligation",
    "ObligationsReport",
    "Playbook",
    "Recipient",
    "StateLaw",
    "StateStatus",
    "StateTable",
    "add_business_days",
    "assess_obligations",
    "breach_rule",
    "build_playbook",
    "days_after",
    "deadlines_ics",
    "delay_end",
    "delayed",
    "draft_letter",
    "hhs_annual_deadline",
    "render_letter_html",
    "render_letter_markdown",
    "render_playbook_markdown",
    "render_playbook_text",
    "state_law_for",
    "state_table",
]
