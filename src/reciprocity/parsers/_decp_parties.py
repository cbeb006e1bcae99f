"""DECP buyers and titulaires/concessionnaires -> `Organisation`, with the country their identifier type implies.

decp.md §4: SIRET -> FR; TVA -> its 2-letter prefix (EL -> GR); TAHITI, RIDET, FRWF -> French overseas
collectivities PF, NC, WF; HORS-UE -> the ISO prefix of the id when it is one (DAJ convention); UE -> only a valid
EU prefix; IREP -> unknown. Countries are never read from a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..countries import EU27, normalise_country
from ..model import Notice, Organisation
from ._decp_values import fold, is_blank, text

# typeIdentifiant spellings seen in real data (decp.md §3, §4) -> the schema spelling
_TYPE_SPELLINGS = {
    "siret": "SIRET",
    "tva": "TVA",
    "tva intracommunautaire": "TVA",
    "tva_intracommunautaire": "TVA",
    "hors-ue": "HORS-UE",
    "hors_ue": "HORS-UE",
    "hors ue": "HORS-UE",
    "horsue": "HORS-UE",
    "ue": "UE",
    "tahiti": "TAHITI",
    "ridet": "RIDET",
    "frwf": "FRWF",
    "frw": "FRWF",
    "irep": "IREP",
}
# French overseas collectivities with their own registers (PTOM, outside EU territory)
_OVERSEAS = {"TAHITI": "PF", "RIDET": "NC", "FRWF": "WF"}
_VAT_PREFIX = {"EL": "GR", "XI": "GB"}  # VAT prefixes that are not ISO codes (Greece, Northern Ireland)
_ID_JUNK = re.compile(r"[\s.\-/]")


def items(value: Any, wrapper: str) -> Iterator[Any]:
    """Flatten a DECP repeated element in any published shape: plain list, 2022 `{wrapper: …}` objects,
    XML-derived `{wrapper: [...]}`, and 2019 nested lists `[[{...}]]` (decp-processing #114)."""
    if is_blank(value):
        return
    if isinstance(value, list):
        for item in value:
            yield from items(item, wrapper)
    elif isinstance(value, dict) and set(value) == {wrapper}:
        yield from items(value[wrapper], wrapper)
    else:
        yield value


def buyer(record: dict[str, Any], key: str, notice: Notice) -> Organisation:
    """The acheteur / autoriteConcedante: SIRET identifier, name where given (2019), country FR (French DECP)."""
    party = record.get(key)
    if not isinstance(party, dict):
        party = {"id": record.get(f"{key}.id"), "nom": record.get(f"{key}.nom")}
    siret = text(party.get("id"))
    siret = _ID_JUNK.sub("", siret) if siret else None
    if siret is None:
        notice.warn(f"{key}: no SIRET")
    return Organisation(
        name=text(party.get("nom")),
        country="FR",
        identifiers=[siret] if siret else [],
        identifier_types=["SIRET"] if siret else [],
    )


def winners(value: Any, wrapper: str, field: str, notice: Notice) -> list[Organisation]:
    """Every titulaire (or concessionnaire) of a list; items that are not objects are skipped with a warning."""
    found = []
    for position, item in enumerate(items(value, wrapper), start=1):
        if isinstance(item, dict):
            found.append(winner(item, f"{field}[{position}]", notice))
        else:
            notice.warn(f"{field}[{position}]: {str(item)[:40]!r} is not a {wrapper}; ignored")
    return found


def winner(item: dict[str, Any], where: str, notice: Notice) -> Organisation:
    """One titulaire: id, normalised typeIdentifiant, the country that type implies, denominationSociale."""
    kind = identifier_type(item.get("typeIdentifiant"), where, notice)
    raw_id = text(item.get("id"))
    ident = _ID_JUNK.sub("", raw_id) if raw_id and kind in ("SIRET", "TVA") else raw_id
    if ident is None:
        notice.warn(f"{where}: no identifier")
    return Organisation(
        name=text(item.get("denominationSociale")),
        country=country_of(kind, ident, where, notice),
        identifiers=[ident] if ident else [],
        identifier_types=[kind] if ident else [],
    )


def identifier_type(value: Any, where: str, notice: Notice) -> str | None:
    """The schema spelling of a typeIdentifiant (TVA_INTRACOMMUNAUTAIRE -> TVA, HORS_UE -> HORS-UE, FRW -> FRWF)."""
    raw = text(value)
    if raw is None:
        notice.warn(f"{where}: typeIdentifiant absent; country unknown")
        return None
    kind = _TYPE_SPELLINGS.get(fold(raw))
    if kind is None:
        notice.warn(f"{where}: unknown typeIdentifiant {raw[:30]!r}; country unknown")
        return raw.upper()
    return kind


def country_of(kind: str | None, ident: str | None, where: str, notice: Notice) -> str | None:
    """The country a titulaire's identifier type implies, or None plus a warning when it cannot be told."""
    if kind == "SIRET":
        return "FR"
    if kind in _OVERSEAS:
        return _OVERSEAS[kind]
    if kind not in ("TVA", "UE", "HORS-UE") or not ident:
        if kind == "IREP":
            notice.warn(f"{where}: IREP identifier {ident!r}: country unknown")
        return None
    prefix = ident[:2].upper()
    country = _VAT_PREFIX.get(prefix) or (normalise_country(prefix) if prefix.isalpha() else None)
    if kind == "TVA" and country is None:
        notice.warn(f"{where}: TVA identifier {ident!r} has no country prefix; country unknown")
    if kind == "UE" and country not in EU27:
        notice.warn(f"{where}: UE identifier {ident!r} has no EU country prefix; country unknown")
        return None
    if kind == "HORS-UE":
        if country is None:
            notice.warn(f"{where}: HORS-UE identifier {ident!r} does not start with an ISO country code; unknown")
        elif country in EU27:
            notice.warn(f"{where}: HORS-UE identifier {ident!r} starts with EU country {country}")
    return country
