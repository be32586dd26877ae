"""Open Exposure Data (OED) cyber accounts: import to policy terms, export from them, and OED's financial terms
applied to one occurrence's ground-up losses.

OED (OasisLMF/ODS_OpenExposureData, ``OEDInputFields.csv`` and ``CoverageValues.csv``) writes a cyber policy
as one row of an account file per policy layer; there is no location file for cyber. Its nine cyber coverages
and the cyberrx parts each becomes:

=======  ==  ===========================================  ==========================================
code     id  OED's meaning                                cyberrx parts
=======  ==  ===========================================  ==========================================
NPBI     7   business interruption (non-property)         business_interruption
CBI      8   contingent business interruption             contingent_bi
DIAS     9   digital assets (data, software recovery)     data_restoration
EXT      10  extortion                                    extortion
FIN      11  financial fraud (theft of funds)             social_engineering
INRE     12  incident response (forensics, notification,  forensics, legal, notification,
             public relations, monitoring)                public_relations
LIA      13  third-party cyber liability                  privacy_liability
REG      14  regulatory fines and proceedings             regulatory
ENO      15  errors and omissions                         errors_and_omissions
=======  ==  ===========================================  ==========================================

``betterment`` has no OED coverage. INRE's one deductible and limit become each incident-response part's own.

Financial fields and their terms (OED's structure as Oasis's financial module applies it, per occurrence):

1. coverage: each coverage's loss less ``PolDed{code}``, at most ``PolLimit{code}`` (0 or blank: no limit)
   (:func:`~cyberrx.engine.terms.apply_deductible`; terms ``coverages.<part>.deductible`` and ``limit``);
2. policy: the coverages' sum less ``PolDed`` (``apply_deductible`` again: stacked; terms ``retention``);
3. layer: ``LayerParticipation`` x the slice of that between ``LayerAttachment`` and ``LayerAttachment +
   LayerLimit`` (:func:`~cyberrx.engine.terms.apply_layer`), at most ``LayerParticipation x LayerAggLimit``
   (terms ``layer`` and ``aggregate_limit``);
4. back-allocation of the layer's payout to the coverages pro rata to their step-1 losses
   (:func:`~cyberrx.engine.terms.allocate_pro_rata`, each rounded to the cent; terms ``layer.allocation:
   pro_rata``). The total is the sum of the rounded coverages, as Oasis reports it.

Choices, each needed to reproduce the Oasis validation case or because cyberrx's terms say it differently:

- Every OED cyber coverage is insured, whatever ``PolCoverage`` lists (it is kept as written): Oasis's
  validation account lists ``BI;CBI;DIAS;FIN`` and its financial module pays all nine coverages.
- ``PolExpiryDate`` is the policy's last day; cyberrx's period ends the day after.
- A cyberrx policy needs an aggregate limit: ``LayerParticipation x LayerAggLimit``, else ``x LayerLimit`` (the
  most the layer pays on one occurrence), rounded up to the cent; a coverage without ``PolLimit{code}`` takes
  that as its sublimit. ``LayerLimit`` must therefore be given (OED reads 0 as no limit).
- cyberrx applies its terms per claim and erodes limits through the period, with the retention before the
  sublimits; OED's coverage limits come before ``PolDed``. The two agree for one occurrence whose coverage
  limits do not bind (the validation case); ``oed apply`` uses OED's order.
- Not supported (refused with the field named): a currency other than USD, ``PolSIR`` and
  ``LayerAggAttachment`` above zero.
- ``BIWaitingPeriod`` and ``BIPOI`` (days) become the BI parts' waiting period (hours) and period of
  restoration; ``oed apply`` takes dollar losses, so they do not enter it (nor Oasis's financial module).

Every field of the row that is not blank is kept, as written, in the terms' ``oed`` block; an export writes it
back and overwrites only the financial fields whose terms were changed since (blank fields are left blank: OED
reads a blank optional field as its default).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np

from cyberrx.domain.policy import PolicyTerms, parse_policy
from cyberrx.domain.results import Result, UsdExact
from cyberrx.engine.terms import CENT, allocate_pro_rata, apply_deductible, apply_layer, to_cents
from cyberrx.errors import CyberRxError, InvalidInput
from cyberrx.vocab import BI_PARTS, CoveragePart

P = CoveragePart

#: OED cyber coverage code -> (OED coverage type id, the cyberrx parts it becomes)
COVERAGES: dict[str, tuple[int, tuple[CoveragePart, ...]]] = {
    "NPBI": (7, (P.BUSINESS_INTERRUPTION,)),
    "CBI": (8, (P.CONTINGENT_BI,)),
    "DIAS": (9, (P.DATA_RESTORATION,)),
    "EXT": (10, (P.EXTORTION,)),
    "FIN": (11, (P.SOCIAL_ENGINEERING,)),
    "INRE": (12, (P.FORENSICS, P.LEGAL, P.NOTIFICATION, P.PUBLIC_RELATIONS)),
    "LIA": (13, (P.PRIVACY_LIABILITY,)),
    "REG": (14, (P.REGULATORY,)),
    "ENO": (15, (P.ERRORS_AND_OMISSIONS,)),
}
CODES: tuple[str, ...] = tuple(COVERAGES)
CODE_OF_PART: dict[CoveragePart, str] = {p: code for code, (_, parts) in COVERAGES.items() for p in parts}
#: what ``PolCoverage`` may list: the codes, ``BI`` (OED's own examples write it for NPBI) and ``CYB`` (all)
POL_COVERAGE_CODES = frozenset(CODES) | {"BI", "CYB"}

#: most policy layers in one account file, and most rows in a ground-up loss file (inputs that size work)
MAX_ROWS = 10_000
MAX_LOSS_ROWS = 100

REQUIRED = ("PortNumber", "AccNumber", "AccCurrency", "PolNumber", "PolInceptionDate", "PolExpiryDate",
            "InsuredName")
MONEY_FIELDS = ("PolDed", "LayerAttachment", "LayerLimit", "LayerAggLimit", "LayerAggAttachment", "PolSIR",
                *(f"Pol{kind}{code}" for code in CODES for kind in ("Ded", "Limit")))
#: fields the policy terms carry: an export rewrites them from the terms where the terms changed
#: the columns an export always writes, in OED's order, before any other column the policy was imported with
EXPORT_COLUMNS = ("PortNumber", "AccNumber", "AccCurrency", "PolNumber", "PolInceptionDate", "PolExpiryDate",
                  "PolPerilsCovered", "LayerNumber", "LayerParticipation", "LayerLimit", "LayerAttachment", "PolDed",
                  "LayerAggLimit", *(f"Pol{kind}{code}" for code in CODES for kind in ("Limit", "Ded")),
                  "PolCoverage", "BIWaitingPeriod", "BIPOI", "InsuredName")


# ---- reading an account ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One problem in an input file: the line (1 is the header), the field, what is wrong and what is allowed."""

    line: int
    field: str
    message: str
    allowed: str = ""

    def __str__(self) -> str:
        allowed = f" (allowed: {self.allowed})" if self.allowed else ""
        return f"line {self.line}, {self.field}: {self.message}{allowed}"


