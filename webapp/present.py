"""Order an Assessment (contract dict) for reading: problems first, then warnings, notes, and the checks that passed."""

from __future__ import annotations

from typing import Any

SEVERITY_ORDER = {"problem": 0, "warning": 1, "info": 2}
TED_NOTICE_URL = "https://ted.europa.eu/en/notice/-/detail/{}"


def ted_url(publication_number: str | None) -> str | None:
    """The notice's page on TED, when it has a publication number (00123456-2024)."""
    return TED_NOTICE_URL.format(publication_number) if publication_number else None


def prepare_assessment(assessment: dict[str, Any]) -> dict[str, Any]:
    """The assessment plus `flagged` (most severe first) and `other` findings, for the report template."""
    findings = assessment.get("findings") or []
    flagged = [f for f in findings if f.get("status") == "flagged"]
    flagged.sort(key=lambda f: (SEVERITY_ORDER.get(f.get("severity"), 9), f.get("code") or ""))
    other = [f for f in findings if f.get("status") != "flagged"]
    notice = assessment.get("notice") or {}
    return {**assessment, "flagged": flagged, "other": other, "ted_url": ted_url(notice.get("publication_number"))}


def show(value: Any) -> str:
    """A compact, readable rendering of an evidence value (lists joined, mappings as key: value)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {show(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(show(item) for item in value) or "—"
    return str(value)


def money(value: dict[str, Any] | None) -> str:
    """'1 234 567.50 EUR' from a contract money dict; '—' when absent."""
    if not value or value.get("amount") in (None, ""):
        return "—"
    amount = str(value["amount"])
    whole, _, fraction = amount.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = " ".join(digits[max(i - 3, 0):i] for i in range(len(digits), 0, -3)[::-1])
    return f"{sign}{grouped}{'.' + fraction if fraction else ''} {value.get('currency') or ''}".strip()


def percent(share: float | None) -> str:
    """A 0..1 share as '42 %'; '—' when unknown."""
    return "—" if share is None else f"{100 * share:.0f} %"
