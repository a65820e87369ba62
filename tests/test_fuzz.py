"""Fuzzing every format family on the real Neo4j: hypothesis breaks well-formed files the ways
real files break (wrong types at any depth, missing and repeated fields, invalid UTF-8, NUL
bytes, byte-order marks, mixed line endings, very long lines and values, deep nesting,
truncation, random bytes under a data file's name), and every load keeps the promises:

* no exception (the command line would show a traceback);
* read = loaded + rejected, per file and in all; every reject names its source, line and reason;
* the good rows around a bad one load;
* afterwards the graph passes the consistency checks (kept counts, statistics, labels) and
  no two nodes share a key.

The fixed regression corpus built from the same mutations is ``tests/data/malformed``
(``test_malformed_corpus.py``).
"""

from __future__ import annotations

import itertools
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import CHAOS, quick_or_long, run, stale_counts
from graph.model import NODES
from malformed import MUTATIONS, SAMPLE_ROWS, bases, forum, wrong_types

BASES = bases()
# mutations that touch one line of a row-per-line file: every other row must still load
LINE_LOCAL = {"nul_byte", "invalid_utf8", "byte_order_mark", "mixed_line_endings", "very_long_line",
              "very_long_value", "deep_nesting", "repeated_line", "missing_line_end", "wrong_types"}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)

_names = itertools.count()


def check_load(graph, path, rows_expected=()):
    """Load one file and check every promise; returns the summary."""
    summary = graph.load([path], progress=False)
    assert summary.read == summary.loaded + summary.rejected
    for f in summary.files:
        assert f["read"] == f["loaded"] + f["rejected"], f
    assert len(summary.rejects) >= summary.rejected, summary.rejects  # each rejected row is named
    for reject in summary.rejects:
        assert reject["source"] and isinstance(reject["reason"], str) and reject["reason"].strip(), reject
        assert reject["line"] is None or (isinstance(reject["line"], int) and reject["line"] >= 1), reject
    if rows_expected:
        present = {r["id"] for r in run(graph, "MATCH (p:Paper) WHERE p.id IN $ids RETURN p.id AS id",
                                         ids=list(rows_expected))}
        missing = set(rows_expected) - present
        assert len(missing) <= 1, f"good rows lost around one bad row: {sorted(missing)}"
    assert stale_counts(graph) == []
    for label, node in NODES.items():
        dup = run(graph, f"MATCH (n:`{label}`) WITH n.`{node.key}` AS k, count(*) AS c WHERE c > 1 "
                         f"RETURN k LIMIT 3")
        assert dup == [], (label, dup)
    return summary


def mutated(family: str, mutation: str, seed: int, value=None) -> bytes:
    name, data, _ = BASES[family]
    rng = random.Random(seed)
    if mutation == "wrong_types":
        rows = list(SAMPLE_ROWS)
        k = rng.randrange(len(rows))
        rows[k] = wrong_types(rows[k], rng, value)
        if family == "paper-json":
            return json.dumps(rows, default=str).encode("utf-8", "surrogatepass")
        return "".join(json.dumps(r, default=str) + "\n" for r in rows).encode("utf-8", "surrogatepass")
    return MUTATIONS[mutation](data, rng)


@pytest.mark.parametrize("family", sorted(BASES))
@settings(max_examples=quick_or_long(12, 150), deadline=None, derandomize=not CHAOS, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_broken_file_never_crashes_a_load_nor_costs_the_good_rows(graph, tmp_path, family, data):
    mutations = sorted(MUTATIONS) + (["wrong_types"] * 3 if family in ("paper-jsonl", "paper-json") else [])
    mutation = data.draw(st.sampled_from(mutations), label="mutation")
    seed = data.draw(st.integers(0, 2**32), label="seed")
    value = data.draw(JSON_VALUES, label="value") if mutation == "wrong_types" else None
    name, _, row_per_line = BASES[family]
    path = tmp_path / f"{next(_names)}-{name}"
    path.write_bytes(mutated(family, mutation, seed, value))
    graph.reset()
    expected = [forum(r) for r in SAMPLE_ROWS] if row_per_line and mutation in LINE_LOCAL else ()
    check_load(graph, path, expected)
