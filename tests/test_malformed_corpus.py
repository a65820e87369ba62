"""The fixed corpus of malformed files (``tests/data/malformed``, one per format family and
way of breaking): every one loads without an exception, accounts for every row, keeps the good
rows around a bad one, and leaves a consistent graph."""

from __future__ import annotations

import json

import pytest

from conftest import DATA
from malformed import SAMPLE_ROWS, bases, forum
from test_fuzz import LINE_LOCAL, check_load

CORPUS = DATA / "malformed"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
ROW_PER_LINE = {family for family, (_, _, per_line) in bases().items() if per_line}


def test_the_corpus_is_large_and_covers_every_family():
    assert len(MANIFEST) >= 50
    assert {case["family"] for case in MANIFEST} == set(bases())
    assert all((CORPUS / case["file"]).is_file() for case in MANIFEST)


@pytest.mark.parametrize("case", MANIFEST, ids=[case["file"] for case in MANIFEST])
def test_a_malformed_file(graph, case):
    expected = ([forum(r) for r in SAMPLE_ROWS]
                if case["family"] in ROW_PER_LINE and case["mutation"] in LINE_LOCAL else ())
    check_load(graph, CORPUS / case["file"], expected)
