"""Group the same winner across notices into entities, incrementally (the rules are in names.py).

Only winners without an entity yet (new or re-ingested notices) are matched.

Lookup tables hold what a new winner is matched against: `entity_keys` (identifier key -> entity) and
`entity_names` (country, normalised name -> entity, with the name's block for fuzzy candidates). Winners are
taken in key order, so a run gives the same entities whatever the order in which notices were written. An
entity's id is the digest of its smallest identifier key, else of its smallest "country|name": when a winner
brings a smaller anchor, or links two entities, the entity is renamed (its winners and lookup rows follow).
Everything happens in one transaction. Entities that lost winners when a notice was replaced are recounted.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .names import BLOCK_PREFIX, FUZZY_THRESHOLD, identifier_keys, normalise_name

__all__ = ["group_winners", "needs_grouping", "normalise_name", "identifier_keys"]

METHODS = ("identifier", "name-exact", "name-fuzzy", "single")  # strongest first


@dataclass
class _Winner:
    key: tuple[str, int, int]  # (notice id, result position, winner position)
    country: str
    postcode: str | None
    keys: list[str]
    norm: str

    @property
    def old_id(self) -> str:
        return f"{self.key[0]}#R{self.key[1]}W{self.key[2]}"


def _entity_id(anchor: str) -> str:
    return "E" + hashlib.sha1(anchor.encode()).hexdigest()[:15]


class _Grouper:
    """Matches winners one by one against the lookup tables, inside the caller's transaction."""

    def __init__(self, db) -> None:
        self.conn = db.conn
        self.run, self.read = db.conn.execute, db.conn.execute
        self.touched: set[str] = set()

    def keys_of(self, entity: str) -> set[str]:
        return {r[0] for r in self.read("SELECT key FROM entity_keys WHERE entity_id = ?", [entity])}

    def compatible(self, entity: str, winner: _Winner, check_postcode: bool = False) -> bool:
        """Identifiers win over names: an entity and a winner with different known keys never join on a name."""
        keys = self.keys_of(entity)
        if keys and winner.keys and not keys & set(winner.keys):
            return False
        if check_postcode and winner.postcode:
            codes = {r[0] for r in self.read("SELECT DISTINCT replace(postcode, ' ', '') FROM winners WHERE"
                                             " entity_id = ? AND postcode IS NOT NULL", [entity])}
            return not codes or winner.postcode in codes
        return True

    def match(self, winner: _Winner) -> tuple[str | None, str, float | None, str | None]:
        """(entity, method, score, what matched) for a winner; entity None when nothing matches."""
        found = [(r[0], key) for key in winner.keys
                 for r in self.read("SELECT entity_id FROM entity_keys WHERE key = ?", [key])]
        if found:
            return self.merge(sorted({e for e, _ in found})), "identifier", 100.0, found[0][1]
        if not winner.norm:
            return None, "single", None, None
        for (entity,) in self.read("SELECT entity_id FROM entity_names WHERE country = ? AND norm = ?"
                                   " ORDER BY entity_id", [winner.country, winner.norm]).fetchall():
            if self.compatible(entity, winner):
                return entity, "name-exact", 100.0, winner.norm
        candidates = self.read("SELECT norm, entity_id FROM entity_names WHERE country = ? AND block = ?"
                               " ORDER BY norm, entity_id", [winner.country, winner.norm[:BLOCK_PREFIX]]).fetchall()
        scored = process.extract(winner.norm, [c[0] for c in candidates], scorer=fuzz.token_sort_ratio,
                                 score_cutoff=FUZZY_THRESHOLD, limit=None)
        for norm, score, index in sorted(scored, key=lambda s: (-s[1], s[2])):
            entity = candidates[index][1]
            if self.compatible(entity, winner, check_postcode=True):
                return entity, "name-fuzzy", round(score, 1), norm
        return None, "single", None, None

    def merge(self, entities: list[str]) -> str:
        """Winners sharing an identifier key are one entity: fold the others into the first."""
        for other in entities[1:]:
            self.rename(other, entities[0])
        return entities[0]

    def rename(self, old: str, new: str) -> None:
        if old == new:
            return
        self.run("UPDATE winners SET entity_id = ? WHERE entity_id = ?", [new, old])
        self.run("UPDATE OR IGNORE entity_keys SET entity_id = ? WHERE entity_id = ?", [new, old])
        self.run("UPDATE OR IGNORE entity_names SET entity_id = ? WHERE entity_id = ?", [new, old])
        self.run("DELETE FROM entity_names WHERE entity_id = ?", [old])
        self.run("DELETE FROM entities WHERE id = ?", [old])
        self.touched.discard(old)
        self.touched.add(new)

    def anchor(self, entity: str) -> str:
        """The entity's id from its members: its smallest key, else its smallest "country|name"."""
        keys = sorted(self.keys_of(entity))
        if keys:
            return _entity_id(keys[0])
        names = self.read("SELECT min(country || '|' || norm) FROM entity_names WHERE entity_id = ?",
                          [entity]).fetchone()[0]
        return _entity_id(names) if names else entity

    def add(self, winner: _Winner, entity: str | None, method: str, score: float | None, matched: str | None) -> None:
        """Attach a winner to its entity (a new one when None), register its keys and name, re-anchor."""
        if entity is None:
            first = min(winner.keys) if winner.keys else f"{winner.country}|{winner.norm or winner.old_id}"
            entity = _entity_id(first)
        elif method != "single":  # the members that joined nobody so far now match this one
            self.run("UPDATE winners SET entity_method = ?, entity_score = ?, entity_matched = ? WHERE entity_id = ?"
                     " AND entity_method = 'single'", [method, score, winner.norm if method == "name-fuzzy"
                                                        else matched, entity])
        self.run("UPDATE winners SET entity_id = ?, entity_method = ?, entity_score = ?, entity_matched = ?"
                 " WHERE notice_id = ? AND result = ? AND position = ?", [entity, method, score, matched, *winner.key])
        self.conn.executemany("INSERT OR IGNORE INTO entity_keys (key, entity_id) VALUES (?, ?)",
                              [(key, entity) for key in winner.keys])
        if winner.norm:
            self.run("INSERT OR IGNORE INTO entity_names (country, norm, entity_id, block) VALUES (?, ?, ?, ?)",
                     [winner.country, winner.norm, entity, winner.norm[:BLOCK_PREFIX]])
        self.touched.add(entity)
        self.rename(entity, self.anchor(entity))


