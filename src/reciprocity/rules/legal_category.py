"""The buyer category an INSEE legal category gives (legal_categories.yaml), for a buyer its notice does not categorise.

French DECP data carries no legal basis and no buyer legal type: once `reciprocity enrich sirene` has put the
buyer's SIRENE facts on the notice (`Organisation.registry`), its legal category (7210 Commune, 7389 national
administrative public body…) decides the category. An EPIC is a contracting entity (utilities) when its main
activity is a network activity, else a body governed by public law; unconfirmed entries say what to check.
"""

from __future__ import annotations

from typing import Any

from ..model import Organisation
from . import confirm

SOURCE = "INSEE legal category {code} ({label})"


def registry_category(buyer: Organisation, data: Any) -> dict[str, Any] | None:
    """{category, source, sector, activity, uncertain, to_confirm} from the buyer's SIRENE legal category, or None
    when it has none or one the rule data does not map. `uncertain` is the entry naming the alternative category."""
    registry = buyer.registry or {}
    code = registry.get("legal_category")
    entry = data.legal_categories["categories"].get(code) if isinstance(code, str) else None
    if entry is None:
        return None
    source = SOURCE.format(code=code, label=entry["label"])
    found = {
        "category": entry["category"],
        "source": source,
        "sector": None,
        "activity": entry.get("activity"),
        "uncertain": entry if "alternative" in entry else None,
        "to_confirm": []
        if "alternative" in entry
        else confirm.of_entry(
            entry,
            f"the buyer category read from its {source}",
            f"la catégorie d'acheteur déduite de sa catégorie juridique INSEE {code} ({entry['label']})",
        ),
    }
    naf = registry.get("activity")
    sector = naf_sector(naf, data) if entry.get("by_activity") else None
    if sector:
        network = data.legal_categories["utilities_naf"]
        found.update(
            category="utilities",
            sector=sector,
            source=f"{source}, main activity {naf} (NAF)",
            uncertain={"alternative": "sub-central", **network},
            to_confirm=[],
        )
    return found


def naf_sector(naf: Any, data: Any) -> str | None:
    """The utilities sector of a NAF rév. 2 activity code (e.g. "35.11Z" -> electricity), or None."""
    if not isinstance(naf, str):
        return None
    prefixes = data.legal_categories["utilities_naf"]["prefixes"]
    return next((sector for prefix, sector in prefixes.items() if naf.startswith(prefix)), None)
