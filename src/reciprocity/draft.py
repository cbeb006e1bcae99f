"""A buyer's short form -> the same `Notice` the parsers give, so a draft with no XML yet gets the same assessment.

The form asks for the key facts the rules read and for what their advice asks (lots suitable for SMEs, a clause on
third-country operators, an advance, per-lot values). What the buyer leaves blank stays `None` with a
`parse_warnings` entry (never guessed); everything typed wrong is reported at once: `DraftError.errors` names each
field with a reason key the interfaces word in the reader's language (i18n vocabulary `draft_error`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .countries import ALPHA3_TO_ALPHA2
from .errors import DraftError
from .i18n import labels
from .model import AwardCriterion, Lot, Money, Notice, Organisation, Procedure, SelectionCriterion
from .model.bounds import number_fault

# the code lists each choice accepts (labels: reciprocity.i18n; official eForms lists where one exists)
CHOICE_LISTS = {
    "buyer_legal_type": "buyer-legal-type",  # BT-11
    "buyer_activity": "main-activity",  # BT-10 / BT-610
    "legal_basis": "legal-basis",  # BT-01
    "contract_nature": "contract-nature",  # BT-23
    "procedure_type": "procurement-procedure-type",  # BT-105
    "electronic_submission": "esubmission",  # BT-17
    "third_country_clause": "third_country_clause",  # CCP L2153-1 al. 2
    "award_type": "award-criterion-type",  # BT-539
}
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "NOK")
COUNTRIES = frozenset(ALPHA3_TO_ALPHA2.values())
MAX_LOTS = 500
MAX_LOT_VALUES = 10  # per-lot values the form asks for (more lots: the procedure value alone)
FIELDS = (
    "buyer_name", "buyer_country", "buyer_legal_type", "buyer_activity", "legal_basis", "title", "contract_nature",
    "cpv_main", "estimated_value", "currency", "procedure_type", "dispatch_date", "tender_deadline", "lots_count",
    "lot_values", "all_lots_required", "sme_suitable", "min_turnover", "award_criteria", "electronic_submission",
    "third_country_clause", "advance_rate",
)
_WARN_BLANK = ("buyer_country", "buyer_legal_type", "contract_nature", "cpv_main", "estimated_value",
               "procedure_type", "tender_deadline", "electronic_submission")
# the clause the buyer announces, as the documents will word it (the Kolin rule reads the notice's texts)
_CLAUSE = ("Opérateurs économiques de pays tiers non couverts par un accord (article L2153-1, alinéa 2, du code de "
           "la commande publique) : {choice}.")


class _Errors:
    """Collects every field error of a form, so that all are shown at once."""

    def __init__(self) -> None:
        self.found: list[DraftError] = []

    def read(self, reader: Callable[..., Any], *args: Any) -> Any:
        """`reader(*args)`, or None after recording its DraftError."""
        try:
            return reader(*args)
        except DraftError as error:
            self.found.extend(error.errors)
            return None

    def raise_any(self) -> None:
        if self.found:
            raise DraftError.combine(self.found)


def build_notice(fields: Mapping[str, Any], today: date | None = None) -> Notice:
    """Build a competition `Notice` (source_format "form") from the draft form's fields."""
    errors = _Errors()
    for key in sorted(set(fields) - set(FIELDS)):
        errors.found.append(DraftError(key, "unknown field", "unknown-field"))
    values = {key: _blank_to_none(fields.get(key)) for key in FIELDS}
    notice = Notice(id=_draft_id(values), source_format="form", schema_version="form-1", kind="competition")
    notice.dispatch_date = errors.read(_date_field, values, "dispatch_date") or (today or date.today())
    notice.buyer = _buyer(values, errors)
    notice.procedure = _procedure(values, errors)
    notice.lots = _lots(values, notice.procedure, errors)
    errors.read(_check_deadline, notice)
    errors.raise_any()
    for key in _WARN_BLANK:
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


def _choice(values: Mapping[str, Any], key: str, kind: str | None = None) -> str | None:
    """A code of the list of `kind` (a CHOICE_LISTS key, or "currency"; default: the field's own list)."""
    value = values[key]
    kind = kind or key
    allowed = CURRENCIES if kind == "currency" else tuple(labels.codes(CHOICE_LISTS[kind]))
    if value is not None and value not in allowed:
        raise DraftError(key, f"{value!r} is not one of {', '.join(allowed)}", "not-in-list", value=value)
    return value


