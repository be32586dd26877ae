"""A book: the policies in force, each with its practice's profile, its compiled terms and its shared dependencies.

:func:`load_book` reads a YAML book file ``policies: [{profile: PATH, policy: PATH}, ...]`` (paths relative to the
file); :func:`build_book` takes ``(profile, policy)`` pairs from anywhere (the service's database through
``cyberrx.app.portfolio``). :meth:`Book.compile` turns it into :class:`BookModel`, the arrays the kernel needs:
per practice its engine parameters, its compiled terms and the figures a systemic event's loss is computed from
(income per hour, records, fixed costs), and the book's dependencies with their dependents (``links``).

A practice's *subject* (the key of its random streams) is its position in the book: the same book file gives the
same numbers; changing a practice's dependencies changes none of its attritional numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cyberrx.domain.policy import PolicyTerms, load_policy
from cyberrx.domain.profile import PracticeProfile
from cyberrx.engine.scenarios import ScenarioParameters, build_parameters
from cyberrx.engine.terms import CompiledTerms, compile_terms
from cyberrx.errors import InvalidInput
from cyberrx.portfolio.catalogue import BREACH, EXPLOIT, OUTAGE, SystemicCatalogue
from cyberrx.portfolio.dependencies import Dependency, shared_dependencies
from cyberrx.vocab import SCENARIOS, Control, Scenario

#: the most policies a book may hold (each costs about 30 KB of parameters and terms in every worker)
MAX_POLICIES = 50_000

_S = {s: i for i, s in enumerate(SCENARIOS)}


@dataclass(frozen=True)
class BookEntry:
    """One policy in force: its practice's profile, its terms, and where they came from (a file or a row)."""

    profile: PracticeProfile
    policy: PolicyTerms
    source: str = ""


@dataclass(frozen=True)
class Book:
    """The policies in force, in a fixed order (the order of the file, or of the policy numbers)."""

    entries: tuple[BookEntry, ...]
    name: str = "book"

    def __len__(self) -> int:
        return len(self.entries)

    def compile(self, catalogue: SystemicCatalogue | None, tables: Mapping[str, Any]) -> BookModel:
        """The arrays of the book for the kernel (``tables``: loss_model.yaml)."""
        return compile_book(self, catalogue, tables)


def build_book(pairs: Iterable[tuple[PracticeProfile, PolicyTerms]] | Iterable[BookEntry], name: str = "book") -> Book:
    """A book from ``(profile, policy)`` pairs (or entries); refuses an empty book and more than
    :data:`MAX_POLICIES`."""
    entries = tuple(p if isinstance(p, BookEntry) else BookEntry(p[0], p[1]) for p in pairs)
    if not entries:
        raise InvalidInput("the book holds no policy in force", field="policies", allowed="at least one policy")
    if len(entries) > MAX_POLICIES:
        raise InvalidInput(f"the book holds {len(entries):,} policies", field="policies",
                           allowed=f"1 to {MAX_POLICIES:,} policies")
    return Book(entries, name)


def load_book(path: str | Path) -> Book:
    """Read a book file: ``policies: [{profile: PATH, policy: PATH}, ...]``, paths relative to the file.

    Bad input raises InvalidInput naming the file and the entry (``policies[3].profile``).
    """
    from cyberrx.domain.parsing import load_model, read_document

    p = Path(path)
    doc = read_document(p)
    unknown = set(doc) - {"name", "policies"}
    if unknown:
        raise InvalidInput("unknown field", field=sorted(unknown)[0], allowed="name, policies", source=str(p))
    items = doc.get("policies")
    if not isinstance(items, list) or not items:
        raise InvalidInput("a book lists its policies", field="policies",
                           allowed="a non-empty list of {profile: PATH, policy: PATH}", source=str(p))
    if len(items) > MAX_POLICIES:
        raise InvalidInput(f"the book lists {len(items):,} policies", field="policies",
                           allowed=f"1 to {MAX_POLICIES:,} policies", source=str(p))
    entries = []
    cache: dict[tuple[str, Path], Any] = {}
    for i, item in enumerate(items):
        where = f"policies[{i}]"
        if not isinstance(item, dict) or set(item) != {"profile", "policy"}:
            raise InvalidInput("each policy names its profile and its policy file", field=where,
                               allowed="{profile: PATH, policy: PATH}", source=str(p))
        loaded = []
        for key in ("profile", "policy"):
            if not isinstance(item[key], str) or not item[key].strip():
                raise InvalidInput("a path is required", field=f"{where}.{key}", allowed="a file path", source=str(p))
            target = (p.parent / item[key]).resolve()
            if (key, target) not in cache:
                if not target.is_file():
                    raise InvalidInput(f"file not found: {item[key]}", field=f"{where}.{key}",
                                       allowed="a path relative to the book file", source=str(p))
                cache[(key, target)] = (load_model(PracticeProfile, target) if key == "profile"
                                        else load_policy(target))
            loaded.append(cache[(key, target)])
        entries.append(BookEntry(loaded[0], loaded[1], f"{p.name}:{where}"))
    name = str(doc.get("name") or p.stem)
    return build_book(entries, name)