def problems_error(problems: Sequence[Problem], source: str | None, what: str) -> InvalidInput:
    """One :class:`InvalidInput` listing every problem, one a line."""
    head = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the {what}"
    return InvalidInput(head + ":\n" + "\n".join(f"  {p}" for p in problems), source=source)


@dataclass(frozen=True)
class OedPolicy:
    """One row of an OED cyber account (a policy layer), its financial fields read and checked.

    Money is usd ``Decimal``; a limit of ``None`` is no limit (OED's 0 or blank). ``fields`` is every column as
    written (names stripped of spaces). ``line`` is the row's line in its file.
    """

    line: int
    fields: dict[str, str]
    inception: date
    expiry: date
    deductible: Decimal
    coverage_deductible: dict[str, Decimal]
    coverage_limit: dict[str, Decimal | None]
    attachment: Decimal
    limit: Decimal
    participation: Decimal
    aggregate_limit: Decimal | None
    bi_waiting_days: Decimal | None
    bi_period_days: Decimal | None

    @property
    def account(self) -> str:
        return self.fields["AccNumber"]

    @property
    def policy(self) -> str:
        return self.fields["PolNumber"]

    @property
    def layer_number(self) -> str:
        return self.fields.get("LayerNumber", "").strip() or "1"


@dataclass
class _Row:
    """Reads one row's fields, collecting problems instead of stopping at the first."""

    line: int
    fields: Mapping[str, str]
    problems: list[Problem] = field(default_factory=list)

    def text(self, name: str) -> str:
        return (self.fields.get(name) or "").strip()

    def bad(self, name: str, message: str, allowed: str = "") -> None:
        self.problems.append(Problem(self.line, name, message, allowed))

    def number(self, name: str, *, default: Decimal | None, cents: bool, upper: Decimal | None = None
               ) -> Decimal | None:
        raw = self.text(name)
        if not raw:
            return default
        allowed = "a number of usd >= 0, at most 2 decimals" if cents else \
            (f"a number from 0 to {upper}" if upper is not None else "a number >= 0")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.bad(name, f"{raw!r} is not a number", allowed)
            return default
        if not value.is_finite() or value < 0 or (upper is not None and value > upper) \
                or (cents and value != value.quantize(CENT)):
            self.bad(name, f"{raw} is out of range", allowed)
            return default
        return value

    def day(self, name: str) -> date | None:
        raw = self.text(name)
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.bad(name, f"{raw!r} is not a date" if raw else "is required", "YYYY-MM-DD")
            return None


