"""`reciprocity benchmark`: one buyer's indicators against its peers (audit/benchmark.py)."""

from __future__ import annotations

import json
import sys

import click

from .base import EXIT_USAGE, db_option, lang_option, main


@main.command()
@click.option("--buyer", "query", required=True, help="The buyer's id (SIRET, registration number) or its name.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the benchmark as one JSON object.")
@lang_option
def benchmark(query: str, db: str, as_json: bool, lang: str) -> None:
    """Compare a buyer with its peers (same category, region and CPV division, widened when fewer than 30):
    its indicators, the peers' median and quartiles, and the Scoreboard reference values."""
    from ..audit.benchmark import benchmark as compare
    from ..audit.benchmark import find_buyers
    from ..audit.benchmark_text import render_candidates, render_text
    from ..audit.store import open_db

    database = open_db(db, create=False)
    candidates = find_buyers(database, query)
    if len(candidates) != 1:  # none, or several: the user chooses, never a guess
        if as_json:
            click.echo(json.dumps({"query": query, "candidates": candidates}, ensure_ascii=False))
        else:
            click.echo(render_candidates(query, candidates, lang), err=not as_json)
        sys.exit(EXIT_USAGE)
    result = compare(database, candidates[0]["buyer_id"])
    click.echo(json.dumps(result, ensure_ascii=False) if as_json else render_text(result, lang))
