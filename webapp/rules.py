"""The finding codes for GET /api/v1/rules and the rules page: the listing `reciprocity rules` prints."""

from __future__ import annotations

from typing import Any

from reciprocity.rules.catalogue import rules_listing
from reciprocity.rules.data import load_rule_data


def rules_catalogue() -> list[dict[str, Any]]:
    """Every registered code with area, severity, label and title (EN, and FR as `label_fr`, `title_fr`), legal
    reference, confidence."""
    data = load_rule_data()
    french = {rule["code"]: rule for rule in rules_listing(data, "fr")}
    return [{**rule, "title_fr": french[rule["code"]]["title"], "label_fr": french[rule["code"]]["label"]}
            for rule in rules_listing(data, "en")]