def _read_row(line: int, fields: dict[str, str]) -> tuple[OedPolicy | None, list[Problem]]:
    row = _Row(line, fields)
    for name in REQUIRED:
        if not row.text(name):
            row.bad(name, "is required", "a value")
    for name in ("AccCurrency", "LimitCurrency", "DedCurrency", "AnnualRevenueCurrency"):
        if row.text(name) and row.text(name) != "USD":
            row.bad(name, f"{row.text(name)!r}: cyberrx terms are in US dollars", "USD")
    money = {name: row.number(name, default=Decimal(0), cents=True) or Decimal(0) for name in MONEY_FIELDS}
    participation = row.number("LayerParticipation", default=Decimal(1), cents=False, upper=Decimal(1))
    waiting = row.number("BIWaitingPeriod", default=None, cents=False)
    period = row.number("BIPOI", default=None, cents=False, upper=Decimal(3650))
    for name in ("PolSIR", "LayerAggAttachment"):
        if money[name] > 0:
            row.bad(name, "is not supported by cyberrx terms", "0 or blank")
    if money["LayerLimit"] == 0 and not any(p.field == "LayerLimit" for p in row.problems):
        row.bad("LayerLimit", "is required: OED reads 0 or blank as no limit, and a cyberrx policy needs one",
                "a number of usd > 0")
    codes = [c.strip() for c in row.text("PolCoverage").split(";") if c.strip()]
    unknown = [c for c in codes if c not in POL_COVERAGE_CODES]
    if unknown:
        row.bad("PolCoverage", f"unknown coverage code {', '.join(unknown)}",
                "; separated OED cyber codes: " + ", ".join(sorted(POL_COVERAGE_CODES)))
    inception, expiry = row.day("PolInceptionDate"), row.day("PolExpiryDate")
    if inception and expiry and expiry < inception:
        row.bad("PolExpiryDate", f"{expiry} is before the inception date {inception}",
                f"a date on or after {inception}")
    if row.problems or inception is None or expiry is None or participation is None:
        return None, row.problems
    return OedPolicy(
        line=line, fields=dict(fields), inception=inception, expiry=expiry, deductible=money["PolDed"],
        coverage_deductible={c: money[f"PolDed{c}"] for c in CODES},
        coverage_limit={c: money[f"PolLimit{c}"] or None for c in CODES},
        attachment=money["LayerAttachment"], limit=money["LayerLimit"], participation=participation,
        aggregate_limit=money["LayerAggLimit"] or None, bi_waiting_days=waiting, bi_period_days=period,
    ), []


