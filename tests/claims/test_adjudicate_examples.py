"""Hand-worked adjudications of the examples in examples/claims/, each step's figure written out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from cyberrx.claims import adjudicate_files
from cyberrx.vocab import CoveragePart

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


LAKESIDE = POLICIES / "lakeside-primary.yaml"


def test_denied_when_offline_backups_warranty_breached():
    """CLM-002: offline_backups false and the policy says on_breach: deny -> step 1 denies the whole claim.
    Every line: covered 0, retention 0, coinsurance 0, payable 0; the aggregate is untouched (1,000,000)."""
    r = adjudicate_files(LAKESIDE, CLAIMS / "lakeside-denied-backups.yaml")
    assert r.status == "denied"
    assert r.denial_reasons and r.denial_reasons[0].startswith("condition_breached: offline_backups")
    assert [figures(r, i) for i in range(2)] == [(D("30000.00"), 0, 0, 0, 0), (D("40000.00"), 0, 0, 0, 0)]
    assert r.total_payable == 0
    assert r.aggregate_remaining == D("1000000.00")


def test_denied_lost_unencrypted_laptop():
    """CLM-007: cause lost_device with encryption_at_rest false; the policy lists unencrypted_device -> denied."""
    r = adjudicate_files(LAKESIDE, CLAIMS / "lakeside-lost-laptop.yaml")
    assert r.status == "denied"
    assert "unencrypted_device" in r.denial_reasons[0]
    assert r.total_claimed == D("20400.00") and r.total_payable == 0


def test_extortion_sublimit_eroded_by_history():
    """CLM-003 after CLM-001 (which paid 150,000 on extortion and 261,300 in all).

    Step 4: retention 10,000 (extortion and forensics both default) taken from the first line, extortion:
            200,000 - 10,000 = 190,000; forensics keeps 25,000.
    Step 5: MFA in place -> coinsurance 0 on both.
    Step 6: extortion sublimit 250,000 - 150,000 paid on CLM-001 = 100,000 left -> pays 100,000 (90,000 above);
            forensics 1,000,000 - 35,000 = 965,000 left -> 25,000. Aggregate 1,000,000 - 261,300 = 738,700 left,
            125,000 paid -> 613,700 remaining.
    Without the history the same claim pays 190,000 + 25,000 = 215,000: history matters only through erosion.
    """
    r = adjudicate_files(LAKESIDE, CLAIMS / "lakeside-extortion-again.yaml", [CLAIMS / "lakeside-ransomware.yaml"])
    assert figures(r, 0) == (D("200000.00"), D("200000.00"), D("10000.00"), D("0.00"), D("100000.00"))
    assert figures(r, 1) == (D("25000.00"), D("25000.00"), D("0.00"), D("0.00"), D("25000.00"))
    assert r.total_payable == D("125000.00")
    assert r.aggregate_remaining == D("613700.00")
    assert r.sublimit_remaining[CoveragePart.EXTORTION] == D("0.00")
    assert r.status == "partially_paid"
    assert any(x.startswith("sublimit:") for x in r.lines[0].reasons)
    alone = adjudicate_files(LAKESIDE, CLAIMS / "lakeside-extortion-again.yaml")
    assert [x.payable for x in alone.lines] == [D("190000.00"), D("25000.00")]
    assert [x.retention for x in alone.lines] == [x.retention for x in r.lines]


def test_privacy_suit_exhausts_the_aggregate():
    """CLM-004 after CLM-001 (261,300) and CLM-003 (125,000): 1,000,000 - 386,300 = 613,700 of aggregate left.

    Step 4: retention 10,000 from the first line, regulatory: 450,000 - 10,000 = 440,000.
    Step 6: sublimits regulatory 500,000 and privacy 1,000,000 do not bind. Aggregate: regulatory 440,000
            (173,700 left); privacy_liability min(900,000, 173,700) = 173,700 (0 left); legal 0.
    Total payable 440,000 + 173,700 = 613,700; aggregate remaining 0.
    """
    history = [CLAIMS / "lakeside-ransomware.yaml", CLAIMS / "lakeside-extortion-again.yaml"]
    r = adjudicate_files(LAKESIDE, CLAIMS / "lakeside-privacy-suit.yaml", history)
    assert [x.payable for x in r.lines] == [D("440000.00"), D("173700.00"), D("0.00")]
    assert r.total_payable == D("613700.00")
    assert r.aggregate_remaining == D("0.00")
    assert r.lines[1].reasons[-1].startswith("aggregate: the aggregate limit of 1,000,000.00 had 173,700.00 left")
    assert [h[0] for h in r.history] == ["CLM-001", "CLM-003"]


def test_contingent_bi_waiting_period():
    """CLM-005: contingent BI, 72 h down at 800/h plus 2,000 extra expense.

    Step 3: claimed 800 x 72 + 2,000 = 59,600; covered 800 x (72 - 12) + 2,000 = 48,000 + 2,000 = 50,000
            (72 h is under the 60 d x 24 = 1,440 h cap).
    Step 4: retention 10,000 from contingent BI first -> 40,000; legal 3,000 untouched.
    Step 6: contingent BI sublimit 100,000 -> 40,000. Total 43,000; the waiting period reduced it: partially_paid.
    """
    r = adjudicate_files(LAKESIDE, CLAIMS / "lakeside-vendor-outage.yaml")
    assert figures(r, 0) == (D("59600.00"), D("50000.00"), D("10000.00"), D("0.00"), D("40000.00"))
    assert figures(r, 1) == (D("3000.00"), D("3000.00"), D("0.00"), D("0.00"), D("3000.00"))
    assert r.total_payable == D("43000.00")
    assert r.status == "partially_paid"


def test_largest_retention_among_parts_touched():
    """CLM-006: forensics (10,000), legal (10,000), social_engineering (own 25,000) -> one retention of 25,000,
    taken in order: forensics 8,000 (all of it), legal 4,000 (all), social engineering 25,000 - 12,000 = 13,000
    -> 60,000 - 13,000 = 47,000. Only the retention reduced it: status paid."""
    r = adjudicate_files(LAKESIDE, CLAIMS / "lakeside-funds-transfer.yaml")
    assert r.retention_applied == D("25000.00")
    assert [x.retention for x in r.lines] == [D("8000.00"), D("4000.00"), D("13000.00")]
    assert [x.payable for x in r.lines] == [D("0.00"), D("0.00"), D("47000.00")]
    assert r.status == "paid"


def test_tower_primary_and_excess_meet_without_gap_or_overlap():
    """A large group's ransomware claim to its primary ($5M, retention 50,000) and its excess (5M xs 5M).

    Covered after each step (same for both: follow form):
      forensics 650,000 - 50,000 retention = 600,000; legal 400,000; notification 1,800,000;
      BI 9,000 x (240 - 12) + 150,000 = 2,052,000 + 150,000 = 2,202,000 (claimed 9,000 x 240 + 150,000 = 2,310,000);
      extortion 2,500,000 capped by its 2,000,000 sublimit; regulatory 1,200,000; privacy 3,000,000.
    Cumulative: 600,000; 1,000,000; 2,800,000; 5,002,000; 7,002,000; 8,202,000; 11,202,000.
    Primary: aggregate 5,000,000 -> 600,000 + 400,000 + 1,800,000 + (5,000,000 - 2,800,000 = 2,200,000) + 0...
    Excess: the slice 5,000,000..10,000,000 -> BI 2,000; extortion 2,000,000; regulatory 1,200,000;
            privacy 10,000,000 - 8,202,000 = 1,798,000; total 5,000,000.
    """
    primary = adjudicate_files(POLICIES / "valley-primary-5m.yaml", CLAIMS / "valley-ransomware-primary.yaml")
    excess = adjudicate_files(POLICIES / "valley-excess-5x5.yaml", CLAIMS / "valley-ransomware-excess.yaml")
    assert [x.payable for x in primary.lines] == [D(v) for v in
                                                  ("600000.00", "400000.00", "1800000.00", "2200000.00", "0", "0", "0")]
    assert [x.payable for x in excess.lines] == [D(v) for v in
                                                 ("0", "0", "0", "2000.00", "2000000.00", "1200000.00", "1798000.00")]
    assert primary.total_payable == excess.total_payable == D("5000000.00")
    assert primary.lines[3].claimed == D("2310000.00") and primary.lines[3].covered == D("2202000.00")
    # together the tower pays 10,000,000 of the 11,202,000 covered after retention and sublimits
    assert primary.total_payable + excess.total_payable == D("10000000.00")


def test_late_discovery_on_the_issue_12_renewal():
    """CLM-101 on CRX-2027-0101 (retro 2025-01-01, 60 extended reporting days, backups warranty deny_caused).

    Retro: occurred 2026-11-20 >= 2025-01-01. Discovery: discovered 2027-01-10 in the period, reported 2027-01-11
    before 2028-03-01. Privacy suit: claims-made, made 2028-02-10 inside the extended reporting period (2028-01-01
    to 2028-03-01) for an incident before the period ended, reported 2028-02-15: met.
    Causation: offline_backups false in a ransomware incident denies data_restoration (35,000 -> 0).
    Order by incurred: legal 2027-01-10, forensics 01-11, (data_restoration 01-12, denied), notification 02-01,
    privacy 2028-02-10. Retention 10,000 on legal: 12,000 - 10,000 = 2,000; forensics 40,000; notification 18,000;
    privacy 150,000. Total 210,000 (the old 'occurred in the period' test denied it all).
    """
    r = adjudicate_files(POLICIES / "lakeside-renewal.yaml", CLAIMS / "lakeside-late-discovery.yaml")
    assert [x.payable for x in r.lines] == [D("40000.00"), D("0.00"), D("18000.00"), D("2000.00"), D("150000.00")]
    assert r.total_payable == D("210000.00") and r.status == "partially_paid"
    assert r.settlement_order == (3, 0, 1, 2, 4)
    assert r.lines[1].reasons[0].startswith("causation: offline_backups")
    assert r.lines[4].trigger.startswith("trigger: claims_made: the claim was first made 2028-02-10, inside the "
                                         "extended reporting period")
