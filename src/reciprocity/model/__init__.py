"""The data model: what a notice says (`notice`) and what we say about it (`assessment`).

The JSON contract (design.md) is stable: fields may be added, never renamed or removed.
Values the notice does not give are `None` (JSON `null`), never guessed.
"""

from .assessment import AREAS, FINDING_KEYS, ORIGIN_CLASSES, SEVERITIES, SEVERITY_RANK, STATUSES, Assessment, Finding
from .notice import (
    KINDS,
    SIZES,
    AwardCriterion,
    Lot,
    LotResult,
    Money,
    Notice,
    Organisation,
    Procedure,
    Received,
    SelectionCriterion,
    Tender,
)

__all__ = [
    "AREAS", "FINDING_KEYS", "KINDS", "ORIGIN_CLASSES", "SEVERITIES", "SEVERITY_RANK", "SIZES", "STATUSES",
    "Assessment", "AwardCriterion", "Finding", "Lot", "LotResult", "Money", "Notice", "Organisation", "Procedure",
    "Received", "SelectionCriterion", "Tender",
]
