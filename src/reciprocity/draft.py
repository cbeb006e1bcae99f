"""A buyer's short form -> the same `Notice` the parsers give, so a draft with no XML yet gets the same assessment.

The form asks only for the key facts the rules read. What the buyer leaves blank stays `None` with a
`parse_warnings` entry (never guessed); what the buyer types wrong raises `DraftError` naming the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .countries import ALPHA3_TO_ALPHA2
from .errors import DraftError
from .model import AwardCriterion, Lot, Money, Notice, Organisation, Procedure, SelectionCriterion

# BT-11 buyer-legal-type (eForms SDK 1.15 code list): code -> (English, French)
LEGAL_TYPES: dict[str, tuple[str, str]] = {
    "cga": ("Central government authority", "Autorité publique centrale"),
    "ra": ("Regional authority", "Autorité régionale"),
    "la": ("Local authority", "Autorité locale"),
    "body-pl": ("Body governed by public law", "Organisme de droit public"),
    "body-pl-cga": ("Body governed by public law, controlled by a central government authority",
                    "Organisme de droit public, contrôlé par une autorité publique centrale"),
    "body-pl-ra": ("Body governed by public law, controlled by a regional authority",
                   "Organisme de droit public, contrôlé par une autorité régionale"),
    "body-pl-la": ("Body governed by public law, controlled by a local authority",
                   "Organisme de droit public, contrôlé par une autorité locale"),
    "pub-undert": ("Public undertaking", "Entreprise publique"),
    "pub-undert-cga": ("Public undertaking, controlled by a central government authority",
                       "Entreprise publique, contrôlée par une autorité publique centrale"),
    "pub-undert-ra": ("Public undertaking, controlled by a regional authority",
                      "Entreprise publique, contrôlée par une autorité régionale"),
    "pub-undert-la": ("Public undertaking, controlled by a local authority",
                      "Entreprise publique, contrôlée par une autorité locale"),
    "spec-rights-entity": ("Entity with special or exclusive rights",
                           "Entité disposant de droits spéciaux ou exclusifs"),
    "def-cont": ("Defence contractor", "Contractant du secteur de la défense"),
    "eu-ins-bod-ag": ("EU institution, body or agency", "Institution, organe ou agence de l’UE"),
    "int-org": ("International organisation", "Organisation internationale"),
    "org-sub": ("Organisation awarding a contract subsidised by a contracting authority",
                "Organisation qui passe un marché subventionné par un pouvoir adjudicateur"),
}
# BT-105 procurement-procedure-type: code -> (English, French)
PROCEDURE_TYPES: dict[str, tuple[str, str]] = {
    "open": ("Open", "Ouverte"),
    "restricted": ("Restricted", "Restreinte"),
    "neg-w-call": ("Competitive with negotiation", "Concurrentielle avec négociation"),
    "neg-wo-call": ("Negotiated without prior call for competition", "Négociée sans mise en concurrence préalable"),
    "comp-dial": ("Competitive dialogue", "Dialogue compétitif"),
    "innovation": ("Innovation partnership", "Partenariat d’innovation"),
    "oth-single": ("Other single stage procedure", "Autre procédure en une seule étape"),
    "oth-mult": ("Other multiple stage procedure", "Autre procédure en plusieurs étapes"),
}
# BT-23 contract nature
NATURES: dict[str, tuple[str, str]] = {
    "works": ("Works", "Travaux"),
    "supplies": ("Supplies", "Fournitures"),
    "services": ("Services", "Services"),
}
# BT-17 electronic submission
E_SUBMISSION: dict[str, tuple[str, str]] = {
    "required": ("Required", "Obligatoire"),
    "allowed": ("Allowed", "Autorisée"),
    "not-allowed": ("Not allowed", "Non autorisée"),
}
# BT-539 award criterion type
AWARD_TYPES: dict[str, tuple[str, str]] = {
    "price": ("Price", "Prix"),
    "cost": ("Cost", "Coût"),
    "quality": ("Quality", "Qualité"),
}
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "NOK")
MAX_LOTS = 500
FIELDS = (
    "buyer_name", "buyer_country", "buyer_legal_type", "title", "contract_nature", "cpv_main",
    "estimated_value", "currency", "procedure_type", "dispatch_date", "tender_deadline", "lots_count",
    "all_lots_required", "min_turnover", "award_criteria", "electronic_submission",
)
_COUNTRIES = frozenset(ALPHA3_TO_ALPHA2.values())


def build_notice(fields: Mapping[str, Any], today: date | None = None) -> Notice:
    """Build a competition `Notice` (source_format "form") from the draft form's fields."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise DraftError(unknown[0], "unknown field")
    values = {key: _blank_to_none(fields.get(key)) for key in FIELDS}
    notice = Notice(id=_draft_id(values), source_format="form", schema_version="form-1", kind="competition")
    notice.dispatch_date = _date_field(values, "dispatch_date") or (today or date.today())
    notice.buyer = _buyer(values)
    notice.procedure = _procedure(values)
    notice.lots = _lots(values, notice.procedure)
    _check_deadline(notice)
    for key in ("buyer_country", "buyer_legal_type", "contract_nature", "cpv_main", "estimated_value",
                "procedure_type", "tender_deadline", "electronic_submission"):
        if values[key] is None:
            notice.warn(f"{key}: not given in the form")
    return notice


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", None, []) else value


