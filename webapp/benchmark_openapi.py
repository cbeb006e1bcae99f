"""The OpenAPI parts of the buyer endpoints and the winner's totals (issue 14), merged into openapi.py's document."""

from __future__ import annotations

from typing import Any

from reciprocity.audit.benchmark import LEVELS, MIN_PEERS, RATIOS
from reciprocity.model import ORIGIN_CLASSES

MAX_QUERY = 200


def benchmark_schemas() -> dict[str, Any]:
    """The schemas of the buyer endpoints (Benchmark, BuyerIndicator, BuyerCandidate)."""
    from .openapi import BOOL, INT, NUM, REF, STR, _nullable, _obj

    dimensions = sorted({d for level in LEVELS for d in level})
    quartiles = _obj({"n": {**INT, "minimum": 0}, "q1": _nullable(NUM), "median": _nullable(NUM), "q3": _nullable(NUM)})
    return {
        "BuyerCandidate": _obj(
            {
                "buyer_id": STR,
                "name": _nullable(STR),
                "country": _nullable(STR),
                "category": _nullable(STR),
                "notices": {**INT, "minimum": 0},
            }
        ),
        "BuyerIndicator": _obj(
            {
                "value": _nullable({**NUM, "description": "a share (0..1), or days for tender_period_margin_days"}),
                "numerator": _nullable(NUM),
                "denominator": {**NUM, "minimum": 0},
                "lower_is_better": _nullable(BOOL),
                "peers": quartiles,
                "reference": _nullable(
                    {
                        "type": "object",
                        "description": "Single Market Scoreboard values (context, "
                        "not law), with their source and confidence",
                    }
                ),
            }
        ),
        "Benchmark": _obj(
            {
                "buyer": _obj(
                    {
                        "id": STR,
                        "name": _nullable(STR),
                        "country": _nullable(STR),
                        "category": _nullable(STR),
                        "region": _nullable({**STR, "description": "NUTS 2"}),
                        "cpv_division": _nullable(STR),
                        "notices": {**INT, "minimum": 0},
                        "awards": {**INT, "minimum": 0},
                    }
                ),
                "peer_group": _obj(
                    {
                        "dimensions": {
                            "type": "object",
                            "additionalProperties": STR,
                            "description": f"what the peers share with the buyer: any of {', '.join(dimensions)}",
                        },
                        "size": {**INT, "minimum": 0},
                        "min_peers": {**INT, "enum": [MIN_PEERS]},
                        "widened": BOOL,
                        "enough": BOOL,
                        "steps": {
                            "type": "array",
                            "items": _obj({"dimensions": {"type": "object"}, "size": {**INT, "minimum": 0}}),
                        },
                    }
                ),
                "indicators": _obj(
                    {key: {"$ref": REF + "BuyerIndicator"} for key in (*RATIOS, "tender_period_margin_days")}
                ),
                "origin": _obj(
                    {
                        "awards": {**INT, "minimum": 0},
                        "value_eur": NUM,
                        "awards_without_eur_value": {**INT, "minimum": 0},
                        "classes": _obj({name: {"type": "object"} for name in ORIGIN_CLASSES}),
                    }
                ),
                "scoreboard_source": STR,
            },
            description="A buyer against its peers (same category, NUTS 2 region and main CPV division, widened when "
            f"fewer than {MIN_PEERS}): one value per peer buyer, their median and quartiles",
        ),
    }


def benchmark_paths() -> dict[str, Any]:
    """The buyer endpoints: a name search and one buyer's benchmark."""
    from .openapi import REF, STR, _error, _obj, _ok

    param = [
        {
            "name": "buyer_id",
            "in": "path",
            "required": True,
            "schema": STR,
            "description": "the buyer's first identifier (e.g. a SIRET), else name:<name in lower case>|<country>",
        }
    ]
    return {
        "/buyers": {
            "get": {
                "operationId": "findBuyers",
                "summary": "The buyers a name or id designates (candidates, never a guess)",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "required": True,
                        "schema": {**STR, "minLength": 1, "maxLength": MAX_QUERY, "pattern": "\\S"},
                    }
                ],
                "responses": {
                    "200": _ok(
                        "the matching buyers",
                        _obj(
                            {"query": STR, "candidates": {"type": "array", "items": {"$ref": REF + "BuyerCandidate"}}}
                        ),
                    ),
                    "400": _error("q missing or too long"),
                },
            }
        },
        "/buyers/{buyer_id}": {
            "get": {
                "operationId": "getBuyer",
                "summary": "One buyer against its peers (benchmark)",
                "parameters": param,
                "responses": {"200": _ok("the benchmark", {"$ref": REF + "Benchmark"}), "404": _error("no such buyer")},
            }
        },
    }
