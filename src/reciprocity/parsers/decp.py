"""French DECP (données essentielles de la commande publique): one `Notice` (kind "result") per contract.

Reads the 2019 JSON schema (`{"marches": [...]}`), the 2022 schema (`{"marches": {"marche": [...],
"contrat-concession": [...]}}` with `{"titulaire": {...}}` wrappers), the flat 2022 variant, and DECP XML
(`<marches>` of both schemas, or a single `<marche>` / `<contrat-concession>`). JSON is streamed record by record
(`iter_stream`), and so is a file on disk, JSON or XML (`iter_path`): files of hundreds of MB never sit in
memory whole, and the per-notice size cap of the XML entry point applies to each contract, not to the file.

Notice ids are "decp-<buyer SIRET>-<contract id>". A file that repeats the same buyer + id (republications,
test records: decp.md §5) gives every repeat its own notice with the suffix "-dup<n>" and a parse warning,
so ids stay unique and one notice per record is kept; deduplicating across files is the store's job.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from decimal import InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from ..errors import NoticeParseError
from ..model import Notice
from ._decp_record import to_notice
from ._decp_seen import SeenIds
from ._decp_stream import iter_records
from ._decp_xml import RECORD_ROOTS, element_value, iter_xml_records
from ._xml import localname

__all__ = ["RECORD_ROOTS", "STREAMED", "iter_json", "iter_path", "iter_stream", "iter_xml_root"]
STREAMED = ("marches", *RECORD_ROOTS)  # XML roots read from disk record by record
_CONVERSION_FAULTS = (ValueError, TypeError, KeyError, AttributeError, ArithmeticError, InvalidOperation)


def iter_stream(fileobj: BinaryIO, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield one notice per contract of a DECP JSON file object, reading it chunk by chunk (ijson).

    A record that cannot be converted is yielded as a `NoticeParseError` and the others continue; a malformed
    document raises `NoticeParseError` (after the records before the fault have been yielded).
    """
    records = ((container, record, container is not None) for container, record in iter_records(fileobj, source))
    yield from _notices(records, source)


def iter_json(data: bytes, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield one notice (kind `result`) per contract of a DECP JSON document held in memory."""
    yield from iter_stream(io.BytesIO(data), source)


def iter_path(path: Path, source: str, is_json: bool) -> Iterator[Notice | NoticeParseError]:
    """Stream a DECP file from disk, JSON or XML, one contract at a time (never the whole file in memory)."""
    if is_json:
        with path.open("rb") as handle:
            yield from iter_stream(handle, source)
    else:
        yield from _notices(((name, record, False) for name, record in iter_xml_records(path, source)), source)


def iter_xml_root(root: etree._Element, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield one notice per contract of a DECP XML document (root `marches`, `marche` or `contrat-concession`)."""
    elements = [root] if localname(root) in RECORD_ROOTS else [c for c in root if localname(c) in RECORD_ROOTS]
    records = ((localname(e), element_value(e), False) for e in elements)
    yield from _notices(records, source)


def _notices(records: Iterable[tuple[str | None, Any, bool]], source: str) -> Iterator[Notice | NoticeParseError]:
    seen = SeenIds()
    for index, (container, record, schema_2022) in enumerate(records, start=1):
        if not isinstance(record, dict):
            yield NoticeParseError(source, f"record {index}: not a contract object ({type(record).__name__})")
            continue
        try:
            notice = to_notice(record, container, schema_2022, source)
        except _CONVERSION_FAULTS as exc:
            yield NoticeParseError(source, f"record {index} (id {str(record.get('id'))[:40]!r}): unreadable: {exc}")
            continue
        _make_unique(notice, seen)
        yield notice


def _make_unique(notice: Notice, seen: SeenIds) -> None:
    """Suffix "-dup<n>" to the n-th record of a file with the same buyer and contract id."""
    occurrence = seen.occurrence(notice.id)
    if occurrence > 1:
        notice.warn(f"same buyer and contract id as an earlier record of this file (repeat {occurrence})")
        notice.id = f"{notice.id}-dup{occurrence}"
