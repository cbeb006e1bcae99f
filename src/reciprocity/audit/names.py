"""Who a winner is: identifier keys and normalised names, the rules by which entities.py groups winners.

Group the same winner across notices: identifiers first, then normalised names (rapidfuzz), per country.

1. Identifiers are normalised to keys: SIREN (a SIRET's first 9 digits, or a French VAT number's last 9),
   other VAT numbers, other national numbers prefixed by country. Winners sharing a key are one entity.
2. Names are normalised (case, accents, punctuation, legal forms SAS/S.A.S./SARL/GmbH/Ltd/SpA/BV… dropped).
   Within one country, equal names join; close names (rapidfuzz token_sort_ratio >= FUZZY_THRESHOLD) join when
   their postcodes, where both are known, agree. Two groups with different identifiers never join on a name:
   identifiers win over names.
3. Every winner row gets `entity_id`, `entity_method`, `entity_score` and `entity_matched` so a reviewer can
   audit each grouping. A country is only ever read from the notice, never inferred from a name.

Grouping is incremental (entities.py): only winners without an entity yet (new or re-ingested notices) are
matched, against lookup tables of the entities' identifier keys and normalised names. An entity's id is the
digest of its smallest identifier key (else of its smallest "country|name"), so it does not depend on the order
in which winners arrived.
"""

from __future__ import annotations

import re
import unicodedata

from ..identifiers import identifier_key

FUZZY_THRESHOLD = 92.0
BLOCK_PREFIX = 3  # fuzzy candidates share a country and the first letters of their normalised name

# Legal forms dropped from names (after accents and dots are removed): FR, DE, IT, ES, NL, BE, UK, Nordics, PL…
LEGAL_FORMS = frozenset("""
sa sas sasu sarl eurl sci snc scs scop scic sca gie sem spl selarl selas eirl ei cie et
gmbh mbh ag kg ohg ug gbr ev kgaa co
spa srl srls sapa snc scarl
sl slu sau sll
bv nv vof cv bvba sprl srl scrl
ltd limited plc llp llc inc corp corporation lp
ab oy oyj as asa aps a/s
sp zoo spzoo sro as kft zrt nyrt doo dd ad ood eood
""".split())
_DOTTED = re.compile(r"\b(?:[a-z]\s?\.\s?){2,}")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str | None) -> str:
    """Lower case, no accents or punctuation, legal forms removed: "S.A.S. Élan" -> "elan"."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _DOTTED.sub(lambda m: re.sub(r"[\s.]", "", m.group(0)) + " ", text)  # "s.a.s." -> "sas"
    text = text.replace("&", " ")
    tokens = [t for t in _NON_WORD.sub(" ", text).split() if t not in LEGAL_FORMS]
    return " ".join(tokens)


def identifier_keys(identifiers: list[str], types: list[str | None], country: str | None) -> list[str]:
    """Comparable keys for a winner's identifiers (`identifiers.identifier_key`), junk dropped, each once."""
    keys = []
    for position, raw in enumerate(identifiers or []):
        kind = types[position] if position < len(types or []) else None
        key = identifier_key(str(raw), kind, country)
        if key and key not in keys:
            keys.append(key)
    return keys
