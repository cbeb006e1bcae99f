"""French and EU company identifiers: SIREN/SIRET (Luhn, La Poste exception), FR VAT key, EU VAT prefixes.

A valid SIRET, SIREN or FR VAT number means "established in France" (decp.md §4: a foreign company's French
branch has a SIRET too, so it means established, not French-owned). The check digits are python-stdnum's:
`stdnum.fr.siret` applies the La Poste rule (SIREN 356000000: establishments valid when the sum of the 14
digits is a multiple of 5) and checks the SIREN inside the SIRET.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum.eu import vat as eu_vat
from stdnum.fr import siren, siret, tva

_SEPARATORS = re.compile(r"[\s.\-/]")
_PREFIX = re.compile(r"^(FR-SIRET|FR-SIREN|SIRET|SIREN|N° TVA|TVA|VAT)\s*[:=]?\s*", re.IGNORECASE)
# VAT prefixes that are not ISO 3166 alpha-2 (Greece uses EL; Northern Ireland XI)
_VAT_COUNTRY = {"EL": "GR", "XI": "GB"}


@dataclass(frozen=True)
class IdentifierCheck:
    """What an identifier is and whether its check digits hold. `kind` None = not a format we check."""

    value: str
    kind: str | None  # siren | siret | fr-vat | eu-vat | None
    valid: bool | None
    country: str | None  # the country the identifier proves establishment in, when valid

    def to_dict(self) -> dict[str, object]:
        return {"value": self.value, "kind": self.kind, "valid": self.valid, "country": self.country}


def compact(value: str) -> str:
    """Strip spaces, dots, dashes and a leading "SIRET:"-like label; upper-case."""
    return _SEPARATORS.sub("", _PREFIX.sub("", value.strip())).upper()


def is_valid_siren(value: str) -> bool:
    """SIREN: 9 digits, Luhn."""
    return siren.is_valid(compact(value))


def is_valid_siret(value: str) -> bool:
    """SIRET: 14 digits, Luhn on the SIRET and on its SIREN; La Poste establishments by the mod-5 rule."""
    return siret.is_valid(compact(value))


def is_valid_fr_vat(value: str) -> bool:
    """FR VAT: "FR" + 2-character key + SIREN; numeric key = (12 + 3 × (SIREN mod 97)) mod 97."""
    return tva.is_valid(compact(value))


@lru_cache(maxsize=16384)
def check_identifier(value: str, type_hint: str | None = None, country: str | None = None) -> IdentifierCheck:
    """Classify and check one identifier. Bare digits count as SIREN/SIRET only for a French (or unknown-country)
    organisation or when typed SIRET/SIREN, so a foreign 9-digit registry number is not called invalid.
    Cached (a pure function of its text arguments; the result is frozen): one buyer or winner recurs in many
    notices."""
    code = compact(value)
    hint = (type_hint or "").upper()
    if code.startswith("FR") and len(code) == 13:
        valid = is_valid_fr_vat(code)
        return IdentifierCheck(value, "fr-vat", valid, "FR" if valid else None)
    french_context = hint in ("SIRET", "SIREN") or country in (None, "FR")
    if code.isdigit() and french_context and (len(code) in (9, 14) or hint in ("SIRET", "SIREN")):
        kind = "siret" if len(code) == 14 or (hint == "SIRET" and len(code) != 9) else "siren"
        valid = is_valid_siret(code) if kind == "siret" else is_valid_siren(code)
        return IdentifierCheck(value, kind, valid, "FR" if valid else None)
    if len(code) > 4 and code[:2].isalpha() and code[:2] not in ("FR",) and eu_vat.is_valid(code):
        prefix = code[:2]
        return IdentifierCheck(value, "eu-vat", True, _VAT_COUNTRY.get(prefix, prefix))
    return IdentifierCheck(value, None, None, None)


def check_organisation(identifiers: list[str], types: list[str | None], country: str | None) -> list[IdentifierCheck]:
    """Check every identifier of an organisation (types parallel to identifiers where known)."""
    padded = list(types) + [None] * (len(identifiers) - len(types))
    return [check_identifier(value, hint, country) for value, hint in zip(identifiers, padded, strict=False)
            if value and value.strip()]


@lru_cache(maxsize=16384)
def identifier_key(value: str, type_hint: str | None = None, country: str | None = None) -> str | None:
    """A key that compares one company's identifiers across notices: "SIREN:<9 digits>" for a SIREN, a SIRET (its
    first 9 digits) or a French VAT number (its last 9), "VAT:<number>" for another EU VAT number with a valid
    check digit, "ID:<country>:<value>" for anything else; None for junk ("0", "N/A", "00000000000000").
    Cached (pure): one winner's identifiers recur in many notices."""
    code, hint, country = compact(value), (type_hint or "").upper(), (country or "").upper()
    if len(code) < 5 or len(set(code)) == 1:
        return None
    if code.isdigit() and len(code) in (9, 14) and (country in ("", "FR") or hint in ("SIRET", "SIREN")):
        return f"SIREN:{code[:9]}" if is_valid_siren(code[:9]) else f"ID:FR:{code}"
    if re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", code):  # French VAT: FR + key + SIREN
        return f"SIREN:{code[4:]}"
    if code[:2].isalpha() and eu_vat.is_valid(code):
        return f"VAT:{code}"
    return f"ID:{country or '??'}:{code}"


def established_country(identifiers: list[str], types: list[str | None], country: str | None) -> str | None:
    """The country a valid identifier proves (FR for SIRET/SIREN/FR VAT), else None. Never from a name."""
    countries = {c.country for c in check_organisation(identifiers, types, country) if c.valid and c.country}
    if "FR" in countries:
        return "FR"
    return countries.pop() if len(countries) == 1 else None
