"""Every buyer's indicators in one pass over the store: one SQL GROUP BY per table, keyed by the buyer.

A buyer is its first identifier (a SIRET in DECP, the national registration number in eForms and TED), else its
name in lower case with its country ("name:ville de lyon|FR"); a notice with neither has no buyer. A buyer's
category, region (NUTS 2: the first four characters of its NUTS code) and CPV division are those of most of its
notices (ties: the smallest code). The profiles of the whole store are materialised in `agg_buyer_profiles` for
the store's generation: a benchmark reads a few thousand rows, not the million notices behind them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pandas as pd

from ..model import ORIGIN_CLASSES
from .store import generation

BUYER_KEY = (
    "coalesce(json_extract(n.buyer_identifiers, '$[0]'), CASE WHEN n.buyer_name IS NOT NULL THEN"
    " 'name:' || lower(trim(n.buyer_name)) || '|' || coalesce(n.buyer_country, '') END)"
)
_SHARE = "r.value_eur / r.winners_count"  # a winner's share of its result's EUR value (as aggregates.py)
_WINNERS = (
    "FROM winners w JOIN results r ON r.notice_id = w.notice_id AND r.position = w.result"
    " JOIN notices n ON n.id = w.notice_id"
)
SQL = {
    "notices": (
        f"SELECT {BUYER_KEY} AS buyer_id, min(n.buyer_name) AS name, n.buyer_country AS country,"
        " n.buyer_category AS category, CASE WHEN length(n.buyer_nuts) >= 4 THEN substr(n.buyer_nuts, 1, 4)"
        " END AS region, n.cpv_division AS division, count(*) AS notices, sum(n.lots_count > 1) AS divided,"
        " sum(n.lots_count > 0) AS with_lots FROM notices n GROUP BY 1, 3, 4, 5, 6"
    ),
    "results": (
        f"SELECT {BUYER_KEY} AS buyer_id, sum(r.received_total > 0) AS with_bids,"
        " sum(r.received_total = 1) AS single_bid,"
        " sum(r.received_total > 0 AND r.received_non_eea IS NOT NULL) AS non_eea_known,"
        " sum(r.received_total > 0 AND r.received_non_eea > 0) AS non_eea"
        " FROM results r JOIN notices n ON n.id = r.notice_id GROUP BY 1"
    ),
    "winners": (
        f"SELECT {BUYER_KEY} AS buyer_id, coalesce(w.origin_class, 'UNKNOWN') AS origin_class,"
        f" count(*) AS winners, sum(w.sme IS NOT NULL) AS sized, sum(w.sme = 1) AS sme,"
        f" total(CASE WHEN w.sme IS NOT NULL THEN {_SHARE} END) AS sized_value,"
        f" total(CASE WHEN w.sme = 1 THEN {_SHARE} END) AS sme_value,"
        f" sum({_SHARE} IS NOT NULL) AS with_eur, total({_SHARE}) AS value_eur {_WINNERS} GROUP BY 1, 2"
    ),
    # decided findings only: price-only flagged/passed, the tender period measured against its legal minimum
    "findings": (
        f"SELECT {BUYER_KEY} AS buyer_id, x.notice_id, x.code, x.flagged, x.margin FROM (SELECT f.notice_id, f.code,"
        " max(f.status = 'flagged') AS flagged,"
        " min(json_extract(f.evidence, '$.days') - json_extract(f.evidence, '$.minimum_days')) AS margin"
        " FROM findings f WHERE f.code IN ('SME-PRICE-ONLY', 'SME-SHORT-DEADLINE')"
        " AND f.status IN ('flagged', 'passed') GROUP BY 1, 2) x JOIN notices n ON n.id = x.notice_id"
    ),  # grouped per notice first: the buyer's key is computed once per notice, not once per finding
}
DIMENSION_COLUMNS = ("category", "region", "division", "country")
# the sums of a buyer's winners (counts, then EUR values), summed per buyer in one groupby
WINNER_COLUMNS = ("winners", "classified", "uncovered", "sized", "sme", "sized_value", "sme_value", "with_eur",
                  "value_eur", "fr_value")
COUNT_COLUMNS = ("notices", "divided", "with_lots", "with_bids", "single_bid", "non_eea_known", "non_eea",
                 *WINNER_COLUMNS, "price_known", "price_only", "margins")
CLASS_COLUMNS = tuple(f"{p}{c}" for c in ORIGIN_CLASSES for p in ("awards_", "value_"))
TABLE = "agg_buyer_profiles"
# the profiles' indexes: the buyer, its name, and the dimensions of every peer group (benchmark.LEVELS)
INDEXED = (
    ("buyer_id",),
    ("name",),
    ("category", "region", "division"),
    ("category", "division"),
    ("category",),
    ("country",),
)
STATE = "agg_buyer_state"


def buyer_key(identifiers: list[str] | None, name: str | None, country: str | None) -> str | None:
    """The key `BUYER_KEY` gives a notice's buyer, computed in Python (for links from a tender to its buyer):
    SQLite's lower() and trim() change ASCII letters and spaces only, and so does this."""
    if identifiers:
        return str(identifiers[0])
    if name is None:
        return None
    folded = "".join(c.lower() if c.isascii() else c for c in name.strip(" "))
    return f"name:{folded}|{country or ''}"