def parse_account(text: str, source: str | None = None) -> list[OedPolicy]:
    """Every row of an OED cyber account file (CSV text), read and checked.

    Raises one :class:`InvalidInput` listing every problem (line, field, what is allowed) when any row has one.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in next(reader, [])]
    problems: list[Problem] = []
    if not header or not any(header):
        raise problems_error([Problem(1, "header", "the file is empty", "an OED account file")], source,
                             "OED account")
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if dupes:
        problems.append(Problem(1, ", ".join(dupes), "column given twice", "each column once"))
    policies: list[OedPolicy] = []
    seen: dict[tuple[str, str, str], int] = {}
    for index, values in enumerate(reader):
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if index >= MAX_ROWS:
            problems.append(Problem(line, "rows", f"more than {MAX_ROWS:,} policy layers", f"at most {MAX_ROWS:,}"))
            break
        if len(values) != len(header):
            problems.append(Problem(line, "columns", f"{len(values)} values for {len(header)} columns",
                                    f"{len(header)} values, one per column"))
            continue
        policy, found = _read_row(line, dict(zip(header, values, strict=True)))
        problems += found
        if policy is None:
            continue
        key = (policy.account, policy.policy, policy.layer_number)
        if key in seen:
            problems.append(Problem(line, "LayerNumber", f"account {key[0]} policy {key[1]} layer {key[2]} is "
                                    f"also on line {seen[key]}", "each policy layer once"))
            continue
        seen[key] = line
        policies.append(policy)
    if not policies and not problems:
        problems.append(Problem(2, "rows", "no policy in the file", "one row per policy layer"))
    if problems:
        raise problems_error(problems, source, "OED account")
    return policies


def load_account(path: str | Path) -> list[OedPolicy]:
    """Read an OED cyber account file (:func:`parse_account`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the OED account: {exc}", source=str(path)) from None
    return parse_account(text, str(path))


# ---- to and from policy terms ------------------------------------------------------------------------------
def _ceil_cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_CEILING)


def _plain(x: Decimal) -> int | float:
    """A Decimal for a YAML document: a whole number as an int, else a float (read back through its repr, so
    exactly: amounts are whole cents, shares a few digits)."""
    return int(x) if x == x.to_integral_value() else float(x)


def _text(x: Decimal) -> str:
    """A Decimal for a CSV field: its plain digits, no exponent, no trailing zeros."""
    return str(int(x)) if x == x.to_integral_value() else format(x.normalize(), "f")


def policy_document(oed: OedPolicy) -> dict[str, Any]:
    """The policy-terms document (the mapping ``cyberrx claim adjudicate`` reads) of one OED policy layer."""
    aggregate = _ceil_cents(oed.participation * (oed.aggregate_limit or oed.limit))
    coverages: dict[str, dict[str, Any]] = {}
    for code, (_, parts) in COVERAGES.items():
        limit = oed.coverage_limit[code]
        for part in parts:
            terms: dict[str, Any] = {"limit": _plain(aggregate if limit is None else limit)}
            if oed.coverage_deductible[code] > 0:
                terms["deductible"] = _plain(oed.coverage_deductible[code])
            if part in BI_PARTS and oed.bi_waiting_days is not None:
                terms["waiting_period_hours"] = _plain(oed.bi_waiting_days * 24)
            if part in BI_PARTS and oed.bi_period_days is not None:
                terms["max_period_days"] = _plain(oed.bi_period_days)
            coverages[part.value] = terms
    return {
        "policy_number": oed.policy,
        "insured": oed.fields["InsuredName"],
        "period": {"start": oed.inception.isoformat(), "end": (oed.expiry + timedelta(days=1)).isoformat()},
        "aggregate_limit": _plain(aggregate),
        "retention": _plain(oed.deductible),
        "coverages": coverages,
        "layer": {"attachment": _plain(oed.attachment), "limit": _plain(oed.limit),
                  "participation": _plain(oed.participation), "allocation": "pro_rata"},
        "oed": {k: v for k, v in oed.fields.items() if v.strip()},
    }


def to_policy(oed: OedPolicy) -> PolicyTerms:
    """The cyberrx policy terms of one OED policy layer."""
    return parse_policy(policy_document(oed), source=f"line {oed.line}")


