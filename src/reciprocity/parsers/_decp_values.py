"""Readers for DECP field values: dates, amounts, counts, shares, CPV codes and the procedure vocabulary.

Every reader takes the raw JSON (or XML text) value and a `Notice` to warn on. An absent value gives None
silently; a present but unreadable one ("NC", a year 0222, "NaN") gives None plus a `parse_warnings` entry
naming the DECP field. Values are never rescaled or guessed (../shared/docs/decp.md, sections 3 and 5).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ..countries import normalise_country
from ..model import Notice
from ..model.bounds import number_fault

_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ]|[+-]\d{2}:?\d{2}$|Z$)")
_CPV = re.compile(r"(\d{6,8})(?:-\d)?")
_NUMBER_BLANKS = re.compile(r"[\s\u00a0\u202f]")
_PLACEHOLDERS = {"", "nc", "nan", "null", "none", "n/a", "-"}
_PLACEHOLDER_LENGTH = max(map(len, _PLACEHOLDERS))
MIN_YEAR, MAX_YEAR = 1990, 2100  # decp.md §5: years 0002/0222/5021/2921 occur; outside this range = invalid
ABSURD_AMOUNT = Decimal(3_000_000_000)  # DAJ rule (decp.md §5): over 3 bn EUR is excluded as absurd


def is_blank(value: Any) -> bool:
    """True for absent values: None, empty text, empty containers."""
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def text(value: Any) -> str | None:
    """Plain text with white space collapsed; placeholders ("NC", "nan") and blanks give None."""
    if value is None:
        return None
    if value.__class__ is not str:
        if isinstance(value, (dict, list)):
            return None
        value = str(value)
    result = " ".join(value.split())
    if len(result) <= _PLACEHOLDER_LENGTH and result.casefold() in _PLACEHOLDERS:
        return None
    return result


def decp_date(value: Any, field: str, notice: Notice) -> date | None:
    """An ISO date `AAAA-MM-JJ`, tolerating the `+01:00` suffix of the 2019 schema pattern."""
    if is_blank(value):
        return None
    match = _DATE.match(str(value))
    if match:
        year, month, day = (int(g) for g in match.groups())
        if MIN_YEAR <= year <= MAX_YEAR:
            try:
                return date(year, month, day)
            except ValueError:
                pass
    notice.warn(f"{field}: invalid date {str(value)[:40]!r}; left empty")
    return None


def decimal(value: Any, field: str, notice: Notice) -> Decimal | None:
    """A number as Decimal (ijson gives Decimal, XML gives text); "NC" and junk give None plus a warning."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        notice.warn(f"{field}: boolean {value!r} where a number is expected; left empty")
        return None
    if isinstance(value, (int, Decimal)) and not number_fault(value):
        return Decimal(value)
    if isinstance(value, float):
        return None if value != value else Decimal(str(value))  # NaN
    raw = _NUMBER_BLANKS.sub("", str(value)).replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = None
    fault = "not a number" if number is None else number_fault(number)
    if fault:
        label = "not communicated" if str(value).strip().upper() == "NC" else fault
        notice.warn(f"{field}: {str(value)[:40]!r} ({label}); left empty")
        return None
    return number


def count(value: Any, field: str, notice: Notice, minimum: int = 1) -> int | None:
    """A whole count of at least `minimum` (dureeMois, offresRecues); 0, "NC" and fractions give None."""
    number = decimal(value, field, notice)
    if number is None:
        return None
    if number != number.to_integral_value() or number < minimum:
        notice.warn(f"{field}: {format(number, 'f')} is not a valid count (>= {minimum}); left empty")
        return None
    return int(number)


def amount(value: Any, field: str, notice: Notice) -> Decimal | None:
    """A contract amount in EUR HT: kept as given, with a warning when 0, negative or absurd (decp.md §5)."""
    number = decimal(value, field, notice)
    if number is None:
        return None
    if number <= 0:
        notice.warn(f"{field}: amount {format(number, 'f')} EUR is not positive (kept as published)")
    elif number > ABSURD_AMOUNT:
        notice.warn(f"{field}: amount {format(number, 'f')} EUR is over 3 bn, probably absurd (kept as published)")
    return number


def share(value: Any, field: str, notice: Notice) -> Decimal | None:
    """A share 0..1 (tauxAvance, origineUE, origineFrance); 1 < x <= 100 is flagged as a percentage, not rescaled."""
    number = decimal(value, field, notice)
    if number is None:
        return None
    if number < 0 or number > 100:
        notice.warn(f"{field}: {format(number, 'f')} is not a share between 0 and 1; left empty")
        return None
    if number > 1:
        notice.warn(f"{field}: {format(number, 'f')} is above 1, probably a percentage (kept as published)")
    return number


def cpv(value: Any, notice: Notice) -> str | None:
    """The 8-digit CPV code without its check digit; 6-7 digits are right-padded with zeros (decp.md §5)."""
    raw = text(value)
    if raw is None:
        return None
    match = _CPV.search(raw)
    if not match:
        notice.warn(f"codeCPV: {raw[:40]!r} is not a CPV code; left empty")
        return None
    digits = match.group(1)
    if len(digits) < 8:
        notice.warn(f"codeCPV: {raw!r} has {len(digits)} digits; padded to 8")
    elif match.group(0) != raw:
        notice.warn(f"codeCPV: {raw!r} carries extra text; read as {digits}")
    return digits.ljust(8, "0")