def _frame(db, sql: str) -> pd.DataFrame:
    cursor = db.execute(sql)
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def _mode(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per buyer, the value of `column` most of its notices have (ties: the smallest); None when none has one."""
    known = frame.dropna(subset=[column]).groupby(["buyer_id", column], sort=True)["notices"].sum().reset_index()
    known = known.sort_values(["buyer_id", "notices", column], ascending=[True, False, True], kind="stable")
    return known.drop_duplicates("buyer_id").set_index("buyer_id")[column]


def _notice_part(db) -> pd.DataFrame:
    frame = _frame(db, SQL["notices"]).dropna(subset=["buyer_id"])
    sums = frame.groupby("buyer_id")[["notices", "divided", "with_lots"]].sum()
    sums["name"] = frame.dropna(subset=["name"]).groupby("buyer_id")["name"].min()
    for column in DIMENSION_COLUMNS:
        sums[column] = _mode(frame, column)
    return sums


def _winner_part(db) -> pd.DataFrame:
    frame = _frame(db, SQL["winners"]).dropna(subset=["buyer_id"])
    known = frame["origin_class"] != "UNKNOWN"
    frame = frame.assign(
        classified=frame["winners"].where(known, 0),
        uncovered=frame["winners"].where(frame["origin_class"] == "UNCOVERED", 0),
        fr_value=frame["value_eur"].where(frame["origin_class"] == "FR", 0.0),
    )
    sums = frame.groupby("buyer_id")[list(WINNER_COLUMNS)].sum()
    by_class = frame.pivot_table(
        index="buyer_id", columns="origin_class", values=["winners", "value_eur"], aggfunc="sum", fill_value=0
    )
    for origin in ORIGIN_CLASSES:  # awards and EUR value per origin class: the buyer's origin table
        for measure, prefix in (("winners", "awards_"), ("value_eur", "value_")):
            sums[prefix + origin] = by_class[(measure, origin)] if (measure, origin) in by_class else 0
    return sums


def _finding_part(db) -> pd.DataFrame:
    frame = _frame(db, SQL["findings"]).dropna(subset=["buyer_id"])
    price = frame[frame["code"] == "SME-PRICE-ONLY"].groupby("buyer_id")["flagged"].agg(["count", "sum"])
    price.columns = ["price_known", "price_only"]
    margins = frame[(frame["code"] == "SME-SHORT-DEADLINE") & frame["margin"].notna()]
    margin = margins.groupby("buyer_id")["margin"].agg(["count", "median"])
    margin.columns = ["margins", "margin_median"]
    return price.join(margin, how="outer")


def compute_profiles(db) -> pd.DataFrame:
    """One row per buyer: its name, dimensions and the counts and sums every indicator is a ratio of."""
    profiles = _notice_part(db)
    results = _frame(db, SQL["results"]).dropna(subset=["buyer_id"]).set_index("buyer_id")
    profiles = profiles.join(results, how="left").join(_winner_part(db), how="left")
    profiles = profiles.join(_finding_part(db), how="left")
    for column in COUNT_COLUMNS + CLASS_COLUMNS:
        profiles[column] = profiles[column].fillna(0) if column in profiles else 0
    if "margin_median" not in profiles:
        profiles["margin_median"] = None
    profiles.index.name = "buyer_id"
    return profiles.reset_index()


def _is_current(db) -> bool:
    """Whether the profiles table (the temp one of this connection first, else the stored one) describes the
    store as it is."""
    try:
        stored = db.execute(f"SELECT generation FROM {STATE}").fetchone()
    except sqlite3.OperationalError:  # no such table yet
        return False
    return stored is not None and stored[0] == generation(db)[1]


def _write(conn, profiles: pd.DataFrame, schema: str, number: int) -> None:
    """The profiles and their generation into `schema` ("main", or "temp": this connection only), indexed for the
    buyer lookup and for every peer group's dimensions."""
    table, state = f"{schema}.{TABLE}", f"{schema}.{STATE}"
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} ({', '.join(profiles.columns)})")
    for number_, columns in enumerate(INDEXED):
        conn.execute(f"CREATE INDEX {schema}.idx_{TABLE}_{number_} ON {TABLE} ({', '.join(columns)})")
    rows = profiles.astype(object).where(profiles.notna(), None).itertuples(index=False, name=None)
    conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(profiles.columns))})", rows)
    conn.execute(f"CREATE TABLE IF NOT EXISTS {state} (generation INTEGER)")
    conn.execute(f"DELETE FROM {state}")
    conn.execute(f"INSERT INTO {state} VALUES (?)", [number])


