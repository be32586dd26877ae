"""Hand-worked adjudications of the examples in examples/claims/, each step's figure written out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from cyberrx.claims import adjudicate_files

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "examples" / "policies"
CLAIMS = ROOT / "examples" / "claims"
D = Decimal


def figures(result, i):
    x = result.lines[i]
    return (x.claimed, x.covered, x.retention, x.coinsurance, x.payable)


def test_issue_claim_on_issue_policy():
    """Issue 3's claim CLM-001 (ransomware, MFA on remote access missing) on policy CRX-2027-0001.

    Step 1: cause ransomware is not excluded; 2027-03-13 is inside 2027-01-01..2028-01-01; offline_backups is not
            shown false, so the deny condition is not breached -> not denied.
    Step 2: forensics, extortion, business_interruption, notification are all listed -> all covered.
    Step 3: BI claimed = 1,200 x 96 + 5,000 = 120,200; downtime 96 h is under the cap 120 d x 24 = 2,880 h;
            covered = 1,200 x (96 - 8) + 5,000 = 105,600 + 5,000 = 110,600.
    Step 4: the parts touched all take the default retention 10,000 -> one retention of 10,000, taken from the
            first line, forensics: 45,000 - 10,000 = 35,000; nothing left for the other lines.
    Step 5: mfa_remote_access false raises extortion and BI coinsurance from 0 to 0.5:
            extortion 300,000 x 0.5 = 150,000 kept -> 150,000; BI 110,600 x 0.5 = 55,300 kept -> 55,300;
            forensics and notification keep 0.
    Step 6: sublimits: forensics 35,000 <= 1,000,000; extortion 150,000 <= 250,000; BI 55,300 <= 500,000;
            notification 21,000 <= 1,000,000. Aggregate: 35,000 + 150,000 + 55,300 + 21,000 = 261,300
            <= 1,000,000 -> remaining 738,700.
    Totals: claimed 45,000 + 300,000 + 120,200 + 21,000 = 486,200; payable 261,300; coinsurance reduced it, so
    partially_paid.
    """
    r = adjudicate_files(POLICIES / "lakeside-primary.yaml", CLAIMS / "lakeside-ransomware.yaml")
    assert r.status == "partially_paid"
    assert figures(r, 0) == (D("45000.00"), D("45000.00"), D("10000.00"), D("0.00"), D("35000.00"))
    assert figures(r, 1) == (D("300000.00"), D("300000.00"), D("0.00"), D("150000.00"), D("150000.00"))
    assert figures(r, 2) == (D("120200.00"), D("110600.00"), D("0.00"), D("55300.00"), D("55300.00"))
    assert figures(r, 3) == (D("21000.00"), D("21000.00"), D("0.00"), D("0.00"), D("21000.00"))
    assert r.total_claimed == D("486200.00")
    assert r.total_payable == D("261300.00")
    assert r.aggregate_remaining == D("738700.00")
    assert r.retention_applied == D("10000.00")
    assert [c.split(":")[0] for c in r.lines[2].reasons] == ["waiting_period", "coinsurance"]
