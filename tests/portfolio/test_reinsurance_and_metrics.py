"""Reinsurance and exceedance arithmetic, worked by hand; invariants with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cyberrx.errors import InvalidInput
from cyberrx.portfolio import metrics
from cyberrx.portfolio.reinsurance import (
    cap_annual,
    net_of_reinsurance,
    parse_reinsurance,
    quota_share_kept,
    stop_loss_recovery,
    xol_recovery,
)
from cyberrx.portfolio.summary import net_occurrence


# ---- reinsurance, by hand -----------------------------------------------------------------------------------
def test_quota_share_keeps_the_rest():
    # 25% ceded: of $1,000,000 the carrier keeps $750,000; of $0, nothing
    assert quota_share_kept(np.array([1_000_000.0, 0.0]), 0.25).tolist() == [750_000.0, 0.0]


def test_per_event_xol_pays_the_layer_of_each_occurrence():
    # $4M xs $1M: an occurrence of $800K recovers 0; $2.5M recovers $1.5M; $9M recovers the $4M limit
    got = xol_recovery(np.array([800_000.0, 2_500_000.0, 9_000_000.0]), retention=1_000_000, limit=4_000_000)
    assert got.tolist() == [0.0, 1_500_000.0, 4_000_000.0]
    # the limit and one reinstatement ($8M a year): $1.5M + $4M + $4M = $9.5M in a year is capped at $8M
    assert cap_annual(np.array([9_500_000.0, 1_500_000.0]), 8_000_000).tolist() == [8_000_000.0, 1_500_000.0]


def test_stop_loss_pays_above_its_attachment_up_to_its_limit():
    # $3M xs $3M on the year's net: $2.9M -> 0, $4.2M -> $1.2M, $10M -> $3M
    got = stop_loss_recovery(np.array([2_900_000.0, 4_200_000.0, 10_000_000.0]), attachment=3_000_000,
                             limit=3_000_000)
    assert got.tolist() == [0.0, 1_200_000.0, 3_000_000.0]


def test_the_programme_in_order_by_hand():
    """Gross $10M in a year, of which one systemic event of $8M and $2M of attritional claims.
    30% quota share: kept $7M; the event's kept $5.6M recovers min($4M, $5.6M - $1M) = $4M from the XoL; the
    attritional occurrences are under the retention. Net before stop-loss $7M - $4M = $3M; the stop-loss of
    $2.5M xs $2M recovers min($2.5M, $3M - $2M) = $1M. Net $2M."""
    terms = parse_reinsurance({"quota_share": {"ceded_share": 0.3},
                               "per_event_xol": {"retention": 1_000_000, "limit": 4_000_000},
                               "stop_loss": {"attachment": 2_000_000, "limit": 2_500_000}})
    gross = np.array([10_000_000.0])
    xol = xol_recovery(np.array([8_000_000.0 * 0.7]), 1_000_000, 4_000_000)
    assert xol.tolist() == [4_000_000.0]
    assert net_of_reinsurance(gross, xol, terms).tolist() == pytest.approx([2_000_000.0])
    # the largest net occurrence: 0.7 x $8M = $5.6M less its $4M recovery
    assert net_occurrence(np.array([8_000_000.0]), terms).tolist() == pytest.approx([1_600_000.0])


def test_bad_reinsurance_names_the_field():
    with pytest.raises(InvalidInput) as e:
        parse_reinsurance({"quota_share": {"ceded_share": 1.5}})
    assert e.value.field == "quota_share.ceded_share"
    with pytest.raises(InvalidInput):
        parse_reinsurance({})
    with pytest.raises(InvalidInput) as e:
        parse_reinsurance({"per_event_xol": {"retention": 1, "limit": 0}})
    assert e.value.field == "per_event_xol.limit"


# ---- exceedance, by hand ------------------------------------------------------------------------------------
def test_pml_tvar_and_aal_by_hand():
    # 1,000 years: 990 at $0 and ten at $1..$10M; the 1-in-200 is the 5th largest ($6M), TVaR the mean of the
    # 5 largest ($8M), the 1-in-100 the 10th largest ($1M), the 1-in-250 the 4th ($7M)
    losses = np.zeros(1000)
    losses[:10] = np.arange(1, 11) * 1e6
    assert metrics.rank_of(1000, 200) == 5
    assert metrics.pml(losses, 200) == 6e6
    assert metrics.tvar(losses, 200) == 8e6
    assert metrics.pml(losses, 100) == 1e6
    assert metrics.pml(losses, 250) == 7e6
    assert metrics.aal(losses) == 55_000.0
    assert dict(metrics.ep_curve(losses))[200] == 6e6
    with pytest.raises(ValueError, match="at least 2000"):
        metrics.pml(losses, 2000)


# ---- invariants -----------------------------------------------------------------------------------------------
money = st.floats(0, 1e8, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(gross=arrays(np.float64, st.integers(1, 40), elements=money), share=st.floats(0, 1),
       retention=money, limit=st.floats(1, 1e8), attachment=money, sl_limit=st.floats(1, 1e8))
def test_net_never_exceeds_gross_nor_falls_below_zero(gross, share, retention, limit, attachment, sl_limit):
    terms = parse_reinsurance({"quota_share": {"ceded_share": share},
                               "per_event_xol": {"retention": retention, "limit": limit},
                               "stop_loss": {"attachment": attachment, "limit": sl_limit}})
    # each year one occurrence equal to its total: the XoL recovers at most what was kept
    xol = xol_recovery(gross * (1 - share), retention, limit)
    net = net_of_reinsurance(gross, xol, terms)
    assert np.all(net <= gross + 1e-6)
    assert np.all(net >= -1e-6)


@settings(max_examples=60, deadline=None)
@given(occ=arrays(np.float64, st.integers(250, 600), elements=st.floats(0, 1e7)),
       extra=arrays(np.float64, st.integers(250, 600), elements=st.floats(0, 1e7)))
def test_oep_never_exceeds_aep(occ, extra):
    n = min(occ.shape[0], extra.shape[0])
    largest, total = occ[:n], occ[:n] + extra[:n]     # a year's largest occurrence is part of its total
    for t in (2, 10, 100, 200, 250):
        if n >= t:
            assert metrics.pml(largest, t) <= metrics.pml(total, t)
            assert metrics.pml(total, t) <= metrics.tvar(total, t) + 1e-6
