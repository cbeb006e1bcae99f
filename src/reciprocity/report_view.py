"""An Assessment (its JSON contract dict) laid out for a reader of one language: the ONE view the web report,
the PDF and the terminal render, each in its own way.

Flagged findings are sorted into what to correct before publication (a draft or a call for competition), what to
do differently in the next procedure (an awarded notice) and what is for information; identical findings on
several lots are grouped ("lots 1 à 7"); every code is shown by its label, every value by the i18n formatter.
"""

from __future__ import annotations

import re
from typing import Any

from .i18n import evidence, formats, labels, phrases
from .rules.data import load_rule_data
from .rules.legal_links import reference_parts, references_in

SEVERITY_ORDER = {"problem": 0, "warning": 1, "info": 2}
CALL_KINDS = ("competition", "planning")  # notices still open to correction before the procedure runs
PUBLISHED_FORMATS = ("eforms", "ted")  # formats whose notices have a page on TED
TED_NOTICE_URL = "https://ted.europa.eu/{lang}/notice/-/detail/{number}"
_LOT_NUMBER = re.compile(r"^(?:LOT-)?0*(\d{1,9})$", re.IGNORECASE)  # longer: listed as text, not int()
_LOTS = {"en": ("lot {}", "lots {}", "{} to {}"), "fr": ("lot {}", "lots {}", "{} à {}")}
_DECISION = {True: "yes", False: "no", None: "undetermined"}
_RULE_DATA = {"en": "our rule data, detailed in the JSON", "fr": "nos données de règles, détaillées dans le JSON"}
_TO_CONFIRM = {"en": "To be confirmed: {text} (source: {source})", "fr": "À vérifier : {text} (source : {source})"}


def code_label(code: str, lang: str) -> str:
    """The short title of a finding code ("Marché non alloti"); the code itself when codes.yaml has none."""
    entry = load_rule_data().codes.get(code)
    return entry["label"][lang] if entry and entry.get("label") else code


def lots_text(lot_ids: list[str | None], lang: str) -> str:
    """"lot 3", "lots 1 à 7", "lots 1, 3 et 5 à 7"; ids that are not numbers are listed as they are."""
    ids = [lot for lot in dict.fromkeys(lot_ids) if lot]
    if not ids:
        return ""
    one, many, span = _LOTS[lang]
    numbers = [_LOT_NUMBER.match(lot) for lot in ids]
    if not all(numbers):
        return (one if len(ids) == 1 else many).format(formats.join(ids, lang))
    values = sorted({int(found.group(1)) for found in numbers})
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    shown: list[str] = []
    for run in runs:
        shown += [span.format(run[0], run[-1])] if len(run) > 2 else [str(value) for value in run]
    return (one if len(values) == 1 else many).format(formats.join(shown, lang))


def _message(finding: dict[str, Any], key: str, lang: str) -> str | None:
    return finding.get(f"{key}_fr") or finding.get(key) if lang == "fr" else finding.get(key)


def _to_confirm(finding: dict[str, Any], lang: str) -> list[str]:
    """The finding's `to_confirm` entries as sentences ("À vérifier : … (source : …)")."""
    return [_TO_CONFIRM[lang].format(text=item.get(lang) or item.get("en") or "", source=source_text(item.get("source"),
                                                                                                  lang))
            for item in finding.get("to_confirm") or [] if isinstance(item, dict)]


def source_text(source: str | None, lang: str) -> str:
    """The source of a fact to confirm as a reader sees it: words the phrase table knows ("l'avis (BT-115)"), else
    the legal references it cites, worded for `lang`; a source citing none is our rule data (its full text, notes
    and all, stays in the JSON and the technical details)."""
    if phrases.translate(source, "fr") is not None:  # a phrase of the table: it has both languages
        return phrases.translate(source, lang) or ""
    cited = references_in(source, lang)
    return formats.join(cited, lang) if cited else _RULE_DATA[lang]


