"""Coverage per partner (rules-2026.md §1): does agreement A cover this procurement for partner P on the launch date?

A decision depends on (partner, agreement, buyer category, utilities sector, contract nature, CPV for services,
value, launch date), all read from countries.yaml: the agreement's covered categories, its excluded utilities
sectors (for every partner, or per party), its listed services, and each partner's own dates. `covers` is True,
False or None (undecidable from the notice); every unconfirmed fact it relied on is a `to_confirm` item, so a
decision is never "not covered, established" unless every step of it is. The winner's origin class follows from
the decision for *its* country (`partner_coverage`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from . import confirm
from .findings import render_texts

_CATEGORY = {"central": ("central government authorities", "autorités centrales"),
             "sub-central": ("regional and local authorities", "autorités sous-centrales"),
             "utilities": ("utilities", "entités adjudicatrices"), "defence": ("defence", "défense")}
_NATURE = {"works": ("works", "travaux"), "supplies": ("supplies", "fournitures"), "services": ("services", "services")}
_SECTOR = {"water": ("water", "eau"), "electricity": ("electricity", "électricité"), "gas-heat": ("gas and heat",
           "gaz et chaleur"), "gas-oil": ("oil and gas", "pétrole et gaz"), "solid-fuel": ("coal and solid fuels",
           "charbon et combustibles solides"), "port": ("ports", "ports"), "airport": ("airports", "aéroports"),
           "rail": ("railways", "chemins de fer"), "urttb": ("urban transport", "transports urbains"),
           "post": ("postal services", "services postaux")}
_TEXTS = {
    "not-category": ("{category} not covered", "{category} non couvertes"),
    "category-tbc": ("{category}: covered, to be confirmed", "{category} : couvertes, à vérifier"),
    "above": ("{value_eur} at or above the threshold of {threshold_eur} ({category}, {nature})",
              "{value_eur} au moins égal au seuil de {threshold_eur} ({category}, {nature})"),
    "below": ("{value_eur} below the threshold of {threshold_eur} ({category}, {nature})",
              "{value_eur} sous le seuil de {threshold_eur} ({category}, {nature})"),
    "lowest": ("{value_eur} below the lowest threshold of any buyer category ({threshold_eur})",
               "{value_eur} sous le plus bas seuil de toutes les catégories d'acheteurs ({threshold_eur})"),
    "no-value": ("estimated value unknown", "valeur estimée inconnue"),
    "no-category": ("buyer category unknown", "catégorie d'acheteur inconnue"),
    "no-nature": ("contract nature unknown", "nature du marché inconnue"),
    "concession": ("concession: the agreements' coverage of concessions is not in our rule data",
                   "concession : la couverture des concessions par les accords n'est pas dans nos données"),
    "depends": ("depends on {question}", "dépend de la question de savoir {question}"),
    "sector-out": ("{sector} sector outside this agreement", "secteur {sector} hors de cet accord"),
    "sector-tbc": ("{sector} sector: coverage to be confirmed", "secteur {sector} : couverture à vérifier"),
    "sector-unknown": ("utilities sector not stated (BT-610)", "secteur d'activité non indiqué (BT-610)"),
    "sector-party": ("{sector} sector not covered for {partner}", "secteur {sector} non couvert pour {partner}"),
    "services": ("services (CPV {cpv}) {listed} the services the agreement lists",
                 "services (CPV {cpv}) : {listed} des services listés par l'accord"),
    "in-force": ("in force on {as_of} for {count} partner(s)", "en vigueur le {as_of} pour {count} partenaire(s)"),
}


def _text(key: str, **params: Any) -> dict[str, str]:
    en, fr = _TEXTS[key]
    return render_texts({"en": en, "fr": fr}, **params)


def _words(table: dict[str, tuple[str, str]], key: str | None, name: str) -> dict[str, str]:
    """`name` and `name_fr` message parameters for a category, nature or sector."""
    en, fr = table.get(key or "", (key or "?", key or "?"))
    return {name: en, f"{name}_fr": fr}


def by_agreement(facts: dict[str, Any], data: Any) -> list[dict[str, Any]]:
    """One entry per agreement applied by at least one partner on the launch date: whether and why it covers
    this procurement, and for which partners."""
    as_of = facts["as_of"]
    outside = _outside(facts, data)  # decided without the agreement: once, then a copy for each agreement
    entries = []
    for agreement_id in data.agreements_applied(as_of):
        agreement = data.agreement(agreement_id)
        base = agreement_decision(agreement_id, facts, data) if outside is None else _decision(
            outside["covers"], [dict(reason) for reason in outside["reasons"]], outside["to_confirm"])
        covered, excluded, notes = [], {}, {}
        in_force = data.partners_in_force(agreement_id, as_of)
        for country, entry in in_force.items() if base["covers"] is not False else ():  # no partner can differ
            decision = partner_decision(agreement_id, base, country, entry, facts, data)
            if decision["covers"]:
                covered.append(country)
                extra = [] if decision is base else [i for i in decision["to_confirm"] if i not in base["to_confirm"]]
                if extra:
                    notes[country] = extra
            elif decision["covers"] is False and base["covers"] is not False:
                excluded[country] = {"reasons": decision["reasons"][len(base["reasons"]):],
                                     "to_confirm": decision["to_confirm"]}
        covers = True if covered else (None if base["covers"] is None else False)
        reason = _text("in-force", as_of=as_of, count=len(in_force))
        entries.append({"agreement": agreement_id, "title": {"en": agreement["name"], "fr": agreement["name_fr"]},
                        "covers": covers, "confidence": confirm.confidence(base["to_confirm"]),
                        "reasons": [*base["reasons"], reason], "to_confirm": base["to_confirm"],
                        "partners": sorted(covered), "excluded_partners": excluded, "partners_to_confirm": notes})
    return entries


def agreement_decision(agreement_id: str, facts: dict[str, Any], data: Any) -> dict[str, Any]:
    """The agreement's answer for this procurement, before any partner's own dates or exclusions, when it is not
    outside every agreement (`_outside`, decided first and once for all agreements)."""
    agreement = data.agreement(agreement_id)
    outcomes = [_scenario(agreement, scenario, facts, data) for scenario in facts["scenarios"]]
    answers = {outcome["covers"] for outcome in outcomes}
    if len(answers) > 1:
        decision = _decision(None, [_text("depends", question=facts["question"]["en"],
                                          question_fr=facts["question"]["fr"])], facts["to_confirm"])
    else:
        decision = _decision(answers.pop(), [r for o in outcomes for r in o["reasons"]],
                             confirm.merge(*(o["to_confirm"] for o in outcomes)))
    if decision["covers"] is not False:
        _sector(agreement, facts, decision)
        _services(agreement, facts, decision)
    return decision


def _decision(covers: bool | None, reasons: list[dict[str, str]], to_confirm: list[dict[str, str]]) -> dict:
    return {"covers": covers, "reasons": list(reasons), "to_confirm": list(to_confirm)}


def _outside(facts: dict[str, Any], data: Any) -> dict[str, Any] | None:
    """Decisions that do not depend on the agreement: defence, light regime, unknown nature or category."""
    if facts["category"] == "defence" or facts["nature"] == "social-services":
        kind = "defence" if facts["category"] == "defence" else "social-services"
        outside = data.outside_agreements(kind)
        items = facts["social_to_confirm"] if kind == "social-services" else []
        return _decision(False, [{"en": outside["en"], "fr": outside["fr"]}], items)
    if facts["nature"] is None:
        return _decision(None, [_text("no-nature")], [])
    lowest = data.lowest_threshold(facts["threshold_nature"], facts["as_of"])
    value = facts["value_eur"]
    if not facts["scenarios"] or facts["concession"]:
        if value is not None and lowest is not None and value < lowest:
            return _decision(False, [_text("lowest", value_eur=value, threshold_eur=lowest)], [])
        return _decision(None, [_text("concession" if facts["concession"] else "no-category")], [])
    return None


def _scenario(agreement: dict[str, Any], scenario: dict[str, Any], facts: dict[str, Any], data: Any) -> dict:
    """One reading of the buyer's category: covered category, then value against its threshold."""
    category = scenario["category"]
    words = {**_words(_CATEGORY, category, "category"), **_words(_NATURE, facts["threshold_nature"], "nature")}
    whole = confirm.of_entry(agreement, *_agreement_item(agreement)) if confirm.weak(agreement) else []
    if scenario["outside"]:
        return _decision(False, [{"en": facts["question"]["en"], "fr": facts["question"]["fr"]}], [])
    unconfirmed = category in agreement.get("unconfirmed_categories", [])
    if category not in agreement["covers"] and not unconfirmed:
        return _decision(False, [_text("not-category", **words)], whole)
    threshold = data.eu_threshold(scenario["threshold_category"], facts["threshold_nature"], facts["as_of"])
    value = facts["value_eur"]
    if value is None or threshold is None:
        return _decision(None, [_text("no-value")], [])
    words = {**words, **_words(_CATEGORY, scenario["threshold_category"], "category")}
    if value < threshold:
        return _decision(False, [_text("below", value_eur=value, threshold_eur=threshold, **words)], [])
    reasons = [_text("above", value_eur=value, threshold_eur=threshold, **words)]
    if unconfirmed:
        reasons.append(_text("category-tbc", **_words(_CATEGORY, category, "category")))
        whole = confirm.merge(whole, [confirm.item(f"the coverage of {words['category']} ({agreement['name']})",
                                                   f"la couverture des {words['category_fr']} "
                                                   f"({agreement['name_fr']})", agreement["source"])])
    return _decision(True, reasons, whole)


