"""The catalogue of finding codes: what `reciprocity rules`, GET /api/v1/rules and the rules page list."""

from __future__ import annotations

from typing import Any

from . import all_codes
from .data import RuleData


def rules_listing(data: RuleData, lang: str = "en") -> list[dict[str, Any]]:
    """Every registered code with its title, area, default severity, legal reference and confidence."""
    listing = []
    for code in all_codes():
        entry = data.code(code)
        listing.append({"code": code, "area": entry["area"], "severity": entry["severity"],
                        "label": entry["label"][lang], "title": entry["title"][lang], "legal_ref": entry["legal_ref"],
                        "confidence": entry["confidence"], "source": entry["source"]})
    return listing
