"""Seeded results and the model version move together.

A checksum of a few small seeded runs (assessments with and without a policy, a quote's technical prices, an
Open FAIR run) is pinned to :data:`cyberrx.MODEL_VERSION`. A change that moves any seeded figure fails here
until the model version is bumped, the change is written in CHANGELOG.md and the new checksum recorded below.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import cyberrx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

#: model version -> checksum of :func:`seeded_figures`
PINNED = {
    "2026.12.1": "4705985b76e13b79c5e5252f0145c2899676ef1dead3af609b368e8d09d993e1",
    "2026.12.2": "ca712c9c2221299c013d703a63396a4715a101a746ff6b35c6db855248a9abeb",
    "2026.12.3": "079fc98d4dc9fff7f955e091b38dfd4ca58b9cb10b03e445025a7b7658fe30e8",
    "2026.12.4": "417a692807b87d2752b2a950cbf8d918c8c2ff4a94f5750b930e9d1428b3ad43",
}


def _strip(data: Any) -> Any:
    """``data`` without what does not come from the model: version strings, wall-clock timings."""
    if isinstance(data, dict):
        return {k: _strip(v) for k, v in data.items()
                if k not in {"engine_version", "reference_version", "versions", "timings_s"}}
    if isinstance(data, list):
        return [_strip(v) for v in data]
    return data


def seeded_figures() -> dict[str, Any]:
    profiles = {name: cyberrx.load_profile(EXAMPLES / f"{name}.yaml")
                for name in ("solo-therapy-office", "lakeside-family-medicine", "valley-multispecialty-group")}
    policy = cyberrx.load_policy(EXAMPLES / "policies" / "lakeside-primary.yaml")
    out: dict[str, Any] = {}
    for name, profile in profiles.items():
        out[f"assess/{name}"] = cyberrx.assess(profile, trials=20_000, seed=1).to_dict()
    out["assess/lakeside+policy"] = cyberrx.assess(profiles["lakeside-family-medicine"], trials=20_000, seed=1,
                                                   policy=policy).to_dict()
    q = cyberrx.quote(profiles["lakeside-family-medicine"], limits=[1_000_000], retentions=[10_000])
    out["quote/lakeside"] = [o.technical.to_dict() for o in q.options]
    fair = cyberrx.load_fair_model(EXAMPLES / "fair" / "ransomware_small_practice.json")
    out["fair"] = cyberrx.run_fair(fair, simulations=20_000, seed=1).to_dict()
    return _strip(out)


def checksum() -> str:
    text = json.dumps(seeded_figures(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_seeded_results_match_the_model_version():
    got = checksum()
    assert cyberrx.MODEL_VERSION in PINNED, f"record the checksum of model {cyberrx.MODEL_VERSION}: {got}"
    assert got == PINNED[cyberrx.MODEL_VERSION], (
        f"seeded results changed (checksum {got}) but MODEL_VERSION is still {cyberrx.MODEL_VERSION}: bump it in "
        "src/cyberrx/__init__.py, say what changed in CHANGELOG.md and pin the new checksum in this file")


def test_every_result_carries_the_model_version():
    a = cyberrx.assess(cyberrx.load_profile(EXAMPLES / "solo-therapy-office.yaml"), trials=2_000, seed=1)
    assert a.engine_version == cyberrx.MODEL_VERSION == cyberrx.ENGINE_VERSION
    fair = cyberrx.load_fair_model(EXAMPLES / "fair" / "ransomware_small_practice.json")
    assert cyberrx.run_fair(fair, simulations=2_000, seed=1).engine_version == cyberrx.MODEL_VERSION


def test_the_changelog_names_the_model_version():
    assert f"model {cyberrx.MODEL_VERSION}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