def _new_winners(db) -> list[_Winner]:
    rows = db.execute("SELECT notice_id, result, position, name, country, postcode, identifiers, identifier_types"
                      " FROM winners WHERE entity_id IS NULL ORDER BY notice_id, result, position").fetchall()
    return [_Winner(key=(r[0], r[1], r[2]), country=r[4] or "", postcode=r[5].replace(" ", "") if r[5] else None,
                    keys=identifier_keys(json.loads(r[6] or "[]"), json.loads(r[7] or "[]"), r[4]),
                    norm=normalise_name(r[3])) for r in rows]


def _entity_row(db, entity: str) -> dict | None:
    """The entities row of an entity, counted from its winners (None when it has none left)."""
    rows = db.execute("SELECT name, country, notice_id, result, entity_method FROM winners WHERE entity_id = ?",
                      [entity]).fetchall()
    if not rows:
        return None
    names = Counter(r[0] for r in rows if r[0])
    countries = Counter(r[1] for r in rows if r[1])
    methods = {r[4] for r in rows}
    keys = sorted(r[0] for r in db.execute("SELECT key FROM entity_keys WHERE entity_id = ?", [entity]))
    return {"id": entity, "name": min(names, key=lambda k: (-names[k], k)) if names else None,
            "country": min(countries, key=lambda k: (-countries[k], k)) if countries else None,
            "identifiers": json.dumps(keys), "method": next(m for m in METHODS if m in methods or m == "single"),
            "members": len(rows), "names": json.dumps(sorted(names), ensure_ascii=False),
            "awards": len({(r[2], r[3]) for r in rows})}


def _forget(db, entity: str) -> None:
    for table, column in (("entities", "id"), ("entity_keys", "entity_id"), ("entity_names", "entity_id")):
        db.conn.execute(f"DELETE FROM {table} WHERE {column} = ?", [entity])


def needs_grouping(db) -> bool:
    """Whether some winner has no entity yet (new or replaced notices): otherwise grouping would change nothing."""
    return db.execute("SELECT 1 FROM winners WHERE entity_id IS NULL LIMIT 1").fetchone() is not None


def group_winners(db, full: bool = False) -> dict[str, int]:
    """Give every winner without an entity its entity (with `full`, regroup every winner from scratch)."""
    with db.conn:
        if full:
            for table in ("entities", "entity_keys", "entity_names", "entities_stale"):
                db.conn.execute(f"DELETE FROM {table}")
            db.conn.execute("UPDATE winners SET entity_id = NULL, entity_method = NULL, entity_score = NULL,"
                            " entity_matched = NULL")
        grouper = _Grouper(db)
        winners = _new_winners(db)
        for winner in winners:
            grouper.add(winner, *grouper.match(winner))
        stale = [r[0] for r in db.execute("SELECT id FROM entities_stale").fetchall()]
        for entity in sorted(grouper.touched | set(stale)):
            row = _entity_row(db, entity)
            if row is None:
                _forget(db, entity)
            else:
                db.conn.execute("INSERT OR REPLACE INTO entities (id, name, country, identifiers, method, members,"
                                " names, awards) VALUES (:id, :name, :country, :identifiers, :method, :members,"
                                " :names, :awards)", row)
        db.conn.execute("DELETE FROM entities_stale")
        db.conn.execute("UPDATE store_state SET generation = generation + 1")
    return {"winners": len(winners), "entities": db.execute("SELECT count(*) FROM entities").fetchone()[0]}
