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
    stored change already replaces (those are not written). A few batched queries per write batch."""
    refs = {n[_NOTICE["id"]]: n[_NOTICE["family"]] for n in notices if n[_NOTICE["family"]].startswith(PREFIX)}
    own = {n[_NOTICE["id"]]: key for n in notices if (key := own_key(n))}
    changes = _rows_in(db, "SELECT family, id FROM notices WHERE family", set(own.values()))
    changed = {notice_id: key for notice_id, key in own.items()
               if any(family == key and stored != notice_id for family, stored in changes)}
    holders: dict[str, list[str]] = {}  # change key -> ids of the stored notices with that UUID and version
    uuids = {_uuid(key) for key in (*refs.values(), *changed.values())}
    for stored, uuid, version in _rows_in(db, "SELECT id, notice_uuid, version FROM notices WHERE notice_uuid", uuids):
        holders.setdefault(change_key(uuid, version), []).append(stored)
    replaces = {}
    for notice_id, family in refs.items():
        targets = [stored for stored in holders.get(family, []) if stored != notice_id]
        if len(targets) == 1:
            replaces[notice_id] = targets[0]
    replaced = {notice_id for notice_id, key in changed.items()
                if not any(stored != notice_id for stored in holders.get(key, []))}
    return replaces, replaced


def _rows_in(db: Any, sql: str, values: set[str]) -> list[tuple]:
    """Rows of `sql` + " IN (…)" over `values`, 400 parameters a query."""
    ordered, found = sorted(values), []
    for start in range(0, len(ordered), 400):
        part = ordered[start:start + 400]
        found += db.conn.execute(f"{sql} IN ({', '.join('?' * len(part))})", part).fetchall()
    return found


def _uuid(key: str) -> str:
    """The UUID of a "changes:<uuid>-<version>" key."""
    return key[len(PREFIX):].rsplit("-", 1)[0]
