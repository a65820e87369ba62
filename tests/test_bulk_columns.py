"""The bulk writer's relationship files, written on columns, in batches far smaller than a
real load's: what a relationship's lines say is merged even when they fall in two batches."""

import csv
import random

from graph import bulk_columns
from graph.bulk import ARRAY, BulkWriter
from graph.records import Edge, Node


def test_relationships_split_between_batches_are_merged_and_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_columns, "BLOCK", 4096)  # a few dozen lines a batch
    monkeypatch.setattr(bulk_columns.Counter, "FOLD", 50)  # the ends counted a few batches at a time
    rng = random.Random(7)
    names = [f"Author {i}" for i in range(40)] + ["Smith, Jr.", 'Quote "q"', "Zoë"]
    expected: dict = {}  # (author, paper) -> (sources, last position), counted here by hand
    writer = BulkWriter(tmp_path, importer=None)
    for line in range(1, 1500):
        source = rng.choice(["a.jsonl", "b.jsonl", "c.jsonl"])
        writer.source = source
        author, paper, position = rng.choice(names), f"p{rng.randrange(60)}", rng.randrange(4)
        writer.add([Node("Author", author, {"name": author}),
                    Edge("AUTHORED", "Author", author, "Paper", paper, {"position": position})], (source, line))
        sources, _ = expected.get((author, paper), (set(), None))
        expected[(author, paper)] = (sources | {source}, position)  # later values win
    _, rel_args = writer.finish()
    path = dict(arg.split("=", 1) for arg in rel_args)["AUTHORED"]
    with open(path, encoding="utf-8", newline="") as f:
        header, *body = list(csv.reader(f))
    at_sources, at_position = header.index("sources:string[]"), header.index("position:long")
    written = {(r[0], r[1]): (set(r[at_sources].split(ARRAY)), int(r[at_position])) for r in body}
    assert len(body) == len(expected)  # one row per relationship
    assert written == expected
    papers_by_author = {}
    for author, _ in expected:
        papers_by_author[author] = papers_by_author.get(author, 0) + 1
    assert dict(writer.counts[next(c for c in writer.counts if c.rel == "AUTHORED")]) == papers_by_author


def test_a_file_of_one_relationship_named_on_every_line(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_columns, "BLOCK", 1024)
    writer = BulkWriter(tmp_path, importer=None)
    for line in range(1, 400):
        writer.source = f"s{line % 3}.jsonl"
        writer.add([Edge("AUTHORED", "Author", "Ada", "Paper", "p1")], (writer.source, line))
    _, rel_args = writer.finish()
    with open(dict(arg.split("=", 1) for arg in rel_args)["AUTHORED"], encoding="utf-8", newline="") as f:
        header, *body = list(csv.reader(f))
    assert len(body) == 1 and body[0][:2] == ["Ada", "p1"]
    assert body[0][header.index("sources:string[]")].split(ARRAY) == ["s0.jsonl", "s1.jsonl", "s2.jsonl"]
