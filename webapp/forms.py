"""The two forms of /check: an upload or pasted notice, and the short draft form (CSRF-protected by flask-wtf).

Code choices are not validated here but in `reciprocity.draft`, which names the field at fault (one place).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, FieldList, FormField, IntegerField, StringField, TextAreaField
from wtforms.form import Form
from wtforms.validators import NumberRange, Optional

from reciprocity.draft import AWARD_TYPES, CURRENCIES, E_SUBMISSION, LEGAL_TYPES, NATURES, PROCEDURE_TYPES

AWARD_ROWS = 4  # fixed rows: the page works without JavaScript
# the codes each select offers (rendered by the template; "" = not given)
CHOICES: dict[str, tuple[str, ...]] = {
    "buyer_legal_type": ("", *LEGAL_TYPES), "contract_nature": ("", *NATURES), "currency": CURRENCIES,
    "procedure_type": ("", *PROCEDURE_TYPES), "all_lots_required": ("", "yes", "no"),
    "electronic_submission": ("", *E_SUBMISSION), "type": ("", *AWARD_TYPES),
}


class UploadForm(FlaskForm):
    """A notice file (eForms, TED XML, DECP JSON) or the same text pasted."""

    file = FileField()
    text = TextAreaField()


class CriterionForm(Form):
    """One award criterion row (BT-539 type, BT-734 name, BT-541 weight); no CSRF of its own."""

    type = StringField(validators=[Optional()])
    name = StringField(validators=[Optional()])
    weight = StringField(validators=[Optional()])


class DraftForm(FlaskForm):
    """The key facts of a draft competition notice, for a buyer who has no XML yet."""

    buyer_name = StringField(validators=[Optional()])
    buyer_country = StringField(default="FR", validators=[Optional()])
    buyer_legal_type = StringField(validators=[Optional()])
    title = StringField(validators=[Optional()])
    contract_nature = StringField(validators=[Optional()])
    cpv_main = StringField(validators=[Optional()])
    estimated_value = StringField(validators=[Optional()])
    currency = StringField(default="EUR", validators=[Optional()])
    procedure_type = StringField(validators=[Optional()])
    dispatch_date = DateField(validators=[Optional()])
    tender_deadline = DateField(validators=[Optional()])
    lots_count = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=500)])
    all_lots_required = StringField(validators=[Optional()])
    min_turnover = StringField(validators=[Optional()])
    electronic_submission = StringField(validators=[Optional()])
    award_criteria = FieldList(FormField(CriterionForm), min_entries=AWARD_ROWS, max_entries=AWARD_ROWS)

    def draft_fields(self) -> dict[str, Any]:
        """The form's values in the shape `reciprocity.draft.build_notice` takes."""
        values = {name: field.data for name, field in self._fields.items()
                  if name not in ("csrf_token", "award_criteria")}
        values["award_criteria"] = [dict(row.data) for row in self.award_criteria]
        return values
