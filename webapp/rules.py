"""The finding codes the app documents (GET /api/v1/rules and the rules page), read from the rules registry."""

from __future__ import annotations

from typing import Any

from reciprocity.rules import all_codes
from reciprocity.rules.data import load_rule_data


def rules_catalogue() -> list[dict[str, Any]]:
    """Every code of the registry with its area, severity, title (EN/FR), legal reference and confidence."""
    data = load_rule_data()
    catalogue = []
    for code in all_codes():
        entry = data.code(code)  # data/codes.yaml: the same text the findings carry
        title = entry.get("title") or {}
        catalogue.append({
            "code": code, "area": entry.get("area"), "severity": entry.get("severity"),
            "title": title.get("en"), "title_fr": title.get("fr"), "legal_ref": entry.get("legal_ref"),
            "confidence": entry.get("confidence"), "source": entry.get("source"),
        })
    return catalogue