def import_account(policies: Iterable[OedPolicy]) -> list[tuple[str, PolicyTerms]]:
    """``(file name, terms)`` for each policy layer: ``ACC-POL.yaml``, ``ACC-POL-L2.yaml`` for layer 2 on."""
    out = []
    for oed in policies:
        name = f"{oed.account}-{oed.policy}" + ("" if oed.layer_number == "1" else f"-L{oed.layer_number}")
        out.append(("".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) + ".yaml", to_policy(oed)))
    return out


def _layer_aggregate(aggregate_limit: Decimal, participation: Decimal) -> Decimal | None:
    """The whole-cent 100% ``LayerAggLimit`` that gives ``aggregate_limit`` at ``participation`` (import rounds
    the share up to the cent), or None where none does."""
    if participation == 0:
        return None
    low = (aggregate_limit / participation).quantize(CENT, rounding=ROUND_FLOOR)
    for candidate in (low, low + CENT):
        if _ceil_cents(participation * candidate) == aggregate_limit:
            return candidate
    return None


def _derived_fields(policy: PolicyTerms) -> tuple[dict[str, str], list[str]]:
    """The financial OED fields the terms say, and what the terms carry that OED cannot (one note each)."""
    notes: list[str] = []
    if len(policy.policy_number) > 20:
        notes.append("PolNumber: longer than the 20 characters of OED's field (written whole)")
    out: dict[str, str] = {"PolNumber": policy.policy_number, "InsuredName": policy.insured,
                           "PolInceptionDate": policy.period.start.isoformat(),
                           "PolExpiryDate": (policy.period.end - timedelta(days=1)).isoformat(),
                           "PolDed": _text(policy.retention)}
    layer = policy.layer
    participation = layer.participation if layer is not None else Decimal(1)
    out["LayerParticipation"] = _text(participation)
    out["LayerAttachment"] = _text(layer.attachment if layer is not None else Decimal(0))
    layer_limit = layer.limit if layer is not None else policy.aggregate_limit
    out["LayerLimit"] = _text(layer_limit)
    aggregate = ""
    if policy.aggregate_limit != _ceil_cents(participation * layer_limit):
        found = _layer_aggregate(policy.aggregate_limit, participation)
        if found is None:
            notes.append(f"aggregate_limit {policy.aggregate_limit}: no LayerAggLimit in whole cents gives it at "
                         f"participation {participation} (not written)")
        else:
            aggregate = _text(found)
    out["LayerAggLimit"] = aggregate
    if layer is not None and layer.allocation != "pro_rata":
        notes.append("layer.allocation in_order: OED back-allocates a layer pro rata")
    policy_limit = policy.aggregate_limit
    waiting = period = ""
    listed: list[str] = []
    bi_terms: list[tuple[CoveragePart, Any]] = []
    for code, (_, parts) in COVERAGES.items():
        covered = [p for p in parts if policy.covers(p)]
        terms = [policy.coverages[p] for p in covered]
        if not terms:
            out[f"PolLimit{code}"] = out[f"PolDed{code}"] = ""
            notes.append(f"{code}: not covered; left out of PolCoverage, but Oasis's financial module (and cyberrx's "
                         "import) insures every coverage with a loss")
            continue
        listed.append(code)
        limits = {t.limit for t in terms}
        deductibles = {t.deductible or Decimal(0) for t in terms}
        if len(limits) > 1 or len(deductibles) > 1 or len(covered) < len(parts):
            notes.append(f"{code}: OED has one {code} coverage for {', '.join(p.value for p in parts)}; written the "
                         f"largest limit and the smallest deductible of those covered")
        limit = max(limits)
        out[f"PolLimit{code}"] = "" if limit == policy_limit else _text(limit)
        deductible = min(deductibles)
        out[f"PolDed{code}"] = _text(deductible) if deductible else ""
        bi_terms += [(part, t) for part, t in zip(covered, terms, strict=True) if part in BI_PARTS]
    waiting_hours = {t.waiting_period_hours for _, t in bi_terms}
    periods = {t.max_period_days for _, t in bi_terms}
    if len(waiting_hours) > 1 or len(periods) > 1:
        notes.append("BIWaitingPeriod, BIPOI: OED has one of each for both BI parts; "
                     + ", ".join(f"{p.value} {t.waiting_period_hours or 0} h, {t.max_period_days or 'no'} days"
                                 for p, t in bi_terms) + f"; written {bi_terms[0][0].value}'s")
    if bi_terms and bi_terms[0][1].waiting_period_hours is not None:
        hours = bi_terms[0][1].waiting_period_hours
        days = (hours / 24).quantize(Decimal("0.000001")).normalize()
        waiting = _text(days)
        if days * 24 != hours:
            notes.append(f"BIWaitingPeriod: {hours} h is not a whole number of millionths of a day; written "
                         f"{waiting} days")
    if bi_terms and bi_terms[0][1].max_period_days is not None:
        period = _text(bi_terms[0][1].max_period_days)
    out["BIWaitingPeriod"], out["BIPOI"] = waiting, period
    out["PolCoverage"] = "CYB" if len(listed) == len(CODES) else ";".join(listed)
    dropped = [p.value for p in policy.coverages if p not in CODE_OF_PART]
    if dropped:
        notes.append(f"{', '.join(dropped)}: no OED coverage (not written)")
    for name, value in (("conditions", policy.conditions), ("exclusions", policy.exclusions),
                        ("retroactive_date", policy.retroactive_date),
                        ("extended_reporting_days", policy.extended_reporting_days)):
        if value:
            notes.append(f"{name}: OED has no field for it (not written)")
    for part, t in policy.coverages.items():
        for name in ("retention", "trigger", "waiting_period_form"):
            if getattr(t, name) is not None:
                notes.append(f"coverages.{part.value}.{name}: OED has no field for it (not written)")
        if t.coinsurance:
            notes.append(f"coverages.{part.value}.coinsurance: OED has no field for it (not written)")
    return out, notes


