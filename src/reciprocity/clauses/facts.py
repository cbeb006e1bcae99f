"""The facts of an Assessment a clause template may name: the ONLY placeholders a template can use.

Each fact reads what the Assessment already decided (the notice, its coverage per partner, the offering finding's
evidence) or the rule data behind it; nothing is decided twice. In particular the covered countries are those of
`coverage.by_agreement` / `coverage.covered_countries`, with the agreements behind each, never recomputed. A fact
the notice does not give is None and reads "[à compléter : …]" in the clause; a fact resting on unconfirmed data
adds its "to be confirmed" item to the clause.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from ..i18n import formats, labels
from ..i18n.formats import LANGUAGES
from ..parsers.contract import notice_from_dict
from ..report_view import lots_text
from ..rules import confirm, sme_score
from ..rules.base import Context
from ..rules.sme_common import sme_rules

_UNCONFIRMED = {"en": "to be confirmed", "fr": "à vérifier"}


@dataclass
class Source:
    """What a clause is filled from: the Assessment (its JSON contract dict), the finding that offers the clause
    (for a per-lot clause), the rule data; `to_confirm` collects the unconfirmed facts the clause relies on."""

    assessment: dict[str, Any]
    data: Any  # rules.data.RuleData
    finding: dict[str, Any] | None = None
    to_confirm: list[dict[str, str]] = field(default_factory=list)

    @property
    def notice(self) -> dict[str, Any]:
        return self.assessment.get("notice") or {}

    @property
    def coverage(self) -> dict[str, Any]:
        return self.assessment.get("coverage") or {}

    @property
    def evidence(self) -> dict[str, Any]:
        return (self.finding or {}).get("evidence") or {}

    @cached_property
    def context(self) -> Context:
        """The rules' context for this notice, for the facts that ask the rule data (the advance)."""
        return Context(
            notice=notice_from_dict(self.notice),
            data=self.data,
            as_of=self.launch_date or date.today(),
            coverage=self.coverage,
        )

    @property
    def launch_date(self) -> date | None:
        return formats.as_date(self.coverage.get("as_of"))


def _decimal(value: Any) -> Decimal | None:
    return formats.to_decimal(value)


def _worded(make: Callable[[str], str | None]) -> dict[str, str] | None:
    """A fact already worded in each language ({"en": …, "fr": …}), None when there is nothing to say."""
    texts = {lang: make(lang) for lang in LANGUAGES}
    return texts if all(texts.values()) else None


def _percent(share: Any) -> dict[str, str] | None:
    value = _decimal(share)
    return None if value is None else _worded(lambda lang: formats.percent(value, lang))


# -- the notice and its coverage -------------------------------------------------------------------------------
def reference(notice: dict[str, Any]) -> str | None:
    """The procurement's reference: its publication number, else the notice's id; None for a draft, whose id is
    ours, not the procurement's."""
    if notice.get("source_format") == "form":
        return None
    return notice.get("publication_number") or notice.get("id")


def _title(source: Source) -> str | None:
    procedure = source.notice.get("procedure") or {}
    lots = source.notice.get("lots") or []
    return procedure.get("title") or (lots[0].get("title") if len(lots) == 1 else None)


def _cpv(source: Source) -> str | None:
    procedure = source.notice.get("procedure") or {}
    return procedure.get("cpv_main") or next(
        (lot.get("cpv_main") for lot in source.notice.get("lots") or [] if lot.get("cpv_main")), None
    )


def _covering(source: Source) -> list[dict[str, Any]]:
    """The agreements that cover this procurement (coverage.by_agreement), each with the partners it covers for."""
    entries = [e for e in source.coverage.get("by_agreement") or [] if e.get("covers") and e.get("partners")]
    for entry in entries:
        notes = entry.get("partners_to_confirm") or {}
        source.to_confirm[:] = confirm.merge(
            source.to_confirm, entry.get("to_confirm") or [], *(notes.get(country, []) for country in entry["partners"])
        )
    return entries


def _country(code: str, lang: str, entries: list[dict[str, Any]]) -> str:
    """A covered country by its name, "(à vérifier)" when a covering agreement's date for it is unconfirmed."""
    name = labels.country(code, lang) or code
    weak = any(code in (e.get("partners_to_confirm") or {}) for e in entries if code in e["partners"])
    return f"{name} ({_UNCONFIRMED[lang]})" if weak else name


