"""Reinsurance of the book: quota share, per-event excess of loss, aggregate stop-loss (terms in a YAML file).

Order, as a carrier buys them (each protects what the one before leaves):

1. **quota share**: the reinsurer takes ``ceded_share`` of every loss; the carrier keeps ``1 - ceded_share``;
2. **per-event excess of loss** on the kept share of each occurrence ``x``: recovers
   ``min(limit, max(0, x - retention))`` per occurrence, at most ``annual_aggregate_limit`` a year (the limit
   and its reinstatements; none: unlimited);
3. **aggregate stop-loss** on the year's net after 1 and 2: recovers ``min(limit, max(0, net - attachment))``.

An occurrence is one systemic event (every insured it hits, summed) or one insured's attritional claims of a year.

>>> xol_recovery(np.array([500., 1500., 4000.]), retention=1000., limit=2000.).tolist()
[0.0, 500.0, 2000.0]
>>> stop_loss_recovery(np.array([900., 1300., 5000.]), attachment=1000., limit=1000.).tolist()
[0.0, 300.0, 1000.0]
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


def _no_bool(v: object) -> object:
    if isinstance(v, bool):
        raise ValueError("a number is required, not true/false")
    return v


Money = Annotated[float, BeforeValidator(_no_bool), Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, BeforeValidator(_no_bool), Field(ge=0, le=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuotaShare(_Strict):
    """``ceded_share`` of every loss goes to the reinsurer."""

    ceded_share: Share


class ExcessOfLoss(_Strict):
    """Per-event excess of loss: ``limit`` xs ``retention`` per occurrence, ``annual_aggregate_limit`` a year."""

    retention: Money
    limit: Annotated[float, BeforeValidator(_no_bool), Field(gt=0, allow_inf_nan=False)]
    annual_aggregate_limit: Money | None = None


class StopLoss(_Strict):
    """Aggregate stop-loss: ``limit`` xs ``attachment`` on the year's net loss."""

    attachment: Money
    limit: Annotated[float, BeforeValidator(_no_bool), Field(gt=0, allow_inf_nan=False)]


class ReinsuranceTerms(_Strict):
    """The carrier's reinsurance programme (each treaty optional)."""

    name: str = "reinsurance"
    quota_share: QuotaShare | None = None
    per_event_xol: ExcessOfLoss | None = None
    stop_loss: StopLoss | None = None

    @model_validator(mode="after")
    def _something(self) -> ReinsuranceTerms:
        if self.quota_share is None and self.per_event_xol is None and self.stop_loss is None:
            raise ValueError("name at least one treaty: quota_share, per_event_xol or stop_loss")
        return self

    @property
    def ceded_share(self) -> float:
        return self.quota_share.ceded_share if self.quota_share is not None else 0.0


def load_reinsurance(path: str | Path) -> ReinsuranceTerms:
    """Read reinsurance terms from a YAML/JSON file (InvalidInput naming the field on bad input)."""
    from cyberrx.domain.parsing import load_model

    return load_model(ReinsuranceTerms, path)


def parse_reinsurance(data: Any) -> ReinsuranceTerms:
    from cyberrx.domain.parsing import parse_model

    return parse_model(ReinsuranceTerms, data)


def quota_share_kept(losses: np.ndarray, ceded_share: float) -> np.ndarray:
    """What the carrier keeps of each loss under a quota share, usd.

    >>> quota_share_kept(np.array([100., 40.]), 0.25).tolist()
    [75.0, 30.0]
    """
    return losses * (1.0 - ceded_share)


def xol_recovery(occurrences: np.ndarray, retention: float, limit: float) -> np.ndarray:
    """Per-event excess of loss recovered on each occurrence, usd: ``min(limit, max(0, x - retention))``."""
    return np.minimum(limit, np.maximum(0.0, occurrences - retention))


def cap_annual(recoveries: np.ndarray, annual_limit: float | None) -> np.ndarray:
    """Each year's recoveries capped at the treaty's annual aggregate limit (None: no cap).

    >>> cap_annual(np.array([100., 700.]), 500.).tolist()
    [100.0, 500.0]
    """
    return recoveries if annual_limit is None else np.minimum(recoveries, annual_limit)


def stop_loss_recovery(annual: np.ndarray, attachment: float, limit: float) -> np.ndarray:
    """Aggregate stop-loss recovered each year on the annual net loss, usd."""
    return np.minimum(limit, np.maximum(0.0, annual - attachment))


def net_of_reinsurance(gross: np.ndarray, xol_recovered: np.ndarray, terms: ReinsuranceTerms | None) -> np.ndarray:
    """The year's net loss ``(n,)`` usd from its gross and its per-event XoL recoveries (already on the kept
    share, before the annual cap): quota share, XoL capped a year, then stop-loss."""
    if terms is None:
        return gross.copy()
    net = quota_share_kept(gross, terms.ceded_share)
    if terms.per_event_xol is not None:
        net = net - cap_annual(xol_recovered, terms.per_event_xol.annual_aggregate_limit)
    if terms.stop_loss is not None:
        net = net - stop_loss_recovery(net, terms.stop_loss.attachment, terms.stop_loss.limit)
    return net


__all__ = ["ExcessOfLoss", "QuotaShare", "ReinsuranceTerms", "StopLoss", "cap_annual", "load_reinsurance",
           "net_of_reinsurance", "parse_reinsurance", "quota_share_kept", "stop_loss_recovery", "xol_recovery"]