@lru_cache(maxsize=4096)  # code-list values repeat across records: fold each once
def fold(value: str) -> str:
    """Case-, accent- and apostrophe-blind form of a code-list value ("Procédure adaptée" -> "procedure adaptee")."""
    decomposed = unicodedata.normalize("NFKD", value.replace("\u2019", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


# DECP `procedure` (1.4.0, 1.5.0, 2.0.x code lists and the variants of decp.md §3) -> our procedure vocabulary
# (eForms BT-105 codes). "adapted" is not an eForms code: it is the French MAPA (CCP R2123-1), kept distinct
# because the rules treat below-threshold adapted procedures differently from open ones.
_PROCEDURES = {
    "appel d'offres ouvert": "open",
    "appel d'offres restreint": "restricted",
    "procedure avec negociation": "neg-w-call",
    "procedure concurrentielle avec negociation": "neg-w-call",
    "procedure negociee avec mise en concurrence prealable": "neg-w-call",
    "dialogue competitif": "comp-dial",
    "procedure adaptee": "adapted",
    # concessions (CCP R3121-1 ff.): "non négociée" = no negotiation; "négociée" = negotiation after a call
    "procedure non negociee ouverte": "open",
    "procedure non negociee restreinte": "restricted",
    "procedure negociee ouverte": "neg-w-call",
    "procedure negociee restreinte": "neg-w-call",
}


def procedure_type(value: Any, notice: Notice) -> str | None:
    """Map the DECP `procedure` label to our vocabulary; an unknown label gives None plus a warning."""
    raw = text(value)
    if raw is None:
        notice.warn("procedure: absent")
        return None
    folded = fold(raw)
    if folded in _PROCEDURES:
        return _PROCEDURES[folded]
    if "sans publicite" in folded:  # "Marché (public) passé/négocié sans publicité ni mise en concurrence…"
        return "neg-wo-call"
    notice.warn(f"procedure: unknown value {raw[:60]!r}; left empty")
    return None


def nature_from_cpv(cpv_code: str | None, notice: Notice) -> str | None:
    """Contract nature of a market from its CPV division: 45 works, 03-44 and 48 supplies, other 50+ services."""
    if cpv_code is None:
        return None
    division = int(cpv_code[:2])
    nature = "works" if division == 45 else "supplies" if division < 45 or division == 48 else "services"
    notice.warn(f"contract nature {nature!r} inferred from CPV division {cpv_code[:2]} (DECP has no such field)")
    return nature


def concession_nature(value: Any, notice: Notice) -> str | None:
    """Contract nature of a concession from its `nature` (Concession de travaux / de service, DSP)."""
    raw = text(value)
    if raw is None:
        return None
    folded = fold(raw)
    if "travaux" in folded:
        return "works"
    if "service" in folded:
        return "services"
    notice.warn(f"nature: unknown concession nature {raw[:60]!r}; contract nature left empty")
    return None


# lieuExecution typeCode (decp.md §2-3, any case or accents) -> the kind written in `place_of_performance`, with the
# shape a code of that kind has. A NUTS code (FRK26) or a country code is written as such, whatever its typeCode.
_PLACE_KINDS = {
    "code postal": ("postcode", re.compile(r"\d{5}")),
    "code commune": ("commune", re.compile(r"\d{5}|2[AB]\d{3}")),
    "code arrondissement": ("arrondissement", re.compile(r"[0-9AB]{3,5}")),
    "code canton": ("canton", re.compile(r"[0-9AB]{3,5}")),
    "code departement": ("departement", re.compile(r"\d{2}|2[AB]|97\d")),
    "code region": ("region", re.compile(r"\d{2}")),
    "code pays": ("country", None),  # anything but a country code is invalid
}
_NUTS = re.compile(r"FR[A-Z0-9]{1,3}")


def places(value: Any, notice: Notice) -> list[str]:
    """lieuExecution {code, typeCode} as one place of performance: "FR:<kind>:<code>" for a French postcode,
    commune (INSEE), arrondissement, canton, département or région; a NUTS or country code as it is.

    A code that does not have the shape of its type ("DEP", a 2-digit postcode) gives [] plus a warning.
    """
    if not isinstance(value, dict):
        return []
    raw, kind_text = text(value.get("code")), text(value.get("typeCode"))
    if raw is None:
        return []
    code = raw.upper().replace(" ", "")
    kind, shape = _PLACE_KINDS.get(fold(kind_text or ""), (None, None))
    if _NUTS.fullmatch(code):
        return [code]
    if len(code) == 2 and code.isalpha() and (country := normalise_country(code)):
        return [country]
    if kind is None or shape is None or not shape.fullmatch(code):
        notice.warn(f"lieuExecution: code {raw[:20]!r} is not a valid {kind_text or 'place code'}; left empty")
        return []
    return [f"FR:{kind}:{code}"]
