"""Plain-text rendering of Assessments for `reciprocity check`: one report per notice and a summary over many.

The CLI stays a thin layer; the web app renders the same Assessment its own way."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .model import SEVERITY_RANK, STATUSES, Assessment, Finding
from .rules import all_codes

_LABELS = {
    "en": {"buyer": "Buyer", "coverage": "Coverage", "origin": "Winners' origin", "benefit": "Benefit priority",
           "na": "Not applicable", "ref": "ref", "evidence": "evidence", "none": "none", "value": "value",
           "threshold": "threshold", "unconfirmed": "to verify"},
    "fr": {"buyer": "Acheteur", "coverage": "Couverture", "origin": "Origine des attributaires",
           "benefit": "Priorité", "na": "Sans objet", "ref": "réf.", "evidence": "éléments", "none": "aucun",
           "value": "valeur", "threshold": "seuil", "unconfirmed": "à vérifier"},
}
_STATUS_MARK = {"passed": "ok", "insufficient-data": "??", "not-applicable": "--"}


def worst_flagged(assessment: Assessment) -> int:
    """Rank of the worst flagged severity (-1 when nothing is flagged), for `--fail-on`."""
    return max((SEVERITY_RANK[f.severity] for f in assessment.findings if f.status == "flagged"), default=-1)


def render(assessment: Assessment, lang: str = "en") -> str:
    """A readable report: header, coverage and origin, then findings grouped by area, problems first."""
    labels = _LABELS[lang]
    lines = _header(assessment, labels)
    by_area: dict[str, list[Finding]] = {}
    for finding in assessment.findings:
        by_area.setdefault(finding.area, []).append(finding)
    for area in sorted(by_area, key=lambda a: -_area_rank(by_area[a])):
        lines.append(f"  [{area}]")
        lines += _area_lines(by_area[area], labels, lang)
    return "\n".join(lines)


def _area_rank(findings: list[Finding]) -> int:
    return max((SEVERITY_RANK[f.severity] for f in findings if f.status == "flagged"), default=-1)


def _header(assessment: Assessment, labels: dict[str, str]) -> list[str]:
    notice, cov = assessment.notice, assessment.coverage
    lines = [f"== {notice.id} ({notice.source_format} {notice.form or '?'}, {notice.kind}, "
             f"dispatched {notice.dispatch_date or '—'}) {notice.source or ''}".rstrip(),
             f"  {labels['buyer']}: {notice.buyer.name or '?'} ({notice.buyer.country or '?'}), "
             f"{cov.get('buyer_category') or '?'}"]
    agreements = _agreements_text(cov.get("agreements") or []) or labels["none"]
    lines.append(f"  {labels['coverage']}: {agreements}; {labels['value']} EUR {cov.get('value_eur') or '?'}, "
                 f"{labels['threshold']} EUR {cov.get('threshold_eur') or '?'} ({cov.get('nature') or '?'})")
    if assessment.origin:
        shown = "; ".join(f"{o['name'] or '?'} ({o['country'] or '?'}): {o['class']}" for o in assessment.origin)
        lines.append(f"  {labels['origin']}: {shown}")
    benefit = assessment.benefit
    reasons = benefit.get("reasons_fr" if labels is _LABELS["fr"] else "reasons") or []
    lines.append(f"  {labels['benefit']}: {benefit.get('priority', 0)}/100" + (f" — {'; '.join(reasons)}"
                                                                              if reasons else ""))
    return lines


def _agreements_text(agreements: list[str]) -> str:
    """"GPA + 14 bilateral" rather than fifteen ids (the ids are in the JSON)."""
    others = [a for a in agreements if a != "GPA"]
    if len(others) <= 2:
        return ", ".join(agreements)
    return ("GPA + " if "GPA" in agreements else "") + f"{len(others)} bilateral ({', '.join(others[:2])}…)"


def _area_lines(findings: list[Finding], labels: dict[str, str], lang: str) -> list[str]:
    flagged = sorted((f for f in findings if f.status == "flagged"), key=lambda f: -SEVERITY_RANK[f.severity])
    lines = []
    for finding in flagged:
        lines += _flagged_lines(finding, labels, lang)
    for finding in findings:
        if finding.status in ("passed", "insufficient-data"):
            message = finding.message_fr if lang == "fr" else finding.message
            lines.append(f"    {_STATUS_MARK[finding.status]} {finding.code}: {message}")
    not_applicable = [f.code for f in findings if f.status == "not-applicable"]
    if not_applicable:
        lines.append(f"    -- {labels['na']}: {', '.join(dict.fromkeys(not_applicable))}")
    return lines


def _flagged_lines(finding: Finding, labels: dict[str, str], lang: str) -> list[str]:
    message = finding.message_fr if lang == "fr" else finding.message
    lot = f" (lot {finding.lot})" if finding.lot else ""
    lines = [f"    {finding.severity.upper()} {finding.code}{lot}: {message}"]
    evidence = _evidence_text(finding.evidence)
    if evidence:
        lines.append(f"      {labels['evidence']}: {evidence}")
    confidence = f" ({labels['unconfirmed']})" if finding.confidence == "unconfirmed" else ""
    if finding.legal_ref or confidence:
        lines.append(f"      {labels['ref']}: {finding.legal_ref or '—'}{confidence}")
    recommendation = finding.recommendation_fr if lang == "fr" else finding.recommendation
    if recommendation:
        lines.append(f"      → {recommendation}")
    return lines


def _evidence_text(evidence: dict[str, Any], limit: int = 300) -> str:
    parts = [f"{key}={_short(value)}" for key, value in evidence.items() if value not in (None, [], {}, "")]
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "[" + ", ".join(str(v.get("name") or v.get("field") or v.get("value") or v) for v in value) + "]"
    return str(value)


def add_to_summary(counts: Counter, assessment: Assessment) -> None:
    """Count each code once per notice: flagged wins over the other statuses."""
    statuses: dict[str, set[str]] = {}
    for finding in assessment.findings:
        statuses.setdefault(finding.code, set()).add(finding.status)
    for code, seen in statuses.items():
        counts[(code, next(s for s in STATUSES if s in seen))] += 1


def summary_table(counts: Counter, notices: int) -> dict[str, dict[str, Any]]:
    """code -> {status: share in %} plus the count of notices, in registry order."""
    codes = list(dict.fromkeys(all_codes() + sorted({code for code, _ in counts})))
    table = {}
    for code in codes:
        row = {status: round(100 * counts[(code, status)] / notices, 1) if notices else 0.0 for status in STATUSES}
        table[code] = {**row, "notices": sum(counts[(code, s)] for s in STATUSES)}
    return table


def render_summary(table: dict[str, dict[str, Any]], notices: int, failed: int) -> str:
    width = max((len(code) for code in table), default=10)
    lines = [f"{notices} notices checked, {failed} failed to parse; share of notices by status (%)",
             f"{'code':<{width}}  {'flagged':>8} {'passed':>8} {'n/a':>8} {'no data':>8}"]
    for code, row in table.items():
        lines.append(f"{code:<{width}}  {row['flagged']:>8.1f} {row['passed']:>8.1f} "
                     f"{row['not-applicable']:>8.1f} {row['insufficient-data']:>8.1f}")
    return "\n".join(lines)