def _draft_id(values: Mapping[str, Any]) -> str:
    """A stable id from the content, so the same draft always gets the same id."""
    digest = hashlib.sha1(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
    return f"draft-{digest[:16]}"


def _choice(values: Mapping[str, Any], key: str, allowed: Mapping[str, Any] | tuple[str, ...]) -> str | None:
    value = values[key]
    if value is not None and value not in allowed:
        raise DraftError(key, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _date_field(values: Mapping[str, Any], key: str) -> date | None:
    value = values[key]
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DraftError(key, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _decimal(values: Mapping[str, Any], key: str) -> Decimal | None:
    value = values[key]
    if value is None:
        return None
    try:
        number = Decimal(str(value).replace(" ", "").replace("\u202f", "").replace(",", "."))
    except InvalidOperation:
        raise DraftError(key, f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise DraftError(key, "must be a positive number")
    return number


def _bool(values: Mapping[str, Any], key: str) -> bool | None:
    value = values[key]
    if value is None or isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("true", "yes", "oui", "on", "1"):
        return True
    if text in ("false", "no", "non", "off", "0"):
        return False
    raise DraftError(key, f"{value!r} is not yes or no")


def _buyer(values: Mapping[str, Any]) -> Organisation:
    country = values["buyer_country"]
    if country is not None:
        country = str(country).upper()
        if country not in _COUNTRIES:
            raise DraftError("buyer_country", f"{country!r} is not an ISO 3166-1 alpha-2 code")
    legal_type = _choice(values, "buyer_legal_type", LEGAL_TYPES)  # BT-11
    return Organisation(name=values["buyer_name"], country=country, legal_type=legal_type)


def _cpv(values: Mapping[str, Any]) -> str | None:
    value = values["cpv_main"]
    if value is None:
        return None
    digits = str(value).split("-")[0].strip()  # "33100000-1": the check digit after the hyphen is dropped
    if not re.fullmatch(r"\d{8}", digits):
        raise DraftError("cpv_main", f"{value!r} is not a CPV code (8 digits)")
    return digits


def _procedure(values: Mapping[str, Any]) -> Procedure:
    amount = _decimal(values, "estimated_value")  # BT-27
    currency = _choice(values, "currency", CURRENCIES) or "EUR"
    e_submission = _choice(values, "electronic_submission", E_SUBMISSION)  # BT-17
    return Procedure(
        type=_choice(values, "procedure_type", PROCEDURE_TYPES),  # BT-105
        contract_nature=_choice(values, "contract_nature", NATURES),  # BT-23
        title=values["title"],
        cpv_main=_cpv(values),  # BT-262
        estimated_value=None if amount is None else Money(amount, currency),
        tender_deadline=_date_field(values, "tender_deadline"),  # BT-131
        electronic_submission=None if e_submission is None else e_submission != "not-allowed",
        all_lots_required=_bool(values, "all_lots_required"),
    )


def _lots_count(values: Mapping[str, Any]) -> int:
    value = values["lots_count"]
    if value is None:
        return 1
    try:
        count = int(str(value))
    except ValueError:
        raise DraftError("lots_count", f"{value!r} is not a whole number") from None
    if not 1 <= count <= MAX_LOTS:
        raise DraftError("lots_count", f"must be between 1 and {MAX_LOTS}")
    return count


def _lots(values: Mapping[str, Any], procedure: Procedure) -> list[Lot]:
    """One lot per lot announced; each carries the procedure-wide criteria the form asks for."""
    count = _lots_count(values)
    turnover = _decimal(values, "min_turnover")  # BT-752 minimum yearly turnover
    currency = procedure.estimated_value.currency if procedure.estimated_value else "EUR"
    criteria = _award_criteria(values["award_criteria"])
    e_submission = values["electronic_submission"]
    lots = []
    for number in range(1, count + 1):
        lots.append(Lot(
            id=f"LOT-{number:04d}",
            title=procedure.title if count == 1 else None,
            cpv_main=procedure.cpv_main,
            # a single lot is the whole procedure; the split between several lots is not asked, so not guessed
            estimated_value=procedure.estimated_value if count == 1 else None,
            selection_criteria=[] if turnover is None else [
                SelectionCriterion("ef-stand", "Minimum yearly turnover", Money(turnover, currency))],
            award_criteria=list(criteria),
            tender_deadline=procedure.tender_deadline,
            electronic_submission=e_submission,
        ))
    return lots


def _award_criteria(rows: Any) -> list[AwardCriterion]:
    """BT-539 type, BT-734 name, BT-541 weight; rows with no type are ignored (blank form lines)."""
    criteria = []
    for index, row in enumerate(rows or []):
        if not isinstance(row, Mapping):
            raise DraftError("award_criteria", "each criterion is an object with type, name and weight")
        row_values = {k: _blank_to_none(row.get(k)) for k in ("type", "name", "weight")}
        if row_values["type"] is None:
            continue
        kind = _choice(row_values, "type", AWARD_TYPES)
        try:
            weight = _decimal(row_values, "weight")
        except DraftError as exc:
            raise DraftError(f"award_criteria[{index}].weight", exc.reason) from None
        criteria.append(AwardCriterion(type=kind, name=row_values["name"], weight=weight))
    return criteria


def _check_deadline(notice: Notice) -> None:
    deadline = notice.procedure.tender_deadline
    if deadline is not None and notice.dispatch_date is not None and deadline < notice.dispatch_date:
        raise DraftError("tender_deadline", "is before the dispatch date")
