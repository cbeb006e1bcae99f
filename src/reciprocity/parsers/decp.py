"""French DECP (données essentielles), 2019 and 2022 schemas (placeholder: being written)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import NoticeParseError
from ..model import Notice


def iter_json(data: bytes, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield one notice (kind `result`) per contract of a DECP JSON document."""
    raise NoticeParseError(source, "DECP parser not written yet")


def iter_xml_root(root, source: str) -> Iterator[Notice | NoticeParseError]:
    """Yield one notice per contract of a DECP XML document."""
    raise NoticeParseError(source, "DECP parser not written yet")
