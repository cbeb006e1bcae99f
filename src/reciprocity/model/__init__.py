"""The data model: what a notice says (`notice`) and what we say about it (`assessment`).

The JSON contract (design.md) is stable: fields may be added, never renamed or removed.
Values the notice does not give are `None` (JSON `null`), never guessed.
"""

from .assessment import AREAS, FINDING_KEYS, ORIGIN_CLASSES, SEVERITIES, SEVERITY_RANK, STATUSES, Assessment, Finding
from .notice import (
    KINDS,
    SIZES,
    SME_SIZES,
    AwardCriterion,
    Change,
    Lot,
    LotResult,
    Money,
    Notice,
    Organisation,
    Prize,
    Procedure,
    Received,
    SelectionCriterion,
    Tender,
    sme_of_size,
)

__all__ = [
    "AREAS", "FINDING_KEYS", "KINDS", "ORIGIN_CLASSES", "SEVERITIES", "SEVERITY_RANK", "SIZES", "SME_SIZES",
    "STATUSES", "Assessment", "AwardCriterion", "Change", "Finding", "Lot", "LotResult", "Money", "Notice",
    "Organisation", "Prize", "Procedure", "Received", "SelectionCriterion", "Tender", "sme_of_size",
]
