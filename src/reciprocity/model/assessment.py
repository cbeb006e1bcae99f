"""What we say about a notice: findings and the Assessment that every interface renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .notice import Notice

SEVERITIES = ("info", "warning", "problem")
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}  # for sorting and --fail-on
AREAS = ("sme", "reciprocity", "origin", "competition", "quality")
STATUSES = ("flagged", "passed", "not-applicable", "insufficient-data")
ORIGIN_CLASSES = ("FR", "EU_EEA", "COVERED", "THIRD_AGREEMENT_NOT_COVERED", "UNCOVERED", "UNKNOWN")


# The keys of a finding in the JSON contract, in their order there
FINDING_KEYS = ("code", "severity", "area", "status", "lot", "message", "message_fr", "evidence", "legal_ref",
                "recommendation", "recommendation_fr", "confidence", "to_confirm")


@dataclass
class Finding:
    """One rule's verdict on a notice (or one lot of it), with its evidence and legal reference."""

    code: str
    severity: str  # info | warning | problem
    area: str
    status: str  # flagged | passed | not-applicable | insufficient-data
    message: str
    message_fr: str
    lot: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    legal_ref: str | None = None
    recommendation: str | None = None
    recommendation_fr: str | None = None
    confidence: str = "established"  # established | unconfirmed
    # the unconfirmed facts the finding relied on: [{"en": "…", "fr": "…", "source": "…"}] ("à vérifier")
    to_confirm: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {key: list(self.to_confirm) if key == "to_confirm" else getattr(self, key) for key in FINDING_KEYS}


@dataclass
class Assessment:
    """Everything we say about one notice: findings, SME score, coverage, winners' origin, benefit verdict."""

    notice: Notice
    findings: list[Finding] = field(default_factory=list)
    sme_score: dict[str, Any] | None = None  # {"value": 0-100 | None, "measured": 0..1, "components": {...}}
    coverage: dict[str, Any] = field(default_factory=dict)
    origin: list[dict[str, Any]] = field(default_factory=list)
    benefit: dict[str, Any] = field(default_factory=lambda: {"priority": 0, "reasons": []})

    def to_dict(self) -> dict[str, Any]:
        return {
            "notice": self.notice.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "sme_score": self.sme_score,
            "coverage": self.coverage,
            "origin": self.origin,
            "benefit": self.benefit,
        }
