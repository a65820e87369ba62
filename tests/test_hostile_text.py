"""Hostile text is data: stored exactly, never executed, never breaking the load."""

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

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
    '<script>alert("xss")</script><img src=x onerror=alert(1)>',
    '" } ; DROP ALL ; INSERT DATA { <x> <y> "z" } #',
    "$(touch /tmp/citegraph-pwned) `touch /tmp/citegraph-pwned`; rm -rf ~ #",
    "../../../../etc/passwd",
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


def test_hostile_text_is_shown_literally_by_the_command_line(graph, cli_env, tmp_path):
    rows = [dict(BASE, proceedings=f"https://openreview.net/forum?id=shown{i:04d}", title=t, arxiv_id="",
                 authors=["Ada Lovelace"], Models=[], Datasets=[], Spaces=[], GitHub=[""])
            for i, t in enumerate(HOSTILE_TITLES)]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert graph.load([path]).loaded == len(rows)
    titles = tmp_path / "titles.cypher"
    titles.write_text("// @columns id, title\nMATCH (p:Paper) RETURN p.id AS id, p.title AS title ORDER BY id\n")
    args = [sys.executable, "-m", "citegraph.cli", "query", str(titles)]
    shown = subprocess.run([*args, "--format", "json"], capture_output=True, text=True, env=cli_env)
    assert [r["title"] for r in json.loads(shown.stdout)] == HOSTILE_TITLES
    as_csv = subprocess.run([*args, "--format", "csv"], capture_output=True, text=True, env=cli_env)
    assert [r["title"] for r in csv.DictReader(io.StringIO(as_csv.stdout))] == HOSTILE_TITLES
    table = subprocess.run(args, capture_output=True, text=True, env=cli_env)  # the terminal view
    assert table.returncode == 0 and "Traceback" not in table.stderr
    for title in HOSTILE_TITLES:
        if not re.search("[\n\t\u2028]", title):
            assert title[:25] in table.stdout, title
    assert not Path("/tmp/citegraph-pwned").exists()  # nothing was handed to a shell
