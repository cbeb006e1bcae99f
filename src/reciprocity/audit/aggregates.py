"""The report's aggregates in SQL: one GROUP BY per table, materialised per ingest run.

Every figure of the report is a count or a sum, so it can be computed from small "cubes": counts per
(year, buyer country, CPV division, notice kind) of notices, results and winners (winners also per origin
class). `refresh` stores the cubes of the whole store in `agg_*` tables after an ingest run; a report whose
filters are only those four dimensions then reads a few thousand rows instead of a million. Any other filter
runs the same GROUP BY over the matching rows. The top winners and buyers (top-k, not additive) are stored for
the unfiltered report and computed for a filtered one. `stats.report_from_cubes` turns cubes into figures.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .filters import where_clause
from .store import generation

DIMENSIONS = ("year", "buyer_country", "cpv_division", "kind")
CUBE_FILTERS = {"year", "buyer_country", "cpv", "kind"}  # the filters a cube can answer (cpv: a division)
TOP_WINNERS = 10
TOP_BUYERS = 20
_DIMS = ", ".join(f"n.{d}" for d in DIMENSIONS)
_GROUP = ", ".join(str(i + 1) for i in range(len(DIMENSIONS)))
_WINNER_JOIN = ("FROM winners w JOIN results r ON r.notice_id = w.notice_id AND r.position = w.result"
                " JOIN notices n ON n.id = w.notice_id")
_SHARE = "r.value_eur / r.winners_count"  # a winner's share of its result's EUR value (the group splits it)

CUBES = {
    "notices": (f"SELECT {_DIMS}, count(*) AS notices, sum(n.lots_count > 1) AS divided,"
                " sum(n.lots_count > 0) AS with_lots, sum(coalesce(n.buyer_identifiers, '[]') = '[]') AS no_buyer_ids,"
                " sum(n.cpv_main IS NULL) AS no_cpv FROM notices n{where} GROUP BY " + _GROUP),
    "results": (f"SELECT {_DIMS}, count(*) AS results, sum(r.received_total > 0) AS with_bids,"
                " sum(r.received_total = 1) AS single_bid,"
                " sum(CASE WHEN r.received_total > 0 AND r.received_sme IS NOT NULL THEN r.received_sme END)"
                " AS sme_bids,"
                " sum(CASE WHEN r.received_total > 0 AND r.received_sme IS NOT NULL THEN r.received_total END)"
                " AS bids_with_sme_count, sum(r.winners_count > 0) AS awarded,"
                " sum(r.winners_count > 0 AND r.value IS NULL) AS awarded_no_value,"
                " sum(r.winners_count > 0 AND r.received_total IS NULL) AS awarded_no_received"
                " FROM results r JOIN notices n ON n.id = r.notice_id{where} GROUP BY " + _GROUP),
    "winners": (f"SELECT {_DIMS}, coalesce(w.origin_class, 'UNKNOWN') AS origin_class,"
                " w.origin_class IS NULL AS unclassified, count(*) AS winners,"
                f" sum({_SHARE} IS NOT NULL) AS with_eur, total({_SHARE}) AS value_eur,"
                " sum(w.sme IS NOT NULL) AS sized, sum(w.sme = 1) AS sme,"
                f" sum(coalesce(w.identifiers, '[]') = '[]') AS no_ids {_WINNER_JOIN}{{where}}"
                f" GROUP BY {_GROUP}, 5, 6"),
}
# top-k per origin class: grouped by entity (or name and country before grouping), ranked by awards then value
TOP_SQL = (
    "SELECT g.origin_class, g.key, coalesce(e.name, g.name) AS name, coalesce(e.country, g.country) AS country,"
    " g.identifiers, g.awards, g.value_eur FROM (SELECT *, row_number() OVER (PARTITION BY origin_class"
    " ORDER BY awards DESC, value_eur DESC, key) AS rank FROM (SELECT coalesce(w.origin_class, 'UNKNOWN')"
    " AS origin_class, coalesce(w.entity_id, coalesce(w.name, '?') || '|' || coalesce(w.country, '')) AS key,"
    f" min(w.name) AS name, min(w.country) AS country, min(w.identifiers) AS identifiers, count(*) AS awards,"
    f" total({_SHARE}) AS value_eur {_WINNER_JOIN}{{where}} GROUP BY 1, 2)) g LEFT JOIN entities e ON e.id = g.key"
    f" WHERE g.rank <= {TOP_WINNERS} ORDER BY g.origin_class, g.rank")
BUYERS_SQL = (
    "SELECT n.buyer_name, coalesce(w.origin_class, 'UNKNOWN') AS origin_class, w.origin_class IS NULL"
    f" AS unclassified, count(*) AS winners, sum({_SHARE} IS NOT NULL) AS with_eur, total({_SHARE}) AS value_eur"
    f" {_WINNER_JOIN}{{where}} n.buyer_name IN (SELECT n.buyer_name FROM notices n{{buyer_where}}"
    f" n.buyer_name IS NOT NULL GROUP BY n.buyer_name HAVING sum(n.winners_count) > 0"
    f" ORDER BY sum(n.winners_count) DESC, n.buyer_name LIMIT {TOP_BUYERS}) GROUP BY 1, 2, 3")
TABLES = {"agg_notices": "notices", "agg_results": "results", "agg_winners": "winners", "agg_top": "top",
          "agg_buyers": "buyers", "agg_top_scoped": "top_scoped", "agg_buyers_scoped": "buyers_scoped"}
# the top-k is not additive: it is stored per year, per buyer country and per pair of them (the overview's
# filters; its default is the French buyers), each row tagged with its scope (NULL: every year / country)
SCOPES = ("year", "buyer_country")


def _frame(db, sql: str, params: list[Any]) -> pd.DataFrame:
    cursor = db.execute(sql, params)
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def _and(where: str) -> str:
    return f"{where} AND" if where else " WHERE"


def compute_cubes(db, filters: dict[str, Any] | None) -> dict[str, pd.DataFrame]:
    """The cubes of the notices matching `filters`, by SQL GROUP BY (no row leaves SQLite ungrouped)."""
    where, params = where_clause(filters)
    cubes = {name: _frame(db, sql.format(where=where), params) for name, sql in CUBES.items()}
    cubes["top"] = _frame(db, TOP_SQL.format(where=where), params)
    cubes["buyers"] = _frame(db, BUYERS_SQL.format(where=_and(where), buyer_where=_and(where)), params + params)
    return cubes


def scoped_tops(db, notices: pd.DataFrame, columns: dict[str, list[str]]) -> dict[str, pd.DataFrame]:
    """Top winners and buyers of every year, every buyer country and every pair of them that has notices
    (`notices`: the notices cube), tagged with `scope_year` and `scope_buyer_country`."""
    pairs = notices[list(SCOPES)].dropna().drop_duplicates()
    scopes = ([{"year": int(y)} for y in sorted(pairs["year"].unique())]
              + [{"buyer_country": c} for c in sorted(pairs["buyer_country"].unique())]
              + [{"year": int(y), "buyer_country": c} for y, c in pairs.itertuples(index=False)])
    parts: dict[str, list[pd.DataFrame]] = {"top": [], "buyers": []}
    for scope in scopes:
        for name, frame in compute_top(db, scope).items():
            parts[name].append(frame.assign(**{f"scope_{d}": scope.get(d) for d in SCOPES}))
    empty = {name: pd.DataFrame(columns=[*columns[name], *(f"scope_{d}" for d in SCOPES)]) for name in parts}
    return {f"{name}_scoped": pd.concat(frames, ignore_index=True) if frames else empty[name]
            for name, frames in parts.items()}


def _stored_top(db, wanted: dict[str, Any]) -> dict[str, pd.DataFrame] | None:
    """The stored top-k of one scope (a year and/or a buyer country), or None when it was not stored."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'agg_buyers_scoped'").fetchone() is None:
        return None
    condition = " AND ".join(f"scope_{d} IS ?" for d in SCOPES)
    found = {}
    for name in ("top", "buyers"):
        frame = _frame(db, f"SELECT * FROM agg_{name}_scoped WHERE {condition}", [wanted[d] for d in SCOPES])
        found[name] = frame.drop(columns=[f"scope_{d}" for d in SCOPES]).reset_index(drop=True)
    return found