def _agreement_item(agreement: dict[str, Any]) -> tuple[str, str]:
    text = agreement.get("to_confirm") or {"en": f"the coverage of this agreement ({agreement['name']})",
                                           "fr": f"la couverture de cet accord ({agreement['name_fr']})"}
    return text["en"], text["fr"]


def _sector(agreement: dict[str, Any], facts: dict[str, Any], decision: dict[str, Any]) -> None:
    """A utilities buyer's sector left out of the agreement (for every partner) makes it not covered."""
    sectors = agreement.get("sectors")
    if facts["category"] != "utilities" or not (sectors or agreement.get("excluded_sectors_by_party")):
        return
    sector = facts["sector"]
    if sector is None:
        source = (sectors or next(iter(agreement["excluded_sectors_by_party"].values())))["source"]
        decision["reasons"].append(_text("sector-unknown"))
        decision["to_confirm"] = confirm.merge(decision["to_confirm"], [confirm.item(
            f"the buyer's utilities sector (BT-610): some sectors are outside this agreement ({agreement['name']})",
            "le secteur d'activité de l'entité adjudicatrice (BT-610) : certains secteurs sont hors de cet accord "
            f"({agreement['name_fr']})", source)])
        return
    words = _words(_SECTOR, sector, "sector")
    if sector in (sectors or {}).get("excluded", []):
        decision["covers"] = False
        decision["reasons"].append(_text("sector-out", **words))
        decision["to_confirm"] = confirm.merge(decision["to_confirm"], confirm.of_entry(
            sectors, f"that the {words['sector']} sector is outside this agreement ({agreement['name']})",
            f"que le secteur {words['sector_fr']} est hors de cet accord ({agreement['name_fr']})"))
    elif sector in (sectors or {}).get("unconfirmed", []):
        decision["reasons"].append(_text("sector-tbc", **words))
        decision["to_confirm"] = confirm.merge(decision["to_confirm"], [confirm.item(
            f"that this agreement covers the {words['sector']} sector ({agreement['name']})",
            f"que cet accord couvre le secteur {words['sector_fr']} ({agreement['name_fr']})", sectors["source"])])


