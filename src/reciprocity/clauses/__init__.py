"""Ready-to-use clauses for the consultation documents: the fix for the findings a clause can fix (issue 12).

The templates are rule data (rules/data/clause_templates.yaml); `offer.py` decides which an Assessment offers and
fills them with its facts (`facts.py`); `view.py` lays a clause out for a reader (web report, PDF, terminal) and
`word.py` writes the Word annex. Every interface calls `clauses_for`.
"""

from __future__ import annotations

from typing import Any

from ..model import Assessment
from ..rules.data import RuleData, load_rule_data
from .facts import reference
from .offer import Clause, offer

__all__ = ["Clause", "clauses_for"]


def clauses_for(assessment: Assessment | dict[str, Any], data: RuleData | None = None) -> dict[str, Any]:
    """{"notice_id", "reference", "title", "buyer", "clauses": [clause objects]} for one Assessment (an
    `Assessment` or its JSON contract dict, as /check returns it)."""
    record = assessment.to_dict() if isinstance(assessment, Assessment) else assessment
    notice = record.get("notice") or {}
    procedure = notice.get("procedure") or {}
    return {
        "notice_id": notice.get("id"),
        "reference": reference(notice),
        "title": procedure.get("title"),
        "buyer": (notice.get("buyer") or {}).get("name"),
        "clauses": [clause.to_dict() for clause in offer(record, data or load_rule_data())],
    }
