"""A change notice (eForms BT-758) replaces the notice it changes in the store, in either ingest order, so that
an award corrected by a later result notice is counted once (issue 10, class 13); ambiguous links are not followed."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import SAMPLES

from reciprocity.audit.ingest import ingest
from reciprocity.audit.rows import notice_family

CHANGE = (SAMPLES / "eforms-can-sdk115-groups-large-change.xml").read_text(encoding="utf-8")
UUID = "7d3f2a91-5c4e-4b8a-9e21-6f0c8d4b3a57"


def original(publication: str = "00150011-2026", uuid: str = UUID) -> str:
    """The result notice the sample changes: same UUID, version 01, published earlier, no change block."""
    text = re.sub(r"\s*<efac:Changes>.*?</efac:Changes>", "", CHANGE, flags=re.S)
    text = text.replace("<cbc:VersionID>02</cbc:VersionID>", "<cbc:VersionID>01</cbc:VersionID>")
    text = text.replace(">00187264-2026<", f">{publication}<").replace(f'"notice-id">{UUID}<', f'"notice-id">{uuid}<')
    return text.replace("<cbc:IssueDate>2026-03-26+01:00", "<cbc:IssueDate>2026-03-02+01:00")


def stored(db: Path) -> dict[str, int]:
    """Stored notice ids with their result count."""
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT n.id, (SELECT count(*) FROM results r WHERE r.notice_id = n.id)"
                                 " FROM notices n ORDER BY n.id").fetchall())


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_change_carries_the_family_of_the_notice_it_changes():
    assert notice_family({"id": "00187264-2026", "publication_number": "00187264-2026",
                          "changes": {"notice": f"{UUID.upper()}-01"}}) == f"changes:{UUID}-1"
    assert notice_family({"id": "x", "publication_number": "x", "changes": {"notice": "not-a-reference"}}) == "x"


@pytest.mark.parametrize("order", ["one run", "original first", "change first"])
def test_a_change_replaces_the_notice_it_changes(tmp_path, order):
    first, second = write(tmp_path / "a", "original.xml", original()), write(tmp_path / "b", "change.xml", CHANGE)
    db = tmp_path / "store.db"
    if order == "one run":
        ingest([first, second], db, workers=1)
    else:
        for path in ([first, second] if order == "original first" else [second, first]):
            ingest([path], db, workers=1)
    results = stored(db)
    assert list(results) == ["00187264-2026"]
    assert results["00187264-2026"] > 0


def test_a_change_with_a_new_uuid_still_replaces_the_notice_it_names(tmp_path):
    new_uuid = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    change = CHANGE.replace(f'"notice-id">{UUID}<', f'"notice-id">{new_uuid}<')
    change = change.replace("<cbc:VersionID>02</cbc:VersionID>", "<cbc:VersionID>01</cbc:VersionID>")
    db = tmp_path / "store.db"
    ingest([write(tmp_path / "a", "original.xml", original())], db, workers=1)
    ingest([write(tmp_path / "b", "change.xml", change)], db, workers=1)
    assert list(stored(db)) == ["00187264-2026"]


def test_an_ambiguous_link_replaces_nothing(tmp_path):
    """Two unrelated notices carrying the same UUID and version (as converted TED notices do): the change is
    stored beside them and neither is dropped."""
    folder = tmp_path / "notices"
    write(folder, "a.xml", original("00150011-2026"))
    write(folder, "b.xml", original("00150012-2026"))
    db = tmp_path / "store.db"
    ingest([folder], db, workers=1)
    ingest([write(tmp_path / "later", "change.xml", CHANGE)], db, workers=1)
    assert list(stored(db)) == ["00150011-2026", "00150012-2026", "00187264-2026"]


def test_an_unrelated_notice_is_untouched(tmp_path):
    other = original("00150013-2026", uuid="11111111-2222-4333-8444-555555555555")
    db = tmp_path / "store.db"
    ingest([write(tmp_path / "a", "other.xml", other), write(tmp_path / "b", "change.xml", CHANGE)], db, workers=1)
    assert list(stored(db)) == ["00150013-2026", "00187264-2026"]