def _date_field(values: Mapping[str, Any], key: str) -> date | None:
    value = values[key]
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DraftError(key, f"{value!r} is not a date (YYYY-MM-DD)", "not-a-date", value=value) from None


def _decimal(values: Mapping[str, Any], key: str) -> Decimal | None:
    value = values[key]
    if value is None:
        return None
    try:
        number = Decimal(str(value).replace(" ", "").replace("\u202f", "").replace("\xa0", "").replace(",", "."))
    except InvalidOperation:
        raise DraftError(key, f"{value!r} is not a number", "not-a-number", value=value) from None
    if number_fault(number):  # 1E+999999999 would be written out as a gigabyte of digits
        raise DraftError(key, number_fault(number) or "", "out-of-range", value=value, low=0, high="10^18")
    if number < 0:
        raise DraftError(key, "must be a positive number", "not-positive", value=value)
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
    raise DraftError(key, f"{value!r} is not yes or no", "not-yes-no", value=value)


def _country(values: Mapping[str, Any]) -> str | None:
    country = values["buyer_country"]
    if country is None:
        return None
    country = str(country).upper()
    if country not in COUNTRIES:
        raise DraftError("buyer_country", f"{country!r} is not an ISO 3166-1 alpha-2 code", "not-a-country",
                         value=country)
    return country


def _buyer(values: Mapping[str, Any], errors: _Errors) -> Organisation:
    return Organisation(name=values["buyer_name"], country=errors.read(_country, values),
                        legal_type=errors.read(_choice, values, "buyer_legal_type"),  # BT-11
                        activity=errors.read(_choice, values, "buyer_activity"))  # BT-10 / BT-610


def _cpv(values: Mapping[str, Any]) -> str | None:
    value = values["cpv_main"]
    if value is None:
        return None
    digits = str(value).split("-")[0].strip()  # "33100000-1": the check digit after the hyphen is dropped
    if not re.fullmatch(r"\d{8}", digits):
        raise DraftError("cpv_main", f"{value!r} is not a CPV code (8 digits)", "not-a-cpv", value=value)
    return digits


def _rate(values: Mapping[str, Any]) -> Decimal | None:
    """The advance rate typed in % (R2191-3), kept as a share 0..1 like DECP's tauxAvance."""
    percent = _decimal(values, "advance_rate")
    if percent is not None and percent > 100:
        raise DraftError("advance_rate", "must be between 0 and 100", "out-of-range", value=values["advance_rate"],
                         low=0, high=100)
    return None if percent is None else percent / 100


def _clause(values: Mapping[str, Any], errors: _Errors) -> str | None:
    choice = errors.read(_choice, values, "third_country_clause")
    if choice in (None, "none"):
        return None
    return _CLAUSE.format(choice=labels.label("third_country_clause", choice, "fr"))


def _procedure(values: Mapping[str, Any], errors: _Errors) -> Procedure:
    amount = errors.read(_decimal, values, "estimated_value")  # BT-27
    currency = errors.read(_choice, values, "currency", "currency") or "EUR"
    e_submission = errors.read(_choice, values, "electronic_submission")  # BT-17
    return Procedure(
        type=errors.read(_choice, values, "procedure_type"),  # BT-105
        contract_nature=errors.read(_choice, values, "contract_nature"),  # BT-23
        legal_basis=errors.read(_choice, values, "legal_basis"),  # BT-01
        title=values["title"],
        cpv_main=errors.read(_cpv, values),  # BT-262
        estimated_value=None if amount is None else Money(amount, currency),
        tender_deadline=errors.read(_date_field, values, "tender_deadline"),  # BT-131
        electronic_submission=None if e_submission is None else e_submission != "not-allowed",
        all_lots_required=errors.read(_bool, values, "all_lots_required"),
        additional_info=_clause(values, errors),
        advance_rate=errors.read(_rate, values),
    )


