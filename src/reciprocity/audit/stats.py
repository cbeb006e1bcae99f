"""Aggregates over the store (pandas): Scoreboard-style indicators, the origin picture, top winners, ranking.

Shares are fractions (0..1) with their numerator and denominator, so a reader sees how many records each rests
on. Values count in EUR only when the store holds a EUR amount (converted at ingest with the dated rates of
the rule data); awards without one are left out of value shares and counted as such, never guessed.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlite_utils import Database

from ..model import ORIGIN_CLASSES
from ..rules.data import load_rule_data
from .queries import list_tenders, where_clause

SME_SIZES = ("micro", "small", "medium", "sme")
TOP_WINNERS = 10
RANKED_TENDERS = 25
TOP_BUYERS = 20
RANKED_KEYS = ("id", "title", "buyer_name", "buyer_country", "year", "cpv_main", "benefit_priority",
               "benefit_reasons", "flagged_codes")


def scoreboard() -> dict[str, Any]:
    """The Scoreboard reference values (rules/data/scoreboard.yaml, validated with the rule data)."""
    return load_rule_data().scoreboard


def _frame(db: Database, sql: str, params: list[Any]) -> pd.DataFrame:
    cursor = db.execute(sql, params)
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def load_frames(db: Database, filters: dict[str, Any] | None) -> dict[str, pd.DataFrame]:
    """The filtered notices, results and winners (joined to their notice's filter columns) as DataFrames, in id
    order: sums, ties and first names then never depend on the order rows were written in."""
    where, params = where_clause(filters)
    notice_cols = "n.year, n.buyer_name, n.buyer_country, n.cpv_division"
    return {
        "notices": _frame(db, "SELECT n.id, n.lots_count, n.buyer_identifiers, n.cpv_main, n.kind"
                              f" FROM notices n{where} ORDER BY n.id", params),
        "results": _frame(db, "SELECT r.received_total, r.received_sme, r.value, r.value_eur, r.winners_count"
                              f" FROM results r JOIN notices n ON n.id = r.notice_id{where} ORDER BY r.id", params),
        "winners": _frame(db, "SELECT w.name, w.country, w.size, w.identifiers, w.origin_class, w.value,"
                              f" w.value_eur, w.entity_id, {notice_cols}"
                              f" FROM winners w JOIN notices n ON n.id = w.notice_id{where} ORDER BY w.id", params),
    }


def _share(numerator: int, denominator: int) -> dict[str, Any]:
    value = None if not denominator else round(numerator / denominator, 4)
    return {"value": value, "numerator": int(numerator), "denominator": int(denominator)}


def indicators(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
    """Single bidder, SME bids, SME winners, lots, missing-data rates, each with its Scoreboard reference."""
    notices, results, winners = frames["notices"], frames["results"], frames["winners"]
    bids = results[results["received_total"].notna() & (results["received_total"] > 0)]
    sme_bids = bids[bids["received_sme"].notna()]
    sized = winners[winners["size"].notna()]
    awarded = results[results["winners_count"] > 0]
    figures = {
        "single_bidder": _share((bids["received_total"] == 1).sum(), len(bids)),
        "sme_bids": _share(sme_bids["received_sme"].sum(), sme_bids["received_total"].sum()),
        "sme_winners": _share(sized["size"].isin(SME_SIZES).sum(), len(sized)),
        "divided_into_lots": _share((notices["lots_count"] > 1).sum(), (notices["lots_count"] > 0).sum()),
        "missing_seller_ids": _share((winners["identifiers"].fillna("[]") == "[]").sum(), len(winners)),
        "missing_buyer_ids": _share((notices["buyer_identifiers"].fillna("[]") == "[]").sum(), len(notices)),
        "missing_values": _share(awarded["value"].isna().sum(), len(awarded)),
        "missing_received": _share(awarded["received_total"].isna().sum(), len(awarded)),
        "missing_cpv": _share(notices["cpv_main"].isna().sum(), len(notices)),
    }
    references = scoreboard()["indicators"]
    for key, figure in figures.items():
        figure["reference"] = references.get(key)
    return figures


def origin_table(winners: pd.DataFrame) -> dict[str, Any]:
    """Awards by origin class, by count and by EUR value; awards with no EUR value are counted apart."""
    classes = winners["origin_class"].fillna("UNKNOWN")
    with_value = winners["value_eur"].notna()
    total_value = float(winners.loc[with_value, "value_eur"].sum())
    table = {}
    for name in ORIGIN_CLASSES:
        mine = classes == name
        value = float(winners.loc[mine & with_value, "value_eur"].sum())
        value_share = round(value / total_value, 4) if total_value else None
        table[name] = {"awards": int(mine.sum()), "share": _share(mine.sum(), len(winners))["value"],
                       "value_eur": round(value, 2), "value_share": value_share}
    return {
        "classes": table, "awards": len(winners), "value_eur": round(total_value, 2),
        "awards_without_eur_value": int((~with_value).sum()),
        "unclassified": int(winners["origin_class"].isna().sum()),  # no origin class from the assessment
    }


def origin_picture(winners: pd.DataFrame) -> dict[str, Any]:
    """The origin table overall and by year, buyer country, CPV division and (top) buyer."""
    picture = {"overall": origin_table(winners)}
    for key, column in (("by_year", "year"), ("by_buyer_country", "buyer_country"), ("by_cpv", "cpv_division")):
        picture[key] = {str(k): origin_table(g) for k, g in winners.groupby(column, dropna=True, sort=True)}
    top = winners["buyer_name"].value_counts().head(TOP_BUYERS).index
    picture["by_buyer"] = {str(k): origin_table(winners[winners["buyer_name"] == k]) for k in top}
    return picture


def _clean(value: Any) -> Any:
    """pandas' NaN for a missing value becomes None (JSON null), never the text "nan"."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def top_winners(winners: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The winners with most awards in each origin class (grouped by entity where entities were computed)."""
    frame = winners.assign(origin_class=winners["origin_class"].fillna("UNKNOWN"),
                           key=winners["entity_id"].fillna(winners["name"].fillna("?") + "|"
                                                           + winners["country"].fillna("")))
    tops = {}
    for name, group in frame.groupby("origin_class"):
        summary = group.groupby("key").agg(name=("name", "first"), country=("country", "first"),
                                           identifiers=("identifiers", "first"), awards=("key", "size"),
                                           value_eur=("value_eur", "sum"))
        summary = summary.sort_values(["awards", "value_eur"], ascending=False).head(TOP_WINNERS)
        tops[str(name)] = [{"entity_id": key if key.startswith("E") and "|" not in key else None,
                            "name": _clean(row["name"]), "country": _clean(row["country"]),
                            "identifiers": json.loads(_clean(row["identifiers"]) or "[]"),
                            "awards": int(row["awards"]), "value_eur": round(float(row["value_eur"]), 2)}
                           for key, row in summary.iterrows()]
    return tops


def ranked_tenders(db: Database, filters: dict[str, Any] | None, limit: int = RANKED_TENDERS) -> list[dict]:
    """Tenders that could better benefit firms established in France, by benefit priority, with reasons."""
    page = list_tenders(db, {**(filters or {}), "min_priority": 1}, page=1, per_page=limit)
    return [{k: item[k] for k in RANKED_KEYS} for item in page["items"]]


def compute_report(db: Database, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every figure of the report for the filtered tenders, as plain JSON-ready data."""
    return assemble_report(load_frames(db, filters), ranked_tenders(db, filters), filters)


def assemble_report(frames: dict[str, pd.DataFrame], ranked: list[dict], filters: dict[str, Any] | None) -> dict:
    """The report from the filtered frames and ranked tenders, whether they come from SQLite or a Parquet dataset."""
    return {
        "filters": {k: v for k, v in (filters or {}).items() if v not in (None, "")},
        "counts": {"notices": len(frames["notices"]), "results": len(frames["results"]),
                   "winners": len(frames["winners"])},
        "indicators": indicators(frames),
        "origin": origin_picture(frames["winners"]),
        "top_winners": top_winners(frames["winners"]),
        "ranked_tenders": ranked,
        "scoreboard_source": scoreboard()["source"],
    }
