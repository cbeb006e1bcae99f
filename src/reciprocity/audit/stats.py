"""The report: Scoreboard-style indicators, the origin picture, top winners and buyers, ranked tenders.

One function, `report_from_cubes`, computes every figure from small pandas frames of counts and sums ("cubes",
see aggregates.py); the cubes come from SQLite (`aggregates`: SQL GROUP BY, materialised per ingest run) or from
narrow per-notice / per-result / per-winner frames (`cubes_from_frames`: one pandas groupby each, for a Parquet
dataset). Shares are fractions (0..1) with their numerator and denominator, so a reader sees how many records
each rests on. Values count in EUR only when the store holds a EUR amount (converted at ingest with the dated
rates of the rule data); awards without one are left out of value shares and counted as such, never guessed.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ..model import ORIGIN_CLASSES, SME_SIZES
from ..rules.data import load_rule_data
from . import aggregates
from .aggregates import DIMENSIONS, TOP_BUYERS, TOP_WINNERS
from .listing import list_tenders
from .sirene_apply import SIZE_NOTE, has_sirene
from .store import as_db

RANKED_TENDERS = 25
RANKED_KEYS = ("id", "title", "buyer_name", "buyer_country", "year", "cpv_main", "benefit_priority",
               "benefit_reasons", "flagged_codes")
__all__ = ["compute_report", "report_from_cubes", "cubes_from_frames", "assemble_report", "scoreboard", "SME_SIZES"]


def scoreboard() -> dict[str, Any]:
    """The Scoreboard reference values (rules/data/scoreboard.yaml, validated with the rule data)."""
    return load_rule_data().scoreboard


def _share(numerator: Any, denominator: Any) -> dict[str, Any]:
    numerator, denominator = int(numerator or 0), int(denominator or 0)
    value = None if not denominator else round(numerator / denominator, 4)
    return {"value": value, "numerator": numerator, "denominator": denominator}


def indicators(cubes: dict[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
    """Single bidder, SME bids, SME winners, lots, missing-data rates, each with its Scoreboard reference."""
    notices, results, winners = (cubes[k].sum(numeric_only=True) for k in ("notices", "results", "winners"))
    figures = {
        "single_bidder": _share(results.get("single_bid"), results.get("with_bids")),
        "sme_bids": _share(results.get("sme_bids"), results.get("bids_with_sme_count")),
        "sme_winners": _share(winners.get("sme"), winners.get("sized")),
        "divided_into_lots": _share(notices.get("divided"), notices.get("with_lots")),
        "missing_seller_ids": _share(winners.get("no_ids"), winners.get("winners")),
        "missing_buyer_ids": _share(notices.get("no_buyer_ids"), notices.get("notices")),
        "missing_values": _share(results.get("awarded_no_value"), results.get("awarded")),
        "missing_received": _share(results.get("awarded_no_received"), results.get("awarded")),
        "missing_cpv": _share(notices.get("no_cpv"), notices.get("notices")),
    }
    references = scoreboard()["indicators"]
    for key, figure in figures.items():
        figure["reference"] = references.get(key)
    return figures


def _origin_tables(cube: pd.DataFrame, column: str | None) -> dict[Any, dict[str, Any]]:
    """The origin table of every value of `column` (one table when None): one groupby, then a loop over its
    few rows (not one pass over the cube per table)."""
    if not len(cube):
        return {None: _origin_table({})} if column is None else {}
    keys = [column] if column else []
    frame = cube.assign(value_eur=cube["value_eur"].fillna(0),
                        unclassified=cube["winners"].where(cube["unclassified"].astype(bool), 0))
    grouped = frame.groupby([*keys, "origin_class"], dropna=True, sort=False)[
        ["winners", "with_eur", "value_eur", "unclassified"]].sum()
    sums: dict[Any, dict[str, Any]] = {}
    for index, winners, with_eur, value, unclassified in grouped.itertuples(name=None):
        key, origin = index if column else (None, index)
        acc = sums.setdefault(key, {"awards": 0, "with_eur": 0, "value": 0.0, "unclassified": 0, "classes": {}})
        acc["awards"] += int(winners)
        acc["with_eur"] += int(with_eur)
        acc["value"] += float(value)
        acc["unclassified"] += int(unclassified)
        acc["classes"][origin] = (int(winners), float(value))
    return {key: _origin_table(acc) for key, acc in sums.items()}


def _origin_table(acc: dict[str, Any]) -> dict[str, Any]:
    """Awards by origin class, by count and by EUR value; awards with no EUR value are counted apart."""
    awards, total_value = acc.get("awards", 0), acc.get("value", 0.0)
    table = {}
    for name in ORIGIN_CLASSES:
        count, value = acc.get("classes", {}).get(name, (0, 0.0))
        table[name] = {"awards": count, "share": _share(count, awards)["value"], "value_eur": round(value, 2),
                       "value_share": round(value / total_value, 4) if total_value else None}
    return {"classes": table, "awards": awards, "value_eur": round(total_value, 2),
            "awards_without_eur_value": awards - acc.get("with_eur", 0), "unclassified": acc.get("unclassified", 0)}


def origin_table(cube: pd.DataFrame) -> dict[str, Any]:
    """The origin table of a winners cube (all its rows together)."""
    return _origin_tables(cube, None)[None]


def _key(value: Any) -> str:
    """A breakdown key as text: years are whole numbers even when pandas read the column as floats."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def origin_picture(winners: pd.DataFrame, buyers: pd.DataFrame) -> dict[str, Any]:
    """The origin table overall and by year, buyer country, CPV division and (top) buyer."""
    picture = {"overall": origin_table(winners)}
    for key, column in (("by_year", "year"), ("by_buyer_country", "buyer_country"), ("by_cpv", "cpv_division")):
        tables = _origin_tables(winners, column)
        picture[key] = {_key(k): tables[k] for k in sorted(tables)}
    tables = _origin_tables(buyers, "buyer_name")
    order = sorted(tables, key=lambda name: (-tables[name]["awards"], str(name)))[:TOP_BUYERS]
    picture["by_buyer"] = {str(name): tables[name] for name in order}
    return picture