def _sorted_names(codes: list[str], lang: str, entries: list[dict[str, Any]]) -> str:
    return formats.join(sorted((_country(c, lang, entries) for c in codes), key=str.casefold), lang)


def _covered_by_agreement(source: Source) -> dict[str, str] | None:
    """One line per covering agreement: its title and the countries it covers this procurement for."""
    entries = _covering(source)

    def lines(lang: str) -> str | None:
        separator = " : " if lang == "fr" else ": "
        shown = []
        for entry in entries:
            title = (entry.get("title") or {}).get(lang) or entry["agreement"]
            weak = f" ({_UNCONFIRMED[lang]})" if entry.get("confidence") == "unconfirmed" else ""
            shown.append(f"– {title}{weak}{separator}{_sorted_names(entry['partners'], lang, entries)}")
        return "\n".join(shown) or None

    return _worded(lines)


def _covered_countries(source: Source) -> dict[str, str] | None:
    """The countries covered for this procurement (coverage.covered_countries), by name."""
    entries = _covering(source)
    codes = list(source.coverage.get("covered_countries") or [])
    return _worded(lambda lang: _sorted_names(codes, lang, entries) if codes else None)


def _agreements_and_countries(pairs: list[tuple[dict[str, Any], list[str]]]) -> dict[str, str] | None:
    """Agreements with the countries concerned ("Accord (A, B et C) ; Autre (D)"), in each language."""

    def lines(lang: str) -> str | None:
        shown = [
            f"{(entry.get('title') or {}).get(lang) or entry['agreement']} ({_sorted_names(codes, lang, [])})"
            for entry, codes in pairs
            if codes
        ]
        return (" ; " if lang == "fr" else "; ").join(shown) or None

    return _worded(lines)


def _coverage_undetermined(source: Source) -> dict[str, str] | None:
    """The agreements whose coverage of this procurement the notice leaves undecided, with their partners then."""
    as_of = source.launch_date
    entries = [e for e in source.coverage.get("by_agreement") or [] if e.get("covers") is None]
    if not entries or as_of is None:
        return None
    reasons = {lang: formats.join(dict.fromkeys(e["reasons"][0][lang] for e in entries), lang) for lang in LANGUAGES}
    source.to_confirm[:] = confirm.merge(
        source.to_confirm,
        [
            confirm.item(
                f"whether these agreements cover this contract ({reasons['en']})",
                f"si ces accords couvrent ce marché ({reasons['fr']})",
                "rules-2026.md §1 and §4: coverage per partner, undetermined when the notice does not decide it",
            )
        ],
    )
    return _agreements_and_countries(
        [(entry, _outside_eea(source, source.data.partners_in_force(entry["agreement"], as_of))) for entry in entries]
    )


def _outside_eea(source: Source, countries: Any, covered: frozenset = frozenset()) -> list[str]:
    """The countries to name, sorted: not already covered, and not EEA States (who take part in any case)."""
    as_of = source.launch_date
    return sorted(c for c in countries if c not in covered and not source.data.is_eu_eea(c, as_of))


def _below_every_threshold(source: Source, as_of: date) -> bool:
    """A value below the lowest EU threshold of its nature for any buyer category: no agreement can cover it,
    whatever the unconfirmed points on categories or sectors (as rules/partners.py decides without scenarios)."""
    coverage = source.coverage
    value = _decimal(coverage.get("value_eur"))
    nature = "works" if coverage.get("concession") else coverage.get("nature")
    lowest = source.data.lowest_threshold(nature, as_of) if nature and value is not None else None
    return lowest is not None and value < lowest


def _coverage_to_confirm(source: Source) -> dict[str, str] | None:
    """The partners no agreement covers for this procurement, but only on unconfirmed grounds (a utilities sector
    left out, a party's excluded sector, a phase of access not read…): their operators may have treaty access, so
    the clause asks the buyer to check before excluding them, and carries what is to be confirmed."""
    as_of = source.launch_date
    if as_of is None or _below_every_threshold(source, as_of):
        return None
    covered = frozenset(source.coverage.get("covered_countries") or [])
    pairs, items = [], []
    for entry in source.coverage.get("by_agreement") or []:
        if entry.get("covers") is False and entry.get("to_confirm"):
            codes = _outside_eea(source, source.data.partners_in_force(entry["agreement"], as_of), covered)
            items.append(entry["to_confirm"] if codes else [])
        else:
            weak = {c: e for c, e in (entry.get("excluded_partners") or {}).items() if e.get("to_confirm")}
            codes = _outside_eea(source, weak, covered)
            items += [weak[code]["to_confirm"] for code in codes]
        pairs.append((entry, codes))
    source.to_confirm[:] = confirm.merge(source.to_confirm, *items)
    return _agreements_and_countries(pairs)