# ---- compiled book ------------------------------------------------------------------------------------------
#: the figures of each practice a systemic event's loss is computed from, ``(n,)`` each (usd, usd/h, records)
FIGURES: tuple[str, ...] = (
    "records",                 # patient records held
    "outage_income_per_hour",  # income lost per hour a critical vendor is down (vendor_outage scenario)
    "outage_extra_share",      # extra expense as a share of that income
    "breach_legal",            # counsel for a vendor's breach (vendor_breach scenario)
    "breach_pr",               # crisis communications once a media notice is due
    "notification_unit",       # usd per notified record borne by the practice (vendor_breach scenario)
    "media_threshold",         # records above which PR is engaged
    "own_income_per_hour",     # income lost per hour of own systems down (ransomware scenario)
    "own_extra_share",
    "own_forensics",           # forensics and data restoration after a compromise (ransomware scenario)
    "own_restoration",
    "compromise_multiplier",   # product exploitation: 1, or the late-patch multiplier
)


@dataclass(frozen=True)
class BookModel:
    """A book as the kernel sees it.

    ``subjects`` ``(n,)`` the practices' stream subjects; ``params``/``terms`` per practice; ``figures`` name ->
    ``(n,)`` (:data:`FIGURES`); ``dependencies`` ``(id, kind)`` per dependency ``(d,)``; ``active`` the kind codes
    that can hit someone through each; ``links_*`` ``(k,)`` sorted by dependency then practice: which practice
    depends on which dependency, whether it is critical to it (outage) and the records it holds (breach);
    ``names``/``policy_numbers``/``limits`` ``(n,)`` for reports.
    """

    subjects: np.ndarray
    params: tuple[ScenarioParameters, ...]
    terms: tuple[CompiledTerms, ...]
    figures: dict[str, np.ndarray]
    dependencies: tuple[tuple[str, str], ...]
    active: tuple[frozenset[int], ...]
    links_dep: np.ndarray
    links_practice: np.ndarray
    links_critical: np.ndarray
    links_records: np.ndarray
    names: tuple[str, ...]
    policy_numbers: tuple[str, ...]
    limits: np.ndarray
    per_practice_dependencies: tuple[tuple[Dependency, ...], ...] = field(default=())

    @property
    def n(self) -> int:
        return int(self.subjects.shape[0])

    def batch(self, lo: int, hi: int) -> BookBatch:
        """Practices ``[lo, hi)`` with the links that reach them (practice indices local to the batch)."""
        keep = (self.links_practice >= lo) & (self.links_practice < hi)
        dep = self.links_dep[keep]
        n_deps = len(self.dependencies)
        ptr = np.zeros(n_deps + 1, dtype=np.int64)
        np.cumsum(np.bincount(dep, minlength=n_deps), out=ptr[1:])
        return BookBatch(lo, self.subjects[lo:hi], self.params[lo:hi], self.terms[lo:hi],
                         {k: v[lo:hi] for k, v in self.figures.items()}, ptr,
                         self.links_practice[keep] - lo, self.links_critical[keep], self.links_records[keep])


@dataclass(frozen=True)
class BookBatch:
    """Practices ``[first, first + m)`` of a book: what one task simulates (picklable).

    ``ptr`` ``(d + 1,)`` CSR over the book's dependencies: the links of dependency ``i`` are
    ``[ptr[i], ptr[i+1])`` of ``practice``/``critical``/``records``.
    """

    first: int
    subjects: np.ndarray
    params: tuple[ScenarioParameters, ...]
    terms: tuple[CompiledTerms, ...]
    figures: dict[str, np.ndarray]
    ptr: np.ndarray
    practice: np.ndarray
    critical: np.ndarray
    records: np.ndarray

    @property
    def m(self) -> int:
        return int(self.subjects.shape[0])


