"""One DECP record (a market or a concession contract, any schema variant) -> one `Notice` of kind "result".

Modifications (avenants) carry the NEW montant / valeurGlobale, dureeMois and titulaires, not deltas
(decp.md §2-3). We keep one notice per contract and apply them in order (by modification `id` when every
modification has one, else by date: notification (signature for concessions), then publication; never by their
place in the file) so the notice holds the current values; each replaced value is recorded in `parse_warnings`
with its initial value and the modification that changed it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from ..model import Lot, LotResult, Money, Notice, Procedure, Received
from ..model.bounds import shown
from . import _decp_parties as parties
from . import _decp_values as values

# fields that only the 2022 schema (arrêtés du 22 décembre 2022) has: tell the flat 2022 variant from 2019
_KEYS_2022 = frozenset({
    "offresRecues", "ccag", "techniques", "technique", "modalitesExecution", "modaliteExecution", "typesPrix",
    "typePrix", "considerationsSociales", "considerationsEnvironnementales", "attributionAvance", "tauxAvance",
    "origineUE", "origineFrance", "sousTraitanceDeclaree", "typeGroupementOperateurs", "marcheInnovant",
    "idAccordCadre", "actesSousTraitance",
})
_ID_SEPARATORS = re.compile(r"[\s,./\\]+")
_GROUPING = {"conjoint": True, "solidaire": True, "pas de groupement": False}


class _Shape:
    """Field names that differ between markets and concession contracts."""

    def __init__(self, concession: bool) -> None:
        self.buyer = "autoriteConcedante" if concession else "acheteur"
        self.value = "valeurGlobale" if concession else "montant"
        self.winners, self.wrapper = ("concessionnaires", "concessionnaire") if concession else (
            "titulaires", "titulaire")
        self.signed = "dateSignature" if concession else "dateNotification"
        self.modified = "dateSignatureModification" if concession else "dateNotificationModification"


def to_notice(record: dict[str, Any], container: str | None, schema_2022: bool, source: str | None) -> Notice:
    """Convert one DECP record; `container` is "marche"/"contrat-concession" when the layout names it."""
    form = contract_form(record, container)
    shape = _Shape(form == "contrat-concession")
    notice = Notice(id="", source_format="decp", form=form, kind="result", language="fr", source=source)
    notice.schema_version = "decp-2022" if schema_2022 or _KEYS_2022 & record.keys() else "decp-2019"
    notice.buyer = parties.buyer(record, shape.buyer, notice)
    notice.id = notice_id(record, notice)
    notice.publication_date = values.decp_date(record.get("datePublicationDonnees"), "datePublicationDonnees", notice)
    current = current_values(record, shape, notice)
    cpv_code = values.cpv(record.get("codeCPV"), notice)
    notice.procedure = procedure(record, form, cpv_code, notice)
    duration = values.count(current["dureeMois"], "dureeMois", notice)
    notice.lots = [Lot(id="1", title=notice.procedure.title, cpv_main=cpv_code,
                       duration=None if duration is None else f"{duration} MONTH",
                       place_of_performance=list(notice.procedure.place_of_performance))]
    notice.results = [result(record, current, shape, notice)]
    return notice


def contract_form(record: dict[str, Any], container: str | None) -> str:
    """ "marche" or "contrat-concession": from the 2022 container, else `_type`, else `nature`, else the fields."""
    if container:
        return container
    kind = values.fold(values.text(record.get("_type")) or "")
    if kind:
        return "contrat-concession" if "concession" in kind else "marche"
    nature = values.fold(values.text(record.get("nature")) or "")
    if nature.startswith(("concession", "delegation")) or isinstance(record.get("autoriteConcedante"), dict):
        return "contrat-concession"
    return "marche"


def notice_id(record: dict[str, Any], notice: Notice) -> str:
    """ "decp-<buyer SIRET>-<contract id>"; `uid` (= SIRET + id) fills whichever part is missing."""
    siret = notice.buyer.identifiers[0] if notice.buyer.identifiers else None
    contract = values.text(record.get("id"))
    uid = values.text(record.get("uid"))
    if uid and contract and siret and uid != siret + contract:
        notice.warn(f"uid {uid!r} is not acheteur SIRET + id")
    if uid and contract is None:
        contract = uid[len(siret):] if siret and uid.startswith(siret) else uid
    if uid and siret is None and contract and uid.endswith(contract) and len(uid) > len(contract):
        siret = uid[: -len(contract)]
    if contract is None:
        canonical = json.dumps(record, sort_keys=True, default=str, ensure_ascii=False).encode()
        contract = "h" + hashlib.sha1(canonical).hexdigest()[:16]
        notice.warn("id: absent; the notice id is made from a hash of the record")
    return f"decp-{siret or 'unknown'}-{_ID_SEPARATORS.sub('_', contract)}"


def current_values(record: dict[str, Any], shape: _Shape, notice: Notice) -> dict[str, Any]:
    """Amount, duration and winners after every modification (each change recorded in parse_warnings)."""
    current = {key: record.get(key) for key in (shape.value, "dureeMois", shape.winners)}
    for label, mod in _modifications(record, shape, notice):
        when = _when(mod, shape)
        for key in (shape.value, "dureeMois"):
            if not values.is_blank(mod.get(key)) and mod[key] != current[key]:
                notice.warn(f"{key}: current value {_plain(mod[key])} from {label} ({when}); "
                            f"initial value {_plain(record.get(key))}")
                current[key] = mod[key]
        new_winners = mod.get(shape.winners)
        if values.is_blank(new_winners) or new_winners == current[shape.winners]:
            continue
        if any(isinstance(item, dict) for item in parties.items(new_winners, shape.wrapper)):
            notice.warn(f"{shape.winners}: current list from {label} ({when}); initial list "
                        f"{_id_list(record.get(shape.winners), shape.wrapper)}")
            current[shape.winners] = new_winners
        else:
            notice.warn(f"{shape.winners} of {label}: no readable {shape.wrapper}; previous list kept")
    return current


def _id_list(value: Any, wrapper: str) -> str:
    """ "id (typeIdentifiant), …" of a titulaire list, so the initial winners stay on record."""
    found = [f"{values.text(item.get('id'))} ({values.text(item.get('typeIdentifiant'))})"
             for item in parties.items(value, wrapper) if isinstance(item, dict)]
    return ", ".join(found) or "empty"


def _plain(value: Any) -> Any:
    """Numbers in plain notation for warnings (1.0E+17 -> 100000000000000000)."""
    return shown(value) if isinstance(value, Decimal) else value  # 1E+999999999: no gigabyte of zeros


def _when(mod: dict[str, Any], shape: _Shape) -> str:
    """How to date a modification in a warning: its notification (or signature) date, else its publication."""
    if notified := values.text(mod.get(shape.modified)):
        return f"notified {notified}"
    if published := values.text(mod.get("datePublicationDonneesModification")):
        return f"published {published}"
    return "date unknown"


def _modifications(record: dict[str, Any], shape: _Shape, notice: Notice) -> list[tuple[str, dict[str, Any]]]:
    """The record's modifications as (label, object), in notification order (see the module docstring)."""
    found = []
    for position, mod in enumerate(parties.items(record.get("modifications"), "modification"), start=1):
        if isinstance(mod, dict):
            found.append((_sequence(mod.get("id")), position, mod))
        else:
            notice.warn(f"modifications[{position}]: {str(mod)[:40]!r} is not a modification; ignored")
    if found and all(ident is not None for ident, _, _ in found):
        found.sort(key=lambda entry: entry[0])
    else:
        found.sort(key=lambda entry: _dated(entry[2], entry[1], shape, notice))  # stable: same dates keep file order
    return [(f"modification {ident if ident is not None else position}", mod) for ident, position, mod in found]


