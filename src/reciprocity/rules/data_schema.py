"""The schema of every rule-data file (`rules/data/<name>.yaml`), checked strictly by `rules.schema.validate`.

One entry per file; an unknown or missing key, a bad date or a value outside its list is a `RuleDataError` naming
the file and the key path. Entries stating a legal fact carry `source` and, when weak, `confidence: unconfirmed`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .schema import CONFIDENCE, Fields, ListOf, MapOf, Nullable, OneOf

CATEGORIES = ("central", "sub-central", "utilities", "defence")
NATURES = ("works", "supplies", "services", "social-services")
SECTORS = ("water", "electricity", "gas-heat", "gas-oil", "solid-fuel", "port", "airport", "rail", "urttb", "post")
INSTRUMENT_STATUSES = ("in-force", "proposal", "provisional-agreement")
TEXT = Fields({"en": str, "fr": str})
_OPT = {"?confidence": CONFIDENCE, "?note": str}
_SOURCED = {"source": str, **_OPT}
_PERIOD_DATES = {"from": date, "?to": date, **_SOURCED}

CODE_ENTRY = Fields({
    "area": OneOf(("sme", "reciprocity", "origin", "competition", "quality")),
    "severity": OneOf(("info", "warning", "problem")),
    "label": TEXT, "title": TEXT, "legal_ref": Nullable(str), "confidence": CONFIDENCE, "source": str,
    "messages": MapOf(TEXT), "recommendation": Nullable(TEXT), "?note": str,
    "?to_confirm": TEXT,  # what the user must check when the code itself is unconfirmed
})
AGREEMENT = Fields({
    "name": str, "name_fr": str, "covers": ListOf(OneOf(CATEGORIES)), **_SOURCED, "?to_confirm": TEXT,
    "?unconfirmed_categories": ListOf(OneOf(CATEGORIES)),
    "?sectors": Fields({"?excluded": ListOf(OneOf(SECTORS)), "?unconfirmed": ListOf(OneOf(SECTORS)), **_SOURCED}),
    "?excluded_sectors_by_party": MapOf(Fields({"parties": ListOf(str), **_SOURCED}), keys=SECTORS),
    "?services": Fields({"listed_cpv": ListOf(str), **_SOURCED}),
})
UNCERTAIN_TYPE = Fields({"alternative": OneOf(CATEGORIES), "en": str, "fr": str, **_SOURCED})
BUYER_CATEGORIES = Fields({
    **_SOURCED,
    "legal_basis": MapOf(Nullable(OneOf(CATEGORIES))),
    "classic_legal_bases": ListOf(str),
    "concession_legal_bases": ListOf(str),
    "forms": MapOf(OneOf(CATEGORIES)),
    "legal_type": MapOf(Nullable(OneOf(CATEGORIES))),
    "utilities_only_with_activity": ListOf(str),
    "utilities_activities": MapOf(OneOf(SECTORS)),
    "uncertain_legal_types": MapOf(UNCERTAIN_TYPE),
    "defence_field": Fields({"activities": ListOf(str), "en": str, "fr": str, **_SOURCED}),
})
# INSEE legal category -> buyer category (legal_categories.yaml), for buyers the notice does not categorise (DECP)
LEGAL_CATEGORY = Fields({
    "label": str, "category": OneOf(CATEGORIES), "?alternative": OneOf(CATEGORIES), "?en": str, "?fr": str,
    "?by_activity": bool, "?activity": str, **_SOURCED,
})
LEGAL_CATEGORIES = Fields({
    "source": str, "categories": MapOf(LEGAL_CATEGORY),
    "utilities_naf": Fields({"prefixes": MapOf(OneOf(SECTORS)), "en": str, "fr": str, **_SOURCED}),
})
IPI_MEASURE = Fields({
    "id": str, "code": str, "legal_act": str, "country": str, "cpv_from": str, "cpv_to": str,
    "value_floor_eur": Decimal, "input_cap": Decimal, "mention_patterns": ListOf(str), **_PERIOD_DATES,
    "legal_bases": ListOf(str), "eforms_measure": str, "?end_source": str, "?end_confidence": CONFIDENCE,
})
NZIA = Fields({
    "article": Fields({"legal_act": str, "from": date, "kinds": ListOf(str), "strategic_codes": ListOf(str),
                       "green_codes": ListOf(str), **_SOURCED}),
    "resilience": Fields({"share": Decimal, **_SOURCED}),
    "technologies": MapOf(Fields({"en": str, "fr": str, "cpv": ListOf(str), **_SOURCED})),
})
INSTRUMENT = Fields({
    "id": str, "title": TEXT, "status": OneOf(INSTRUMENT_STATUSES), "date": date, "effect": TEXT,
    "names": ListOf(str), **_SOURCED,
})

SCHEMAS: dict[str, Any] = {
    "codes": MapOf(CODE_ENTRY),
    "countries": Fields({
        "eu_members": MapOf(Fields(_PERIOD_DATES)),
        "eea_members": MapOf(Fields(_PERIOD_DATES)),
        "french_territories": MapOf(Fields({"name": str, "kind": OneOf(("outermost-region", "overseas-collectivity")),
                                            **_SOURCED})),
        "outside_agreements": MapOf(Fields({"en": str, "fr": str, **_SOURCED}), keys=("defence", "social-services")),
        "agreements": MapOf(AGREEMENT),
        "partners": MapOf(Fields({"name": str, "name_fr": str, "?note": str, "agreements": ListOf(Fields({
            "id": str, "from": Nullable(date), "?to": date, **_SOURCED}))})),
    }),
    "thresholds": Fields({
        "eu_periods": ListOf(Fields({**_PERIOD_DATES, "values": MapOf(
            MapOf(Decimal, keys=NATURES), keys=CATEGORIES)})),
        "social_services_cpv": Fields({"prefixes": ListOf(str), **_SOURCED}),
        "plausible_estimate": Fields({"min_eur": Decimal, "max_eur": Decimal, "min_share_of_awarded": Decimal,
                                      **_SOURCED}),
        "french": ListOf(Fields({"id": str, "rule": str, "?nature": ListOf(OneOf(NATURES)), "value": Decimal,
                                 "article": str, **_PERIOD_DATES})),
        "buyer_categories": BUYER_CATEGORIES,
    }),
    "exchange_rates": Fields({"rates": MapOf(ListOf(Fields({"per_eur": Decimal, **_PERIOD_DATES})))}),
    "ipi": Fields({"measures": ListOf(IPI_MEASURE)}),
    "fsr": Fields({"notification": Fields({
        "threshold_eur": Decimal, "lot_threshold_eur": Decimal, "contributions_eur": Decimal,
        "excluded_categories": ListOf(OneOf(CATEGORIES)), **_PERIOD_DATES})}),
    "nzia": NZIA,
    "legal_categories": LEGAL_CATEGORIES,
    "instruments": Fields({"instruments": ListOf(INSTRUMENT)}),
    "clauses": MapOf(Fields({"patterns": ListOf(str), "?window": int, **_SOURCED})),
    # Single Market Scoreboard reference values: context beside our indicators, never a legal finding
    "scoreboard": Fields({"source": str, "indicators": MapOf(Fields({
        "label": str, "lower_is_better": bool, "source": str, "?confidence": CONFIDENCE,
        **{key: Nullable(float) for key in ("green", "red", "france_2021", "eu_2021", "eu_2024")}}))}),
    "benefit": Fields({"reasons": MapOf(Fields({
        "codes": ListOf(str), "weight": int, "?min_severity": OneOf(("info", "warning", "problem")),
        "?min_value_eur": Decimal, "en": str, "fr": str, "source": str}))}),
}