def _figures(profile: PracticeProfile, params: ScenarioParameters, catalogue: SystemicCatalogue | None
             ) -> dict[str, float]:
    outage = params.scalars(_S[Scenario.VENDOR_OUTAGE])
    breach = params.scalars(_S[Scenario.VENDOR_BREACH])
    own = params.scalars(_S[Scenario.RANSOMWARE])
    exploit = catalogue.kind("product_exploitation") if catalogue is not None else None
    late = exploit.late_patch_multiplier if exploit is not None else 1.0
    return {
        "records": float(profile.records),
        "outage_income_per_hour": outage["income_per_hour"],
        "outage_extra_share": outage["extra_expense_share"],
        "breach_legal": breach["legal"],
        "breach_pr": breach["public_relations"],
        "notification_unit": breach["notification_unit"],
        "media_threshold": float(params.media_threshold),
        "own_income_per_hour": own["income_per_hour"],
        "own_extra_share": own["extra_expense_share"],
        "own_forensics": own["forensics"],
        "own_restoration": own["data_restoration"],
        "compromise_multiplier": 1.0 if profile.controls.has(Control.PATCH_CRITICAL_DAYS) else late,
    }


def _parameter_key(profile: PracticeProfile) -> str:
    """The profile without its names (the practice's, the EHR vendor's, the business associates'): the loss
    engine's parameters do not read them, so profiles equal but for names share their parameters."""
    anonymous = profile.model_copy(update={
        "name": "-", "ehr": profile.ehr.model_copy(update={"vendor": "-"}),
        "business_associates": [ba.model_copy(update={"name": "-"}) for ba in profile.business_associates]})
    return anonymous.model_dump_json()


def compile_book(book: Book, catalogue: SystemicCatalogue | None, tables: Mapping[str, Any]) -> BookModel:
    """Compile ``book`` against the loss model ``tables`` and the ``catalogue`` (None: no systemic events)."""
    outage_services = catalogue.outage_services if catalogue is not None else frozenset()
    products = (catalogue.remote_access_products or {}) if catalogue is not None else {}
    params, terms, figures, deps_of = [], [], [], []
    dep_index: dict[str, int] = {}
    dep_list: list[tuple[str, str]] = []
    links: list[tuple[int, int, bool, float]] = []
    params_of: dict[str, ScenarioParameters] = {}
    terms_of: dict[tuple[int, str], CompiledTerms] = {}
    for i, entry in enumerate(book.entries):
        key = _parameter_key(entry.profile)
        p = params_of.get(key)
        if p is None:
            p = params_of[key] = build_parameters(entry.profile, tables)
        params.append(p)
        controls = {c.value: entry.profile.controls.has(c) for c in Control}
        tkey = (id(entry.policy), repr(sorted(controls.items())))
        if tkey not in terms_of:
            terms_of[tkey] = compile_terms(entry.policy, controls)
        terms.append(terms_of[tkey])
        figures.append(_figures(entry.profile, p, catalogue))
        deps = shared_dependencies(entry.profile, outage_services=outage_services, remote_access_products=products,
                                   vendor_services=tables.get("vendor_services", {}))
        deps_of.append(deps)
        for d in deps:
            if d.id not in dep_index:
                dep_index[d.id] = len(dep_list)
                dep_list.append((d.id, d.kind))
            links.append((dep_index[d.id], i, d.critical, d.records_held_share * entry.profile.records))
    links.sort(key=lambda t: (t[0], t[1]))
    links_dep = np.array([t[0] for t in links], dtype=np.int64)
    links_practice = np.array([t[1] for t in links], dtype=np.int64)
    links_critical = np.array([t[2] for t in links], dtype=bool)
    links_records = np.array([t[3] for t in links], dtype=np.float64)
    active = []
    for index, (_, kind) in enumerate(dep_list):
        mine = links_dep == index
        codes = set()
        if kind == "vendor":
            if links_critical[mine].any():
                codes.add(OUTAGE)
            if (links_records[mine] > 0).any():
                codes.add(BREACH)
        else:
            codes.add(EXPLOIT)
        active.append(frozenset(codes))
    n = len(book.entries)
    return BookModel(
        subjects=np.arange(n, dtype=np.int64), params=tuple(params), terms=tuple(terms),
        figures={k: np.array([f[k] for f in figures], dtype=np.float64) for k in FIGURES},
        dependencies=tuple(dep_list), active=tuple(active), links_dep=links_dep, links_practice=links_practice,
        links_critical=links_critical, links_records=links_records,
        names=tuple(e.profile.name for e in book.entries),
        policy_numbers=tuple(e.policy.policy_number for e in book.entries),
        limits=np.array([float(e.policy.aggregate_limit) for e in book.entries]),
        per_practice_dependencies=tuple(deps_of),
    )


def entries_from_pairs(pairs: Sequence[tuple[PracticeProfile, PolicyTerms, str]]) -> list[BookEntry]:
    """Entries from ``(profile, policy, source)`` triples (the database's policies in force)."""
    return [BookEntry(pr, po, src) for pr, po, src in pairs]


__all__ = ["FIGURES", "MAX_POLICIES", "Book", "BookBatch", "BookEntry", "BookModel", "build_book", "compile_book",
           "entries_from_pairs", "load_book"]
