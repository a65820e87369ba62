"""Unit tests: the dataset-viewer text dump, whose dropped empty strings shift fields."""

import re
from pathlib import Path

from conftest import DATA, SAMPLES, read_jsonl
from loaders.viewer_dump import read_rows

DUMP = DATA / "neurips2023-workshops.viewer.txt"


def test_dump_gives_the_same_rows_as_the_plain_sample():
    rows = list(read_rows(DUMP))
    assert [r.error for r in rows if r.error] == []
    plain = read_jsonl(SAMPLES / "neurips2023-workshops.jsonl")
    assert len(rows) == len(plain) == 100
    for got, want in zip(rows, plain):
        assert got.value == want


def test_rows_report_the_line_where_they_start():
    lines = DUMP.read_text(encoding="utf-8").split("\n")
    rows = list(read_rows(DUMP))
    for row in rows[:10]:
        # each row starts with bibtex_url (null) followed by its OpenReview URL
        assert lines[row.line - 1] == "null"
        assert lines[row.line] == row.value["proceedings"]


def test_dropped_fields_are_recognised_by_shape():
    # the header says arxiv_id may be empty; 62 rows have neither arXiv id nor paper page
    text = DUMP.read_text(encoding="utf-8")
    rows = {r.value["proceedings"]: r.value for r in read_rows(DUMP)}
    with_arxiv = [v for v in rows.values() if v["arxiv_id"]]
    with_page = [v for v in rows.values() if v["paper_page"]]
    arxiv_lines = re.findall(r"^\d{4}\.\d{4,5}$", text, re.MULTILINE)
    assert len(with_arxiv) == len(arxiv_lines) == 38
    assert sorted(v["arxiv_id"] for v in with_arxiv) == sorted(arxiv_lines)
    assert len(with_page) == text.count("https://huggingface.co/papers/") == 5
    for v in with_page:
        assert v["paper_page"].startswith("https://huggingface.co/papers/")


def test_a_broken_row_is_reported_and_the_rest_still_read(tmp_path):
    lines = DUMP.read_text(encoding="utf-8").split("\n")
    first_rows = list(read_rows(DUMP))[:3]
    # cut the authors line out of the second row: its fields no longer fit
    start = first_rows[1].line - 1
    broken = lines[:start + 5] + lines[start + 6:]
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(broken), encoding="utf-8")
    rows = list(read_rows(path))
    errors = [r for r in rows if r.error]
    assert len(errors) == 1 and errors[0].line == start + 1
    assert "authors" in errors[0].error or "expected column" in errors[0].error
    assert len([r for r in rows if not r.error]) == 99
