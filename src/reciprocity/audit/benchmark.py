"""A buyer against its peers (issue 14): its indicators, and the median and quartiles of the same indicators over
the buyers like it.

Peers are the other buyers with the same category, region (NUTS 2) and main CPV division. When fewer than
`MIN_PEERS` remain, the group is widened one step at a time: the region is dropped, then the CPV division, and
finally every buyer of the same country is a peer; each step tried is reported with its size. A dimension the
buyer itself lacks (no NUTS code, as in DECP; no category) cannot be matched and is left out of every step.

A peer value is one value per peer buyer: its own ratio (numerator over denominator, over all its notices), for
the peers that have at least one record for that indicator. The median and quartiles are pandas' (linear
interpolation between ranks, numpy's default). Scoreboard reference values (rules/data/scoreboard.yaml) are shown
beside the indicators they define; they are context, never law.

What each indicator counts (per buyer, over all its notices):
- single_bidder: lots (results) with exactly one tender, of those with a known number of tenders above zero;
- sme_winners / sme_winners_value: winners stated as SMEs, of winners whose size is stated (by count; by their
  share of the lot's EUR value);
- divided_into_lots: notices with two lots or more, of notices with lots;
- price_only: notices where SME-PRICE-ONLY is flagged on some lot (price the only criterion, or carrying all the
  weight), of notices where that check was decided;
- tender_period_margin_days: per notice, the days between dispatch and deadline beyond the legal minimum on its
  tightest lot (SME-SHORT-DEADLINE's evidence, where decided); the buyer's value is the median over its notices;
- non_eea_tenders: lots that received a tender from outside the EEA, of lots whose non-EEA count is known;
- uncovered_winners: winners from a third country with no agreement, of winners whose origin class is known;
- france_value_share: the EUR value won by firms in France, of the buyer's awarded EUR value.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pandas as pd

from ..errors import NotFoundError
from ..model import ORIGIN_CLASSES
from ..rules.data import load_rule_data
from .benchmark_profiles import candidate_rows, count_peers, ensure, peer_rows, profile_row
from .store import as_db

MIN_PEERS = 30
# the peer group's dimensions, narrowest first; the last step is the whole country
LEVELS = (("category", "region", "division"), ("category", "division"), ("category",), ("country",))
# indicator -> (numerator column, denominator column, lower is better (None: no direction; the Scoreboard's own
# `lower_is_better` wins where it has the indicator), Scoreboard key)
RATIOS = {
    "single_bidder": ("single_bid", "with_bids", None, "single_bidder"),
    "sme_winners": ("sme", "sized", None, "sme_winners"),
    "sme_winners_value": ("sme_value", "sized_value", False, None),
    "divided_into_lots": ("divided", "with_lots", None, "divided_into_lots"),
    "price_only": ("price_only", "price_known", None, "price_only"),
    "non_eea_tenders": ("non_eea", "non_eea_known", None, None),
    "uncovered_winners": ("uncovered", "classified", None, None),
    "france_value_share": ("fr_value", "value_eur", None, None),
}
MARGIN = "tender_period_margin_days"  # median days of tender period beyond the legal minimum (more is better)
CANDIDATES = 20
__all__ = ["MIN_PEERS", "LEVELS", "RATIOS", "benchmark", "find_buyers", "peer_group", "quartiles"]


def fold(text: Any) -> str:
    """A name as compared: lower case, accents removed, spaces collapsed (no name: empty)."""
    decomposed = unicodedata.normalize("NFKD", text if isinstance(text, str) else "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def find_buyers(db, query: str, keep: bool = True) -> list[dict[str, Any]]:
    """The buyers an id or a name designates: the buyer with that id, else the one whose name is exactly `query`
    (accents and case aside), else every buyer whose name contains it (several: candidates, never a guess)."""
    db = as_db(db)
    ensure(db, keep)
    frame = candidate_rows(db)
    wanted = query.strip()
    exact = frame[frame["buyer_id"] == wanted]
    if not len(exact):
        names = frame["name"].map(fold)
        exact = frame[names == fold(wanted)]
        if len(exact) != 1:
            exact = frame[names.str.contains(fold(wanted), regex=False)] if fold(wanted) else exact.iloc[0:0]
    ranked = exact.sort_values(["notices", "buyer_id"], ascending=[False, True]).head(CANDIDATES)
    return [
        {
            "buyer_id": r.buyer_id,
            "name": _clean(r.name),
            "country": _clean(r.country),
            "category": _clean(r.category),
            "notices": int(r.notices),
        }
        for r in ranked.itertuples(index=False)
    ]


def _clean(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def peer_group(db, buyer: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The buyer's peers and how they were chosen: each step tried (its dimensions and size), the one used.
    Each step is one count over an index of the profiles; only the chosen peers' rows are read."""
    steps: list[dict[str, Any]] = []
    for level in LEVELS:
        used = {d: buyer[d] for d in level if buyer.get(d) is not None}
        if not used or (steps and steps[-1]["dimensions"] == used):  # a dimension the buyer lacks: same step
            continue
        steps.append({"dimensions": used, "size": count_peers(db, used, buyer["buyer_id"])})
        if steps[-1]["size"] >= MIN_PEERS:
            break
    if not steps:  # the buyer has no category, region, division nor country: every other buyer
        steps.append({"dimensions": {}, "size": count_peers(db, {}, buyer["buyer_id"])})
    chosen = steps[-1]
    group = {
        "dimensions": chosen["dimensions"],
        "size": chosen["size"],
        "min_peers": MIN_PEERS,
        "widened": len(steps) > 1,
        "enough": chosen["size"] >= MIN_PEERS,
        "steps": steps,
    }
    return peer_rows(db, chosen["dimensions"], buyer["buyer_id"]), group


