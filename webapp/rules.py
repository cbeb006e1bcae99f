"""The finding codes for GET /api/v1/rules and the rules page: the listing `reciprocity rules` prints."""

from __future__ import annotations

from typing import Any

from reciprocity.rules.catalogue import instruments_listing, rules_listing
from reciprocity.rules.data import load_rule_data


def rules_catalogue() -> list[dict[str, Any]]:
    """Every registered code with area, severity, label and title (EN, and FR as `label_fr`, `title_fr`), legal
    reference, confidence."""
    data = load_rule_data()
    french = {rule["code"]: rule for rule in rules_listing(data, "fr")}
    return [{**rule, "title_fr": french[rule["code"]]["title"], "label_fr": french[rule["code"]]["label"]}
            for rule in rules_listing(data, "en")]


def instruments_catalogue() -> list[dict[str, Any]]:
    """The EU instruments (in force, proposals) with status and date, English fields with `<key>_fr` beside them."""
    data = load_rule_data()
    french = {item["id"]: item for item in instruments_listing(data, "fr")}
    return [{**item, **{f"{key}_fr": french[item["id"]][key] for key in ("title", "status_text", "effect")}}
            for item in instruments_listing(data, "en")]
