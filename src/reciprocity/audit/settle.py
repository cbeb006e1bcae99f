"""What every command that writes notices does after: group new winners into entities, then materialise the
report's cubes and the buyers' benchmark profiles, so that the web pages read a current store without recomputing
it (one place for all writers)."""

from __future__ import annotations

from typing import Any

from . import aggregates, benchmark_profiles
from .entities import group_winners, needs_grouping


def settle(db: Any, group: bool = True) -> dict[str, int] | None:
    """Group the winners not grouped yet (unless `group` is false) and refresh stale cubes; the grouping counts."""
    grouped = group_winners(db) if group and needs_grouping(db) else None
    if not aggregates.is_current(db):
        aggregates.refresh(db)
    benchmark_profiles.ensure(db)  # every buyer's benchmark profile (issue 14), unless current
    return grouped
