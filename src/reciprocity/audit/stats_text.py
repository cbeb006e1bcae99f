"""The audit report (`stats.compute_report`) as text for a terminal: `reciprocity report` without `--json`."""

from __future__ import annotations

from typing import Any

from ..i18n import formats, labels

_WORDS = {  # the report's words per language (reciprocity report --lang)
    "en": {"indicators": "Indicators (Single Market Scoreboard style)", "columns": ("indicator", "value", "basis"),
           "origin": "Origin of winners", "awards": "{awards} awards, {value} with a euro value ({without} awards "
           "without one, left out of value shares)", "year": "{awards} awards", "top": "Top winners by origin",
           "no_name": "no name", "ranked": "Tenders that could better benefit firms established in France",
           "no_ranked": "(none with a benefit priority above 0)", "head": "{notices} notices, {results} results, "
           "{winners} winners", "filters": " (filters: {filters})", "references": "Reference values: {source}"},
    "fr": {"indicators": "Indicateurs (à la manière du Tableau d'affichage du marché unique)",
           "columns": ("indicateur", "valeur", "base"), "origin": "Origine des titulaires",
           "awards": "{awards} attributions, {value} en valeur connue en euros ({without} attributions sans valeur, "
           "hors des parts en valeur)", "year": "{awards} attributions", "top": "Principaux titulaires par origine",
           "no_name": "sans nom", "ranked": "Marchés qui pourraient mieux profiter aux entreprises établies en France",
           "no_ranked": "(aucun avec une priorité supérieure à 0)", "head": "{notices} avis, {results} résultats, "
           "{winners} titulaires", "filters": " (filtres : {filters})",
           "references": "Valeurs de référence : {source}"},
}


def _pct(value: float | None, lang: str = "en") -> str:
    if value is None:
        return f"{'n/a' if lang == 'en' else '—':>7}"
    return f"{100 * value:6.1f}%" if lang == "en" else f"{formats.number(100 * value, lang, decimals=1):>5} %"


def _indicator_lines(figures: dict[str, dict[str, Any]], lang: str = "en") -> list[str]:
    head = _WORDS[lang]["columns"]
    eu = "UE 2024" if lang == "fr" else "EU 2024"
    lines = [_WORDS[lang]["indicators"], f"  {head[0]:<44} {head[1]:>7} {head[2]:>13}  {'FR 2021':>7} {eu:>7}"]
    for key, figure in figures.items():
        reference = figure.get("reference") or {}
        label = labels.label("indicator", key, lang) or reference.get("label") or key.replace("_", " ")
        basis = f"{figure['numerator']}/{figure['denominator']}"
        lines.append(f"  {label:<44} {_pct(figure['value'], lang)} {basis:>13}  "
                     f"{_pct(reference.get('france_2021'), lang)} {_pct(reference.get('eu_2024'), lang)}")
        if figure.get("note"):  # e.g. sizes read from INSEE's company category (audit/sirene_apply.py)
            lines.append(f"    {figure['note'][lang]}")
    return lines


def _euros(value: float, lang: str) -> str:
    return formats.money(round(value), "EUR", lang).replace(",00", "").replace(".00", "")


def _origin_lines(table: dict[str, Any], lang: str = "en") -> list[str]:
    words = _WORDS[lang]
    lines = [f"{words['origin']} : " if lang == "fr" else f"{words['origin']}: "]
    lines[0] += words["awards"].format(awards=table["awards"], value=_euros(table["value_eur"], lang),
                                       without=table["awards_without_eur_value"])
    for name, row in table["classes"].items():
        shown = labels.label("origin_class", name, lang) or name
        lines.append(f"  {shown[:44]:<44} {row['awards']:>7} {_pct(row['share'], lang)}   "
                     f"{_euros(row['value_eur'], lang):>20} {_pct(row['value_share'], lang)}")
    return lines


def render_text(report: dict[str, Any], lang: str = "en") -> str:
    """The report for a terminal: indicators, origin overall and by year, top winners, ranked tenders."""
    words, counts = _WORDS[lang], report["counts"]
    lines = [words["head"].format(**counts)
             + (words["filters"].format(filters=report["filters"]) if report["filters"] else ""), ""]
    lines += _indicator_lines(report["indicators"], lang) + [""]
    lines += _origin_lines(report["origin"]["overall"], lang) + [""]
    for year, table in report["origin"]["by_year"].items():
        classes = ", ".join(f"{labels.label('origin_class', k, lang) or k} {v['awards']}"
                            for k, v in table["classes"].items() if v["awards"])
        lines.append(f"  {year} : " if lang == "fr" else f"  {year}: ")
        lines[-1] += words["year"].format(awards=table["awards"]) + f" ({classes})"
    lines += ["", words["top"]]
    for name, winners in report["top_winners"].items():
        shown = (f"{w['name'] or words['no_name'] + ', ' + ' '.join(w['identifiers'])} "
                 f"({labels.country(w['country'], lang) or w['country'] or '?'}, {w['awards']})" for w in winners[:5])
        lines.append(f"  {labels.label('origin_class', name, lang) or name} : " + "; ".join(shown))
    lines += ["", words["ranked"]]
    for item in report["ranked_tenders"]:
        lines.append(f"  {item['benefit_priority']:>5.0f}  {item['id']}  {(item['title'] or '')[:60]}"
                     f"  [{item['buyer_country'] or '?'}]")
    if not report["ranked_tenders"]:
        lines.append("  " + words["no_ranked"])
    lines.append("\n" + words["references"].format(source=report["scoreboard_source"]))
    return "\n".join(lines)