def _services(agreement: dict[str, Any], facts: dict[str, Any], decision: dict[str, Any]) -> None:
    """Only the services an agreement lists are covered (construction apart): otherwise "to be confirmed"."""
    services = agreement.get("services")
    if facts["nature"] != "services" or services is None:
        return
    cpv = facts["cpv"] or "?"
    listed = any(cpv.startswith(prefix) for prefix in services["listed_cpv"])
    decision["reasons"].append(_text("services", cpv=cpv, listed="are among" if listed else "are not among",
                                     listed_fr="font partie" if listed else "ne font pas partie"))
    en = (f"that services of CPV {cpv} are among those listed ({agreement['name']})" if listed else
          f"whether services of CPV {cpv} are covered: only the services listed are ({agreement['name']})")
    fr = (f"que les services du CPV {cpv} font partie des services listés ({agreement['name_fr']})" if listed else
          f"si les services du CPV {cpv} sont couverts : seuls les services listés le sont ({agreement['name_fr']})")
    decision["to_confirm"] = confirm.merge(decision["to_confirm"], [confirm.item(en, fr, services["source"])])


def partner_decision(agreement_id: str, base: dict[str, Any], country: str, entry: dict[str, Any],
                     facts: dict[str, Any], data: Any) -> dict[str, Any]:
    """The agreement's decision for one partner: its own sector exclusions and the confidence of its dates
    (`base` itself, read-only, when nothing about the partner changes it: the common case, not copied)."""
    if base["covers"] is False:
        return base
    agreement = data.agreement(agreement_id)
    party = agreement.get("excluded_sectors_by_party", {}).get(facts["sector"] or "")
    if not confirm.weak(entry) and not (party and country in party["parties"]):
        return base
    decision = _decision(base["covers"], base["reasons"], base["to_confirm"])
    name, name_fr = data.partner_names(country)
    if party and country in party["parties"]:
        words = _words(_SECTOR, facts["sector"], "sector")
        decision["covers"] = False
        decision["reasons"].append(_text("sector-party", partner=name, partner_fr=name_fr, **words))
        decision["to_confirm"] = confirm.merge(decision["to_confirm"], confirm.of_entry(
            party, f"that the EU's notes deny the {words['sector']} sector to this partner, {name} "
                   f"({agreement['name']})",
            f"que l'offre de l'UE exclut le secteur {words['sector_fr']} pour ce partenaire, {name_fr} "
            f"({agreement['name_fr']})"))
        return decision
    # the partner's dates are themselves to confirm
    text = render_texts({"en": "that this agreement applies to {partner} from {start} ({agreement})",
                         "fr": "que cet accord s'applique à {partner} depuis le {start} ({agreement})"},
                        partner=name, partner_fr=name_fr, start=entry["from"], agreement=agreement["name"],
                        agreement_fr=agreement["name_fr"])
    decision["to_confirm"] = confirm.merge(decision["to_confirm"], confirm.of_entry(entry, text["en"], text["fr"]))
    return decision


