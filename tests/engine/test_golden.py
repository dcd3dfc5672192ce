"""Golden results: the same seed gives the same numbers, release after release.

``scenarios/minimal.yaml`` and ``tests/golden/journeys.yaml`` (FCR, repeats, redials, self-service,
third parties, chat and e-mail on a 24-hour line with a constant rate) are run with their seeds
and 2 replications and compared exactly with the committed tables in ``tests/golden/``: the
summary and intervals whole, the first contacts and journeys of each replication. Any change in
the values or the order of the draws moves some of them. Values are compared, not dtypes (the
speed work may change those), and only the columns the golden file has (a new column is not a
change in numbers). The test never rewrites the files: when a change is meant to move numbers,
regenerate them on purpose with ``python -m tests.golden.regenerate`` and say why in the commit.
A failure after an upgrade of numpy or numba may be theirs: ``VERSIONS.json`` says what made them.
"""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from tests.golden.regenerate import CASES, FORMATS, VERSIONS, read, tables, versions


@cache
def fresh(case: str) -> dict[str, pd.DataFrame]:
    return tables(case)


@pytest.mark.parametrize("table", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_run_matches_its_golden_table(case: str, table: str) -> None:
    golden = read(case, table)
    actual = fresh(case)[table]
    missing = [c for c in golden.columns if c not in actual.columns]
    assert not missing, f"{case} {table}: columns gone from the run: {missing}"
    try:
        pd.testing.assert_frame_equal(
            actual[golden.columns], golden, check_dtype=False, check_exact=True
        )
    except AssertionError as exc:
        made = json.loads(VERSIONS.read_text(encoding="utf-8"))
        raise AssertionError(
            f"{case} {table} differs from tests/golden/: {exc}\n"
            f"golden made with {made}; this run {versions()}.\n"
            "If the change is meant to move the numbers: python -m tests.golden.regenerate"
        ) from None