def quartiles(values: pd.Series) -> dict[str, Any]:
    """Count, first quartile, median and third quartile of peer values (linear interpolation between ranks)."""
    values = values.dropna().astype(float)
    if not len(values):
        return {"n": 0, "q1": None, "median": None, "q3": None}
    q1, median, q3 = (round(float(values.quantile(q)), 4) for q in (0.25, 0.5, 0.75))
    return {"n": int(len(values)), "q1": q1, "median": median, "q3": q3}


def _number(value: float) -> int | float:
    """A count as a whole number, a EUR sum to the cent."""
    return int(value) if float(value).is_integer() else round(value, 2)


def _ratio(frame: pd.DataFrame, numerator: str, denominator: str) -> pd.Series:
    denominators = frame[denominator].astype(float)
    return (frame[numerator].astype(float) / denominators).where(denominators > 0)


def _indicators(buyer: dict[str, Any], peers: pd.DataFrame) -> dict[str, dict[str, Any]]:
    references = load_rule_data().scoreboard["indicators"]
    figures = {}
    for key, (numerator, denominator, lower, reference) in RATIOS.items():
        top, bottom = float(buyer[numerator] or 0), float(buyer[denominator] or 0)
        entry = references.get(reference) if reference else None
        figures[key] = {
            "value": round(top / bottom, 4) if bottom > 0 else None,
            "numerator": _number(top),
            "denominator": _number(bottom),
            "lower_is_better": entry["lower_is_better"] if entry else lower,
            "peers": quartiles(_ratio(peers, numerator, denominator)),
            "reference": entry,
        }
    margin = buyer.get("margin_median")
    figures[MARGIN] = {
        "value": None if margin is None else float(margin),
        "numerator": None,
        "denominator": int(buyer["margins"] or 0),
        "lower_is_better": False,
        "peers": quartiles(peers["margin_median"]),
        "reference": None,
    }
    return figures


def _origin(buyer: dict[str, Any]) -> dict[str, Any]:
    """The buyer's awards and EUR value by origin class of the winner."""
    awards, value = int(buyer["winners"] or 0), float(buyer["value_eur"] or 0)
    classes = {}
    for name in ORIGIN_CLASSES:
        count, amount = int(buyer[f"awards_{name}"] or 0), float(buyer[f"value_{name}"] or 0)
        classes[name] = {
            "awards": count,
            "share": round(count / awards, 4) if awards else None,
            "value_eur": round(amount, 2),
            "value_share": round(amount / value, 4) if value else None,
        }
    return {
        "awards": awards,
        "value_eur": round(value, 2),
        "awards_without_eur_value": awards - int(buyer["with_eur"] or 0),
        "classes": classes,
    }


def benchmark(db, buyer_id: str, keep: bool = True) -> dict[str, Any]:
    """One buyer's indicators against its peer group (JSON-ready). Raises NotFoundError for an unknown buyer.

    `keep`: store the buyers' profiles when they had to be computed (the web app passes False: it never writes)."""
    db = as_db(db)
    ensure(db, keep)
    buyer = profile_row(db, buyer_id)
    if buyer is None:
        raise NotFoundError(f"no buyer with id {buyer_id!r}")
    peers, group = peer_group(db, buyer)
    return {
        "buyer": {
            "id": buyer["buyer_id"],
            "name": buyer["name"],
            "country": buyer["country"],
            "category": buyer["category"],
            "region": buyer["region"],
            "cpv_division": buyer["division"],
            "notices": int(buyer["notices"]),
            "awards": int(buyer["winners"] or 0),
        },
        "peer_group": group,
        "indicators": _indicators(buyer, peers),
        "origin": _origin(buyer),
        "scoreboard_source": load_rule_data().scoreboard["source"],
    }
