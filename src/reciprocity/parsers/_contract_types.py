"""A notice rebuilt from the JSON contract is checked against the model's own type hints.

JSON from outside may put a number where a code goes ("form": 1.5), a list where a name goes, a count past
what anything can hold, or text with a lone surrogate; the rules (or the store) would then fail half way. Such a
notice is refused with an error naming the field, like any other unreadable notice.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from ..model.bounds import number_fault


def check_types(item: Any, where: str = "notice") -> None:
    """Raise ValueError naming the first field of `item` (a model dataclass, nested ones included) whose value
    is not of its declared type."""
    hints = _hints(type(item))
    for field in dataclasses.fields(item):
        value, expected, path = getattr(item, field.name), hints[field.name], f"{where}.{field.name}"
        if not _fits(value, expected):
            raise ValueError(f"{path}: {_shown_type(value)} where {_expected_name(expected)} is expected")
        if dataclasses.is_dataclass(value):
            check_types(value, path)
        elif isinstance(value, list):
            for index, element in enumerate(value):
                if dataclasses.is_dataclass(element):
                    check_types(element, f"{path}[{index}]")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _fits(value: Any, expected: Any) -> bool:
    origin = typing.get_origin(expected)
    if expected is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, option) for option in typing.get_args(expected))
    if origin is list:
        return isinstance(value, list) and all(_fits(element, typing.get_args(expected)[0]) for element in value)
    if origin is dict:
        return isinstance(value, dict)
    if expected is type(None):
        return value is None
    if expected in (int, float, Decimal):
        numeric = isinstance(value, int | float | Decimal) if expected is float else isinstance(value, expected)
        return numeric and not isinstance(value, bool) and number_fault(Decimal(str(value))) is None
    if expected is date:
        return isinstance(value, date)
    if expected is str:
        return isinstance(value, str) and _encodable(value)
    return isinstance(value, expected)


def _encodable(text: str) -> bool:
    """False for text with a lone surrogate ("\\ud800" is valid JSON but no character): it could not be stored."""
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _shown_type(value: Any) -> str:
    return "a number past the bounds" if isinstance(value, int | Decimal) else f"{type(value).__name__} {value!r:.40}"


def _expected_name(expected: Any) -> str:
    return getattr(expected, "__name__", None) or str(expected).replace("reciprocity.model.notice.", "")