def _lots_count(values: Mapping[str, Any], given: int) -> int:
    value = values["lots_count"]
    if value is None:
        return max(given, 1)
    try:
        count = int(str(value))
    except ValueError:
        raise DraftError("lots_count", f"{value!r} is not a whole number", "not-whole", value=value) from None
    if not 1 <= count <= MAX_LOTS:
        raise DraftError("lots_count", f"must be between 1 and {MAX_LOTS}", "out-of-range", value=value, low=1,
                         high=MAX_LOTS)
    if given and given != count:
        raise DraftError("lot_values", f"{given} lot values for {count} lots", "lots-mismatch", given=given,
                         count=count)
    return count


def _lot_values(values: Mapping[str, Any], errors: _Errors) -> list[Decimal | None]:
    """The per-lot values typed (blank rows at the end ignored); a bad one names its row."""
    rows = list(values["lot_values"] or [])[:MAX_LOT_VALUES]
    while rows and _blank_to_none(rows[-1]) is None:
        rows.pop()
    amounts = []
    for index, row in enumerate(rows):
        try:
            amounts.append(_decimal({"value": _blank_to_none(row)}, "value"))
        except DraftError as error:
            errors.found.append(DraftError(f"lot_values[{index}]", error.reason, error.key, **error.params))
            amounts.append(None)
    return amounts


def _lots(values: Mapping[str, Any], procedure: Procedure, errors: _Errors) -> list[Lot]:
    """One lot per lot announced; each carries the procedure-wide criteria the form asks for."""
    lot_values = _lot_values(values, errors)
    count = errors.read(_lots_count, values, len(lot_values)) or max(len(lot_values), 1)
    turnover = errors.read(_decimal, values, "min_turnover")  # BT-752 minimum yearly turnover
    currency = procedure.estimated_value.currency if procedure.estimated_value else "EUR"
    criteria = _award_criteria(values["award_criteria"], errors)
    suitable = errors.read(_bool, values, "sme_suitable")  # BT-726
    lots = []
    for number in range(1, count + 1):
        typed = lot_values[number - 1] if number <= len(lot_values) else None
        # a single lot is the whole procedure; otherwise only the values typed per lot, never a guessed split
        value = Money(typed, currency) if typed is not None else procedure.estimated_value if count == 1 else None
        lots.append(Lot(
            id=f"LOT-{number:04d}", title=procedure.title if count == 1 else None, cpv_main=procedure.cpv_main,
            estimated_value=value, sme_suitable=suitable,
            selection_criteria=[] if turnover is None else [
                SelectionCriterion("ef-stand", "Minimum yearly turnover", Money(turnover, currency))],
            award_criteria=list(criteria), tender_deadline=procedure.tender_deadline,
            electronic_submission=values["electronic_submission"] if values["electronic_submission"] in
            labels.codes("esubmission") else None,
        ))
    return lots


def _award_criteria(rows: Any, errors: _Errors) -> list[AwardCriterion]:
    """BT-539 type, BT-734 name, BT-541 weight; rows with no type are ignored (blank form lines)."""
    criteria = []
    for index, row in enumerate(rows or []):
        if not isinstance(row, Mapping):
            errors.found.append(DraftError("award_criteria", "each criterion is an object with type, name and "
                                           "weight", "not-an-object"))
            continue
        row_values = {k: _blank_to_none(row.get(k)) for k in ("type", "name", "weight")}
        if row_values["type"] is None:
            continue
        kind = errors.read(_row_field, _choice, row_values, "type", index, "award_type")
        weight = errors.read(_row_field, _decimal, row_values, "weight", index)
        criteria.append(AwardCriterion(type=kind, name=row_values["name"], weight=weight))
    return criteria


def _row_field(reader: Callable[..., Any], row: Mapping[str, Any], key: str, index: int, *args: Any) -> Any:
    """A criterion row's field, its error named `award_criteria[<row>].<field>`."""
    try:
        return reader(row, key, *args)
    except DraftError as error:
        raise DraftError(f"award_criteria[{index}].{key}", error.reason, error.key, **error.params) from None


def _check_deadline(notice: Notice) -> None:
    deadline = notice.procedure.tender_deadline
    if deadline is not None and notice.dispatch_date is not None and deadline < notice.dispatch_date:
        raise DraftError("tender_deadline", "is before the dispatch date", "before-dispatch")
