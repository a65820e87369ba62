"""Hostile text is data: stored exactly, never executed, never breaking the load."""

import json
import re

from conftest import SAMPLES, read_jsonl, run

BASE = read_jsonl(SAMPLES / "hub-artifacts.jsonl")[0]

HOSTILE_TITLES = [
    'x"}) MATCH (n) DETACH DELETE n //',
    "Robert'); DROP TABLE papers;-- `backticks` $param {braces}",
    "Emoji 🧪🔬 and ZWJ 👩‍🔬 sequences",
    "עברית ومعها العربية mixed with English",
    "Combining marks: e\u0301 a\u0308 \u0915\u094d\u0937",
    "Line\nbreaks\tand\u2028separators\u2029too",
    "\\textbf{LaTeX} \\& $x^2$ stays as written",
]


def test_hostile_text_is_stored_exactly(graph, tmp_path):
    rows = []
    for i, title in enumerate(HOSTILE_TITLES):
        row = dict(BASE, proceedings=f"https://openreview.net/forum?id=hostile{i:04d}", title=title, abstract=title * 3,
                   authors=[re.sub(r"\s+and\s+", " & ", title[:40]) + " Person", "Zoë O'Brien-Ñúñez"], Models=[], Datasets=[], Spaces=[], arxiv_id="",
                   GitHub=[""])
        rows.append(row)
    big_abstract = ("Ω≈ç√∫ 🧪 " * 12_000)[:100_000]
    rows.append(dict(rows[0], proceedings="https://openreview.net/forum?id=hostilebig", abstract=big_abstract))
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")

    summary = graph.load([path])
    assert (summary.loaded, summary.rejected) == (len(rows), 0)
    for row in rows:
        pid = row["proceedings"].split("id=")[1]
        got = run(graph, "MATCH (p:Paper {id: $id}) RETURN p.title AS t, p.abstract AS a", id=pid)
        assert got == [{"t": row["title"], "a": row["abstract"]}]
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n") == [{"n": len(rows)}]
    names = {r["n"] for r in run(graph, "MATCH (a:Author) RETURN a.name AS n")}
    assert "Zoë O'Brien-Ñúñez" in names
