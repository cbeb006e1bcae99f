"""UBL eForms notices, SDK 1.3 to 1.15 (placeholder: being written)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import NoticeParseError
from ..model import Notice

ROOTS = frozenset({"ContractNotice", "ContractAwardNotice", "PriorInformationNotice"})


def iter_root(root, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield the one notice of an eForms document."""
    raise NoticeParseError(source, "eForms parser not written yet")
