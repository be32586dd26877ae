"""An Open FAIR model as the ``pyfair`` package writes it (``FairModel.to_json``, pyfair 0.1a13).

The document is a JSON object with the model's metadata and one entry per supplied FAIR node::

    {
      "Loss Event Frequency": {"low": 20, "mode": 100, "high": 900, "gamma": 4},
      "Primary Loss": {"constant": 3500000},
      "Secondary Loss Event Frequency": {"mean": 0.2, "stdev": 0.05},
      "multi_Secondary Loss": {"Reputation": {"Secondary Loss Event Frequency": {"constant": 0.3},
                                              "Secondary Loss Event Magnitude": {"low": 1, "mode": 2, "high": 9}}},
      "name": "Data loss", "n_simulations": 10000, "random_seed": 42,
      "model_uuid": "...", "type": "FairModel", "creation_date": "2026-11-23 10:00:00.000000"
    }

Node inputs, as pyfair accepts them (one family per node; pyfair refuses mixed keywords):

* ``{"constant": c}``;
* ``{"low": a, "mode": m, "high": b, "gamma": g}`` - a PERT (``gamma`` defaults to 4, as in pyfair);
* ``{"mean": mu, "stdev": sd}`` - a normal, clipped (not truncated) at the node's bounds;
* ``{"raw": [x1, ..., xn]}`` - one value per simulation (``n`` must equal the simulations run);
* cyberrx extension, not readable by pyfair: ``{"distribution": "lognormal", "mean": m, "stdev": s}``,
  the mean and standard deviation of the (positive) quantity itself.

Nodes may be named in full (``"Threat Event Frequency"``) or by pyfair's abbreviations (``"TEF"``, ``"tef"``).
``multi_<node>`` entries (pyfair's ``input_multi_data``) give a node as a sum over named items of the product
of the item's inputs. Bounds follow pyfair: values >= 0; the probabilities ``Probability of Action``,
``Vulnerability``, ``Control Strength`` and ``Threat Capability`` in ``[0, 1]``.

Units: frequencies ``per_year``; magnitudes ``usd``; probabilities are shares in ``[0, 1]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from cyberrx.domain.parsing import load_model, parse_model
from cyberrx.errors import InvalidInput

#: the FAIR nodes, in pyfair's order (root first)
NODE_NAMES: tuple[str, ...] = (
    "Risk",
    "Loss Event Frequency",
    "Threat Event Frequency",
    "Vulnerability",
    "Contact Frequency",
    "Probability of Action",
    "Threat Capability",
    "Control Strength",
    "Loss Magnitude",
    "Primary Loss",
    "Secondary Loss",
    "Secondary Loss Event Frequency",
    "Secondary Loss Event Magnitude",
)

#: pyfair's abbreviations (``FairModel._target_map``)
ABBREVIATIONS: dict[str, str] = {
    "LEF": "Loss Event Frequency",
    "TEF": "Threat Event Frequency",
    "V": "Vulnerability",
    "C": "Contact Frequency",
    "A": "Probability of Action",
    "TC": "Threat Capability",
    "CS": "Control Strength",
    "LM": "Loss Magnitude",
    "PL": "Primary Loss",
    "SL": "Secondary Loss",
    "SLEF": "Secondary Loss Event Frequency",
    "SLEM": "Secondary Loss Event Magnitude",
}

#: nodes that are probabilities: inputs in [0, 1], draws clipped to [0, 1]
PROBABILITY_NODES: frozenset[str] = frozenset(
    {"Probability of Action", "Vulnerability", "Control Strength", "Threat Capability"}
)

#: how each calculated node is made from its two children (pyfair's FairDependencyTree)
CHILDREN: dict[str, tuple[str, str]] = {
    "Risk": ("Loss Event Frequency", "Loss Magnitude"),
    "Loss Event Frequency": ("Threat Event Frequency", "Vulnerability"),
    "Threat Event Frequency": ("Contact Frequency", "Probability of Action"),
    "Vulnerability": ("Control Strength", "Threat Capability"),
    "Loss Magnitude": ("Primary Loss", "Secondary Loss"),
    "Secondary Loss": ("Secondary Loss Event Frequency", "Secondary Loss Event Magnitude"),
}

def _bad(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as is (no 'Value error, ' prefix)."""
    return PydanticCustomError("fair_model", message)


