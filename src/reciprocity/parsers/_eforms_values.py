"""Namespaces and value readers for eForms: text, codes, dates, decimals, money, booleans.

Every reader takes the element it reads (or None) and a `Reader` that knows the notice language and records a
parse warning when a value is present but unreadable: that value becomes None, never a guess.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from ..countries import normalise_country
from ..model import Money, Notice
from ..model.bounds import amount_warning, number_fault
from ._xml import clean_text

# Namespace URIs (fields.md): identical in SDK 1.3 ... 1.15; prefixes in a file do not matter.
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
}
# The eForms extension block of the root, a lot's TenderingTerms or an award criterion ("EXT" in fields.md).
EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"

_CPV = re.compile(r"^(\d{8})(?:-\d)?$")
_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


class Reader:
    """Reads values for one notice: picks text in the notice language and records warnings on `notice`."""

    def __init__(self, notice: Notice, language: str | None = None) -> None:
        self.notice = notice
        self.language = language

    def warn(self, field: str, message: str) -> None:
        """Record that `field` (a BT id or name) is present but could not be read."""
        self.notice.warn(f"{field}: {message}")

    def text(self, parent: etree._Element | None, path: str) -> str | None:
        """Clean text at `path`; among several language versions, the notice language first."""
        found = every(parent, path)
        if len(found) > 1 and self.language:
            for element in found:
                if element.get("languageID") == self.language:
                    return clean_text(element.text)
        return clean_text(found[0].text) if found else None

    def code(self, parent: etree._Element | None, path: str) -> str | None:
        """A code value (first match), stripped."""
        return code(parent, path)

    def date(self, parent: etree._Element | None, path: str, field: str) -> date | None:
        """An xs:date that may carry a zone ("2024-01-05+01:00", "2024-01-15Z"): the calendar date as written."""
        value = code(parent, path)
        if value is None:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            self.warn(field, f"unreadable date {value!r}")
            return None

    def decimal(self, parent: etree._Element | None, path: str, field: str) -> Decimal | None:
        """A decimal number, or None + warning when it is not one."""
        element = first(parent, path)
        return None if element is None else self.decimal_of(element, field)

    def decimal_of(self, element: etree._Element, field: str) -> Decimal | None:
        """The element's text as a finite Decimal, or None + warning."""
        value = clean_text(element.text)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        fault = None if number is None else number_fault(number)
        if number is None or fault:
            self.warn(field, f"unreadable number {value[:40]!r}" + (f" ({fault})" if fault else ""))
            return None
        return number

    def integer(self, parent: etree._Element | None, path: str, field: str) -> int | None:
        """A whole number (counts, lot limits)."""
        number = self.decimal(parent, path, field)
        if number is None:
            return None
        if number != number.to_integral_value() or number < 0:
            self.warn(field, f"not a whole number: {number}")
            return None
        return int(number)

    def money(self, parent: etree._Element | None, path: str, field: str) -> Money | None:
        """An amount with its @currencyID, kept as given (no conversion)."""
        element = first(parent, path)
        return None if element is None else self.money_of(element, field)

    def money_of(self, element: etree._Element, field: str) -> Money | None:
        """The element's amount with its @currencyID; no currency means no Money (and a warning)."""
        amount = self.decimal_of(element, field)
        if amount is None:
            return None
        currency = (element.get("currencyID") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            self.warn(field, f"amount {amount} without a valid currency ({currency!r})")
            return None
        if warning := amount_warning(amount):
            self.warn(field, warning)
        return Money(amount, currency)

    def boolean(self, parent: etree._Element | None, path: str, field: str) -> bool | None:
        """An indicator written true/false (also 1/0)."""
        value = code(parent, path)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        self.warn(field, f"unreadable indicator {value!r}")
        return None

    def country(self, value: str | None, field: str) -> str | None:
        """ISO alpha-3 (eForms) to alpha-2; an unknown code gives None and a warning."""
        if value is None:
            return None
        alpha2 = normalise_country(value)
        if alpha2 is None:
            self.warn(field, f"unknown country code {value!r}")
        return alpha2

    def cpv(self, value: str | None, field: str) -> str | None:
        """8-digit CPV code, check digit dropped ("45233140-2" -> "45233140")."""
        if value is None:
            return None
        match = _CPV.match(value)
        if match is None:
            self.warn(field, f"not a CPV code {value!r}")
            return None
        return match.group(1)


_COMPILED: dict[str, etree.XPath] = {}


def _xpath(path: str) -> etree.XPath:
    """The compiled XPath for `path` (compiled once per process: several times faster than `find`)."""
    compiled = _COMPILED.get(path)
    if compiled is None:
        compiled = _COMPILED[path] = etree.XPath(path, namespaces=NS, smart_strings=False)
    return compiled


def every(parent: etree._Element | None, path: str) -> list[etree._Element]:
    """Every element at the relative `path` (prefixes of `NS`), in document order; [] when `parent` is None."""
    return [] if parent is None else _xpath(path)(parent)


def first(parent: etree._Element | None, path: str) -> etree._Element | None:
    """The first element at `path`, or None."""
    if parent is None:
        return None
    found = _xpath(path)(parent)
    return found[0] if found else None


def code(parent: etree._Element | None, path: str) -> str | None:
    """Stripped text of the first element at `path`, None when absent or empty."""
    element = first(parent, path)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def codes(parent: etree._Element | None, path: str) -> list[str]:
    """Stripped, non-empty texts of every element at `path`, in document order."""
    return [e.text.strip() for e in every(parent, path) if e.text and e.text.strip()]


def scheme_is(element: etree._Element, *names: str) -> bool:
    """True when the element's @schemeName is one of `names` (case-insensitive: real files write "LOT", "lot")."""
    return (element.get("schemeName") or "").lower() in names
