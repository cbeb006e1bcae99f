"""Aggregates over the store (pandas): Scoreboard-style indicators, the origin picture, top winners, ranking.

Shares are fractions (0..1) with their numerator and denominator, so a reader sees how many records each rests
on. Values count in EUR only when the store holds a EUR amount (converted at ingest with the dated rates of
the rule data); awards without one are left out of value shares and counted as such, never guessed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from sqlite_utils import Database

from .errors import RuleDataError
from .model import ORIGIN_CLASSES
from .queries import where_clause

SME_SIZES = ("micro", "small", "medium", "sme")
TOP_WINNERS = 10
RANKED_TENDERS = 25
TOP_BUYERS = 20
SCOREBOARD_FILE = Path(__file__).parent / "rules" / "data" / "scoreboard.yaml"  # read without importing rules/
INDICATOR_KEYS = {"label", "lower_is_better", "green", "red", "france_2021", "eu_2021", "eu_2024", "source"}


@lru_cache(maxsize=1)
def scoreboard() -> dict[str, Any]:
    """The Scoreboard reference values (rules/data/scoreboard.yaml); unknown keys are errors."""
    data = yaml.safe_load(SCOREBOARD_FILE.read_text(encoding="utf-8"))
    for key, entry in data["indicators"].items():
        unknown = set(entry) - INDICATOR_KEYS
        if unknown:
            raise RuleDataError(f"scoreboard.yaml: indicators.{key}: unknown keys {sorted(unknown)}")
    return data


def _frame(db: Database, sql: str, params: list[Any]) -> pd.DataFrame:
    cursor = db.execute(sql, params)
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def load_frames(db: Database, filters: dict[str, Any] | None) -> dict[str, pd.DataFrame]:
    """The filtered notices, results and winners (joined to their notice's filter columns) as DataFrames."""
    where, params = where_clause(filters)
    notice_cols = "n.year, n.buyer_name, n.buyer_country, n.cpv_division"
    return {
        "notices": _frame(db, "SELECT n.id, n.lots_count, n.buyer_identifiers, n.cpv_main, n.kind"
                              f" FROM notices n{where}", params),
        "results": _frame(db, "SELECT r.received_total, r.received_sme, r.value, r.value_eur, r.winners_count"
                              f" FROM results r JOIN notices n ON n.id = r.notice_id{where}", params),
        "winners": _frame(db, "SELECT w.name, w.country, w.size, w.identifiers, w.origin_class, w.value,"
                              f" w.value_eur, w.entity_id, {notice_cols}"
                              f" FROM winners w JOIN notices n ON n.id = w.notice_id{where}", params),
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
    from .queries import list_tenders

    page = list_tenders(db, {**(filters or {}), "min_priority": 1}, page=1, per_page=limit)
    keep = ("id", "title", "buyer_name", "buyer_country", "year", "cpv_main", "benefit_priority",
            "benefit_reasons", "flagged_codes")
    return [{k: item[k] for k in keep} for item in page["items"]]


def compute_report(db: Database, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every figure of the report for the filtered tenders, as plain JSON-ready data."""
    frames = load_frames(db, filters)
    return {
        "filters": {k: v for k, v in (filters or {}).items() if v not in (None, "")},
        "counts": {"notices": len(frames["notices"]), "results": len(frames["results"]),
                   "winners": len(frames["winners"])},
        "indicators": indicators(frames),
        "origin": origin_picture(frames["winners"]),
        "top_winners": top_winners(frames["winners"]),
        "ranked_tenders": ranked_tenders(db, filters),
        "scoreboard_source": scoreboard()["source"],
    }


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def _indicator_lines(figures: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["Indicators (Single Market Scoreboard style)",
             f"  {'indicator':<44} {'value':>6} {'basis':>13}  {'FR 2021':>7} {'EU 2024':>7}"]
    for key, figure in figures.items():
        reference = figure.get("reference") or {}
        label = reference.get("label") or key.replace("_", " ")
        basis = f"{figure['numerator']}/{figure['denominator']}"
        lines.append(f"  {label:<44} {_pct(figure['value'])} {basis:>13}  {_pct(reference.get('france_2021'))}"
                     f" {_pct(reference.get('eu_2024'))}")
    return lines


def _origin_lines(title: str, table: dict[str, Any]) -> list[str]:
    lines = [f"{title}: {table['awards']} awards, EUR {table['value_eur']:,.0f} with a EUR value"
             f" ({table['awards_without_eur_value']} awards without one, left out of value shares)"]
    for name, row in table["classes"].items():
        lines.append(f"  {name:<28} {row['awards']:>7} {_pct(row['share'])}   EUR {row['value_eur']:>16,.0f}"
                     f" {_pct(row['value_share'])}")
    return lines


def render_text(report: dict[str, Any]) -> str:
    """The report for a terminal: indicators, origin overall and by year, top winners, ranked tenders."""
    counts = report["counts"]
    lines = [f"{counts['notices']} notices, {counts['results']} results, {counts['winners']} winners"
             + (f" (filters: {report['filters']})" if report["filters"] else ""), ""]
    lines += _indicator_lines(report["indicators"]) + [""]
    lines += _origin_lines("Origin of winners", report["origin"]["overall"]) + [""]
    for year, table in report["origin"]["by_year"].items():
        classes = ", ".join(f"{k} {v['awards']}" for k, v in table["classes"].items() if v["awards"])
        lines.append(f"  {year}: {table['awards']} awards ({classes})")
    lines += ["", "Top winners by origin class"]
    for name, winners in report["top_winners"].items():
        shown = (f"{w['name'] or 'no name, ' + ' '.join(w['identifiers'])} ({w['country'] or '?'}, {w['awards']})"
                 for w in winners[:5])
        lines.append(f"  {name}: " + "; ".join(shown))
    lines += ["", "Tenders that could better benefit firms established in France"]
    for item in report["ranked_tenders"]:
        lines.append(f"  {item['benefit_priority']:>5.0f}  {item['id']}  {(item['title'] or '')[:60]}"
                     f"  [{item['buyer_country'] or '?'}] " + "; ".join(map(str, item["benefit_reasons"]))[:160])
    if not report["ranked_tenders"]:
        lines.append("  (none with a benefit priority above 0)")
    lines.append(f"\nReference values: {report['scoreboard_source']}")
    return "\n".join(lines)