def export_row(policy: PolicyTerms) -> tuple[dict[str, str], list[str]]:
    """One OED account row for ``policy`` and what it could not write (one note each).

    A policy imported from OED gives back its row as written; a financial field is rewritten only where the
    terms no longer say what the written field says.
    """
    derived, notes = _derived_fields(policy)
    defaults = {name: "" for name in EXPORT_COLUMNS}
    defaults.update({"PortNumber": "cyberrx", "AccNumber": policy.policy_number, "AccCurrency": "USD",
                     "PolPerilsCovered": "CYB", "LayerNumber": "1"})
    if policy.oed:
        # the columns as imported, in their order; the export columns the row left blank after them, blank
        row = dict(policy.oed) | {k: "" for k in EXPORT_COLUMNS if k not in policy.oed}
        try:
            original = to_policy(parse_account(_csv_text([policy.oed]))[0])
            written, _ = _derived_fields(original)
        except CyberRxError:
            written = {}
        for name, value in derived.items():
            if written.get(name) != value:
                row[name] = value
    else:
        row = defaults | derived
    return row, notes


def _csv_text(rows: Sequence[Mapping[str, str]]) -> str:
    columns: list[str] = []
    for r in rows:
        columns += [c for c in r if c not in columns]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def export_account(policies: Sequence[PolicyTerms]) -> tuple[str, list[str]]:
    """An OED cyber account file (CSV text) for ``policies``, and the notes of what OED could not carry (each
    prefixed by its policy number)."""
    rows, notes = [], []
    for policy in policies:
        row, found = export_row(policy)
        rows.append(row)
        notes += [f"{policy.policy_number}: {n}" for n in found]
    return _csv_text(rows), notes


# ---- applying OED's terms to ground-up losses ----------------------------------------------------------------
class OedInsuredLoss(Result):
    """What an OED account pays on one occurrence, usd to the cent: ``by_coverage`` (OED codes, every coverage
    of the account) and ``total``, their sum (Oasis's figures: each coverage rounded, then summed)."""

    total: UsdExact
    by_coverage: dict[str, UsdExact]


