"""Group the same winner across notices: identifiers first, then normalised names (rapidfuzz), per country.

1. Identifiers are normalised to keys: SIREN (a SIRET's first 9 digits, or a French VAT number's last 9),
   other VAT numbers, other national numbers prefixed by country. Winners sharing a key are one entity.
2. Names are normalised (case, accents, punctuation, legal forms SAS/S.A.S./SARL/GmbH/Ltd/SpA/BV… dropped).
   Within one country, equal names join; close names (rapidfuzz token_sort_ratio >= FUZZY_THRESHOLD) join when
   their postcodes, where both are known, agree. Two groups with different identifiers never join on a name:
   identifiers win over names.
3. Every winner row gets `entity_id`, `entity_method`, `entity_score` and `entity_matched` so a reviewer can
   audit each grouping. A country is only ever read from the notice, never inferred from a name.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlite_utils import Database

from ..identifiers import identifier_key
from .store import insert_rows

FUZZY_THRESHOLD = 92.0
BLOCK_PREFIX = 3  # fuzzy candidates share a country and the first letters of their normalised name

# Legal forms dropped from names (after accents and dots are removed): FR, DE, IT, ES, NL, BE, UK, Nordics, PL…
LEGAL_FORMS = frozenset("""
sa sas sasu sarl eurl sci snc scs scop scic sca gie sem spl selarl selas eirl ei cie et
gmbh mbh ag kg ohg ug gbr ev kgaa co
spa srl srls sapa snc scarl
sl slu sau sll
bv nv vof cv bvba sprl srl scrl
ltd limited plc llp llc inc corp corporation lp
ab oy oyj as asa aps a/s
sp zoo spzoo sro as kft zrt nyrt doo dd ad ood eood
""".split())
_DOTTED = re.compile(r"\b(?:[a-z]\s?\.\s?){2,}")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str | None) -> str:
    """Lower case, no accents or punctuation, legal forms removed: "S.A.S. Élan" -> "elan"."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _DOTTED.sub(lambda m: re.sub(r"[\s.]", "", m.group(0)) + " ", text)  # "s.a.s." -> "sas"
    text = text.replace("&", " ")
    tokens = [t for t in _NON_WORD.sub(" ", text).split() if t not in LEGAL_FORMS]
    return " ".join(tokens)


def identifier_keys(identifiers: list[str], types: list[str | None], country: str | None) -> list[str]:
    """Comparable keys for a winner's identifiers (`identifiers.identifier_key`), junk dropped, each once."""
    keys = []
    for position, raw in enumerate(identifiers or []):
        kind = types[position] if position < len(types or []) else None
        key = identifier_key(str(raw), kind, country)
        if key and key not in keys:
            keys.append(key)
    return keys


@dataclass
class _Winner:
    id: str
    result_id: str
    name: str | None
    country: str | None
    postcode: str | None
    keys: list[str]
    norm: str
    method: str = "single"
    score: float | None = None
    matched: str | None = None
    entity: str | None = None


