"""Bad rows are reported one by one (file, line, reason) and never cost the good ones."""

import json
import subprocess
import sys

from conftest import SAMPLES, read_jsonl, run

GOOD = read_jsonl(SAMPLES / "hub-artifacts.jsonl")


def good(i, **changes):
    row = dict(GOOD[i])
    row.update(changes)
    return json.dumps(row, ensure_ascii=False)


def broken_file(tmp_path):
    lines = [
        good(0),                                            # 1 good
        "",                                                 # 2 blank: skipped
        '{"title": "unterminated", ',                       # 3 invalid JSON
        good(1, authors="Wei Zhang and Lena Fischer"),      # 4 authors not a list
        good(2, authors=["Lena Fischer", 7]),               # 5 authors not strings
        '["not", "an", "object"]',                          # 6 not an object
        good(3, title="   "),                               # 7 empty title
        good(4, proceedings="", arxiv_id=""),               # 8 no identifier
        good(4, upvotes="many"),                            # 9 wrong type of count
        good(2),                                            # 10 good
        "   ",                                              # 11 blank
        good(4),                                            # 12 good
    ]
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


EXPECTED_REJECTS = {3: "invalid JSON", 4: "authors", 5: "authors", 6: "object", 7: "title is empty",
                    8: "no identifier", 9: "upvotes"}


def test_each_bad_row_is_reported_and_good_rows_land(graph, tmp_path):
    path = broken_file(tmp_path)
    rejects_path = tmp_path / "rejects.jsonl"
    summary = graph.load([path], rejects_path=rejects_path)
    assert summary.read == 10 and summary.loaded == 3 and summary.rejected == 7
    assert {r["line"] for r in summary.rejects} == set(EXPECTED_REJECTS)
    for r in summary.rejects:
        assert r["source"] == "broken.jsonl"
        assert EXPECTED_REJECTS[r["line"]] in r["reason"], r
    titles = sorted(r["t"] for r in run(graph, "MATCH (p:Paper) RETURN p.title AS t"))
    assert titles == sorted([GOOD[0]["title"], GOOD[2]["title"], GOOD[4]["title"]])
    # the rejects file holds every reject with the raw row, so it can be fixed and re-loaded
    written = read_jsonl(rejects_path)
    assert [w["line"] for w in written] == sorted(EXPECTED_REJECTS)
    lines = path.read_text(encoding="utf-8").split("\n")
    for w in written:
        assert w["raw"] == lines[w["line"] - 1]


def test_cli_reports_rejects_in_json_and_exits_non_zero(cli_env, graph, tmp_path):
    path = broken_file(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "citegraph.cli", "load", str(path), "--json"],
                          capture_output=True, text=True, env=cli_env)
    assert proc.returncode == 3, proc.stderr
    summary = json.loads(proc.stdout)
    assert (summary["read"], summary["loaded"], summary["rejected"]) == (10, 3, 7)
    assert sorted((r["source"], r["line"]) for r in summary["rejects"]) == [
        ("broken.jsonl", line) for line in sorted(EXPECTED_REJECTS)]
    ok = subprocess.run([sys.executable, "-m", "citegraph.cli", "load", str(SAMPLES / "hub-artifacts.jsonl")],
                        capture_output=True, text=True, env=cli_env)
    assert ok.returncode == 0, ok.stderr


def test_json_array_with_a_broken_element(graph, tmp_path):
    text = "[\n" + good(0) + ",\n" + '{"title": oops},\n' + good(2) + "\n]\n"
    path = tmp_path / "rows.json"
    path.write_text(text, encoding="utf-8")
    summary = graph.load([path])
    assert summary.loaded == 2 and summary.rejected == 1
    assert summary.rejects[0]["line"] == 3 and "invalid JSON" in summary.rejects[0]["reason"]


def test_csv_with_a_short_row(graph, tmp_path):
    import csv
    path = tmp_path / "rows.csv"
    columns = list(GOOD[0])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for row in GOOD[:2]:
            w.writerow([json.dumps(row[c]) if isinstance(row[c], list) else ("" if row[c] is None else row[c])
                        for c in columns])
        f.write("only,three,cells\n")
        row = GOOD[2]
        w.writerow([json.dumps(row[c]) if isinstance(row[c], list) else ("" if row[c] is None else row[c])
                    for c in columns])
    summary = graph.load([path])
    assert summary.loaded == 3 and summary.rejected == 1
    assert summary.rejects[0]["line"] == 4 and "cells" in summary.rejects[0]["reason"]


def test_invalid_utf8_line_is_one_reject(graph, tmp_path):
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(good(0).encode() + b"\n" + b'{"title": "caf\xe9"}\n' + good(2).encode() + b"\n")
    summary = graph.load([path])
    assert summary.loaded == 2 and summary.rejected == 1
    assert summary.rejects[0]["line"] == 2 and "UTF-8" in summary.rejects[0]["reason"]
