"""Versioned reference data shipped inside the package, each figure with its source.

Files live in ``cyberrx/reference/data/``. A figure is a mapping with ``value`` and ``source`` (and usually
``unit`` and ``trust``); a file whose figure lacks a source is refused at load (RuleFileError). Loading happens
on request (``load_reference``), never at import; results are cached per process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from cyberrx.errors import RuleFileError

PACKAGE_DATA = "cyberrx.reference.data"


def read_data_file(name: str) -> dict[str, Any]:
    """Parse one YAML data file of the package; RuleFileError if missing or malformed."""
    try:
        text = resources.files(PACKAGE_DATA).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleFileError(f"reference data file {name} is missing from the package") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(f"reference data file {name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RuleFileError(f"reference data file {name} must be a mapping")
    return data


def check_sources(node: Any, where: str, file: str, inherited: bool = False) -> None:
    """Every figure (a mapping with ``value``) carries a non-empty ``source``, its own or its block's."""
    if isinstance(node, dict):
        sourced = inherited or bool(str(node.get("source", "")).strip())
        if "value" in node and not sourced:
            raise RuleFileError(f"{file}: figure {where} has no source")
        for key, child in node.items():
            check_sources(child, f"{where}.{key}" if where else str(key), file, sourced)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            check_sources(child, f"{where}[{i}]", file, inherited)


def iter_figures(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every figure (a mapping with ``value``) under ``node`` with its dotted path, e.g. ``frequency.ransomware``."""
    if isinstance(node, dict):
        if "value" in node:
            yield path, node
        for key, child in node.items():
            yield from iter_figures(child, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from iter_figures(child, f"{path}[{i}]")


@dataclass(frozen=True)
class LossModelReference:
    """The loss-model tables (``loss_model.yaml``) with their version."""

    version: str
    tables: dict[str, Any]

    def figure(self, path: str) -> Any:
        """The ``value`` at a dotted path, e.g. ``"notification.letter"``."""
        node: Any = self.tables
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise RuleFileError(f"loss_model.yaml: no figure at {path}")
            node = node[part]
        return node["value"] if isinstance(node, dict) and "value" in node else node


@lru_cache(maxsize=4)
def load_loss_model(name: str = "loss_model.yaml") -> LossModelReference:
    data = read_data_file(name)
    check_sources(data, "", name)
    version = data.get("version")
    if not version:
        raise RuleFileError(f"{name}: missing version")
    return LossModelReference(version=str(version), tables=data)


__all__ = ["LossModelReference", "check_sources", "iter_figures", "load_loss_model", "read_data_file"]
