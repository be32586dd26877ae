"""The simulated event table: every incident of every simulated year, ground-up, by coverage part.

This is the contract between the loss model (``simulate``) and the policy arithmetic (``terms``): each row is
one incident, which would be presented to the insurer as one claim whose loss lines are the coverage parts in
``cyberrx.vocab.PARTS`` order. Rows are sorted by trial and, within a trial, in order of occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cyberrx.vocab import PART_INDEX, PARTS, SCENARIOS, CoveragePart

#: column of ``downtime_hours`` / ``income_per_hour`` / ``extra_expense`` for each BI part
BI_COLUMNS: dict[CoveragePart, int] = {CoveragePart.BUSINESS_INTERRUPTION: 0, CoveragePart.CONTINGENT_BI: 1}


@dataclass(frozen=True)
class EventTable:
    """All simulated incidents.

    Attributes (``n`` = number of events):
        n_trials: number of simulated years.
        trial: ``(n,)`` int64, the simulated year of each event, non-decreasing.
        scenario: ``(n,)`` int16, index into ``cyberrx.vocab.SCENARIOS``.
        amount: ``(n, n_parts)`` float64 usd, ground-up loss per coverage part. For the two BI parts it is
            ``income_per_hour * downtime_hours + extra_expense`` (no waiting period: that is a policy term).
        downtime_hours: ``(n, 2)`` float64 hours, columns per ``BI_COLUMNS``.
        income_per_hour: ``(n, 2)`` float64 usd per hour.
        extra_expense: ``(n, 2)`` float64 usd.
        records: ``(n,)`` float64, patient records exposed by the event (0 if none).
    """

    n_trials: int
    trial: np.ndarray
    scenario: np.ndarray
    amount: np.ndarray
    downtime_hours: np.ndarray
    income_per_hour: np.ndarray
    extra_expense: np.ndarray
    records: np.ndarray

    @property
    def n_events(self) -> int:
        return int(self.trial.shape[0])

    def annual_by_part(self) -> np.ndarray:
        """Ground-up annual loss per trial and part, ``(n_trials, n_parts)`` usd."""
        out = np.empty((self.n_trials, len(PARTS)))
        for j in range(len(PARTS)):
            out[:, j] = np.bincount(self.trial, weights=self.amount[:, j], minlength=self.n_trials)
        return out

    def annual_total(self) -> np.ndarray:
        """Ground-up annual loss per trial, ``(n_trials,)`` usd."""
        return np.bincount(self.trial, weights=self.amount.sum(axis=1), minlength=self.n_trials)

    def annual_by_scenario(self) -> np.ndarray:
        """Ground-up annual loss per trial and scenario, ``(n_trials, n_scenarios)`` usd."""
        flat = self.trial * len(SCENARIOS) + self.scenario
        total = self.amount.sum(axis=1)
        sums = np.bincount(flat, weights=total, minlength=self.n_trials * len(SCENARIOS))
        return sums.reshape(self.n_trials, len(SCENARIOS))

    def subset(self, mask: np.ndarray) -> EventTable:
        """The events where ``mask`` is true (same trials)."""
        return EventTable(self.n_trials, self.trial[mask], self.scenario[mask], self.amount[mask],
                          self.downtime_hours[mask], self.income_per_hour[mask], self.extra_expense[mask],
                          self.records[mask])


def empty_events(n_trials: int) -> EventTable:
    n_parts = len(PARTS)
    return EventTable(n_trials, np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros((0, n_parts)),
                      np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0))


__all__ = ["BI_COLUMNS", "PART_INDEX", "EventTable", "empty_events"]
