"""The finding codes the app documents (GET /api/v1/rules and the rules page), read from the rules registry."""

from __future__ import annotations

from typing import Any


def rules_catalogue() -> list[dict[str, Any]]:
    """Every finding code with its area, severity, reference and confidence (the library's own list)."""
    from reciprocity.rules import catalogue

    return catalogue()
