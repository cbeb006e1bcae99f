"""A grouped winner's totals (issue 14): awarded value by year and by buyer, buyers served, sizes declared, its
public company page, and the names merged into it with the reason of each.

Computed from the awards `queries.get_winner` reads (no second query). A winner's value is its share of the
result's EUR value (a result won by a group is split equally between its members, as in the report); awards
without a EUR value are counted apart, never guessed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from stdnum.fr import siren, siret

ANNUAIRE = "https://annuaire-entreprises.data.gouv.fr/entreprise/{siren}"


def _add(bucket: dict[str, Any], award: dict[str, Any]) -> None:
    bucket["awards"] += 1
    if award.get("value_eur") is None:
        bucket["awards_without_eur_value"] += 1
    else:
        bucket["value_eur"] = round(bucket["value_eur"] + float(award["value_eur"]), 2)


def _bucket(**keys: Any) -> dict[str, Any]:
    return {**keys, "awards": 0, "value_eur": 0.0, "awards_without_eur_value": 0}


def company_siren(identifiers: list[str]) -> str | None:
    """The SIREN of the first valid French SIREN or SIRET among the identifiers ("SIREN:123456789" or bare)."""
    for identifier in identifiers or []:
        digits = str(identifier).rpartition(":")[2].replace(" ", "")
        if siret.is_valid(digits):
            return digits[:9]
        if siren.is_valid(digits):
            return digits
    return None


def _members(awards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each distinct (name, identifiers) met in the awards, with how it joined the entity and how often."""
    seen: dict[tuple, dict[str, Any]] = {}
    for award in awards:
        key = (award.get("name"), tuple(award.get("identifiers") or []), award.get("country"))
        member = seen.setdefault(
            key,
            {
                "name": award.get("name"),
                "identifiers": list(key[1]),
                "country": award.get("country"),
                "method": award.get("entity_method"),
                "score": award.get("entity_score"),
                "matched": award.get("entity_matched"),
                "awards": 0,
            },
        )
        member["awards"] += 1
    return sorted(seen.values(), key=lambda m: (-m["awards"], str(m["name"] or "")))


def winner_totals(winner: dict[str, Any]) -> dict[str, Any]:
    """Totals of one grouped winner (JSON-ready), from its awards."""
    awards = winner.get("awards") or []
    total, by_year, by_buyer = _bucket(), {}, {}
    for award in awards:
        _add(total, award)
        year = str(award["year"]) if award.get("year") is not None else None
        _add(by_year.setdefault(year, _bucket(year=year)), award)
        buyer = (award.get("buyer_name"), award.get("buyer_country"))
        _add(by_buyer.setdefault(buyer, _bucket(buyer_name=buyer[0], buyer_country=buyer[1])), award)
    number = company_siren(winner.get("identifiers") or [])
    sizes = Counter(a.get("size") for a in awards if a.get("size"))
    return {
        "total": total,
        "by_year": sorted(by_year.values(), key=lambda b: b["year"] or "", reverse=True),
        "by_buyer": sorted(by_buyer.values(), key=lambda b: (-b["value_eur"], -b["awards"], str(b["buyer_name"]))),
        "buyers_served": len(by_buyer),
        "sizes": [{"size": size, "awards": count, "source": "notice"} for size, count in sizes.most_common()],
        "siren": number,
        "company_page": ANNUAIRE.format(siren=number) if number else None,
        "members": _members(awards),
    }