@dataclass
class _Groups:
    """Union-find over winners; each root keeps its identifier keys and postcodes to refuse bad merges."""

    parent: dict[int, int] = field(default_factory=dict)
    keys: dict[int, set[str]] = field(default_factory=dict)
    postcodes: dict[int, set[str]] = field(default_factory=dict)

    def find(self, node: int) -> int:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def compatible(self, a: int, b: int, check_postcode: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if self.keys[ra] and self.keys[rb] and not self.keys[ra] & self.keys[rb]:
            return False  # identifiers win over names
        if check_postcode and self.postcodes[ra] and self.postcodes[rb]:
            return bool(self.postcodes[ra] & self.postcodes[rb])
        return True

    def union(self, a: int, b: int) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        if ra != rb:
            self.parent[rb] = ra
            self.keys[ra] |= self.keys.pop(rb)
            self.postcodes[ra] |= self.postcodes.pop(rb)


def _load(db: Database) -> list[_Winner]:
    rows = db.execute("SELECT id, result_id, name, country, postcode, identifiers, identifier_types FROM winners"
                      " ORDER BY id").fetchall()
    return [_Winner(id=r[0], result_id=r[1], name=r[2], country=r[3], postcode=r[4],
                    keys=identifier_keys(json.loads(r[5] or "[]"), json.loads(r[6] or "[]"), r[3]),
                    norm=normalise_name(r[2])) for r in rows]


def _link_identifiers(winners: list[_Winner], groups: _Groups) -> None:
    first_with: dict[str, int] = {}
    for node, winner in enumerate(winners):
        for key in winner.keys:
            if key in first_with:
                groups.union(first_with[key], node)
                for other in (winners[first_with[key]], winner):
                    other.method, other.score, other.matched = "identifier", 100.0, key
            else:
                first_with[key] = node


def _link_names(winners: list[_Winner], groups: _Groups) -> dict[tuple, list[int]]:
    """Equal normalised names within a country join (unless identifiers differ). Returns the name groups."""
    by_name: dict[tuple, list[int]] = defaultdict(list)
    for node, winner in enumerate(winners):
        if winner.norm:
            by_name[(winner.country or "", winner.norm)].append(node)
    for nodes in by_name.values():
        for node in nodes[1:]:
            for anchor in nodes:
                if anchor != node and groups.compatible(anchor, node):
                    if groups.find(anchor) != groups.find(node):
                        groups.union(anchor, node)
                        _mark(winners, (anchor, node), "name-exact", 100.0, winners[node].norm)
                    break
    return by_name


def _mark(winners: list[_Winner], nodes: tuple[int, ...], method: str, score: float, matched: str) -> None:
    for node in nodes:
        if winners[node].method in ("single", "name-fuzzy"):
            winners[node].method, winners[node].score, winners[node].matched = method, score, matched


def _link_fuzzy(winners: list[_Winner], groups: _Groups, by_name: dict[tuple, list[int]]) -> None:
    """Close names within one country (and name prefix block) join when postcodes and identifiers allow it."""
    blocks: dict[tuple, list[tuple]] = defaultdict(list)
    for country, norm in sorted(by_name):
        blocks[(country, norm[:BLOCK_PREFIX])].append((country, norm))
    for names in blocks.values():
        for i, left in enumerate(names):
            for right in names[i + 1:]:
                score = fuzz.token_sort_ratio(left[1], right[1])
                a, b = by_name[left][0], by_name[right][0]
                if score >= FUZZY_THRESHOLD and groups.compatible(a, b, check_postcode=True):
                    groups.union(a, b)
                    for node in (*by_name[left], *by_name[right]):
                        if winners[node].method == "single":
                            other = right[1] if winners[node].norm == left[1] else left[1]
                            winners[node].method, winners[node].score, winners[node].matched = (
                                "name-fuzzy", round(score, 1), other)


def needs_grouping(db: Database) -> bool:
    """Whether some winner has no entity yet (new or replaced notices): otherwise grouping would change nothing."""
    return db.execute("SELECT 1 FROM winners WHERE entity_id IS NULL LIMIT 1").fetchone() is not None


def group_winners(db: Database) -> dict[str, int]:
    """Recompute every winner's entity (idempotent: same data, same entity ids) and the entities table."""
    winners = _load(db)
    groups = _Groups()
    for node, winner in enumerate(winners):
        groups.parent[node] = node
        groups.keys[node] = set(winner.keys)
        groups.postcodes[node] = {winner.postcode.replace(" ", "")} if winner.postcode else set()
    _link_identifiers(winners, groups)
    _link_fuzzy(winners, groups, _link_names(winners, groups))
    members: dict[int, list[int]] = defaultdict(list)
    for node in range(len(winners)):
        members[groups.find(node)].append(node)
    entities = [_entity(winners, nodes, sorted(groups.keys[root])) for root, nodes in members.items()]
    _save(db, winners, entities)
    return {"winners": len(winners), "entities": len(entities)}


def _entity(winners: list[_Winner], nodes: list[int], keys: list[str]) -> dict:
    names = Counter(winners[n].name for n in nodes if winners[n].name)
    countries = Counter(winners[n].country for n in nodes if winners[n].country)
    anchor = keys[0] if keys else min(f"{winners[n].country or ''}|{winners[n].norm or winners[n].id}" for n in nodes)
    entity_id = "E" + hashlib.sha1(anchor.encode()).hexdigest()[:15]
    methods = {winners[n].method for n in nodes}
    for n in nodes:
        winners[n].entity = entity_id
    return {
        "id": entity_id,
        "name": min(names, key=lambda k: (-names[k], k)) if names else None,
        "country": min(countries, key=lambda k: (-countries[k], k)) if countries else None,
        "identifiers": json.dumps(keys),
        "method": next((m for m in ("identifier", "name-exact", "name-fuzzy") if m in methods), "single"),
        "members": len(nodes),
        "names": json.dumps(sorted(names), ensure_ascii=False),
        "awards": len({winners[n].result_id for n in nodes}),
    }


def _save(db: Database, winners: list[_Winner], entities: list[dict]) -> None:
    with db.conn:
        db.execute("DELETE FROM entities")
        if entities:
            insert_rows(db, "entities", entities)
        db.conn.executemany(
            "UPDATE winners SET entity_id = ?, entity_method = ?, entity_score = ?, entity_matched = ? WHERE id = ?",
            ((w.entity, w.method, w.score, w.matched, w.id) for w in winners))