_PERT_KEYS = ("low", "mode", "high", "gamma")
_NORMAL_KEYS = ("mean", "stdev")
_NONNEGATIVE = ("constant", "low", "mode", "high", "mean")  # pyfair refuses these below zero
_LE_1 = ("constant", "low", "mode", "high", "mean")  # ... and these above one on probability nodes

Kind = Literal["constant", "pert", "normal", "lognormal", "raw"]
Number = Annotated[float, Field(allow_inf_nan=False)]


class FairInput(BaseModel):
    """One node's input: exactly one of the families listed in the module docstring."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    constant: Number | None = None
    low: Number | None = None
    mode: Number | None = None
    high: Number | None = None
    gamma: Number | None = None
    mean: Number | None = None
    stdev: Number | None = None
    raw: list[Number] | None = None
    distribution: Literal["lognormal"] | None = None

    @model_validator(mode="after")
    def _one_family(self) -> FairInput:
        given = {k for k in type(self).model_fields if getattr(self, k) is not None}
        families = {
            "constant": {"constant"} & given,
            "pert": set(_PERT_KEYS) & given,
            "normal": set(_NORMAL_KEYS) & given,
            "raw": {"raw"} & given,
        }
        present = [name for name, keys in families.items() if keys]
        if not present:
            raise _bad("give constant; or low, mode, high (and gamma); or mean, stdev; or raw")
        if len(present) > 1:
            raise _bad(f"mixes the keywords of {' and '.join(present)} inputs ({', '.join(sorted(given))})")
        kind = present[0]
        if self.distribution is not None and kind != "normal":
            raise _bad("distribution 'lognormal' takes mean and stdev")
        required = {"pert": ("low", "mode", "high"), "normal": _NORMAL_KEYS}.get(kind, ())
        missing = [k for k in required if getattr(self, k) is None]
        if missing:
            raise _bad(f"missing {', '.join(missing)}")
        for key in _NONNEGATIVE:
            value = getattr(self, key)
            if value is not None and value < 0:
                raise _bad(f"{key} is less than zero")
        if kind == "pert":
            assert self.low is not None and self.mode is not None and self.high is not None
            if not self.low <= self.mode <= self.high:
                raise _bad("PERT needs low <= mode <= high")
            if not self.low < self.high:
                raise _bad("PERT needs low < high")
            if self.gamma is not None and not self.gamma > 0:
                raise _bad("PERT gamma must be > 0")
        if self.stdev is not None and self.stdev < 0:
            raise _bad("stdev is less than zero")
        if self.distribution == "lognormal" and not (self.mean or 0) > 0:
            raise _bad("a lognormal needs mean > 0")
        if kind == "raw" and not self.raw:
            raise _bad("raw needs at least one value")
        return self

    @property
    def kind(self) -> Kind:
        """Which family this input is."""
        if self.constant is not None:
            return "constant"
        if self.raw is not None:
            return "raw"
        if self.low is not None:
            return "pert"
        return "lognormal" if self.distribution == "lognormal" else "normal"

    @property
    def pert_gamma(self) -> float:
        """PERT shape; pyfair records 4 when none was given."""
        return 4.0 if self.gamma is None else self.gamma

    def check_probability(self) -> None:
        """Raise a validation error unless the input lies in [0, 1] (for probability nodes)."""
        for key in _LE_1:
            value = getattr(self, key)
            if value is not None and not 0.0 <= value <= 1.0:
                raise _bad(f"{key} must be between zero and one for a probability")
        if self.raw is not None and not all(0.0 <= x <= 1.0 for x in self.raw):
            raise _bad("raw values must be between zero and one for a probability")


MultiInput = dict[str, dict[str, FairInput]]


def _field(name: str) -> str:
    return name.lower().replace(" ", "_")


def _aliases(name: str) -> AliasChoices:
    short = [a for a, full in ABBREVIATIONS.items() if full == name]
    return AliasChoices(name, *short, *(s.lower() for s in short))


_NODE_FIELDS = {
    _field(n): (FairInput | None, Field(None, validation_alias=_aliases(n), serialization_alias=n))
    for n in NODE_NAMES
}
_MULTI_FIELDS = {
    "multi_" + _field(n): (MultiInput | None, Field(None, alias="multi_" + n)) for n in NODE_NAMES
}


class _FairDocumentBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(min_length=1)
    n_simulations: int = Field(10_000, ge=1)
    random_seed: int = Field(42, ge=0)
    model_uuid: str | None = None
    type: Literal["FairModel"] = "FairModel"
    creation_date: str | None = None


def _build_document_class() -> type[_FairDocumentBase]:
    from pydantic import create_model

    fields: dict[str, Any] = {**_NODE_FIELDS, **_MULTI_FIELDS}
    return create_model("FairModelDocument", __base__=_FairDocumentBase, **fields)


_Generated = _build_document_class()


class FairModelDocument(_Generated):  # type: ignore[valid-type,misc]
    """A pyfair model document, validated; see the module docstring for the format.

    Node inputs are attributes named in snake case (``threat_event_frequency``); :meth:`inputs` and
    :meth:`multi_inputs` give them keyed by the FAIR node name.
    """

    @field_validator(*(_field(n) for n in PROBABILITY_NODES))
    @classmethod
    def _probabilities_in_unit_interval(cls, value: FairInput | None) -> FairInput | None:
        if value is not None:
            value.check_probability()
        return value

    @model_validator(mode="after")
    def _single_or_multi(self) -> FairModelDocument:
        for n in NODE_NAMES:
            if getattr(self, _field(n)) is not None and getattr(self, "multi_" + _field(n)) is not None:
                raise _bad(f"give either '{n}' or 'multi_{n}', not both")
            multi = getattr(self, "multi_" + _field(n))
            if multi is not None:
                if not multi or any(not cols for cols in multi.values()):
                    raise _bad(f"'multi_{n}' needs at least one item, each with at least one input")
                for item, cols in multi.items():
                    for col, spec in cols.items():
                        if spec.kind == "raw":
                            raise _bad(f"'multi_{n}.{item}.{col}': raw inputs are not accepted in multi")
        return self

    def inputs(self) -> dict[str, FairInput]:
        """The supplied single inputs, by node name, in :data:`NODE_NAMES` order."""
        return {n: v for n in NODE_NAMES if (v := getattr(self, _field(n))) is not None}

    def multi_inputs(self) -> dict[str, MultiInput]:
        """The supplied ``multi_`` inputs, by node name (item -> column -> input)."""
        return {n: v for n in NODE_NAMES if (v := getattr(self, "multi_" + _field(n))) is not None}

    def supplied(self) -> frozenset[str]:
        """Names of every node given directly (single or multi)."""
        return frozenset(self.inputs()) | frozenset(self.multi_inputs())

    def missing(self) -> str | None:
        """The first node pyfair would still call 'Required' (None when the model can be calculated)."""
        return _first_missing("Risk", self.supplied())


def _first_missing(node: str, supplied: frozenset[str]) -> str | None:
    if node in supplied:
        return None
    if node not in CHILDREN:
        return node
    for child in CHILDREN[node]:
        gap = _first_missing(child, supplied)
        if gap is not None:
            return gap
    return None


def _missing_message(gap: str) -> str:
    parents = [p for p, kids in CHILDREN.items() if gap in kids]
    how = f" (or '{parents[0]}' directly)" if parents else ""
    return f"the model cannot be calculated: supply this node{how}"


def check_complete(doc: FairModelDocument, source: str | None = None) -> FairModelDocument:
    """Return ``doc`` if Risk can be calculated from what it supplies; else InvalidInput naming the gap."""
    gap = doc.missing()
    if gap is not None:
        raise InvalidInput(_missing_message(gap), field=gap, source=source)
    return doc


def parse_fair_model(data: Any, source: str | None = None) -> FairModelDocument:
    """Validate a decoded pyfair JSON document; one InvalidInput naming the field on failure."""
    return check_complete(parse_model(FairModelDocument, data, source=source), source)


def load_fair_model(path: str | Path) -> FairModelDocument:
    """Read and validate a pyfair model file (JSON, or the same structure in YAML)."""
    return check_complete(load_model(FairModelDocument, path), str(path))


__all__ = [
    "ABBREVIATIONS",
    "CHILDREN",
    "NODE_NAMES",
    "PROBABILITY_NODES",
    "FairInput",
    "FairModelDocument",
    "check_complete",
    "load_fair_model",
    "parse_fair_model",
]