def parse_losses(text: str, source: str | None = None) -> dict[str, Decimal]:
    """A ground-up loss file, CSV ``coverage,loss`` (OED cyber codes, usd): ``{code: usd}``; every problem
    listed with its line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in next(reader, [])]
    problems: list[Problem] = []
    if header != ["coverage", "loss"]:
        raise problems_error([Problem(1, "header", f"{','.join(header) or 'nothing'}", "coverage,loss")], source,
                             "loss file")
    losses: dict[str, Decimal] = {}
    first: dict[str, int] = {}
    for index, values in enumerate(reader):
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if index >= MAX_LOSS_ROWS:
            problems.append(Problem(line, "rows", f"more than {MAX_LOSS_ROWS} rows", f"at most {MAX_LOSS_ROWS}"))
            break
        if len(values) != 2:
            problems.append(Problem(line, "columns", f"{len(values)} values", "coverage,loss"))
            continue
        code, raw = values[0].strip(), values[1].strip()
        row = _Row(line, {"loss": raw})
        amount = row.number("loss", default=None, cents=True) if raw else None
        if not raw:
            row.bad("loss", "is required", "a number of usd >= 0, at most 2 decimals")
        problems += row.problems
        if code not in COVERAGES:
            problems.append(Problem(line, "coverage", f"unknown coverage {code!r}", ", ".join(CODES)))
        elif code in first:
            problems.append(Problem(line, "coverage", f"{code} is also on line {first[code]}", "each coverage once"))
        elif amount is not None:
            first[code] = line
            losses[code] = amount
    if problems:
        raise problems_error(problems, source, "loss file")
    return losses


def load_losses(path: str | Path) -> dict[str, Decimal]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the loss file: {exc}", source=str(path)) from None
    return parse_losses(text, str(path))


def apply_policy_layer(oed: OedPolicy, ground_up: np.ndarray) -> np.ndarray:
    """What one OED policy layer pays per coverage, usd ``(n, 9)`` in :data:`CODES` order, of ``ground_up``
    ``(n, 9)`` losses (one row per occurrence; Decimal object arrays give cents, float64 arrays floats)."""
    exact = ground_up.dtype == object
    num: Any = (lambda d: d) if exact else float
    dtype = object if exact else np.float64
    deductibles = np.array([num(oed.coverage_deductible[c]) for c in CODES], dtype=dtype)
    no_limit = Decimal("Infinity") if exact else math.inf
    limits = np.array([num(oed.coverage_limit[c]) if oed.coverage_limit[c] is not None else no_limit
                       for c in CODES], dtype=dtype)
    coverage = np.minimum(apply_deductible(ground_up, deductibles), limits)            # step 1
    policy = apply_deductible(coverage.sum(axis=1), num(oed.deductible))               # step 2
    every = np.ones(policy.shape[0], dtype=bool)
    slice_100 = apply_layer(policy, num(oed.attachment), num(oed.limit), 1, every)     # step 3
    if oed.aggregate_limit is not None:
        slice_100 = np.minimum(slice_100, num(oed.aggregate_limit))
    layer = to_cents(slice_100 * num(oed.participation))
    return allocate_pro_rata(layer, coverage)                                          # step 4


def apply_account(policies: Sequence[OedPolicy], losses: Mapping[str, Decimal]) -> OedInsuredLoss:
    """OED's financial terms applied to one occurrence's ground-up losses ``{code: usd}`` for one account
    (the layers of its policies summed), to the cent."""
    accounts = sorted({p.account for p in policies})
    if len(accounts) != 1:
        raise InvalidInput(f"the losses are for one account; the file has {len(accounts)}: {', '.join(accounts)}",
                           field="AccNumber", allowed="one account per file for oed apply")
    ground_up = np.array([[losses.get(c, Decimal(0)) for c in CODES]], dtype=object)
    paid = sum((apply_policy_layer(p, ground_up)[0] for p in policies), np.full(len(CODES), Decimal(0), object))
    by_coverage = {c: Decimal(paid[i]) for i, c in enumerate(CODES)}
    return OedInsuredLoss(total=sum(by_coverage.values(), Decimal(0)), by_coverage=by_coverage)


__all__ = ["CODES", "CODE_OF_PART", "COVERAGES", "MAX_LOSS_ROWS", "MAX_ROWS", "OedInsuredLoss", "OedPolicy",
           "Problem", "apply_account", "apply_policy_layer", "export_account", "export_row", "import_account",
           "load_account", "load_losses", "parse_account", "parse_losses", "policy_document", "problems_error",
           "to_policy"]
