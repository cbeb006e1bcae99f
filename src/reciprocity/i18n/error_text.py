"""The library's errors worded for people, in French or English: a sentence from the error's stable code, the raw
detail (often a parser's words) kept apart as technical detail."""

from __future__ import annotations

from ..errors import NoticeParseError, ReciprocityError
from . import labels

_LINE = {"en": " (line {line})", "fr": " (ligne {line})"}


def error_text(error: ReciprocityError, lang: str) -> str:
    """The sentence a reader of `lang` sees for `error` (its raw `str()` is the technical detail)."""
    template = labels.label("error", error.code, lang) or labels.label("error", "error", lang) or str(error)
    values = {}
    if isinstance(error, NoticeParseError):
        values = {"source": error.source, "where": _LINE[lang].format(line=error.line) if error.line else ""}
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return labels.label("error", "error", lang) or str(error)


def draft_reason(key: str, params: dict[str, object], lang: str) -> str:
    """Why a value of the short form is refused, in `lang` (DraftError.key and .params)."""
    template = labels.label("draft_error", key, lang) or labels.label("draft_error", "invalid", lang) or key
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return labels.label("draft_error", "invalid", lang) or key