def partner_coverage(country: str, coverage: dict[str, Any], data: Any, as_of: date) -> dict[str, Any]:
    """{covers, agreements, covering, reasons, to_confirm} of one partner country for this procurement."""
    entries = {e["agreement"]: e for e in coverage.get("by_agreement", [])}
    decisions = []
    for agreement in data.agreements_in_force(country, as_of):
        entry = entries.get(agreement["id"])
        if entry is None:
            continue
        if country in entry["partners"]:
            items = confirm.merge(entry["to_confirm"], entry["partners_to_confirm"].get(country, []))
            decisions.append((agreement["id"], True, entry["reasons"], items))
        elif country in entry["excluded_partners"]:
            excluded = entry["excluded_partners"][country]
            decisions.append((agreement["id"], False, excluded["reasons"], excluded["to_confirm"]))
        else:
            decisions.append((agreement["id"], entry["covers"], entry["reasons"], entry["to_confirm"]))
    return _partner_summary(decisions)


def _partner_summary(decisions: list[tuple[str, bool | None, list, list]]) -> dict[str, Any]:
    covering = [d for d in decisions if d[1]]
    if covering:
        certain = [d for d in covering if not d[3]]
        items = [] if certain else confirm.merge(*(d[3] for d in covering))
        chosen = certain or covering
        return {"covers": True, "agreements": [d[0] for d in decisions], "covering": [d[0] for d in chosen],
                "reasons": chosen[0][2], "to_confirm": items}
    undecided = [d for d in decisions if d[1] is None]
    shown = undecided or decisions
    return {"covers": None if undecided else (False if decisions else None),
            "agreements": [d[0] for d in decisions], "covering": [],
            "reasons": [r for d in shown for r in d[2]], "to_confirm": confirm.merge(*(d[3] for d in shown))}