# -- the offering finding's evidence ------------------------------------------------------------------------
def _lot(source: Source) -> dict[str, str] | None:
    lot = (source.finding or {}).get("lot")
    return _worded(lambda lang: lots_text([lot], lang)) if lot else None


def _evidence_eur(key: str) -> Callable[[Source], Decimal | None]:
    return lambda source: _decimal(source.evidence.get(key))


def _value_basis(source: Source) -> dict[str, str] | None:
    basis = source.evidence.get("value_basis")
    return basis if isinstance(basis, dict) and all(basis.get(lang) for lang in LANGUAGES) else None


def _ipi_measure(source: Source) -> dict[str, Any] | None:
    measure_id = source.evidence.get("measure")
    return next((m for m in source.data.ipi_measures if m["id"] == measure_id), None)


def _ipi(key: str, make: Callable[[Any], Any]) -> Callable[[Source], Any]:
    def fact(source: Source) -> Any:
        measure = _ipi_measure(source)
        return None if measure is None else make(measure[key])

    return fact


def _technology(source: Source) -> dict[str, str] | None:
    entry = source.data.nzia["technologies"].get(source.evidence.get("technology") or "")
    return {lang: entry[lang] for lang in LANGUAGES} if entry else None


# -- the advance (CCP L2191-1, R2191-3, R2191-7) ----------------------------------------------------------------
def _advance(source: Source) -> dict[str, Any]:
    return sme_rules(source.context)["advance"]


def _advance_due(source: Source) -> bool:
    """The duty binds the buyer, and the notice does not show a contract of at most EUR 50 000 HT or 2 months."""
    rules, ctx = _advance(source), source.context
    if not (sme_score.advance_binds(ctx) or _advance_may_bind(source)):
        return False
    value = _decimal(source.coverage.get("value_eur"))
    if value is not None and value <= rules["min_amount_eur"]:
        return False
    months = [sme_score.duration_months(lot.duration) for lot in ctx.notice.lots]
    return not (months and all(m is not None and m <= rules["min_duration_months"] for m in months))


def _advance_may_bind(source: Source) -> bool:
    """A public body: bound unless it is an EPIC, which its BT-11 type does not tell (sme.yaml
    `unconfirmed_legal_types`): the clause is offered, to be confirmed."""
    return (source.context.notice.buyer.legal_type or "").lower() in _advance(source)["unconfirmed_legal_types"]


def _advance_buyer(source: Source) -> dict[str, str]:
    """Why the duty binds this buyer, for the clause's conditions; for a public body, "to be confirmed"."""
    if not _advance_may_bind(source):
        return {"en": "is one of them", "fr": "est de ceux-là"}
    item = confirm.item(
        "that the buyer is not an EPIC (industrial and commercial public body), which the advance duty does not bind "
        "(the buyer type, BT-11, does not tell them apart)",
        "que l'acheteur n'est pas un EPIC (établissement public industriel et commercial), que l'obligation d'avance "
        "ne lie pas (le type d'acheteur, BT-11, ne les distingue pas)",
        _advance(source)["source"],
    )
    source.to_confirm[:] = confirm.merge(source.to_confirm, [item])
    return {
        "en": "is a public body, bound unless it is an EPIC",
        "fr": "est un établissement public, tenu sauf s'il est un EPIC",
    }


def _advance_rate_sme(source: Source) -> dict[str, str] | None:
    """The higher minimum rate for an SME holder, where this buyer has one (the State since 2023: 30 %)."""
    base = sme_score.minimum_rate(source.context, sme_holder=False)
    sme = sme_score.minimum_rate(source.context, sme_holder=True)
    return _percent(sme) if sme > base else None


@dataclass(frozen=True)
class Fact:
    """How to read a fact, and what the buyer completes when the notice does not give it."""

    read: Callable[[Source], Any]
    missing: dict[str, str]


