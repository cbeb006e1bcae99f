"""A buyer's benchmark (`benchmark.benchmark`) as text for a terminal: `reciprocity benchmark` without `--json`."""

from __future__ import annotations

from typing import Any

from ..i18n import formats, labels
from .benchmark import CANDIDATES, MARGIN, MIN_PEERS

_WORDS = {
    "en": {
        "buyer": "Buyer: {name} ({id}), {facts}; notices: {notices}, awards: {awards}",
        "peers": "Peers: {size} buyers with the same {dimensions}",
        "all": "Peers: every other buyer ({size})",
        "widened": "  widened (fewer than {min} peers): {steps}",
        "few": "  fewer than {min} peers even so: read the quartiles with care",
        "step": "{dimensions}: {size}",
        "columns": ("indicator", "buyer", "basis", "peers", "Q1", "median", "Q3", "FR 2021", "EU 2024"),
        "lower": "lower is better",
        "higher": "higher is better",
        "days": "{value} d",
        "origin": "Value by origin of the winner (awards: {awards}; value: {value}; without a euro value: {without})",
        "references": "Reference values: EU Single Market Scoreboard, statistical benchmarks, not law ({source})",
        "region": "region {region}",
        "division": "CPV division {division}",
        "candidates": "Several buyers match {query!r}: give one id",
        "none": "No buyer matches {query!r}",
        "capped": "  (the first {count} only: give a longer name or the id)",
    },
    "fr": {
        "buyer": "Acheteur : {name} ({id}), {facts} ; avis : {notices}, attributions : {awards}",
        "peers": "Pairs : {size} acheteurs de même {dimensions}",
        "all": "Pairs : tous les autres acheteurs ({size})",
        "widened": "  groupe élargi (moins de {min} pairs) : {steps}",
        "few": "  moins de {min} pairs malgré tout : lire les quartiles avec prudence",
        "step": "{dimensions} : {size}",
        "columns": ("indicateur", "acheteur", "base", "pairs", "Q1", "médiane", "Q3", "FR 2021", "UE 2024"),
        "lower": "plus bas = mieux",
        "higher": "plus haut = mieux",
        "days": "{value} j",
        "origin": "Valeur par origine du titulaire (attributions : {awards} ; valeur : {value} ; "
        "sans valeur en euros : {without})",
        "references": "Valeurs de référence : Tableau d'affichage du marché unique de la Commission européenne, "
        "repères statistiques et non règles de droit (source en anglais : {source})",
        "region": "région {region}",
        "division": "division CPV {division}",
        "candidates": "Plusieurs acheteurs correspondent à « {query} » : indiquez un identifiant",
        "none": "Aucun acheteur ne correspond à « {query} »",
        "capped": "  (les {count} premiers seulement : précisez le nom ou donnez l'identifiant)",
    },
}


def _value(key: str, value: Any, lang: str) -> str:
    if value is None:
        return formats.NONE
    if key == MARGIN:
        return _WORDS[lang]["days"].format(value=formats.number(value, lang, decimals=1))
    return formats.percent(value, lang)


def _dimensions(dimensions: dict[str, Any], lang: str) -> str:
    return formats.join([labels.label("peer_dimension", d, lang) or d for d in dimensions], lang)


def _head(result: dict[str, Any], lang: str) -> list[str]:
    words, buyer, group = _WORDS[lang], result["buyer"], result["peer_group"]
    facts = [
        labels.country(buyer["country"], lang) or formats.NONE,
        labels.label("buyer_category", buyer["category"], lang) or formats.NONE,
    ]
    if buyer["region"]:
        facts.append(words["region"].format(region=buyer["region"]))
    if buyer["cpv_division"]:
        facts.append(words["division"].format(division=buyer["cpv_division"]))
    lines = [
        words["buyer"].format(
            name=buyer["name"] or formats.NONE,
            id=buyer["id"],
            facts=", ".join(facts),
            notices=formats.number(buyer["notices"], lang),
            awards=formats.number(buyer["awards"], lang),
        )
    ]
    size = formats.number(group["size"], lang)
    lines.append(
        words["peers"].format(size=size, dimensions=_dimensions(group["dimensions"], lang))
        if group["dimensions"]
        else words["all"].format(size=size)
    )
    if group["widened"]:
        steps = [
            words["step"].format(dimensions=_dimensions(s["dimensions"], lang), size=s["size"]) for s in group["steps"]
        ]
        lines.append(
            words["widened"].format(min=MIN_PEERS, steps="; ".join(steps) if lang == "en" else " ; ".join(steps))
        )
    if not group["enough"]:
        lines.append(words["few"].format(min=MIN_PEERS))
    return lines


