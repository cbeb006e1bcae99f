"""The report's cubes from narrow row frames, in pandas: the same counts and sums as aggregates.py's SQL.

For a store read from Parquet (the rows of `rows.assessment_rows`, table by table): `cubes_of` joins the
notices' dimensions onto results and winners and groups each once. tests/test_report.py checks that both paths
give the same report.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def _group(frame: pd.DataFrame, keys: list[str], **columns: pd.Series) -> pd.DataFrame:
    data = frame[keys].assign(**columns)
    return data.groupby(keys, dropna=False, sort=False).sum(min_count=0).reset_index()


def _winners(frames: dict[str, pd.DataFrame], dims: tuple[str, ...]) -> pd.DataFrame:
    notices, results, winners = frames["notices"], frames["results"], frames["winners"]
    shares = results.assign(share=results["value_eur"] / results["winners_count"])[["notice_id", "position", "share"]]
    joined = winners.merge(shares, left_on=["notice_id", "result"], right_on=["notice_id", "position"], how="left")
    return joined.merge(notices[["id", *dims, "buyer_name"]], left_on="notice_id", right_on="id", how="left")


def cubes_of(frames: dict[str, pd.DataFrame], dims: tuple[str, ...], top: int, buyers: int) -> dict[str, Any]:
    """notices, results, winners, top and buyers cubes (aggregates.py's columns) from narrow row frames."""
    notices, keys = frames["notices"], list(dims)
    results = frames["results"].merge(notices[["id", *dims]], left_on="notice_id", right_on="id", how="left")
    total, sme = results["received_total"], results["received_sme"]
    with_sme = (total > 0) & sme.notna()
    awarded = results["winners_count"] > 0
    winners = _winners(frames, dims)
    ids = notices["buyer_identifiers"].fillna("[]")
    cubes = {
        "notices": _group(notices, keys, notices=1, divided=notices["lots_count"] > 1,
                          with_lots=notices["lots_count"] > 0, no_buyer_ids=ids == "[]",
                          no_cpv=notices["cpv_main"].isna()),
        "results": _group(results, keys, results=1, with_bids=total > 0, single_bid=total == 1,
                          sme_bids=sme.where(with_sme, 0), bids_with_sme_count=total.where(with_sme, 0),
                          awarded=awarded, awarded_no_value=awarded & results["value"].isna(),
                          awarded_no_received=awarded & total.isna()),
        "winners": _group(winners.assign(unclassified=winners["origin_class"].isna(),
                                         origin_class=winners["origin_class"].fillna("UNKNOWN")),
                          [*keys, "origin_class", "unclassified"], winners=1, with_eur=winners["share"].notna(),
                          value_eur=winners["share"].fillna(0), sized=winners["sme"].notna(),
                          sme=winners["sme"] == 1, no_ids=winners["identifiers"].fillna("[]") == "[]"),
    }
    cubes["top"] = _top(winners, top)
    cubes["buyers"] = _buyers(winners, notices, buyers)
    return cubes


def _top(winners: pd.DataFrame, top: int) -> pd.DataFrame:
    key = winners["entity_id"].fillna(winners["name"].fillna("?") + "|" + winners["country"].fillna(""))
    frame = winners.assign(key=key, origin_class=winners["origin_class"].fillna("UNKNOWN"))
    grouped = frame.groupby(["origin_class", "key"]).agg(
        name=("name", "min"), country=("country", "min"), identifiers=("identifiers", "min"),
        awards=("key", "size"), value_eur=("share", "sum")).reset_index()
    grouped = grouped.sort_values(["origin_class", "awards", "value_eur", "key"], ascending=[True, False, False, True])
    return grouped.groupby("origin_class").head(top)


def _buyers(winners: pd.DataFrame, notices: pd.DataFrame, buyers: int) -> pd.DataFrame:
    counts = notices.dropna(subset=["buyer_name"]).groupby("buyer_name")["winners_count"].sum()
    counts = counts[counts > 0].sort_index().sort_values(ascending=False, kind="stable").head(buyers)
    mine = winners[winners["buyer_name"].isin(counts.index)]
    return _group(mine.assign(unclassified=mine["origin_class"].isna(), origin_class=mine["origin_class"].fillna(
        "UNKNOWN")), ["buyer_name", "origin_class", "unclassified"], winners=1, with_eur=mine["share"].notna(),
        value_eur=mine["share"].fillna(0))
