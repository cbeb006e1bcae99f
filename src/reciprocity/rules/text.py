"""Accent- and case-insensitive search of a notice's free texts, for clauses the rules look for."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..model import Notice

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, accents removed, whitespace collapsed (so "Pays  Tiers" matches "pays tiers")."""
    plain = text
    if not text.isascii():  # ASCII text has no accent to remove
        plain = unicodedata.normalize("NFKD", text)
        for mark in [c for c in set(plain) if unicodedata.combining(c)]:  # each distinct accent, removed at C speed
            plain = plain.replace(mark, "")
    return _SPACES.sub(" ", plain.replace("\u00a0", " ")).lower()


@lru_cache(maxsize=512)
def _folded(text: str) -> str:
    """`fold` once per text: several rules search the same texts of a notice (a str caches its own hash). Bounded
    by count, so a few hundred texts at most are held (those of the last notices)."""
    return fold(text)


def notice_texts(notice: Notice) -> dict[str, str]:
    """The free texts a clause may sit in: title, description, BT-300 additional info, lots, selection criteria."""
    proc = notice.procedure
    texts = {"procedure.title": proc.title, "procedure.description": proc.description,
             "procedure.additional_info": proc.additional_info}
    for lot in notice.lots:
        texts[f"lots[{lot.id}].title"] = lot.title
        texts[f"lots[{lot.id}].description"] = lot.description
        for i, criterion in enumerate(lot.selection_criteria):
            texts[f"lots[{lot.id}].selection_criteria[{i}]"] = criterion.description
    return {where: text for where, text in texts.items() if text and text.strip()}


@lru_cache(maxsize=64)
def _whole_words(patterns: tuple[str, ...]) -> list[tuple[str, re.Pattern[str]]]:
    """Each folded pattern as a regex matching it only as whole words: "ipi" is not in "recipients",
    "origin" not in "originales" (rules-2026.md §5, §8)."""
    return [(folded, re.compile(rf"(?<![0-9a-z]){re.escape(folded)}(?![0-9a-z])"))
            for folded in (fold(p) for p in patterns)]


def _search(folded: str, pattern: str, regex: re.Pattern[str]) -> bool:
    """The pattern as whole words in a folded text; a plain substring test first (C speed), as most texts have
    none of the patterns."""
    return pattern in folded and regex.search(folded) is not None


def find_clause(texts: dict[str, str], patterns: list[str]) -> tuple[str, str] | None:
    """(where, pattern) of the first pattern found, as whole words, in any text, else None."""
    compiled = _whole_words(tuple(patterns))
    for where, text in texts.items():
        folded = _folded(text)
        for pattern, regex in compiled:
            if _search(folded, pattern, regex):
                return where, pattern
    return None


def find_near(texts: dict[str, str], first: list[str], second: list[str], window: int) -> tuple[str, str] | None:
    """(where, pattern) of a `first` pattern with a `second` one at most `window` characters away, same text."""
    one, other = _whole_words(tuple(first)), _whole_words(tuple(second))
    for where, text in texts.items():
        folded = _folded(text)
        for pattern, regex in one:
            if pattern not in folded:
                continue
            for match in regex.finditer(folded):
                nearby = folded[max(0, match.start() - window):match.end() + window]
                if any(_search(nearby, near_pattern, near) for near_pattern, near in other):
                    return where, pattern
    return None


# French wording of the field names rules list as missing (the BT-xxx part is kept as is).
_FIELDS_FR = {
    "buyer category": "catégorie d'acheteur",
    "contract nature": "nature du marché",
    "estimated value": "valeur estimée",
    "EUR exchange rate for": "taux de change en euros pour",
    "EUR rate for": "taux de change en euros pour",
    "EU threshold for this date and category": "seuil européen pour cette date et cette catégorie",
    "buyer country": "pays de l'acheteur",
    "main CPV": "code CPV principal",
    "dispatch date": "date d'envoi",
    "tender or request deadline": "date limite de réception des offres ou des candidatures",
    "received submissions from outside the EEA": "nombre d'offres reçues de l'extérieur de l'EEE",
    "received submissions": "nombre d'offres reçues",
    "winner country": "pays de l'attributaire",
    "notice texts": "textes de l'avis",
    "coverage data": "données de couverture",
    "partner country": "pays partenaire",
}


def field_fr(text: str) -> str:
    """French wording of a missing-field label, by its leading English words (unknown labels unchanged)."""
    for english in sorted(_FIELDS_FR, key=len, reverse=True):
        if text.startswith(english):
            return _FIELDS_FR[english] + text[len(english):]
    return text