def _indicator_lines(result: dict[str, Any], lang: str) -> list[str]:
    words = _WORDS[lang]
    head = words["columns"]
    lines = [
        f"  {head[0]:<52} {head[1]:>9} {head[2]:>9} {head[3]:>6} {head[4]:>9} {head[5]:>9} {head[6]:>9}"
        f" {head[7]:>8} {head[8]:>8}"
    ]
    for key, figure in result["indicators"].items():
        name = labels.label("indicator", key, lang) or key
        peers, reference = figure["peers"], figure["reference"] or {}
        basis = (
            formats.number(figure["denominator"], lang)
            if key == MARGIN
            else f"{formats.number(figure['numerator'], lang, decimals=0)}/"
            f"{formats.number(figure['denominator'], lang, decimals=0)}"
        )
        lines.append(
            f"  {name[:52]:<52} {_value(key, figure['value'], lang):>9} {basis:>9} {peers['n']:>6}"
            f" {_value(key, peers['q1'], lang):>9} {_value(key, peers['median'], lang):>9}"
            f" {_value(key, peers['q3'], lang):>9} {_value(key, reference.get('france_2021'), lang):>8}"
            f" {_value(key, reference.get('eu_2024'), lang):>8}"
        )
        if figure["lower_is_better"] is not None:
            lines[-1] += f"  ({words['lower'] if figure['lower_is_better'] else words['higher']})"
    return lines


def _origin_lines(origin: dict[str, Any], lang: str) -> list[str]:
    lines = [
        _WORDS[lang]["origin"].format(
            awards=formats.number(origin["awards"], lang),
            value=formats.money(origin["value_eur"], "EUR", lang),
            without=formats.number(origin["awards_without_eur_value"], lang),
        )
    ]
    for name, row in origin["classes"].items():
        shown = labels.label("origin_class", name, lang) or name
        lines.append(
            f"  {shown[:44]:<44} {formats.number(row['awards'], lang):>6} "
            f"{formats.money(row['value_eur'], 'EUR', lang):>22} {_value('', row['value_share'], lang):>7}"
        )
    return lines


def render_text(result: dict[str, Any], lang: str = "en") -> str:
    """The benchmark as lines of text in `lang`: the buyer, its peer group, indicators, origin table."""
    lines = _head(result, lang) + [""] + _indicator_lines(result, lang) + [""] + _origin_lines(result["origin"], lang)
    lines += ["", _WORDS[lang]["references"].format(source=result["scoreboard_source"])]
    return "\n".join(lines)


def render_candidates(query: str, candidates: list[dict[str, Any]], lang: str = "en") -> str:
    """The buyers a name matches (none, or several), one a line with its id: the user picks one."""
    words = _WORDS[lang]
    if not candidates:
        return words["none"].format(query=query)
    lines = [words["candidates"].format(query=query)]
    for item in candidates:
        category = labels.label("buyer_category", item["category"], lang) or formats.NONE
        lines.append(
            f"  {item['buyer_id']:<32} {item['name'] or formats.NONE} "
            f"({labels.country(item['country'], lang) or formats.NONE}, {category}; "
            f"{formats.number(item['notices'], lang)})"
        )
    if len(candidates) >= CANDIDATES:
        lines.append(words["capped"].format(count=CANDIDATES))
    return "\n".join(lines)
