"""A legal reference as its reader sees it: worded in their language ("CJUE" in French) and cut into parts that
link to the text (Légifrance for the CCP, EUR-Lex for directives and regulations, Curia for judgments).

Wording and URL patterns are rule data (data/legal_links.yaml): a new source of law is a data edit.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .data import DATA_DIR, load_yaml
from .schema import CONFIDENCE, Fields, ListOf, MapOf

SCHEMA = Fields({
    "wording": MapOf(ListOf(Fields({"from": str, "to": str})), keys=("en", "fr")),
    "links": ListOf(Fields({"id": str, "pattern": str, "url": str, "source": str, "?confidence": CONFIDENCE,
                            "?note": str})),
})


@lru_cache(maxsize=4)
def _data(directory: Path = DATA_DIR) -> tuple[dict[str, Any], list[tuple[re.Pattern[str], str]]]:
    data = load_yaml("legal_links", SCHEMA, directory)
    return data, [(re.compile(link["pattern"]), link["url"]) for link in data["links"]]


def worded(reference: str, lang: str) -> str:
    """The reference as written for a reader of `lang` ("CJEU C-652/22" -> "CJUE C-652/22" in French)."""
    for replacement in _data()[0]["wording"].get(lang, []):
        reference = reference.replace(replacement["from"], replacement["to"])
    return reference


def references_in(text: str | None, lang: str) -> list[str]:
    """The legal references a free text cites (a rule-data `source`), worded for `lang`; notes around them and
    names of our own documents are left out, so that what a reader sees is the law, not our working notes."""
    parts = reference_parts(text, lang)
    found = [("CCP " if index and parts[index - 1]["text"].endswith("CCP ") else "") + part["text"]
             for index, part in enumerate(parts) if part["url"]]
    return list(dict.fromkeys(found))


def reference_parts(reference: str | None, lang: str) -> list[dict[str, str | None]]:
    """[{text, url}] covering the worded reference; `url` is None for the words between references."""
    if not reference:
        return []
    text = worded(reference, lang)
    spans = []
    for pattern, url in _data()[1]:
        for found in pattern.finditer(text):
            if not any(start < found.end() and found.start() < end for start, end, _ in spans):
                target = url.format(LANG=lang.upper(), lang=lang, **found.groupdict())
                spans.append((found.start(), found.end(), target))
    parts, position = [], 0
    for start, end, target in sorted(spans):
        if start > position:
            parts.append({"text": text[position:start], "url": None})
        parts.append({"text": text[start:end], "url": target})
        position = end
    if position < len(text):
        parts.append({"text": text[position:], "url": None})
    return parts
