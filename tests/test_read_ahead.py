"""Reading in a second process (``citegraph.read_ahead``, used by ``load --bulk``): the rows
that arrive are the rows the reader makes in this process, in the same order, with the
same rejects and warnings; an error arrives where it happened; the child never outlives
the reading."""

from __future__ import annotations

import json
import os
from array import array
import pickle
import signal
from pathlib import Path

import pytest

import loaders
from citegraph.errors import LoadError
from citegraph.read_ahead import ReadAhead, available
from graph.papers import PaperRef
from graph.records import Citations, Edge, Node, Reject, ReplaceEdges, Row
from loaders.registry import Format, LoadOptions

ROOT = Path(__file__).parent
pytestmark = pytest.mark.skipif(not available(), reason="needs fork")

FILES = [  # real exports, hostile files with rejects and warnings, and the samples
    ("samples/neurips2023-workshops.jsonl", LoadOptions()),
    ("tests/data/real/bibtex/dblp-person-ley.bib", LoadOptions()),
    ("tests/data/real/bibtex/acl-anthology.bib", LoadOptions()),
    ("tests/data/real/s2/paper-with-citations.json", LoadOptions()),
    ("tests/data/real/openalex/work-2022-host-venue.json", LoadOptions()),
    ("tests/data/malformed/edges/repeated_line-citations.tsv", LoadOptions(batched=True)),
    ("tests/data/malformed/edges/invalid_utf8-citations.tsv", LoadOptions(batched=True)),
    ("tests/data/malformed/bibtex/truncated-library.bib", LoadOptions()),
    ("tests/data/malformed/openalex/mixed_line_endings-works.jsonl", LoadOptions()),
]


def _file(name: str) -> str:
    return str(ROOT.parent / name)


def _comparable(rows: list) -> list:
    """The rows with each reading's own name for its paper numbering taken out (two readings of
    one file number its papers the same, under names of their own)."""
    for row in rows:
        for rec in row.records:
            if isinstance(rec, Citations):
                rec.numbering = ""
    return rows


@pytest.mark.parametrize("name,options", FILES, ids=[Path(f).name for f, _ in FILES])
def test_the_rows_read_ahead_are_the_rows_read_here(name, options):
    here = _comparable(list(loaders.read(_file(name), "auto", options)))
    ahead = ReadAhead(_file(name), "auto", options)
    there = _comparable(list(ahead))
    assert there == here
    assert len(here) > 0
    assert ahead.own_mb and ahead.own_mb > 0  # the child said how much memory it took


def test_an_edge_list_read_ahead_keeps_its_rejects_warnings_and_lines(tmp_path):
    lines = ["citing\tcited", "10.1000/a\t10.1000/b", "10.1000/a\t10.1000/c", "not an id\t", "10.1000/a\t10.1000/b",
             "10.1000/c\t10.1000/c", "10.1000/b\t10.1000/c"]
    path = tmp_path / "cites.tsv"
    path.write_text("\n".join(lines) + "\n")
    rows = list(ReadAhead(str(path), "auto", LoadOptions(batched=True)))
    # by hand: line 4 has one identifier; line 6 cites itself; line 5 repeats line 2
    assert [r.reject.line for r in rows if r.reject] == [4]
    assert [(r.line, r.warnings) for r in rows if r.warnings] == [
        (6, ["10.1000/c cites itself; not written"]),
        (5, ["the same citation as line 2; written once"])]
    batches = [rec for r in rows for rec in r.records if isinstance(rec, Citations)]
    known = {}  # paper number -> reference: each given once, with the first batch that names it
    pairs = []
    for c in batches:
        assert not known.keys() & c.refs.keys()
        known.update((number, ref) for number, (ref, _) in c.refs.items())
        pairs += [(known[p >> 32].doi, known[p & 0xFFFFFFFF].doi, line) for p, line in zip(c.numbers, c.lines)]
    assert pairs == [("10.1000/a", "10.1000/b", 2), ("10.1000/a", "10.1000/c", 3), ("10.1000/a", "10.1000/b", 5),
                     ("10.1000/b", "10.1000/c", 7)]
    assert sum(r.lines for r in rows) == 6  # six data lines after the header (the repeat's warning: none)


def _failing_format(error: BaseException, after: int):
    def read(path, source, options):
        for line in range(1, after + 1):
            yield Row(source, line, records=[Node("Author", f"a{line}", props={"name": f"A {line}"})])
        raise error
    return Format("failing", "a reader that fails midway", read)


@pytest.fixture
def failing(monkeypatch):
    def use(error, after=3):
        monkeypatch.setitem(loaders.FORMATS, "failing", _failing_format(error, after))
    return use


