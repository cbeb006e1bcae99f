"""Load and strictly validate the rule data (`rules/data/*.yaml`) and give typed access to it.

Every legal fact (threshold, agreement, rate, measure) lives in YAML with its `source`; changing a threshold or
adding an IPI measure is a data edit, not a code change. Loading fails with `RuleDataError` naming the file and
the key on any unknown key, missing `source` or bad date (style.md rule 5).
"""

from __future__ import annotations

import decimal
from bisect import bisect_right
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import RuleDataError
from ..model import Money
from . import data_schema as _schema
from .schema import validate

DATA_DIR = Path(__file__).parent / "data"
_CENT = Decimal("0.01")
_WIDE = decimal.Context(prec=60)  # amounts up to 10^57 round to the cent instead of raising InvalidOperation
CATEGORIES, NATURES = _schema.CATEGORIES, _schema.NATURES
SCHEMAS = _schema.SCHEMAS


class _Loader(yaml.SafeLoader):
    """Safe YAML with dates left as text, so a bad date is reported by the validator with its key."""


def _no_duplicate_keys(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """A key written twice would silently replace the first entry: refuse it."""
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(name: str, schema: Any, directory: Path | None = None) -> Any:
    """Read `<directory>/<name>.yaml` and validate it against `schema` (see rules/schema.py)."""
    path = (directory or DATA_DIR) / f"{name}.yaml"
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except OSError as exc:
        raise RuleDataError(f"{path.name}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise RuleDataError(f"{path.name}: invalid YAML: {exc}") from None
    return validate(raw, schema, path.name)


def in_period(entry: dict[str, Any], as_of: date) -> bool:
    """Whether a dated entry (`from`, optional `to`, both inclusive) is in force on `as_of`."""
    start, end = entry.get("from"), entry.get("to")
    return start is not None and start <= as_of and (end is None or as_of <= end)


def in_force(entries: list[dict[str, Any]], as_of: date) -> dict[str, Any] | None:
    """The first dated entry in force on `as_of` (a procedure launched on that day), or None."""
    return next((entry for entry in entries if in_period(entry, as_of)), None)


_MISSING = object()


class RuleData:
    """The validated rule data, with the lookups rules need (thresholds by date, rates, countries, codes)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or DATA_DIR
        self.raw: dict[str, Any] = {name: load_yaml(name, schema, self.directory) for name, schema in SCHEMAS.items()}
        self.codes: dict[str, dict[str, Any]] = self.raw["codes"]
        self._memo: dict[tuple[str, str, int], Any] = {}  # lookups by date, computed once (the data is read-only)
        self._bounds: dict[str, list[date]] = {}
        self._check_references()

    def _check_references(self) -> None:
        """Cross-file checks: every partner's agreement id exists; every message status is a real status."""
        agreements = self.raw["countries"]["agreements"]
        for country, partner in self.raw["countries"]["partners"].items():
            for i, item in enumerate(partner["agreements"]):
                if item["id"] not in agreements:
                    raise RuleDataError(f"countries.yaml: partners.{country}.agreements[{i}].id: "
                                        f"unknown agreement {item['id']!r}")
        for code, entry in self.codes.items():
            for status in entry["messages"]:
                if status.split("-")[0] not in ("flagged", "passed", "not", "insufficient"):
                    raise RuleDataError(f"codes.yaml: {code}.messages.{status}: unknown status")
            if entry["confidence"] == "unconfirmed" and "to_confirm" not in entry:
                raise RuleDataError(f"codes.yaml: {code}.to_confirm: an unconfirmed code must say what to confirm")

    def _memoised(self, key: tuple[str, str], dated: Any, as_of: date, compute: Any) -> Any:
        """compute() once per key and per span of days over which no entry of `dated` starts or ends: a lookup by
        date gives the same answer all through such a span (coverage asks them for every agreement of every
        notice). The memo is emptied past 4,096 answers to bound memory."""
        bounds = self._bounds.get(key[0])
        if bounds is None:  # `dated()`: the entries whose dates decide the answer
            dated = dated()
            ends = [entry["to"] + timedelta(days=1) for entry in dated if entry.get("to") and entry["to"] < date.max]
            bounds = self._bounds[key[0]] = sorted({entry["from"] for entry in dated if entry.get("from")} | {*ends})
        memo_key = (*key, bisect_right(bounds, as_of))
        answer = self._memo.get(memo_key, _MISSING)
        if answer is _MISSING:
            if len(self._memo) >= 4096:
                self._memo.clear()
            answer = self._memo[memo_key] = compute()
        return answer

    def _partner_entries(self) -> list[dict[str, Any]]:
        return [item for partner in self.raw["countries"]["partners"].values() for item in partner["agreements"]]

    def code(self, code: str) -> dict[str, Any]:
        """The text entry of a finding code; unknown codes are errors, not silent defaults."""
        try:
            return self.codes[code]
        except KeyError:
            raise RuleDataError(f"codes.yaml: {code}: unknown finding code") from None

    # -- thresholds ---------------------------------------------------------------------------------------
    def threshold_period(self, as_of: date) -> dict[str, Any] | None:
        """The EU/GPA threshold period in force on `as_of`, or None before the first period we hold (found once per
        date: coverage asks it for every agreement of every notice)."""
        periods = self.raw["thresholds"]["eu_periods"]
        return self._memoised(("thresholds", ""), lambda: periods, as_of, lambda: next(
            (p for p in periods if in_period(p, as_of)), None))

    def eu_threshold(self, category: str | None, nature: str | None, as_of: date) -> Decimal | None:
        """EU threshold (EUR, net of VAT) for a buyer category and nature on a date; None when not known."""
        period = self.threshold_period(as_of)
        if period is None or category is None or nature is None:
            return None
        return period["values"].get(category, {}).get(nature)

    def lowest_threshold(self, nature: str | None, as_of: date) -> Decimal | None:
        """The lowest EU threshold of any buyer category for a nature (to decide "below" without a category)."""
        period = self.threshold_period(as_of)
        if period is None or nature is None:
            return None
        values = [by_nature[nature] for by_nature in period["values"].values() if nature in by_nature]
        return min(values, default=None)

    def is_social_services(self, cpv: str | None) -> bool:
        """True when the main CPV falls in the light regime (Annex XIV) list we hold."""
        prefixes = self.raw["thresholds"]["social_services_cpv"]["prefixes"]
        return bool(cpv) and any(cpv.startswith(p) for p in prefixes)

    def french_thresholds(self, as_of: date) -> list[dict[str, Any]]:
        """French national thresholds in force on `as_of`."""
        return [t for t in self.raw["thresholds"]["french"] if in_period(t, as_of)]

    @property
    def buyer_categories(self) -> dict[str, Any]:
        return self.raw["thresholds"]["buyer_categories"]

    @property
    def legal_categories(self) -> dict[str, Any]:
        """INSEE legal category -> buyer category (legal_categories.yaml)."""
        return self.raw["legal_categories"]

    @property
    def social_services(self) -> dict[str, Any]:
        return self.raw["thresholds"]["social_services_cpv"]

    @property
    def plausible_estimate(self) -> dict[str, Any]:
        return self.raw["thresholds"]["plausible_estimate"]

    def sector_of(self, activity: str | None) -> str | None:
        """The utilities sector (eForms BT-610 code) of a buyer activity, None when it is not a utilities one."""
        return self.buyer_categories["utilities_activities"].get(activity or "")

    # -- money ----------------------------------------------------------------------------------------------
    def rate(self, currency: str, as_of: date) -> dict[str, Any] | None:
        """The EUR rate entry for a currency on a date, or None (the value is then unknown, never guessed)."""
        entries = self.raw["exchange_rates"]["rates"].get(currency.upper(), [])
        return next((e for e in reversed(entries) if in_period(e, as_of)), None)

    def to_eur(self, money: Money | None, as_of: date | None) -> Decimal | None:
        """The EUR value of an amount, rounded to the cent: EUR as it is, another currency at its rate in force on
        `as_of`. None when the amount, the date or the rate is missing: a value is never guessed.
        The one conversion every rule, the store and the reports use."""
        if money is None or not money.amount.is_finite():
            return None
        currency = (money.currency or "EUR").upper()
        if currency == "EUR":
            per_eur = Decimal(1)
        else:
            entry = None if as_of is None else self.rate(currency, as_of)
            if entry is None:
                return None
            per_eur = entry["per_eur"]
        try:
            return _WIDE.divide(money.amount, per_eur).quantize(_CENT, context=_WIDE)
        except decimal.DecimalException:  # past 10^57 (the parsers refuse past 10^18): no figure, never a raise
            return None

    # -- countries ------------------------------------------------------------------------------------------
    def is_eu_eea(self, country: str, as_of: date) -> bool:
        """Member of the EU or the EEA on `as_of` (GB until 2020-12-31)."""
        countries = self.raw["countries"]
        entry = countries["eu_members"].get(country) or countries["eea_members"].get(country)
        return entry is not None and in_period(entry, as_of)

    def eea_entry(self, country: str) -> dict[str, Any] | None:
        """The EU or EEA membership entry of a country (dates, source, confidence), or None."""
        countries = self.raw["countries"]
        return countries["eu_members"].get(country) or countries["eea_members"].get(country)

    def french_territory(self, country: str | None) -> dict[str, Any] | None:
        """The entry of a French outermost region or overseas collectivity (operators there are FR), else None."""
        return self.raw["countries"]["french_territories"].get(country or "")

    def is_eu(self, country: str | None, as_of: date) -> bool:
        entry = self.raw["countries"]["eu_members"].get(country or "")
        return entry is not None and in_period(entry, as_of)

    def agreements_in_force(self, country: str, as_of: date) -> list[dict[str, Any]]:
        """The partner's agreements applying on `as_of`, each merged with the agreement's definition."""
        partner = self.raw["countries"]["partners"].get(country)
        if partner is None:
            return []
        definitions = self.raw["countries"]["agreements"]
        return [{**definitions[a["id"]], **a} for a in partner["agreements"] if in_period(a, as_of)]

    def agreement(self, agreement_id: str) -> dict[str, Any]:
        return self.raw["countries"]["agreements"][agreement_id]

    def partners_in_force(self, agreement_id: str, as_of: date) -> dict[str, dict[str, Any]]:
        """Partner country -> its entry for this agreement, for the partners that apply it on `as_of` (computed once
        per agreement and date: every notice asks it for every agreement; callers only read it)."""
        return self._memoised(("partners", agreement_id), self._partner_entries, as_of,
                              lambda: self._partners_in_force(agreement_id, as_of))

    def _partners_in_force(self, agreement_id: str, as_of: date) -> dict[str, dict[str, Any]]:
        return {country: item for country, partner in self.raw["countries"]["partners"].items()
                for item in partner["agreements"] if item["id"] == agreement_id and in_period(item, as_of)}

    def partner_names(self, country: str) -> tuple[str, str]:
        """The partner's name in English and in French (with its article: "la Serbie")."""
        partner = self.raw["countries"]["partners"].get(country)
        return (partner["name"], partner["name_fr"]) if partner else (country, country)

    def outside_agreements(self, kind: str) -> dict[str, Any]:
        """Why a kind of procurement (defence, social-services) is outside every agreement, with its source."""
        return self.raw["countries"]["outside_agreements"][kind]

    def all_agreement_ids(self) -> list[str]:
        return list(self.raw["countries"]["agreements"])

    def agreements_applied(self, as_of: date) -> list[str]:
        """Agreement ids that apply to at least one partner on `as_of` (in definition order; found once per date)."""
        return list(self._memoised(("partners", ""), self._partner_entries, as_of,
                                   lambda: self._agreements_applied(as_of)))

    def _agreements_applied(self, as_of: date) -> list[str]:
        applied = {a["id"] for p in self.raw["countries"]["partners"].values() for a in p["agreements"]
                   if in_period(a, as_of)}
        return [aid for aid in self.raw["countries"]["agreements"] if aid in applied]

    # -- measures and texts -----------------------------------------------------------------------------------
    @property
    def ipi_measures(self) -> list[dict[str, Any]]:
        return self.raw["ipi"]["measures"]

    @property
    def fsr(self) -> dict[str, Any]:
        return self.raw["fsr"]["notification"]

    @property
    def nzia(self) -> dict[str, Any]:
        return self.raw["nzia"]

    @property
    def instruments(self) -> list[dict[str, Any]]:
        return self.raw["instruments"]["instruments"]

    def clause(self, name: str) -> dict[str, Any]:
        return self.raw["clauses"][name]

    def patterns(self, clause: str) -> list[str]:
        return self.raw["clauses"][clause]["patterns"]

    @property
    def scoreboard(self) -> dict[str, Any]:
        return self.raw["scoreboard"]

    @property
    def benefit_reasons(self) -> dict[str, dict[str, Any]]:
        return self.raw["benefit"]["reasons"]

    def iter_entries(self):
        """Yield (file, key path, entry) for every legal-fact entry, so tests can check each has a source."""
        for name, data in self.raw.items():
            yield from _entries(name, data, "")


def _entries(file: str, value: Any, path: str):
    if isinstance(value, dict):
        if "source" in value:
            yield file, path, value
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield from _entries(file, item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _entries(file, item, f"{path}[{i}]")


@lru_cache(maxsize=4)
def load_rule_data(directory: Path | None = None) -> RuleData:
    """The rule data, loaded and validated once per directory (cached)."""
    return RuleData(directory)


@lru_cache(maxsize=4)
def data_version(directory: Path | None = None) -> str:
    """A short fingerprint of the rule data files (SHA-256 of their names and bytes), printed on reports so that a
    report can be traced to the rules it applied."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((directory or DATA_DIR).glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
