"""Change notices (eForms BT-758) replace the notice they change, whichever of the two is ingested first, so that
an award corrected by a later notice is counted once.

A change names the notice it changes by UUID and version (`rows.notice_family` gives it the family
"changes:<uuid>-<version>"). Real data holds UUIDs shared by unrelated notices (converted TED notices all carry
the same one), so a link is followed only when exactly one notice has that UUID and version.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .rows import change_key
from .schema import COLUMNS

_NOTICE = {name: i for i, name in enumerate(COLUMNS["notices"])}
PREFIX = "changes:"


def own_key(notice: tuple) -> str | None:
    """The family a change of this notice would carry."""
    return change_key(notice[_NOTICE["notice_uuid"]], notice[_NOTICE["version"]])


def replaced_in_batch(notices: list[tuple]) -> set[int]:
    """Positions of the notices that a change notice of the same batch replaces (unambiguous links only)."""
    keys = [own_key(notice) for notice in notices]
    counts = Counter(key for key in keys if key)
    changed = {notice[_NOTICE["family"]] for notice in notices if notice[_NOTICE["family"]].startswith(PREFIX)}
    return {position for position, key in enumerate(keys)
            if key in changed and counts[key] == 1 and notices[position][_NOTICE["family"]] != key}


def stored_links(db: Any, notices: list[tuple]) -> tuple[dict[str, str], set[str]]:
    """Against the store: {change notice id: id of the stored notice it replaces}, and the ids of notices that a
    stored change already replaces (those are not written)."""
    refs = {n[_NOTICE["id"]]: n[_NOTICE["family"]] for n in notices if n[_NOTICE["family"]].startswith(PREFIX)}
    own = {n[_NOTICE["id"]]: key for n in notices if (key := own_key(n))}
    replaces: dict[str, str] = {}
    for notice_id, family in refs.items():
        rows = db.conn.execute("SELECT id, notice_uuid, version FROM notices WHERE notice_uuid = ?", [_uuid(family)])
        targets = [row[0] for row in rows if change_key(row[1], row[2]) == family and row[0] != notice_id]
        if len(targets) == 1:
            replaces[notice_id] = targets[0]
    replaced = set()
    for notice_id, key in own.items():
        changed = db.conn.execute("SELECT 1 FROM notices WHERE family = ? AND id != ? LIMIT 1", [key, notice_id])
        if not changed.fetchone():
            continue
        twins = db.conn.execute("SELECT notice_uuid, version FROM notices WHERE notice_uuid = ? AND id != ?",
                                [_uuid(key), notice_id])
        if not any(change_key(*row) == key for row in twins):
            replaced.add(notice_id)
    return replaces, replaced


def _uuid(key: str) -> str:
    """The UUID of a "changes:<uuid>-<version>" key."""
    return key[len(PREFIX):].rsplit("-", 1)[0]