def test_an_error_arrives_after_the_rows_before_it(failing, tmp_path):
    failing(LoadError("line 4: the rest cannot be read"), after=3)
    (tmp_path / "f").write_text("x")
    got = []
    with pytest.raises(LoadError, match="line 4: the rest cannot be read"):
        for row in ReadAhead(str(tmp_path / "f"), "failing"):
            got.append(row.line)
    assert got == [1, 2, 3]


def test_an_error_past_a_chunk_arrives_after_every_row_before_it(failing, tmp_path):
    failing(UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), after=1000)
    (tmp_path / "f").write_text("x")
    got = []
    with pytest.raises(UnicodeDecodeError) as raised:
        for row in ReadAhead(str(tmp_path / "f"), "failing"):
            got.append(row.line)
    assert got == list(range(1, 1001))
    assert "in the reading process" in "\n".join(raised.value.__notes__)  # where it happened, for a bug report


class _Unpicklable(Exception):
    def __init__(self, a, b):  # (pickled with args=(message,), rebuilt with one argument: fails)
        super().__init__(f"{a} and {b}")


def test_an_error_that_cannot_cross_says_what_it_was(failing, tmp_path):
    failing(_Unpicklable("this", "that"), after=2)
    (tmp_path / "f").write_text("x")
    with pytest.raises(RuntimeError, match="_Unpicklable: this and that"):
        list(ReadAhead(str(tmp_path / "f"), "failing"))


def test_a_missing_file_is_the_readers_error(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        list(ReadAhead(str(tmp_path / "absent.jsonl"), "jsonl"))


def test_stopping_early_stops_the_child(failing, tmp_path):
    failing(LoadError("never reached"), after=100_000)
    (tmp_path / "f").write_text("x")
    ahead = ReadAhead(str(tmp_path / "f"), "failing")
    rows = iter(ahead)
    assert next(rows).line == 1
    rows.close()  # the reading loop left early (an error in the writer, Ctrl-C)
    assert not ahead._process.is_alive()
    assert ahead._process.exitcode is not None


def test_a_child_that_dies_is_an_error_not_the_end_of_the_input(failing, tmp_path):
    failing(LoadError("never reached"), after=1_000_000)
    (tmp_path / "f").write_text("x")
    ahead = ReadAhead(str(tmp_path / "f"), "failing")
    rows = iter(ahead)
    next(rows)
    os.kill(ahead._process.pid, signal.SIGKILL)
    with pytest.raises(LoadError, match=r"stopped unexpectedly \(exit code -9;"):
        for _ in rows:
            pass


def test_records_pickle_by_their_fields():
    ref = PaperRef.make(doi="https://doi.org/10.1000/X", title="A Title")
    records = [Node("Paper", ref, props={"title": "A Title"}, create_props={"stub": False}, extra_labels=("X",),
                    sources=["s"], row_hash="h"),
               Edge("AUTHORED", "Author", "a b", "Paper", ref, props={"position": 1}, sources=["s"]),
               Citations([7], array("q", [1]), {0: (ref, 7), 1: (PaperRef(arxiv="2301.00001"), 7)}, "n1", ["s"])]
    row = Row("file", 3, records=records, reject=Reject("file", 3, "why", "raw"), warnings=["w"], lines=2)
    back = pickle.loads(pickle.dumps(row))
    assert back == row
    assert back.records[0].key is back.records[1].end_key  # one object stays one object
    assert back.records[0].key.doi == "10.1000/x"


def test_a_row_with_a_key_neo4j_cannot_index_is_a_reject_read_ahead_too(tmp_path):
    """The check that keys fit Neo4j's index runs in the writing process: a 5,000-character
    author name (a key of more than 4,000 bytes) rejects its row, not the rows around it."""
    rows = [{"title": f"Paper {i}", "authors": ["Ada Lovelace", "B" * 5000 if i == 2 else "Alan Turing"],
             "proceedings": f"https://openreview.net/forum?id=forum{i}"} for i in range(1, 4)]
    path = tmp_path / "papers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    got = list(ReadAhead(str(path), "auto"))
    assert [(r.line, r.reject.reason if r.reject else None) for r in got] == [
        (1, None),
        (2, "a Author's key is longer than 4000 bytes (not a real one; Neo4j cannot index it)"),
        (3, None)]


def test_rows_for_a_sink_without_withdrawals_come_without_them():
    """A new database has nothing to withdraw (the bulk writer): the rows come without their
    ReplaceEdges, every other record as read here, in order."""
    name = _file("samples/neurips2023-workshops.jsonl")
    here = list(loaders.read(name, "auto", LoadOptions()))
    there = list(ReadAhead(name, "auto", LoadOptions(), withdrawals=False))
    assert any(isinstance(rec, ReplaceEdges) for row in here for rec in row.records)
    assert [[rec for rec in row.records if not isinstance(rec, ReplaceEdges)] for row in here] == \
        [row.records for row in there]
    assert [(r.line, r.reject, r.warnings) for r in here] == [(r.line, r.reject, r.warnings) for r in there]
