"""Legacy TED_EXPORT XML, R2.0.7 to R2.0.9 (placeholder: being written)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import NoticeParseError
from ..model import Notice


def iter_root(root, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield the one notice of a TED_EXPORT document."""
    raise NoticeParseError(source, "TED parser not written yet")
