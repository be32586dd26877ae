"""Reading YAML/JSON documents into validated models, with every problem reported at once.

A pydantic ``ValidationError`` becomes one :class:`~cyberrx.errors.InvalidInput` listing every problem
(:class:`~cyberrx.errors.Problem`): the field path (``controls.security_training``), the line and column in a YAML
file, what is allowed (the choices of an enum, the fields of a section), and "did you mean ..." for a misspelt
key or choice. A file that cannot be read or parsed is said in plain words (never a Python exception's name).

>>> from pydantic import BaseModel, ConfigDict
>>> class Section(BaseModel):
...     model_config = ConfigDict(extra="forbid")
...     mfa_email: bool = False
...     edr: bool = False
>>> try:
...     parse_model(Section, {"mfa_emial": True})
... except InvalidInput as exc:
...     print(exc)
mfa_emial: unknown field; did you mean 'mfa_email'? (allowed: mfa_email, edr)
"""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cyberrx.errors import InvalidInput, Problem

M = TypeVar("M", bound=BaseModel)

#: (line, column) from 1 of a field path in the document, or None where unknown
Locate = Callable[[tuple[Any, ...]], tuple[int, int] | None]


def _read_text(p: Path) -> str:
    """The file's text; InvalidInput in plain words when it cannot be read."""
    if p.is_dir():
        raise InvalidInput("this is a folder, not a file", source=str(p), allowed="a YAML or JSON file")
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput("file not found", source=str(p)) from None
    except PermissionError:
        raise InvalidInput("cannot read the file: permission denied", source=str(p)) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"this is not a text file (byte {exc.start + 1} is not UTF-8 text)", source=str(p),
                           allowed="a YAML or JSON file saved as UTF-8 text") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read the file: {(exc.strerror or 'the system refused').lower()}",
                           source=str(p)) from None


def _parse_text(text: str, p: Path) -> Any:
    """The document in ``text`` (JSON when ``p`` ends in .json, else YAML); syntax errors with line and column."""
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"not valid JSON: {exc.msg.lower()}", source=str(p), line=exc.lineno,
                               column=exc.colno) from None
    import yaml  # only for YAML documents: a JSON model (``cyberrx fair``) starts faster without it

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "the text is not YAML"
        context = getattr(exc, "context", None)
        message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
        raise InvalidInput(message, source=str(p), line=mark.line + 1 if mark else None,
                           column=mark.column + 1 if mark else None) from None


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON mapping from ``path``; raise InvalidInput if unreadable or not a mapping."""
    p = Path(path)
    data = _parse_text(_read_text(p), p)
    if not isinstance(data, dict):
        raise InvalidInput("the document must be a mapping of field names to values", source=str(p),
                           allowed="name: value lines (YAML) or a JSON object")
    return data


def yaml_locator(text: str) -> Locate:
    """Where a field path sits in the YAML ``text``: the key's line and column for a mapping entry, the item's for
    a list index; for a path that is not there (a missing field), the innermost mapping that should hold it."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # pragma: no cover - the text was parsed before
        root = None

    def locate(loc: tuple[Any, ...]) -> tuple[int, int] | None:
        node, mark = root, root.start_mark if root is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == str(part)), None)
                if found is None:
                    break
                mark, node = found[0].start_mark, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return (mark.line + 1, mark.column + 1) if mark is not None else None

    return locate


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


def _inner(annotation: Any) -> tuple[Any, bool]:
    """The model (or enum) an annotation holds and whether it is reached through a mapping's keys
    (``dict[str, X]``): ``list[X]``, ``X | None``, ``Annotated[X, ...]`` unwrapped."""
    through_dict = False
    for _ in range(6):
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType) and args:
            annotation = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), args[0])
        elif origin in (list, tuple, set, frozenset) and args:
            annotation = args[0]
        elif origin is dict and len(args) == 2:
            annotation, through_dict = args[1], True
        else:
            break
    return annotation, through_dict


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the last part of ``loc`` (the section an unknown key was written in)."""
    current: Any = model
    skip_key = False
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if skip_key:
            skip_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current, skip_key = _inner(current.model_fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _choices(error: ErrorDetails) -> list[str]:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    return re.findall(r"'([^']*)'", expected)


def _did_you_mean(word: Any, options: list[str]) -> str:
    if not isinstance(word, str) or not options:
        return ""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _problem(model: type[BaseModel] | None, error: ErrorDetails, locate: Locate | None) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    message, allowed = error["msg"], None
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        section = _model_at(model, loc) if model is not None and loc else None
        fields = list(section.model_fields) if section is not None else []
        message = "unknown field" + _did_you_mean(loc[-1] if loc else None, fields)
        allowed = ", ".join(fields) if fields else None
    elif kind == "missing":
        message = "this field is required"
    elif kind in ("enum", "literal_error"):
        options = _choices(error)
        message = f"{error.get('input')!r} is not one of the choices" + _did_you_mean(error.get("input"), options)
        allowed = ", ".join(options) if options else None
    else:
        message = message.removeprefix("Value error, ")
        if "expected" in ctx:
            allowed = str(ctx["expected"]).replace("'", "")
        for key, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if key in ctx:
                allowed = f"a number {word} {ctx[key]}"
                break
    where = locate(loc) if locate is not None else None
    return Problem(message, _field_path(loc), allowed, where[0] if where else None, where[1] if where else None)


def invalid_from(exc: ValidationError, source: str | None = None, *, model: type[BaseModel] | None = None,
                 locate: Locate | None = None) -> InvalidInput:
    """Every validation error as one InvalidInput (one :class:`~cyberrx.errors.Problem` each, in document order
    where lines are known)."""
    problems = [_problem(model, e, locate) for e in exc.errors(include_url=False)]
    if locate is not None:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return InvalidInput(problems[0].message, source=source, problems=problems)


def parse_model(model: type[M], data: Any, source: str | None = None, *, locate: Locate | None = None) -> M:
    """Validate ``data`` as ``model``; raise InvalidInput listing every problem on failure."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc, source, model=model, locate=locate) from None


def load_model(model: type[M], path: str | Path) -> M:
    """Read ``path`` (YAML or JSON) and validate it as ``model``; YAML problems carry their line and column."""
    p = Path(path)
    text = _read_text(p)
    data = _parse_text(text, p)
    if not isinstance(data, dict):
        raise InvalidInput("the document must be a mapping of field names to values", source=str(p),
                           allowed="name: value lines (YAML) or a JSON object")
    locate = yaml_locator(text) if p.suffix.lower() != ".json" else None
    return parse_model(model, data, source=str(path), locate=locate)


__all__ = ["invalid_from", "load_model", "parse_model", "read_document", "yaml_locator"]

