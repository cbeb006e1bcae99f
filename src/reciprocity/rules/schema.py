"""A tiny strict schema checker for the rule data: unknown keys, missing keys and bad values are errors.

Schemas are plain Python values: a type (`str`, `int`, `float`, `bool`, `Decimal`, `date`), a `Fields` (fixed keys,
`"?key"` optional), a `MapOf` (free keys, one value schema), a `ListOf`, `OneOf` (allowed literals) or
`Nullable`. Every error is a `RuleDataError` naming the file and the key path, so a typo in a YAML file is
reported where it is, never silently ignored (style.md rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import RuleDataError


@dataclass(frozen=True)
class Fields:
    """A mapping with fixed keys; a key written `"?name"` is optional."""

    spec: dict[str, Any]


@dataclass(frozen=True)
class MapOf:
    """A mapping with free keys (optionally matching `key_pattern` values) and one schema for every value."""

    value: Any
    keys: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ListOf:
    item: Any


@dataclass(frozen=True)
class OneOf:
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Nullable:
    inner: Any


CONFIDENCE = OneOf(("established", "unconfirmed"))


def validate(value: Any, schema: Any, file: str, path: str = "") -> Any:
    """Return `value` converted to the schema's types (dates, Decimals), or raise `RuleDataError`."""
    if isinstance(schema, Nullable):
        return None if value is None else validate(value, schema.inner, file, path)
    if isinstance(schema, Fields):
        return _fields(value, schema, file, path)
    if isinstance(schema, MapOf):
        return _map(value, schema, file, path)
    if isinstance(schema, ListOf):
        if not isinstance(value, list):
            raise _error(file, path, f"expected a list, got {type(value).__name__}")
        return [validate(item, schema.item, file, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(schema, OneOf):
        if value not in schema.values:
            raise _error(file, path, f"{value!r} is not one of {', '.join(map(str, schema.values))}")
        return value
    return _scalar(value, schema, file, path)


def _error(file: str, path: str, reason: str) -> RuleDataError:
    return RuleDataError(f"{file}: {path or '<root>'}: {reason}")


def _fields(value: Any, schema: Fields, file: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _error(file, path, f"expected a mapping, got {type(value).__name__}")
    known = {key.lstrip("?"): key.startswith("?") for key in schema.spec}
    for key in value:
        if key not in known:
            raise _error(file, _join(path, key), f"unknown key (expected one of: {', '.join(sorted(known))})")
    result = {}
    for raw_key, sub_schema in schema.spec.items():
        key = raw_key.lstrip("?")
        if key not in value:
            if raw_key.startswith("?"):
                continue
            raise _error(file, _join(path, key), "missing key")
        result[key] = validate(value[key], sub_schema, file, _join(path, key))
    return result


def _map(value: Any, schema: MapOf, file: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _error(file, path, f"expected a mapping, got {type(value).__name__}")
    result = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _error(file, _join(path, key), "key must be text: quote it (YAML reads NO, ON, YES as booleans)")
        if schema.keys is not None and str(key) not in schema.keys:
            raise _error(file, _join(path, key), f"unknown key (expected one of: {', '.join(schema.keys)})")
        result[str(key)] = validate(item, schema.value, file, _join(path, key))
    return result


def _scalar(value: Any, schema: Any, file: str, path: str) -> Any:
    if schema is date:
        return _date(value, file, path)
    if schema is Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _error(file, path, f"expected a number, got {value!r}")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise _error(file, path, f"expected a number, got {value!r}") from None
    if schema is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if schema is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if schema is str and isinstance(value, str) and value.strip():
        return value
    if schema is bool and isinstance(value, bool):
        return value
    if schema is Any:
        return value
    raise _error(file, path, f"expected {getattr(schema, '__name__', schema)}, got {value!r}")


def _date(value: Any, file: str, path: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _error(file, path, f"expected a date YYYY-MM-DD, got {value!r}")


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)