def refresh(db) -> None:
    """Store the cubes of the whole store (`agg_*` tables) and the generation they describe."""
    cubes = compute_cubes(db, None)
    cubes.update(scoped_tops(db, cubes["notices"], {name: list(cubes[name].columns) for name in ("top", "buyers")}))
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")  # readers see the old cubes or the new ones, never a half-built set
    try:
        for table, name in TABLES.items():
            frame = cubes[name]
            conn.execute(f"DROP TABLE IF EXISTS {table}")
            conn.execute(f"CREATE TABLE {table} ({', '.join(frame.columns)})")
            if len(frame):
                marks = ", ".join("?" * len(frame.columns))
                rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        conn.execute("UPDATE store_state SET aggregated = generation")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def stored_cubes(db, filters: dict[str, Any] | None) -> dict[str, pd.DataFrame] | None:
    """The materialised cubes cut to `filters`, when they describe the store as it is and the filters are
    cube dimensions only (year, buyer country, a two-digit CPV division, kind); else None."""
    active = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    cpv = str(active.get("cpv", "")).strip()
    if set(active) - CUBE_FILTERS or ("cpv" in active and (len(cpv) != 2 or not cpv.isdigit())):
        return None
    if not is_current(db):
        return None
    where_clause(active)  # the same validation as the SQL path: a bad value is an error, not an empty report
    cubes = {name: _frame(db, f"SELECT * FROM {table}", []) for table, name in TABLES.items()
             if not name.endswith("_scoped")}
    wanted = {"year": int(active["year"]) if "year" in active else None,
              "buyer_country": str(active["buyer_country"]).strip().upper() if "buyer_country" in active else None,
              "cpv_division": cpv if "cpv" in active else None, "kind": active.get("kind")}
    for name in CUBES:
        frame = cubes[name]
        for column, value in wanted.items():
            if value is not None:
                frame = frame[frame[column] == value]
        cubes[name] = frame
    if active:  # top-k of a part is not a part of the top-k: stored per year / buyer country, else computed
        stored = _stored_top(db, wanted) if set(active) <= set(SCOPES) else None
        cubes.update(stored if stored is not None else compute_top(db, active))
    return cubes


def compute_top(db, filters: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Top winners and top buyers of the filtered notices."""
    where, params = where_clause(filters)
    return {"top": _frame(db, TOP_SQL.format(where=where), params),
            "buyers": _frame(db, BUYERS_SQL.format(where=_and(where), buyer_where=_and(where)), params + params)}


def is_current(db) -> bool:
    """Whether the materialised cubes describe the store as it is (no write since `refresh`)."""
    _, number = generation(db)
    current = db.execute("SELECT aggregated FROM store_state").fetchone()[0] == number
    return current and db.execute("SELECT 1 FROM sqlite_master WHERE name = 'agg_notices'").fetchone() is not None