def _fact(read: Callable[[Source], Any], en: str, fr: str) -> Fact:
    return Fact(read, {"en": en, "fr": fr})


FACTS: dict[str, Fact] = {
    "reference": _fact(lambda s: reference(s.notice), "reference of the procurement", "référence du marché"),
    "title": _fact(_title, "subject of the contract", "objet du marché"),
    "buyer": _fact(lambda s: (s.notice.get("buyer") or {}).get("name"), "name of the buyer", "nom de l'acheteur"),
    "cpv": _fact(_cpv, "main CPV code", "code CPV principal"),
    "value_eur": _fact(
        lambda s: _decimal(s.coverage.get("value_eur")), "estimated value net of VAT", "valeur estimée hors TVA"
    ),
    "threshold_eur": _fact(lambda s: _decimal(s.coverage.get("threshold_eur")), "EU threshold", "seuil européen"),
    "launch_date": _fact(
        lambda s: s.launch_date, "launch date of the consultation", "date de lancement de la consultation"
    ),
    "covered_by_agreement": _fact(
        _covered_by_agreement,
        "agreements covering the contract and their countries",
        "accords couvrant le marché et leurs pays",
    ),
    "covered_countries": _fact(_covered_countries, "countries covered", "pays couverts"),
    "coverage_undetermined": _fact(
        _coverage_undetermined,
        "agreements whose coverage is undetermined",
        "accords dont la couverture est indéterminée",
    ),
    "coverage_to_confirm": _fact(
        _coverage_to_confirm,
        "countries whose exclusion from the agreements is to be confirmed",
        "pays dont l'exclusion des accords est à vérifier",
    ),
    "lot": _fact(_lot, "lot concerned", "lot concerné"),
    "turnover_cap_eur": _fact(_evidence_eur("cap_eur"), "turnover cap", "plafond de chiffre d'affaires"),
    "required_turnover_eur": _fact(
        _evidence_eur("required_turnover_eur"), "turnover required", "chiffre d'affaires exigé"
    ),
    "turnover_value_eur": _fact(
        _evidence_eur("estimated_value_eur"), "estimated value of the lot", "valeur estimée du lot"
    ),
    "turnover_multiple": _fact(
        lambda s: _decimal(s.evidence.get("multiple")), "multiple of the value", "multiple de la valeur"
    ),
    "turnover_value_basis": _fact(_value_basis, "value used", "valeur retenue"),
    "ipi_cpv": _fact(lambda s: s.evidence.get("cpv") or None, "main CPV code", "code CPV principal"),
    "ipi_floor_eur": _fact(_ipi("value_floor_eur", _decimal), "value floor of the measure", "seuil de la mesure"),
    "ipi_start": _fact(_ipi("from", lambda day: day), "start of the measure", "début d'application de la mesure"),
    "ipi_cap": _fact(_ipi("input_cap", _percent), "ceiling of the measure", "plafond de la mesure"),
    "ipi_country": _fact(
        _ipi("country", lambda code: _worded(lambda lang: labels.country(code, lang))), "country targeted", "pays visé"
    ),
    "advance_due": _fact(_advance_due, "whether the advance is due", "si l'avance est due"),
    "advance_buyer": _fact(_advance_buyer, "why the duty binds the buyer", "pourquoi l'obligation lie l'acheteur"),
    "advance_rate": _fact(
        lambda s: _percent(sme_score.minimum_rate(s.context, sme_holder=False)),
        "rate of the advance",
        "taux de l'avance",
    ),
    "advance_rate_sme": _fact(_advance_rate_sme, "rate for an SME contractor", "taux pour un titulaire PME"),
    "advance_min_amount_eur": _fact(
        lambda s: _advance(s)["min_amount_eur"],
        "amount above which the advance is due",
        "montant au-delà duquel l'avance est due",
    ),
    "advance_min_months": _fact(
        lambda s: _advance(s)["min_duration_months"],
        "duration above which it is due",
        "durée au-delà de laquelle elle est due",
    ),
    "nzia_technology": _fact(_technology, "net-zero technology", "technologie « zéro net »"),
    "nzia_start": _fact(
        lambda s: s.data.nzia["article"]["from"], "start of Article 25", "début d'application de l'article 25"
    ),
    "nzia_share": _fact(
        lambda s: _percent(s.data.nzia["resilience"]["share"]), "dependency share", "part de dépendance"
    ),
}