def _clean(value: Any) -> Any:
    """pandas' NaN for a missing value becomes None (JSON null), never the text "nan"."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def top_winners(top: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The winners with most awards in each origin class (grouped by entity where entities were computed)."""
    by_class: dict[str, list[tuple]] = {}
    for row in top.itertuples(index=False):
        by_class.setdefault(str(row.origin_class), []).append(row)
    tops = {}
    for name in sorted(by_class):
        ranked = sorted(by_class[name], key=lambda r: (-int(r.awards), -float(r.value_eur or 0), r.key))
        tops[name] = [{"entity_id": row.key if row.key.startswith("E") and "|" not in row.key else None,
                       "name": _clean(row.name), "country": _clean(row.country),
                       "identifiers": json.loads(_clean(row.identifiers) or "[]"),
                       "awards": int(row.awards), "value_eur": round(float(row.value_eur or 0), 2)}
                      for row in ranked[:TOP_WINNERS]]
    return tops


def report_from_cubes(cubes: dict[str, pd.DataFrame], filters: dict[str, Any] | None = None,
                      ranked: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Every figure of the report from the cubes (notices, results, winners, top, buyers), as JSON-ready data."""
    counts = {name: int(cubes[name][name].sum()) if len(cubes[name]) else 0
              for name in ("notices", "results", "winners")}
    return {
        "filters": {k: v for k, v in (filters or {}).items() if v not in (None, "")},
        "counts": counts,
        "indicators": indicators(cubes),
        "origin": origin_picture(cubes["winners"], cubes["buyers"]),
        "top_winners": top_winners(cubes["top"]),
        "ranked_tenders": ranked or [],
        "scoreboard_source": scoreboard()["source"],
    }


def ranked_tenders(db, filters: dict[str, Any] | None, limit: int = RANKED_TENDERS) -> list[dict]:
    """Tenders that could better benefit firms established in France, by benefit priority, with reasons."""
    page = list_tenders(db, {**(filters or {}), "min_priority": 1}, page=1, per_page=limit)
    return [{k: item[k] for k in RANKED_KEYS} for item in page["items"]]


def compute_report(db, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every figure of the report for the filtered tenders: from the materialised cubes when they can answer,
    else by SQL GROUP BY over the matching rows."""
    db = as_db(db)
    cubes = aggregates.stored_cubes(db, filters) or aggregates.compute_cubes(db, filters)
    report = report_from_cubes(cubes, filters, ranked_tenders(db, filters))
    if has_sirene(db.conn):  # winners' sizes may come from INSEE's company category: say so
        report["indicators"]["sme_winners"]["note"] = SIZE_NOTE
    return report


def cubes_from_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The cubes from narrow row frames, one pandas groupby each (for rows read from Parquet, not SQLite).

    `frames`: "notices" (one row per notice: id, the DIMENSIONS, buyer_name, lots_count, buyer_identifiers,
    cpv_main, winners_count), "results" (notice_id, received_total, received_sme, value, value_eur,
    winners_count) and "winners" (notice_id, result, origin_class, sme, identifiers, name, country, entity_id)."""
    from .frames import cubes_of

    return cubes_of(frames, DIMENSIONS, TOP_WINNERS, TOP_BUYERS)


def assemble_report(frames: dict[str, pd.DataFrame], ranked: list[dict], filters: dict[str, Any] | None) -> dict:
    """The report from narrow row frames (`cubes_from_frames`) and ranked tenders: what `report --dataset` calls
    with frames read from a Parquet dataset, the same figures `compute_report` gives from SQLite."""
    return report_from_cubes(cubes_from_frames(frames), filters, ranked)
