"""Derive the rate manual's tables from the current loss model and write them into rate_manual.yaml.

Usage: scripts/derive-rate-manual [--check] [--trials N]
  Re-run after any change to src/cyberrx/reference/data/loss_model.yaml, then run
  tests/underwriting/test_uw_adequacy.py (rate adequacy 0.8-1.25 on the shipped examples).
  --check  exits 1 (and writes nothing) if the file's derived block is not what the loss model gives today.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import yaml

from cyberrx.reference import load_loss_model
from cyberrx.underwriting.derive import BEGIN, derive_tables, render_block, replace_block
from cyberrx.underwriting.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]

MANUAL = ROOT / "src" / "cyberrx" / "reference" / "data" / "rate_manual.yaml"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--trials", type=int, default=None)
    args = ap.parse_args()
    text = MANUAL.read_text(encoding="utf-8")
    manual = yaml.safe_load(text)
    loss = load_loss_model()
    tables = derive_tables(manual, loss.tables, load_rules().segments, trials=args.trials)
    today = date.today()
    if args.check:
        old = (manual.get("derived") or {})
        today = date.fromisoformat(str(old.get("date", today.isoformat())))
    block = render_block(tables, loss.version, "scripts/derive-rate-manual", today)
    new = replace_block(text, block)
    if args.check:
        same = text[text.find(BEGIN):] == new[new.find(BEGIN):]
        print("rate manual is up to date with loss model " + loss.version if same else
              "rate manual differs from what loss model " + loss.version + " gives: run scripts/derive-rate-manual")
        return 0 if same else 1
    MANUAL.write_text(new, encoding="utf-8")
    print(f"wrote {MANUAL.relative_to(ROOT)}: derived from loss model {loss.version}")
    for line in tables["adjustments"]:
        print("  adjusted:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
