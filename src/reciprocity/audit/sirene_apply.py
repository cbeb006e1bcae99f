"""SIRENE facts put on a notice's French organisations, before it is assessed (ingest, check, `enrich sirene`).

What the store's SIRENE tables say of an organisation's SIREN / SIRET goes to `Organisation.registry`; the notice
keeps what it says itself, and only what it leaves empty is filled (name, postcode, commune; a winner's size from
INSEE's company category: PME -> sme, ETI / GE -> large), listed in `registry["filled"]` so that a later run with
newer files replaces those values and nothing the notice said. The buyer's legal category then decides its
category (rules/legal_category.py). Plain sqlite3 only: ingest workers call this without sqlite-utils or pandas.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from ..model import Notice, Organisation

SOURCE = "INSEE SIRENE"
SIZES = {"PME": ("sme", True), "ETI": ("large", False), "GE": ("large", False)}
# said beside the SME share of winners when the store holds SIRENE facts
SIZE_NOTE = {
    "en": "Where a notice gives no winner size, INSEE's company category is used (PME: SME; ETI, GE: large), with "
    "its year: a statistical category, set for the whole group, not the size the notice would state.",
    "fr": "Quand l'avis ne donne pas la taille du titulaire, la catégorie d'entreprise de l'INSEE est retenue (PME : "
    "PME ; ETI, GE : grande entreprise), avec son année : une catégorie statistique, établie pour tout le groupe, "
    "pas la taille que l'avis déclarerait.",
}
_VAT = re.compile(r"FR[0-9A-Z]{2}(\d{9})")
_SPACES = re.compile(r"[\s.\-]")
_UNIT = (
    "SELECT name, legal_category, activity, company_category, company_category_year, state"
    " FROM sirene_units WHERE siren = ?"
)
_ESTABLISHMENT = "SELECT name, postcode, city, head_office, state FROM sirene_establishments WHERE siret = ?"


def french_ids(
    identifiers: Iterable[Any], types: Iterable[Any] = (), country: str | None = None
) -> tuple[str | None, str | None]:
    """(SIREN, SIRET) an organisation's identifiers give: a SIRET (14 digits) holds its SIREN in its first nine, a
    French VAT number (FRxx + SIREN) in its last nine. Nothing for an organisation of another country, nor for
    identifiers of another kind (RIDET, TAHITI, HORS-UE…)."""
    if country not in (None, "FR"):
        return None, None
    siren = siret = None
    kinds = list(types)
    for position, identifier in enumerate(identifiers):
        kind = (kinds[position] if position < len(kinds) else None) or ""
        value = _SPACES.sub("", str(identifier)).upper()
        if kind.upper() in ("", "SIRET", "SIREN") and value.isdigit() and len(value) in (9, 14):
            siret, siren = (siret or value, siren) if len(value) == 14 else (siret, siren or value)
        elif kind.upper() in ("", "TVA") and (vat := _VAT.fullmatch(value)):
            siren = siren or vat.group(1)
    return siren or (siret[:9] if siret else None), siret


def registry_of(conn: sqlite3.Connection, siren: str | None, siret: str | None) -> dict[str, Any] | None:
    """What the SIRENE tables hold on a SIREN and SIRET, or None when they hold nothing on either."""
    unit = conn.execute(_UNIT, [siren]).fetchone() if siren else None
    place = conn.execute(_ESTABLISHMENT, [siret]).fetchone() if siret else None
    if unit is None and place is None:
        return None
    name, legal_category, activity, category, year, state = unit or (None,) * 6
    place_name, postcode, city, head_office, place_state = place or (None,) * 5
    return {
        "source": SOURCE,
        "siren": siren,
        "siret": siret if place else None,
        "name": name or place_name,
        "legal_category": legal_category,
        "activity": activity,
        "company_category": category,
        "company_category_year": year,
        "state": state,
        "postcode": postcode,
        "city": city,
        "head_office": None if head_office is None else bool(head_office),
        "establishment_state": place_state,
    }


def apply_registry(organisation: Organisation, registry: dict[str, Any], winner: bool = False) -> None:
    """Put `registry` on the organisation and fill what the notice left empty (after undoing an earlier fill)."""
    for name in (organisation.registry or {}).get("filled", ()):
        setattr(organisation, name, None)
        if name == "size":
            organisation.sme = None
    filled = []
    for name in ("name", "postcode", "city"):
        if getattr(organisation, name) is None and registry.get(name):
            setattr(organisation, name, registry[name])
            filled.append(name)
    size = SIZES.get(registry.get("company_category") or "")
    if winner and size and organisation.size is None and organisation.sme is None:
        organisation.size, organisation.sme = size
        filled.append("size")
    organisation.registry = {**registry, "filled": filled}


def enrich_notice(notice: Notice, conn: sqlite3.Connection) -> bool:
    """Apply the store's SIRENE facts to the notice's buyers and winners; True when any organisation got some.
    A store without SIRENE tables (or without rows in them) changes nothing."""
    if not has_sirene(conn):
        return False
    changed = False
    parties = [(b, False) for b in (notice.buyer, *notice.other_buyers)]
    parties += [(w, True) for result in notice.results for w in result.winners]
    for organisation, winner in parties:
        registry = registry_of(
            conn, *french_ids(organisation.identifiers, organisation.identifier_types, organisation.country)
        )
        if registry is not None:
            apply_registry(organisation, registry, winner)
            changed = True
    return changed


def has_sirene(conn: sqlite3.Connection) -> bool:
    """Whether the store holds SIRENE facts (False for a store written before the tables existed)."""
    try:
        return any(
            conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
            for table in ("sirene_units", "sirene_establishments")
        )
    except sqlite3.OperationalError:
        return False
