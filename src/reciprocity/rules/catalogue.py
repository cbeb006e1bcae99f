"""The catalogue of finding codes and EU instruments: what `reciprocity rules`, GET /api/v1/rules and the rules page
list."""

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


STATUS_TEXT = {"in-force": ("in force", "en vigueur"), "proposal": ("proposal", "proposition"),
               "provisional-agreement": ("provisional agreement", "accord provisoire")}


def instruments_listing(data: RuleData, lang: str = "en") -> list[dict[str, Any]]:
    """The EU instruments of rules-2026.md §9-10 with their status and date: what is law and what is only a
    proposal (shown as information, never as a duty)."""
    index = 1 if lang == "fr" else 0
    return [{"id": entry["id"], "title": entry["title"][lang], "status": entry["status"],
             "status_text": STATUS_TEXT[entry["status"]][index], "date": entry["date"].isoformat(),
             "effect": entry["effect"][lang], "confidence": entry.get("confidence", "established"),
             "source": entry["source"]}
            for entry in data.instruments]
