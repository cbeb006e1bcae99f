"""Fuzz (issue 16): mutated samples of the three formats only ever raise `ReciprocityError` (fuzz_inputs.py).

Bounded to run in seconds; `bench/fuzz.py` runs the same property for minutes.
"""

from __future__ import annotations

from fuzz_inputs import mutated, read_everything
from hypothesis import HealthCheck, given, settings

MAX_EXAMPLES = 200


@given(data=mutated())
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
def test_mutated_notices_give_notices_or_a_reciprocity_error(data: bytes):
    read_everything(data)