def _dated(mod: dict[str, Any], position: int, shape: _Shape, notice: Notice) -> tuple[date, date]:
    """Sort key of a modification without `id`: its notification date (else its publication date), then its
    publication date; an undated one goes last."""
    notified = values.decp_date(mod.get(shape.modified), shape.modified, notice)
    published = values.decp_date(mod.get("datePublicationDonneesModification"), "datePublicationDonneesModification",
                                 notice)
    if notified is None and published is None:
        notice.warn(f"modifications[{position}]: no date; applied after the dated ones")
    return notified or published or date.max, published or date.max


def _sequence(value: Any) -> int | None:
    """A modification `id` as a number (JSON gives 1, XML gives "1"); anything else gives None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def procedure(record: dict[str, Any], form: str, cpv_code: str | None, notice: Notice) -> Procedure:
    """Procedure type, contract nature, CPV, title, framework / DPS flags of one contract."""
    if form == "contrat-concession":
        nature = values.concession_nature(record.get("nature"), notice)
    else:
        nature = values.nature_from_cpv(cpv_code, notice)
    techniques = [values.fold(t) for t in _strings(record.get("techniques", record.get("technique")), "technique")]
    return Procedure(
        place_of_performance=values.places(record.get("lieuExecution"), notice),
        type=values.procedure_type(record.get("procedure"), notice),
        contract_nature=nature,
        title=values.text(record.get("objet")),
        cpv_main=cpv_code,
        framework=_framework(record, techniques) if form == "marche" else None,
        dps=("systeme d'acquisition dynamique" in techniques) if techniques else None,
    )


def _strings(value: Any, wrapper: str) -> list[str]:
    return [text for item in parties.items(value, wrapper) if (text := values.text(item))]


def _framework(record: dict[str, Any], techniques: list[str]) -> bool | None:
    """Accord-cadre: 2019 `nature`, 2022 `techniques`, or a non-schema `_type` saying so."""
    labels = [values.fold(values.text(record.get(key)) or "") for key in ("nature", "_type")]
    if any(label.startswith("accord-cadre") for label in labels + techniques):
        return True
    return False if techniques or labels[0] else None


def result(record: dict[str, Any], current: dict[str, Any], shape: _Shape, notice: Notice) -> LotResult:
    """The award: winners, tenders received, value, dates, advance and origin shares."""
    for key in (shape.value, shape.signed):
        if values.is_blank(record.get(key)):
            notice.warn(f"{key}: absent")
    amount = values.amount(current[shape.value], shape.value, notice)
    winners = parties.winners(current[shape.winners], shape.wrapper, shape.winners, notice)
    if not winners:
        notice.warn(f"{shape.winners}: none readable")
    origin_fr = values.share(record.get("origineFrance"), "origineFrance", notice)
    origin_eu = values.share(record.get("origineUE"), "origineUE", notice)
    if origin_fr is not None and origin_eu is not None and origin_eu < origin_fr:
        notice.warn(f"origineUE {origin_eu} is below origineFrance {origin_fr} (France is in the EU)")
    return LotResult(
        lot_id="1",
        status="awarded",
        received=_received(record, notice),
        winners=winners,
        value=None if amount is None else Money(amount, "EUR"),
        contract_date=values.decp_date(record.get(shape.signed), shape.signed, notice),
        contract_id=values.text(record.get("id")),
        awarded_to_group=_GROUPING.get(values.fold(values.text(record.get("typeGroupementOperateurs")) or "")),
        advance_rate=values.share(record.get("tauxAvance"), "tauxAvance", notice),
        origin_france_share=origin_fr,
        origin_eu_share=origin_eu,
    )


def _received(record: dict[str, Any], notice: Notice) -> Received | None:
    """offresRecues: tenders received, irregular ones included; 0 and "NC" are not a count (decp.md §3)."""
    total = values.count(record.get("offresRecues"), "offresRecues", notice)
    return None if total is None else Received(total=total)
