"""Every container of paper-dataset rows gives the same graph."""

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES, read_jsonl, run

ROWS = read_jsonl(SAMPLES / "neurips2023-workshops.jsonl") + read_jsonl(SAMPLES / "hub-artifacts.jsonl")
COLUMNS = ["proceedings", "bibtext", "abstract", "title", "authors", "id", "type", "arxiv_id", "GitHub",
           "paper_page", "upvotes", "num_comments", "Models", "Datasets", "Spaces"]


def write_json(path, rows):
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


def write_viewer_api(path, rows):
    body = {"features": [], "rows": [{"row_idx": i, "row": r, "truncated_cells": []} for i, r in enumerate(rows)]}
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def write_table(path, rows, delimiter):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([json.dumps(r.get(c), ensure_ascii=False) if isinstance(r.get(c), list)
                        else ("" if r.get(c) is None else r.get(c)) for c in COLUMNS])


def write_parquet(path, rows):
    table = pa.Table.from_pylist([{c: r.get(c, "" if c not in ("upvotes", "num_comments") else -1)
                                   for c in COLUMNS} for r in rows])
    pq.write_table(table, path)


WRITERS = {
    "rows.json": write_json,
    "rows.viewer-api.json": write_viewer_api,
    "rows.csv": lambda p, r: write_table(p, r, ","),
    "rows.tsv": lambda p, r: write_table(p, r, "\t"),
    "rows.parquet": write_parquet,
}


def snapshot(cg):
    return {
        "papers": run(cg, "MATCH (p:Paper) RETURN p.id AS id, p.title AS t, p.abstract AS a, p.arxiv_id AS x, "
                          "p.upvotes AS u, p.hf_paper_url AS h, p.bibtex_key AS k ORDER BY id"),
        "authored": run(cg, "MATCH (a:Author)-[r:AUTHORED]->(p) RETURN a.name AS a, p.id AS p, r.position AS i "
                            "ORDER BY p, i"),
        "links": run(cg, "MATCH (p:Paper)-[r]->(x) WHERE type(r) <> 'AUTHORED' "
                         "RETURN p.id AS p, type(r) AS t, coalesce(x.id, x.url) AS x ORDER BY p, t, x"),
        "owners": run(cg, "MATCH (h:HubAccount)-[:OWNS]->(x) RETURN h.name AS h, x.id AS x ORDER BY h, x"),
    }


@pytest.fixture(scope="module")
def reference(_session_graph):
    _session_graph.reset()
    _session_graph.load([SAMPLES / "neurips2023-workshops.jsonl", SAMPLES / "hub-artifacts.jsonl"])
    return snapshot(_session_graph)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_container_gives_the_same_graph(graph, reference, tmp_path, name):
    path = tmp_path / name
    WRITERS[name](path, ROWS)
    summary = graph.load([path])
    assert (summary.loaded, summary.rejected) == (len(ROWS), 0), summary.rejects[:3]
    assert snapshot(graph) == reference


def test_folder_loads_every_file_in_it(graph, reference, tmp_path):
    import shutil
    folder = tmp_path / "rows"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(SAMPLES / "neurips2023-workshops.jsonl", folder)
    shutil.copy(SAMPLES / "hub-artifacts.jsonl", folder / "nested")
    (folder / "notes.md").write_text("not data: skipped")
    summary = graph.load([folder])
    assert summary.loaded == len(ROWS) and len(summary.files) == 2
    assert snapshot(graph) == reference


def test_datasets_library_folder_gives_the_same_graph(graph, reference, tmp_path):
    """A dataset saved with the Hugging Face `datasets` library (save_to_disk), read through it."""
    import datasets  # installed by make test (the [test] extra)
    folder = tmp_path / "saved"
    datasets.Dataset.from_list([{c: r.get(c) for c in COLUMNS} for r in ROWS]).save_to_disk(str(folder))
    summary = graph.load([folder])
    assert summary.files[0]["format"] == "hf"
    assert (summary.loaded, summary.rejected) == (len(ROWS), 0)
    assert snapshot(graph) == reference
