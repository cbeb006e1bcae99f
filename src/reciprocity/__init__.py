"""reciprocity: check public tender notices against EU and French reciprocity and SME-access rules."""

from __future__ import annotations

from .assess import assess
from .errors import (
    ConfigError,
    NotFoundError,
    NoticeParseError,
    ReciprocityError,
    RuleDataError,
    UnknownFormatError,
    UnsafeXMLError,
)
from .model import Assessment, Finding, Lot, LotResult, Money, Notice, Organisation, Procedure
from .parsers import iter_parse, parse

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "ConfigError",
    "Finding",
    "Lot",
    "LotResult",
    "Money",
    "NotFoundError",
    "Notice",
    "NoticeParseError",
    "Organisation",
    "Procedure",
    "ReciprocityError",
    "RuleDataError",
    "UnknownFormatError",
    "UnsafeXMLError",
    "assess",
    "iter_parse",
    "parse",
]