def refresh(db, keep: bool = True) -> None:
    """Compute every buyer's profile and store it for this generation of the store; in a temp table of this
    connection when `keep` is False or the store is read-only (the web app never writes)."""
    profiles, number, conn = compute_profiles(db), generation(db)[1], db.conn
    if keep:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # a read-only store
            keep = False
    if not keep:
        conn.execute("BEGIN")
    try:
        _write(conn, profiles, "main" if keep else "temp", number)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def ensure(db, keep: bool = True) -> None:
    """The profiles table, computed (and stored when `keep`) unless it describes the store as it is."""
    if not _is_current(db):
        refresh(db, keep)


def profiles(db, keep: bool = True) -> pd.DataFrame:
    """Every buyer's profile, as a frame."""
    ensure(db, keep)
    return _frame(db, f"SELECT * FROM {TABLE}")


def _where(dimensions: dict[str, Any], exclude: str) -> tuple[str, list[Any]]:
    clauses = [f"{column} = ?" for column in dimensions]  # columns from LEVELS, never from input
    return " WHERE " + " AND ".join([*clauses, "buyer_id != ?"]), [*dimensions.values(), exclude]


def count_peers(db, dimensions: dict[str, Any], exclude: str) -> int:
    """How many buyers other than `exclude` share these dimensions (an index range)."""
    where, params = _where(dimensions, exclude)
    return db.execute(f"SELECT count(*) FROM {TABLE}{where}", params).fetchone()[0]


def peer_rows(db, dimensions: dict[str, Any], exclude: str) -> pd.DataFrame:
    """The profiles of the buyers other than `exclude` that share these dimensions."""
    where, params = _where(dimensions, exclude)
    cursor = db.execute(f"SELECT * FROM {TABLE}{where}", params)
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def candidate_rows(db) -> pd.DataFrame:
    """Id, name, country, category and notices of every buyer (what a name search reads)."""
    return _frame(db, f"SELECT buyer_id, name, country, category, notices FROM {TABLE}")


def profile_row(db, buyer_id: str) -> dict[str, Any] | None:
    """One buyer's profile as a dict, or None when the store has no such buyer."""
    cursor = db.execute(f"SELECT * FROM {TABLE} WHERE buyer_id = ?", [buyer_id])
    row = cursor.fetchone()
    return None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))
