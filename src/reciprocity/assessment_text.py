"""Plain-text rendering of Assessments for `reciprocity check`: one report per notice and a summary over many.

The terminal shows the same view as the web report (report_view.py): sections of flagged findings (to correct
before publication, for the next procedure, for information), findings identical on several lots on one line,
evidence as labelled lines, every code by its label (the code itself in brackets, for those who search for it).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from . import report_view
from .i18n import formats, labels
from .model import SEVERITY_RANK, STATUSES, Assessment
from .rules import all_codes

_WORDS = {
    "en": {"buyer": "Buyer", "coverage": "Coverage", "origin": "Winners' origin", "priority": "Priority",
           "sme": "SME score", "sent": "sent on {date}", "form": "form", "value": "value", "threshold": "threshold",
           "ref": "Reference", "unconfirmed": "to be confirmed", "others": "Other checks", "na": "Not applicable",
           "not_computable": "not computable ({share} of the criteria measured, less than half)",
           "measured": "{value}/100 ({share} of the criteria measured)", "nothing": "Nothing flagged.",
           "none": "no agreement", "partners": "partners covered",
           "summary": "{notices} notices checked, {failed} could not be read; share of "
           "notices by status (%)", "columns": ("finding", "flagged", "passed", "n/a", "no data"), "colon": ": "},
    "fr": {"buyer": "Acheteur", "coverage": "Couverture", "origin": "Origine des titulaires",
           "priority": "Priorité", "sme": "Score PME", "sent": "envoyé le {date}", "form": "formulaire",
           "value": "valeur", "threshold": "seuil", "ref": "Référence", "unconfirmed": "à vérifier",
           "others": "Autres vérifications",
           "na": "Sans objet", "not_computable": "non calculable ({share} des critères mesurés, moins de la moitié)",
           "measured": "{value}/100 (calculé sur {share} des critères)", "nothing": "Aucun point relevé.",
           "none": "aucun accord", "partners": "partenaires couverts",
           "summary": "{notices} avis vérifiés, {failed} illisibles ; part des avis par "
           "statut (%)", "columns": ("constat", "signalé", "conforme", "s.o.", "manque"), "colon": " : "},
}
_STATUS_MARK = {"passed": "ok", "insufficient-data": "??", "not-applicable": "--"}


def worst_flagged(assessment: Assessment) -> int:
    """Rank of the worst flagged severity (-1 when nothing is flagged), for `--fail-on`."""
    return max((SEVERITY_RANK[f.severity] for f in assessment.findings if f.status == "flagged"), default=-1)


def render(assessment: Assessment, lang: str = "en") -> str:
    """A readable report: header, coverage, origin, priority and score, then the sections of flagged findings and
    a digest of the other checks."""
    data = assessment.to_dict()
    words = _WORDS[lang]
    lines = _header(data, lang, words)
    sections = report_view.sections(data, lang)
    for section in sections:
        lines += ["", f"  {section['title']}"]
        for group in section["groups"]:
            lines += _group_lines(group, words)
    if not sections:
        lines += ["", f"  {words['nothing']}"]
    lines += _other_lines(report_view.other_checks(data, lang), words)
    return "\n".join(lines)


def _header(data: dict[str, Any], lang: str, words: dict[str, Any]) -> list[str]:
    facts, colon = report_view.notice_facts(data["notice"], lang), words["colon"]
    notice = data["notice"]
    where = " · ".join(part for part in (facts["kind"], facts["format"] + (f", {words['form']} [{facts['form']}]"
                                          if facts["form"] else ""), words["sent"].format(date=facts["dispatch"]),
                                         Path(notice.get("source") or "").name) if part)
    # a code without a label is shown in brackets, as the terminal's "code element"
    buyer_type = facts["buyer_type"]["label"] or (f"[{facts['buyer_type']['code']}]" if facts["buyer_type"]["code"]
                                                  else None)
    lines = [f"== {facts['title']} ({facts['id']})", f"   {where}",
             f"   {words['buyer']}{colon}{facts['buyer'] or '—'} ({facts['buyer_country'] or '—'})"
             + (f", {formats.lower_first(buyer_type)}" if buyer_type else ""),
             f"   {words['coverage']}{colon}{_coverage_text(data.get('coverage') or {}, lang, words)}",
             *_agreement_lines(data.get("coverage"), lang, words)]
    origin = report_view.origin_view(data.get("origin"), lang)
    if origin:
        separator = " ; " if lang == "fr" else "; "
        shown = separator.join(f"{o['name'] or '—'} ({o['country'] or '—'}{colon}{o['class']})" for o in origin)
        lines.append(f"   {words['origin']}{colon}{shown}")
    benefit = report_view.benefit_view(data.get("benefit"), lang)
    lines.append(f"   {words['priority']}{colon}{benefit['priority']}/100")
    for reason in benefit["reasons"]:
        labels_ = ", ".join(code["label"] for code in reason["codes"])
        lines.append(f"     +{reason['weight']} {reason['text']}" + (f" ({labels_})" if labels_ else ""))
    sme = report_view.sme_score_view(data.get("sme_score"), lang)
    if sme:
        score = words["measured"].format(value=sme["value"], share=sme["measured"]) if sme["value"] is not None \
            else words["not_computable"].format(share=sme["measured"])
        lines.append(f"   {words['sme']}{colon}{score}")
    return lines


def _coverage_text(coverage: dict[str, Any], lang: str, words: dict[str, Any]) -> str:
    """"AMP, Suisse, Canada… ; valeur 4 588 150,50 € ; seuil 221 000,00 € (fournitures)" (ids in the JSON)."""
    agreements = coverage.get("agreements") or []
    names = [labels.label("agreement", a, lang, short=True) or a for a in agreements]
    shown = formats.join(names[:4], lang) + ("…" if len(names) > 4 else "") if names else words["none"]
    nature = labels.label("nature", coverage.get("nature"), lang)
    separator = " ; " if lang == "fr" else "; "
    return separator.join([
        shown, f"{words['value']} {formats.money(coverage.get('value_eur'), 'EUR', lang)}",
        f"{words['threshold']} {formats.money(coverage.get('threshold_eur'), 'EUR', lang)}"
        + (f" ({formats.lower_first(nature)})" if nature else "")])


def _agreement_lines(coverage: dict[str, Any] | None, lang: str, words: dict[str, Any]) -> list[str]:
    """Each agreement: whether it covers this procurement, why, and for which partners (the JSON's `by_agreement`).
    Agreements that decide alike for the same reasons share one line (their own dates of application aside)."""
    colon, separator = words["colon"], " ; " if lang == "fr" else "; "
    raw = [item for item in (coverage or {}).get("by_agreement") or [] if isinstance(item, dict)]
    groups: dict[tuple, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for item, view in zip(raw, report_view.coverage_view(coverage, lang)["by_agreement"], strict=True):
        key = (view["covers"], view["unconfirmed"], tuple(view["reasons"][:-1]), tuple(view["to_confirm"]))
        groups.setdefault(key, []).append((item, view))
    lines = []
    for members in groups.values():
        view = members[0][1]
        reasons = view["reasons"] if len(members) == 1 else view["reasons"][:-1]  # the last: in force since…
        unconfirmed = f" ({words['unconfirmed']})" if view["unconfirmed"] else ""
        names = formats.join((member["short"] for _, member in members), lang)
        lines.append(f"     {names}{colon}{view['covers']}{unconfirmed} — " + separator.join(reasons))
        partners = sorted({country for item, _ in members for country in item.get("partners") or []})
        shown = formats.join((labels.country(c, lang) or c for c in partners), lang) if partners else None
        if shown and shown != names:
            lines.append(f"       {words['partners']}{colon}{shown}")
        lines += [f"       {item}" for item in view["to_confirm"]]
    return lines


def _group_lines(group: dict[str, Any], words: dict[str, Any]) -> list[str]:
    colon = words["colon"]
    lots = f" · {group['lots_text']}" if group["lots_text"] else ""
    lines = [f"    {group['severity_label'].upper()}  {group['label']} [{group['code']}]{lots}",
             f"      {group['message']}"]
    lines += [f"      {item}" for item in group["to_confirm"]]
    lines += [f"      {line['label']}{colon}{line['text']}" for line in group["evidence"]]
    reference = "".join(part["text"] for part in group["legal_ref"]) or "—"
    unconfirmed = f" ({words['unconfirmed']})" if group["unconfirmed"] else ""
    lines.append(f"      {words['ref']}{colon}{reference}{unconfirmed}")
    if group["recommendation"]:
        lines.append(f"      → {group['recommendation']}")
    return lines


def _other_lines(groups: list[dict[str, Any]], words: dict[str, Any]) -> list[str]:
    colon = words["colon"]
    lines = ["", f"  {words['others']}"] if groups else []
    for group in groups:
        if group["status"] in _STATUS_MARK and group["status"] != "not-applicable":
            lots = f" ({group['lots_text']})" if group["lots_text"] else ""
            lines.append(f"    {_STATUS_MARK[group['status']]} {group['label']} [{group['code']}]{lots}{colon}"
                         f"{group['message']}")
            lines += [f"       {item}" for item in group["to_confirm"]]
    not_applicable = list(dict.fromkeys(g["label"] for g in groups if g["status"] == "not-applicable"))
    if not_applicable:
        lines.append(f"    -- {words['na']}{colon}{', '.join(not_applicable)}")
    return lines


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


def render_summary(table: dict[str, dict[str, Any]], notices: int, failed: int, lang: str = "en") -> str:
    """The summary table: one line per finding (its label and code), the share of notices by status."""
    words = _WORDS[lang]
    names = {code: f"{report_view.code_label(code, lang)} [{code}]" for code in table}
    width = max((len(name) for name in names.values()), default=10)
    head = words["columns"]
    lines = [words["summary"].format(notices=notices, failed=failed),
             f"{head[0]:<{width}}  {head[1]:>8} {head[2]:>8} {head[3]:>8} {head[4]:>8}"]
    for code, row in table.items():
        shares = [formats.number(row[s], lang, decimals=1) for s in STATUSES]
        lines.append(f"{names[code]:<{width}}  " + " ".join(f"{share:>8}" for share in shares))
    return "\n".join(lines)
