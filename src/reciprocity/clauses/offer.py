"""Which clauses an Assessment offers, filled with its facts in English and French.

A clause is offered only where the law allows it, and that decision is the findings' (rules/): a template is
offered by the findings (code and status) its data names, or by one fact (the advance), and only on a notice whose
documents are still being written. The third-country clause is never offered when the notice already states one
(RECIP-KOLIN-OPTION passed); the IPI clause only where IPI-MEDICAL-DEVICES is flagged (so never below the floor,
before the start or under Directive 2009/81); the utilities clause only where RECIP-UTILITIES-ORIGIN-RULE is
flagged (an entité adjudicatrice buying supplies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter
from typing import Any

from ..i18n import formats, templates
from ..i18n.formats import LANGUAGES
from ..rules import confirm
from .facts import FACTS, Source
from .templates import load_templates

TO_COMPLETE = {"en": "[to complete: {what}]", "fr": "[à compléter : {what}]"}


@dataclass
class Clause:
    """One model clause, filled for one procurement (and one lot, for a per-lot clause), in both languages."""

    id: str
    documents: list[str]
    title: dict[str, str]
    text: dict[str, str]
    legal_basis: str
    conditions: dict[str, str]
    source: str
    confidence: str = "established"
    lot: str | None = None
    offered_by: list[dict[str, Any]] = field(default_factory=list)
    to_confirm: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lot": self.lot,
            "documents": list(self.documents),
            "offered_by": self.offered_by,
            "title": self.title,
            "text": self.text,
            "legal_basis": self.legal_basis,
            "conditions": self.conditions,
            "confidence": self.confidence,
            "to_confirm": self.to_confirm,
            "source": self.source,
        }


def offer(assessment: dict[str, Any], data: Any, directory: Path | None = None) -> list[Clause]:
    """The clauses the Assessment (its JSON contract dict) offers, in the order of the templates file."""
    loaded = load_templates(directory) if directory else load_templates()
    if (assessment.get("notice") or {}).get("kind") not in loaded["notice_kinds"]["kinds"]:
        return []
    clauses = []
    for clause_id, template in loaded["clauses"].items():
        for trigger in _offering(template, assessment, data):
            clauses.append(_fill(clause_id, template, Source(assessment, data, finding=trigger[0]), trigger))
    return clauses


def _offering(template: dict[str, Any], assessment: dict[str, Any], data: Any) -> list[tuple[dict | None, list]]:
    """(finding whose facts fill the clause, findings offering it), once per clause: one per notice, or one per
    offering finding for a per-lot clause."""
    wanted = {(t["code"], status) for t in template["offered_by"] for status in t["statuses"]}
    findings = [f for f in assessment.get("findings") or [] if (f.get("code"), f.get("status")) in wanted]
    if template["offered_by"] and not findings:
        return []
    if "offered_when" in template and not _given(FACTS[template["offered_when"]].read(Source(assessment, data))):
        return []
    if template.get("per_lot"):
        return [(finding, [finding]) for finding in findings]
    return [(findings[0] if findings else None, findings)]


def _given(value: Any) -> bool:
    """A fact counts as given when it is known and not empty or false."""
    return value is not None and value is not False and value != [] and value != {} and value != ""


def _fill(clause_id: str, template: dict[str, Any], source: Source, trigger: tuple[dict | None, list]) -> Clause:
    values: dict[str, Any] = {}

    def fact(name: str) -> Any:
        if name not in values:
            values[name] = FACTS[name].read(source)
        return values[name]

    kept = [
        p
        for p in template["paragraphs"]
        if all(_given(fact(n)) for n in p.get("when", [])) and not any(_given(fact(n)) for n in p.get("unless", []))
    ]
    texts = {
        lang: {
            "title": _render(template["title"][lang], fact, lang),
            "text": "\n\n".join(_render(p[lang], fact, lang) for p in kept),
            "conditions": _render(template["conditions"][lang], fact, lang),
        }
        for lang in LANGUAGES
    }
    own = (
        [confirm.item(template["to_confirm"]["en"], template["to_confirm"]["fr"], template["source"])]
        if template["confidence"] == "unconfirmed"
        else []
    )
    offered_by = trigger[1]
    items = confirm.merge(own, *(f.get("to_confirm") or [] for f in offered_by), source.to_confirm)
    return Clause(
        id=clause_id,
        documents=template["documents"],
        legal_basis=template["legal_basis"],
        source=template["source"],
        title={lang: texts[lang]["title"] for lang in LANGUAGES},
        text={lang: texts[lang]["text"] for lang in LANGUAGES},
        conditions={lang: texts[lang]["conditions"] for lang in LANGUAGES},
        confidence=confirm.confidence(items),
        lot=(trigger[0] or {}).get("lot") if template.get("per_lot") else None,
        to_confirm=items,
        offered_by=[{"code": f["code"], "status": f["status"], "lot": f.get("lot")} for f in offered_by],
    )


def _render(text: str, fact: Any, lang: str) -> str:
    """The text with each `{fact}` shown for `lang`; a fact the notice does not give reads "[à compléter : …]"."""
    shown = {}
    for _, name, _, _ in Formatter().parse(text):
        if name is not None and name not in shown:
            shown[name] = _show(name, fact(name), lang)
    return text.format(**shown)


def _show(name: str, value: Any, lang: str) -> str:
    if value is None or value == [] or value == "":
        return TO_COMPLETE[lang].format(what=FACTS[name].missing[lang])
    if isinstance(value, dict):
        return value[lang]
    if isinstance(value, str):  # a reference, title, buyer or CPV code: as the notice writes it, never reworded
        return value
    if name.endswith("_eur"):
        return formats.money(value, "EUR", lang)
    return templates.display(value, lang)
