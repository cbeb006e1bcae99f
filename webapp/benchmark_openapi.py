"""The OpenAPI parts of the buyer endpoints (issue 14), merged into openapi.py's document."""

from __future__ import annotations

from typing import Any

from reciprocity.audit.benchmark import LEVELS, MARGIN, MIN_PEERS, RATIOS
from reciprocity.model import ORIGIN_CLASSES

MAX_QUERY = 200
# the few schema pieces this part needs (openapi.py imports this module, so it cannot import them from there)
STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}
REF = "#/components/schemas/"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _obj(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), **extra}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = {"$ref": REF + "Error"}
DIMENSIONS = sorted({d for level in LEVELS for d in level})
QUARTILES = _obj({"n": COUNT, "q1": _nullable(NUM), "median": _nullable(NUM), "q3": _nullable(NUM)})
BUCKET = {"awards": COUNT, "value_eur": NUM, "awards_without_eur_value": COUNT}
BENCHMARK_SCHEMAS: dict[str, Any] = {
    "WinnerTotals": _obj({
        "total": _obj(BUCKET),
        "by_year": {"type": "array", "items": _obj({"year": _nullable(STR), **BUCKET})},
        "by_buyer": {"type": "array", "items": _obj({"buyer_name": _nullable(STR), "buyer_country": _nullable(STR),
                                                     **BUCKET})},
        "buyers_served": COUNT,
        "sizes": {"type": "array", "items": _obj({"size": STR, "awards": COUNT,
                                                  "source": {**STR, "enum": ["notice"]}})},
        "siren": _nullable(STR), "company_page": _nullable({**STR, "format": "uri"}),
        "members": {"type": "array", "items": {"type": "object"}}},
        description="A winner's value (its share of each lot's EUR value) by year and by buyer, the buyers it served, "
        "the sizes the notices state, its public page for a French SIREN/SIRET, and the names merged into it"),
    "BuyerCandidate": _obj({"buyer_id": STR, "name": _nullable(STR), "country": _nullable(STR),
                            "category": _nullable(STR), "notices": COUNT}),
    "BuyerIndicator": _obj({
        "value": _nullable({**NUM, "description": f"a share (0..1), or days for {MARGIN}"}),
        "numerator": _nullable(NUM), "denominator": {**NUM, "minimum": 0}, "lower_is_better": _nullable(BOOL),
        "peers": QUARTILES,
        "reference": _nullable({"type": "object", "description": "Single Market Scoreboard values (context, not "
                                "law), with their source and confidence"})}),
    "Benchmark": _obj({
        "buyer": _obj({"id": STR, "name": _nullable(STR), "country": _nullable(STR), "category": _nullable(STR),
                       "region": _nullable({**STR, "description": "NUTS 2"}), "cpv_division": _nullable(STR),
                       "notices": COUNT, "awards": COUNT}),
        "peer_group": _obj({
            "dimensions": {"type": "object", "additionalProperties": STR,
                           "description": f"what the peers share with the buyer: any of {', '.join(DIMENSIONS)}"},
            "size": COUNT, "min_peers": {**INT, "enum": [MIN_PEERS]}, "widened": BOOL, "enough": BOOL,
            "steps": {"type": "array", "items": _obj({"dimensions": {"type": "object"}, "size": COUNT})}}),
        "indicators": _obj({key: {"$ref": REF + "BuyerIndicator"} for key in (*RATIOS, MARGIN)}),
        "origin": _obj({"awards": COUNT, "value_eur": NUM, "awards_without_eur_value": COUNT,
                        "classes": _obj({name: {"type": "object"} for name in ORIGIN_CLASSES})}),
        "scoreboard_source": STR},
        description=f"A buyer against its peers (same category, NUTS 2 region and main CPV division, widened when "
        f"fewer than {MIN_PEERS}): one value per peer buyer, their median and quartiles"),
}
BENCHMARK_PATHS: dict[str, Any] = {
    "/buyers": {"get": {
        "operationId": "findBuyers", "summary": "The buyers a name or id designates (candidates, never a guess)",
        "parameters": [{"name": "q", "in": "query", "required": True,
                        "schema": {**STR, "minLength": 1, "maxLength": MAX_QUERY, "pattern": "\\S"}}],
        "responses": {"200": _json("the matching buyers", _obj({"query": STR, "candidates": {
            "type": "array", "items": {"$ref": REF + "BuyerCandidate"}}})),
            "400": _json("q missing or too long", ERROR)}}},
    "/buyers/{buyer_id}": {"get": {
        "operationId": "getBuyer", "summary": "One buyer against its peers (benchmark)",
        "parameters": [{"name": "buyer_id", "in": "path", "required": True, "schema": STR,
                        "description": "the buyer's first identifier (e.g. a SIRET), else "
                                       "name:<name in lower case>|<country>"}],
        "responses": {"200": _json("the benchmark", {"$ref": REF + "Benchmark"}),
                      "404": _json("no such buyer", ERROR)}}},
}
