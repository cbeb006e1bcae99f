"""Notice -> Assessment (placeholder until the rules land)."""

from __future__ import annotations

from datetime import date

from .model import Assessment, Notice


def assess(notice: Notice, today: date | None = None) -> Assessment:
    """Run every rule over a notice."""
    return Assessment(notice=notice)
