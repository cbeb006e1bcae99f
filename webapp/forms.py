"""The two forms of /check: an upload or pasted notice, and the short draft form (CSRF-protected by flask-wtf).

Every field is text: values are checked in one place, `reciprocity.draft`, which reports all the wrong fields at
once; the page shows each reason beside its field, in the reader's language, with the values typed kept.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.form import Form

from reciprocity.draft import CHOICE_LISTS, COUNTRIES, CURRENCIES, MAX_LOT_VALUES
from reciprocity.i18n import labels

AWARD_ROWS = 4  # fixed rows: the page works without JavaScript
# what a check answers with (docx: its proposed clauses), the submit button's `<prefix>-format`
FORMATS = ("html", "pdf", "json", "docx")
# field -> the code list its <select> offers ("" first = not given); `currency` and `yes_no` are special
SELECTS = {**{field: CHOICE_LISTS[field] for field in CHOICE_LISTS if field != "award_type"},
           "type": CHOICE_LISTS["award_type"], "all_lots_required": "yes_no", "sme_suitable": "yes_no"}


def choices(field: str, lang: str) -> list[tuple[str, str]]:
    """(value, label) of a select of the draft form, in `lang`; "" first for "not given"."""
    if field == "currency":
        return [(code, code) for code in CURRENCIES]
    if field == "buyer_country":
        return [("", "—"), *labels.country_choices(lang, COUNTRIES)]
    list_name = SELECTS[field]
    codes = ("yes", "no") if list_name == "yes_no" else tuple(labels.codes(list_name))
    return [("", "—"), *((code, labels.label(list_name, code, lang) or code) for code in codes)]


class UploadForm(FlaskForm):
    """A notice file (eForms, TED XML, DECP JSON), the same text pasted, or (from a report) the document again."""

    file = FileField()
    text = TextAreaField()
    document = HiddenField()  # base64 of a document already checked, re-sent to download its report
    name = HiddenField()


class CriterionForm(Form):
    """One award criterion row (BT-539 type, BT-734 name, BT-541 weight); no CSRF of its own."""

    type = StringField()
    name = StringField()
    weight = StringField()


class DraftForm(FlaskForm):
    """The key facts of a draft competition notice, for a buyer who has no XML yet."""

    buyer_name = StringField()
    buyer_country = StringField(default="FR")
    buyer_legal_type = StringField()
    buyer_activity = StringField()
    legal_basis = StringField()
    title = StringField()
    contract_nature = StringField()
    cpv_main = StringField()
    estimated_value = StringField()
    currency = StringField(default="EUR")
    lots_count = StringField(default="1")
    lot_values = FieldList(StringField(), min_entries=MAX_LOT_VALUES, max_entries=MAX_LOT_VALUES)
    all_lots_required = StringField()
    sme_suitable = StringField()
    procedure_type = StringField()
    dispatch_date = StringField()
    tender_deadline = StringField()
    electronic_submission = StringField()
    min_turnover = StringField()
    third_country_clause = StringField()
    advance_rate = StringField()
    award_criteria = FieldList(FormField(CriterionForm), min_entries=AWARD_ROWS, max_entries=AWARD_ROWS)

    def draft_fields(self) -> dict[str, Any]:
        """The form's values in the shape `reciprocity.draft.build_notice` takes."""
        values = {name: field.data for name, field in self._fields.items()
                  if name not in ("csrf_token", "award_criteria", "lot_values")}
        values["award_criteria"] = [dict(row.data) for row in self.award_criteria]
        values["lot_values"] = [row.data for row in self.lot_values]
        return values

    def hidden_values(self) -> list[tuple[str, str]]:
        """(name, value) of every field as posted, to send the same draft again for its PDF or JSON."""
        out = []
        for field in self:
            if field.short_name == "csrf_token":
                continue
            for sub in _leaves(field):
                out.append((sub.name, sub.data or ""))
        return out


def _leaves(field: Any) -> list[Any]:
    """The text fields inside a field (itself, or the rows of a FieldList of forms or strings)."""
    if isinstance(field, FieldList):
        return [leaf for entry in field for leaf in _leaves(entry)]
    if isinstance(field, FormField):
        return [leaf for sub in field for leaf in _leaves(sub)]
    return [field]


def error_field_id(field: str, prefix: str = "d") -> str:
    """The form id of a field named by a DraftError ("award_criteria[0].weight" -> "d-award_criteria-0-weight")."""
    return prefix + "-" + field.replace("[", "-").replace("].", "-").replace("]", "")


def asked_format(form: Any, prefix: str) -> str:
    """The report format a submit button asked for (`<prefix>-format`), HTML when none did."""
    return next((value for value in form.getlist(f"{prefix}-format") if value in FORMATS), "html")
