"""Reading YAML/JSON documents into validated models, with one clear message on bad input.

A pydantic ``ValidationError`` becomes an :class:`~cyberrx.errors.InvalidInput` naming the field path
(``controls.security_training``) and, for choices, the allowed values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cyberrx.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON mapping from ``path``; raise InvalidInput if unreadable or not a mapping."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput("file not found", source=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read file ({exc.__class__.__name__})", source=str(p)) from None
    is_json = p.suffix.lower() == ".json"
    if not is_json:
        import yaml  # only for YAML documents: a JSON model (``cyberrx fair``) starts faster without it

        errors: tuple[type[Exception], ...] = (yaml.YAMLError,)
    else:
        errors = (json.JSONDecodeError,)
    try:
        data = json.loads(text) if is_json else yaml.safe_load(text)
    except errors as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise InvalidInput(f"not valid {'JSON' if is_json else 'YAML'}: {first}",
                           source=str(p)) from None
    if not isinstance(data, dict):
        raise InvalidInput("the document must be a mapping of field names to values", source=str(p))
    return data


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


def _allowed(error: ErrorDetails) -> str | None:
    ctx = error.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"]).replace("'", "")
    if error["type"] == "extra_forbidden":
        return "the fields documented for this section"
    for key, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if key in ctx:
            return f"a number {word} {ctx[key]}"
    return None


def invalid_from(exc: ValidationError, source: str | None = None) -> InvalidInput:
    """The first validation error as one InvalidInput (others counted in the message)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown field"
    more = len(errors) - 1
    if more:
        msg += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InvalidInput(msg, field=_field_path(tuple(first["loc"])), allowed=_allowed(first), source=source)


def parse_model(model: type[M], data: Any, source: str | None = None) -> M:
    """Validate ``data`` as ``model``; raise InvalidInput naming the field on failure."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc, source) from None


def load_model(model: type[M], path: str | Path) -> M:
    """Read ``path`` (YAML or JSON) and validate it as ``model``."""
    return parse_model(model, read_document(path), source=str(path))


__all__ = ["invalid_from", "load_model", "parse_model", "read_document"]
