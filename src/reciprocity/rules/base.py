"""What every rule module shares: the context a rule reads and the one way to build a finding.

A rule module exposes `CODES` (the finding codes it emits) and `check(ctx) -> list[Finding]`.
Rules are pure: they read `ctx.notice` and `ctx.data` and never do I/O. The text of each code (messages in
English and French, legal reference, recommendation, confidence) lives in `data/codes.yaml`, not in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..model import Notice


@dataclass
class Context:
    """What a rule may read: the notice, the loaded rule data, the date that decides which rule applies,
    and what earlier steps computed (coverage, origin classes)."""

    notice: Notice
    data: Any  # rules.data.RuleData
    as_of: date  # launch date: dispatch date, else today for a draft
    coverage: dict[str, Any] = field(default_factory=dict)
    origin: list[dict[str, Any]] = field(default_factory=list)
