"""DATA-CONFLICT: the notice contradicts itself or holds an implausible value (rules-2026.md §4).

Three kinds, each its own finding: the GPA declaration (BT-115 / TED CONTRACT_COVERED_GPA) against the computed
coverage; an estimated value that is not plausible (set aside as missing); BT-684 (IPI measures applicable)
against the computed IPI scope. In each case the coverage or IPI verdict is left undetermined, never "not covered,
established": telling a buyer that third-country operators have no right to equal treatment on a procurement it
declared GPA-covered invites an unlawful exclusion.
"""

from __future__ import annotations

from typing import Any

from ..model import Finding
from . import ipi
from .base import Context
from .findings import make_finding

CODES = ("DATA-CONFLICT",)
CODE = "DATA-CONFLICT"


def check(ctx: Context) -> list[Finding]:
    """One flagged finding per kind of contradiction, else one passed finding."""
    findings = [*_gpa(ctx), *_values(ctx), *_ipi(ctx)]
    return findings or [make_finding(ctx, CODE, "passed", evidence={
        "gpa_declared": ctx.coverage.get("gpa_declared"), "value_eur": ctx.coverage.get("value_eur"),
        "ipi_declared": {lot.id: lot.strategic.get("ipi_applicable") for lot in ctx.notice.lots}})]


def _gpa(ctx: Context) -> list[Finding]:
    found = [c for c in ctx.coverage.get("conflicts", []) if c["kind"] == "gpa-declaration"]
    if not found:
        return []
    conflict = found[0]
    reasons = conflict["reasons"]
    declared, computed = conflict["declared"], conflict["computed"]
    return [make_finding(ctx, CODE, "flagged", variant="gpa", evidence=conflict,
                         declared=_covered(declared, "en"), declared_fr=_covered(declared, "fr"),
                         computed=_covered(computed, "en"), computed_fr=_covered(computed, "fr"),
                         reason="; ".join(r["en"] for r in reasons), reason_fr="; ".join(r["fr"] for r in reasons))]


def _values(ctx: Context) -> list[Finding]:
    implausible = ctx.coverage.get("implausible_values") or []
    if not implausible:
        return []
    return [make_finding(ctx, CODE, "flagged", variant="value", evidence={
        "implausible_values": implausible, "value_used": ctx.coverage.get("value_eur"),
        "value_source": ctx.coverage.get("value_source")},
        fields=[v["field"] for v in implausible], why=list(dict.fromkeys(v["why"]["en"] for v in implausible)),
        why_fr=list(dict.fromkeys(v["why"]["fr"] for v in implausible)))]


def _ipi(ctx: Context) -> list[Finding]:
    conflicts: list[dict[str, Any]] = []
    for measure in ctx.data.ipi_measures:
        conflicts += ipi.declared_conflicts(ctx, measure, ipi.scope(ctx, measure))
    if not conflicts:
        return []
    first = conflicts[0]
    return [make_finding(ctx, CODE, "flagged", variant="ipi", lot=first["lot"] if len(conflicts) == 1 else None,
                         evidence={"conflicts": conflicts}, lots=[c["lot"] for c in conflicts],
                         declared=_applies(first["declared"], "en"), declared_fr=_applies(first["declared"], "fr"),
                         computed=_applies(first["computed"], "en"), computed_fr=_applies(first["computed"], "fr"))]


def _covered(value: bool, lang: str) -> str:
    if lang == "fr":
        return "couvert" if value else "non couvert"
    return "covered" if value else "not covered"


def _applies(value: bool, lang: str) -> str:
    if lang == "fr":
        return "s'appliquent" if value else "ne s'appliquent pas"
    return "apply" if value else "do not apply"
