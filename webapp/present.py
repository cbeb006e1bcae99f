"""An Assessment (contract dict) as the report templates read it: the library's view in the request's language."""

from __future__ import annotations

import json
from typing import Any

from reciprocity import report_view
from reciprocity.clauses import clauses_for
from reciprocity.clauses.view import attach_to_groups, clause_views

from .i18n import current_language


def prepare_assessment(assessment: dict[str, Any]) -> dict[str, Any]:
    """Facts, sections of flagged findings (each with the clauses that fix it), the clauses no finding offers,
    other checks, scores, coverage and origin, for `_assessment.html`."""
    lang = current_language()
    notice = assessment.get("notice") or {}
    sections = report_view.sections(assessment, lang)
    clauses = clause_views(clauses_for(assessment), lang)
    other_clauses = attach_to_groups(sections, clauses)
    return {
        "facts": report_view.notice_facts(notice, lang),
        "sections": sections,
        "other": report_view.other_checks(assessment, lang),
        "sme": report_view.sme_score_view(assessment.get("sme_score"), lang),
        "benefit": report_view.benefit_view(assessment.get("benefit"), lang),
        "coverage": report_view.coverage_view(assessment.get("coverage"), lang),
        "coverage_raw": json.dumps(assessment.get("coverage") or {}, ensure_ascii=False, indent=1),
        "origin": report_view.origin_view(assessment.get("origin"), lang),
        "parse_warnings": notice.get("parse_warnings") or [],
        "other_clauses": other_clauses,
        "clause_count": len(clauses),
        "to_act": sum(len(section["groups"]) for section in sections if section["key"] != "for_info"),
    }


def technical(value: Any) -> str:
    """Machine data as indented JSON, for the "technical details" folds."""
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)