def finding_view(finding: dict[str, Any], lang: str) -> dict[str, Any]:
    """One finding as shown: label, message, evidence lines, linked legal reference, recommendation."""
    return {
        "code": finding["code"], "label": code_label(finding["code"], lang), "status": finding.get("status"),
        "status_label": labels.label("status", finding.get("status"), lang),
        "severity": finding.get("severity"), "severity_label": labels.label("severity", finding.get("severity"), lang),
        "message": _message(finding, "message", lang), "recommendation": _message(finding, "recommendation", lang),
        "evidence": [line for line in evidence.evidence_lines(finding.get("evidence"), lang) if line["key"] != "lot"],
        "legal_ref": reference_parts(finding.get("legal_ref"), lang),
        "unconfirmed": finding.get("confidence") == "unconfirmed", "to_confirm": _to_confirm(finding, lang),
        "technical": {k: finding.get(k) for k in ("code", "status", "lot", "evidence", "confidence", "legal_ref",
                                                  "to_confirm")},
        "lots": [finding.get("lot")],
    }


def group_findings(findings: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Findings that say the same thing on several lots become one, with all their lots ("lots 1 à 7")."""
    groups: dict[tuple, dict[str, Any]] = {}
    for finding in findings:
        view = finding_view(finding, lang)
        key = (view["code"], view["status"], view["severity"], view["message"], view["recommendation"],
               str(view["evidence"]), view["unconfirmed"], tuple(view["to_confirm"]))
        if key in groups:
            groups[key]["lots"].append(finding.get("lot"))
            groups[key]["technical_list"].append(view["technical"])
        else:
            groups[key] = {**view, "technical_list": [view["technical"]]}
    for group in groups.values():
        group["lots_text"] = lots_text(group["lots"], lang)
    return list(groups.values())


def notice_stage(notice: dict[str, Any]) -> str:
    """"call" for a draft or a call for competition (still correctable), "awarded" for anything after."""
    return "call" if notice.get("source_format") == "form" or notice.get("kind") in CALL_KINDS else "awarded"


def sections(assessment: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The flagged findings in sections: to correct before publication (or for the next procedure), for
    information; problems first. Sections without findings are left out."""
    flagged = [f for f in assessment.get("findings") or [] if f.get("status") == "flagged"]
    flagged.sort(key=lambda f: (SEVERITY_ORDER.get(f.get("severity"), 9), f.get("code") or ""))
    act = "to_fix" if notice_stage(assessment.get("notice") or {}) == "call" else "next_procedure"
    parts = {act: [f for f in flagged if f.get("severity") in ("problem", "warning")],
             "for_info": [f for f in flagged if f.get("severity") not in ("problem", "warning")]}
    return [{"key": key, "title": labels.label("report_section", key, lang), "groups": group_findings(items, lang)}
            for key, items in parts.items() if items]


def other_checks(assessment: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The findings not flagged (passed, not applicable, insufficient data), grouped by lot."""
    return group_findings([f for f in assessment.get("findings") or [] if f.get("status") != "flagged"], lang)


def sme_score_view(score: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """The score, the share of its weight it could measure, and each part with its weight and value."""
    if not score:
        return None
    components = score.get("components") or {}
    total = sum(part.get("weight") or 0 for part in components.values()) or 1
    parts = [{"label": labels.label("sme_component", name, lang) or part.get(lang) or name,
              "description": part.get(lang), "weight": formats.percent((part.get("weight") or 0) / total, lang),
              "value": None if part.get("value") is None else formats.percent(part["value"], lang),
              "counts": None if part.get("value") is None else (part.get("passed", 0), part.get("flagged", 0))}
             for name, part in components.items() if isinstance(part, dict)]
    measured = score.get("measured")
    return {"value": score.get("value"), "parts": parts,
            "measured": None if measured is None else formats.percent(measured, lang)}


def benefit_view(benefit: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    """The priority and its reasons, each with its weight and the findings behind it (by label)."""
    benefit = benefit or {}
    reasons = [{"text": detail.get(lang) or detail.get("en"), "weight": detail.get("weight"),
                "codes": [{"code": code, "label": code_label(code, lang)} for code in detail.get("codes") or []]}
               for detail in benefit.get("details") or []]
    return {"priority": benefit.get("priority") or 0, "reasons": reasons}


def coverage_view(coverage: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    """Coverage as labelled lines, plus the table per agreement when the assessment gives one."""
    coverage = coverage or {}
    agreements = [_agreement_view(item, lang) for item in coverage.get("by_agreement") or [] if isinstance(item, dict)]
    lines = evidence.evidence_lines({k: v for k, v in coverage.items() if k != "by_agreement"}, lang)
    return {"lines": lines, "by_agreement": agreements}


def _agreement_view(item: dict[str, Any], lang: str) -> dict[str, Any]:
    """One agreement of H9's `coverage.by_agreement`: title, covers (yes / no / not stated), reasons, partners."""
    code = item.get("agreement")
    title = (item.get("title") or {}).get(lang) or labels.label("agreement", code, lang) or code
    return {"title": title, "short": labels.label("agreement", code, lang, short=True) or title,
            "code": code, "covers": labels.label("coverage_decision", _DECISION[item.get("covers")], lang),
            "unconfirmed": item.get("confidence") == "unconfirmed",
            "reasons": [reason.get(lang) or reason.get("en") for reason in item.get("reasons") or []],
            "to_confirm": _to_confirm(item, lang),
            "partners": formats.join((labels.country(c, lang) or c for c in item.get("partners") or []), lang)}


def origin_view(origin: list[dict[str, Any]] | None, lang: str) -> list[dict[str, Any]]:
    """Each winner: name, lot, country name, origin class label, agreements of its country."""
    return [{"name": entry.get("name"), "lot": entry.get("lot"),
             "country": labels.country(entry.get("country"), lang) or entry.get("country"),
             "class": labels.label("origin_class", entry.get("class") or "UNKNOWN", lang),
             "agreements": formats.join((labels.label("agreement", a, lang, short=True) or a
                                         for a in entry.get("agreements") or []), lang)
             if entry.get("agreements") else None,
             "unconfirmed": entry.get("confidence") == "unconfirmed"} for entry in origin or []]


def ted_url(notice: dict[str, Any], lang: str) -> str | None:
    """The notice's page on TED: only a published eForms or TED notice with a publication number has one."""
    number = notice.get("publication_number")
    if not number or notice.get("source_format") not in PUBLISHED_FORMATS:
        return None
    return TED_NOTICE_URL.format(lang=lang, number=number)


def _coded(list_name: str, code: Any, lang: str) -> dict[str, Any]:
    """{label, code}: the label when the list has the code, else the raw code (shown small, as a code)."""
    text = labels.label(list_name, code, lang) if code else None
    return {"label": text, "code": None if text else code}


def notice_facts(notice: dict[str, Any], lang: str) -> dict[str, Any]:
    """The facts a report opens with, every code as a label and every value formatted for `lang`."""
    procedure, buyer = notice.get("procedure") or {}, notice.get("buyer") or {}
    return {
        "title": procedure.get("title") or buyer.get("name") or notice.get("id"), "id": notice.get("id"),
        "buyer": buyer.get("name"), "buyer_country": labels.country(buyer.get("country"), lang) or buyer.get("country"),
        "buyer_type": _coded("buyer-legal-type", buyer.get("legal_type"), lang),
        "format": labels.label("source_format", notice.get("source_format"), lang) or notice.get("source_format"),
        "form": notice.get("form") if notice.get("source_format") in PUBLISHED_FORMATS else None,
        "kind": labels.label("kind", notice.get("kind") or "other", lang),
        "procedure_type": _coded("procedure_type", procedure.get("type"), lang),
        "nature": _coded("nature", procedure.get("contract_nature"), lang),
        "cpv": procedure.get("cpv_main"), "value": formats.money_of(procedure.get("estimated_value"), lang),
        "dispatch": formats.long_date(notice.get("dispatch_date"), lang),
        "deadline": formats.long_date(procedure.get("tender_deadline"), lang),
        "lots": len(notice.get("lots") or []), "ted_url": ted_url(notice, lang),
        "stage": notice_stage(notice),
    }
