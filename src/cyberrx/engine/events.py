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
        records: ``(n,)`` float64, patient records notified because of the event (0 if none).
        time_of_year: ``(n,)`` float64 in [0, 1), when in its year the event occurred (None if unknown).
    """

    n_trials: int
    trial: np.ndarray
    scenario: np.ndarray
    amount: np.ndarray
    downtime_hours: np.ndarray
    income_per_hour: np.ndarray
    extra_expense: np.ndarray
    records: np.ndarray
    time_of_year: np.ndarray | None = None

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

    def subset(self, rows: np.ndarray) -> EventTable:
        """The events selected by ``rows`` (a boolean mask or an index array), same trials."""
        return EventTable(self.n_trials, self.trial[rows], self.scenario[rows], self.amount[rows],
                          self.downtime_hours[rows], self.income_per_hour[rows], self.extra_expense[rows],
                          self.records[rows], None if self.time_of_year is None else self.time_of_year[rows])

    def in_time_order(self) -> EventTable:
        """The events sorted by trial, then by time of year (the order claims would be presented in)."""
        if self.time_of_year is None:
            order = np.argsort(self.trial, kind="stable")
        else:
            order = np.argsort(self.trial + self.time_of_year, kind="stable")
        return self.subset(order)


def empty_events(n_trials: int) -> EventTable:
    n_parts = len(PARTS)
    return EventTable(n_trials, np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros((0, n_parts)),
                      np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0), np.zeros(0))


__all__ = ["BI_COLUMNS", "PART_INDEX", "EventTable", "empty_events"]
