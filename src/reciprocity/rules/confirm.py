"""The "to be confirmed" items a finding carries: each unconfirmed fact it relied on, in English and French, with
the source of the rule-data entry it comes from (brief: `"to_confirm": [{"en", "fr", "source"}]`).

A finding never presents such a fact as law: its message says "may", the item says what to check and where.
"""

from __future__ import annotations

from typing import Any

Item = dict[str, str]


def item(en: str, fr: str, source: str) -> Item:
    """One fact to confirm."""
    return {"en": en, "fr": fr, "source": source}


def weak(entry: dict[str, Any] | None) -> bool:
    """A rule-data entry marked `confidence: unconfirmed`."""
    return bool(entry) and entry.get("confidence") == "unconfirmed"


def of_entry(entry: dict[str, Any] | None, en: str, fr: str) -> list[Item]:
    """[the item] when the entry is unconfirmed, else []."""
    return [item(en, fr, entry["source"])] if weak(entry) else []


def of_code(entry: dict[str, Any]) -> list[Item]:
    """The item of a finding code that is itself unconfirmed (codes.yaml `to_confirm`)."""
    if entry["confidence"] != "unconfirmed":
        return []
    return [item(entry["to_confirm"]["en"], entry["to_confirm"]["fr"], entry["source"])]


def merge(*groups: list[Item]) -> list[Item]:
    """The items of every group, each once, in order."""
    seen, merged = set(), []
    for group in groups:
        for entry in group:
            key = (entry["en"], entry["source"])
            if key not in seen:
                seen.add(key)
                merged.append(entry)
    return merged


def confidence(items: list[Item]) -> str:
    """"unconfirmed" when anything remains to confirm."""
    return "unconfirmed" if items else "established"
