"""The two forms of /check: an upload or pasted notice, and the short draft form (CSRF-protected by flask-wtf).

Code choices are not validated here but in `reciprocity.draft`, which names the field at fault (one place).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.form import Form
from wtforms.validators import NumberRange, Optional

from reciprocity.draft import AWARD_TYPES, CURRENCIES, E_SUBMISSION, LEGAL_TYPES, NATURES, PROCEDURE_TYPES

AWARD_ROWS = 4  # fixed rows: the page works without JavaScript


class UploadForm(FlaskForm):
    """A notice file (eForms, TED XML, DECP JSON) or the same text pasted."""

    file = FileField()
    text = TextAreaField()


class CriterionForm(Form):
    """One award criterion row (BT-539 type, BT-734 name, BT-541 weight); no CSRF of its own."""

    type = SelectField(validate_choice=False, choices=[("", "")] + [(code, code) for code in AWARD_TYPES])
    name = StringField(validators=[Optional()])
    weight = StringField(validators=[Optional()])


class DraftForm(FlaskForm):
    """The key facts of a draft competition notice, for a buyer who has no XML yet."""

    buyer_name = StringField(validators=[Optional()])
    buyer_country = StringField(default="FR", validators=[Optional()])
    buyer_legal_type = SelectField(validate_choice=False, choices=[("", "")] + [(c, c) for c in LEGAL_TYPES])
    title = StringField(validators=[Optional()])
    contract_nature = SelectField(validate_choice=False, choices=[("", "")] + [(c, c) for c in NATURES])
    cpv_main = StringField(validators=[Optional()])
    estimated_value = StringField(validators=[Optional()])
    currency = SelectField(validate_choice=False, choices=[(c, c) for c in CURRENCIES], default="EUR")
    procedure_type = SelectField(validate_choice=False, choices=[("", "")] + [(c, c) for c in PROCEDURE_TYPES])
    dispatch_date = DateField(validators=[Optional()])
    tender_deadline = DateField(validators=[Optional()])
    lots_count = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=500)])
    all_lots_required = SelectField(validate_choice=False, choices=[("", ""), ("yes", "yes"), ("no", "no")])
    min_turnover = StringField(validators=[Optional()])
    electronic_submission = SelectField(validate_choice=False, choices=[("", "")] + [(c, c) for c in E_SUBMISSION])
    award_criteria = FieldList(FormField(CriterionForm), min_entries=AWARD_ROWS, max_entries=AWARD_ROWS)

    def draft_fields(self) -> dict[str, Any]:
        """The form's values in the shape `reciprocity.draft.build_notice` takes."""
        values = {name: field.data for name, field in self._fields.items()
                  if name not in ("csrf_token", "award_criteria")}
        values["award_criteria"] = [dict(row.data) for row in self.award_criteria]
        return values
