"""The one explicit registry of rule modules, run in this order by `assess()`.

Interface (for every rule family, ours and the SME engineer's):

- A rule module exposes `CODES: tuple[str, ...]` (the finding codes it emits, each described in
  `data/codes.yaml`) and `check(ctx: Context) -> list[Finding]`, returning at least one finding per code
  with an honest status: flagged | passed | not-applicable | insufficient-data (evidence says what is missing).
  Rules are pure: they read `ctx` only and do no I/O.
- `ctx` is `rules.base.Context(notice, data, as_of, coverage, origin)`:
  `data` is `rules.data.load_rule_data()` (a cached `RuleData`: `eu_threshold(category, nature, as_of)`,
  `to_eur(money, as_of)`, `is_eu_eea(country, as_of)`, `agreements_in_force(country, as_of)`, `code(code)`…);
  `as_of` is the launch date (dispatch date, else today for a draft) that decides which rule version applies;
  `coverage` is `rules.agreements.coverage(notice, data, as_of)`: keys `gpa`, `agreements`, `threshold_eur`,
  `buyer_category` ("central" | "sub-central" | "utilities" | "defence" | None), `value_eur` (Decimal or None),
  `nature` (works | supplies | services | social-services | None), `above_threshold`, `missing`, and the
  decision per agreement and partner: `by_agreement` (covers, reasons, to_confirm, partners), `covered_countries`,
  `basis` ("computed" | "declared by the notice (BT-115)" | "conflict"), `conflicts`…;
  `origin` is `rules.origin.classify_winners(...)`: one dict per winner (name, country, class, lot, to_confirm…),
  the class decided for the winner's own country (`rules.partners.partner_coverage`).
- Findings are built only with `rules.findings.make_finding(ctx, code, status, lot=None, evidence=…,
  severity=None, variant=None, to_confirm=None, **message_params)`, which takes the EN/FR messages, legal
  reference, recommendation and confidence from `data/codes.yaml`; `to_confirm` (rules/confirm.py) lists the
  unconfirmed facts relied on, with their sources, and makes the finding unconfirmed.
- Own data files are loaded with `rules.data.load_yaml(name, schema)` (strict: unknown keys, missing `source`
  and bad dates raise `RuleDataError` naming the file and key; schemas in `rules.schema`).
- `rules.sme_score.compute(ctx, findings) -> dict` gives the SME score; `assess()` calls it after the rules.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    agreements,
    competition,
    conflicts,
    fsr,
    ipi,
    kolin,
    nzia,
    origin,
    quality,
    sme_deadline,
    sme_lots,
    sme_tender,
    sme_turnover,
    tenders,
    utilities,
)

# Order matters only for reading the report: coverage first, quality last.
RULES: list[ModuleType] = [
    agreements,
    kolin,
    origin,
    tenders,
    utilities,
    ipi,
    fsr,
    nzia,
    sme_lots,
    sme_turnover,
    sme_deadline,
    sme_tender,
    competition,
    quality,
    conflicts,
]


def all_codes() -> list[str]:
    """Every finding code the registry can emit, in registry order."""
    return [code for module in RULES for code in module.CODES]
