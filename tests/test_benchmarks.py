"""The benchmarks' synthetic data and report: deterministic, shaped like the real rows, and a
report that an unfinished run can still render. (No server; the suite itself is `make bench`.)"""

import json
import statistics
from collections import Counter
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.run import derived, markdown

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "neurips2023-workshops.jsonl"


def rows(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "papers.jsonl").open(encoding="utf-8")]


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    generate(1500, tmp_path / "a", seed=3)
    generate(1500, tmp_path / "b", seed=3)
    generate(1500, tmp_path / "c", seed=4)
    for name in ("papers.jsonl", "citations.tsv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "c" / name).read_bytes()


def test_rows_have_the_real_schema_and_its_distributions(tmp_path):
    generate(4000, tmp_path, seed=11)
    data = rows(tmp_path)
    real_columns = set(json.loads(SAMPLE.open(encoding="utf-8").readline()))
    assert len(data) == 4000
    assert all(set(r) == real_columns for r in data)

    per_paper = [len(r["authors"]) for r in data]
    assert 4.0 <= statistics.mean(per_paper) <= 5.0      # the sample's 4.5
    assert max(per_paper) <= 28 and min(per_paper) >= 1

    productivity = Counter(a for r in data for a in r["authors"])
    counts = sorted(productivity.values(), reverse=True)
    assert counts[0] >= 10 * statistics.median(counts)   # heavy-tailed: a few very productive people

    with_artifacts = sum(1 for r in data if r["Models"] or r["Datasets"] or r["Spaces"])
    assert 0.05 <= with_artifacts / len(data) <= 0.15    # ~10 %
    assert max(len(r["Models"]) + len(r["Datasets"]) + len(r["Spaces"]) for r in data) <= 300

    ids = {r["proceedings"].rsplit("=", 1)[-1] for r in data}
    edges = [line.split("\t") for line in (tmp_path / "citations.tsv").read_text().splitlines()[1:]]
    assert 15 <= len(edges) / len(data) <= 25             # ~20 citations per paper
    assert all(a in ids and b.strip() in ids for a, b in edges)
    cited = Counter(b for _, b in edges)
    assert max(cited.values()) >= 20 * statistics.median(cited.values())  # preferential attachment

    meta = json.loads((tmp_path / "meta.json").read_text())
    assert (meta["papers"], meta["authorships"], meta["citations"]) == (4000, sum(per_paper), len(edges))


FULL = {
    "papers": 1000, "authorships": 4500, "citations": 20000,
    "bulk": {"seconds": 40.0, "import_seconds": 10.0, "peak_rss_mb": 1},
    "first_load": {"seconds": 9.0, "peak_rss_mb": 1}, "reload": {"seconds": 1.5, "unchanged": 1000},
    "incremental": {"seconds": 0.9, "rewritten": 10}, "citations_load": {"seconds": 11.0, "peak_rss_mb": 1},
    "naive": {"seconds": 30.0, "rows": 300, "authorships": 1500},
}


def test_derived_rates_are_the_arithmetic_of_the_measurements():
    d = derived(FULL)
    assert d["first_load_authorships_per_s"] == 500                       # 4500 / 9
    assert d["first_vs_naive"] == 10.0                                    # 500 / (1500 / 30)
    assert d["cypher_vs_admin"] == 0.5                                    # 10 / (9 + 11)
    assert d["bulk_vs_admin"] == 0.25 and d["reload_speedup"] == 6.0
    assert d["incremental_share_of_first"] == 0.1 and d["citations_per_s"] == 1818


def test_an_unfinished_run_still_renders_with_what_it_measured():
    partial = {k: FULL[k] for k in ("papers", "authorships", "citations", "bulk", "first_load")}
    d = derived(partial)
    assert d["first_load_authorships_per_s"] == 500 and "reload_speedup" not in d
    table = markdown({"machine": {"cpus": 2, "memory_gib": 24, "python": "3.11", "date": "today"},
                      "rows": [partial]})
    assert "| 9.0 |" in table and "not measured" in table


def test_unknown_steps_are_refused_naming_the_steps():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--steps", "bulk,lunch"],
                          capture_output=True, text=True, cwd=SAMPLE.parents[1])
    assert done.returncode == 2
    assert "unknown step(s) lunch" in done.stderr and "bulk,loads" not in done.stderr
    assert "the steps are bulk, loads, small, queries, analyze, export, merge, reset, naive" in done.stderr


def test_a_run_without_timed_steps_has_no_plot_but_a_table(tmp_path):
    from benchmarks.run import plot

    queries_only = {k: FULL[k] for k in ("papers", "authorships", "citations")}
    queries_only["queries"] = {"top-authors": {"p50_ms": 5.0, "p95_ms": 6.0, "runs": 7}}
    report = {"machine": {"cpus": 2, "memory_gib": 24, "python": "3.11", "date": "today"}, "rows": [queries_only]}
    plot(report, tmp_path / "report.png")
    assert not (tmp_path / "report.png").exists()
    partial = {k: FULL[k] for k in ("papers", "authorships", "citations", "bulk", "first_load")}
    plot({**report, "rows": [partial]}, tmp_path / "report.png")
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_small_rows_are_new_papers_of_known_authors_and_venues(tmp_path):
    from benchmarks.run import small_rows

    rows = [{"proceedings": f"https://openreview.net/forum?id=P{i}", "title": f"T{i}", "authors": [f"A{i}", "B"],
             "id": f"Workshop/W{i % 2}", "arxiv_id": f"2301.0000{i}", "bibtext": "@x{y}"} for i in range(12)]
    (tmp_path / "papers.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    made = [json.loads(line) for line in small_rows(tmp_path, "t1").read_text().splitlines()]
    assert len(made) == 10
    assert not {m["proceedings"] for m in made} & {r["proceedings"] for r in rows}
    assert not {m["title"] for m in made} & {r["title"] for r in rows}
    assert [(m["authors"], m["id"]) for m in made] == [(r["authors"], r["id"]) for r in rows[:10]]
    # no identifier that would make one of them an existing paper
    assert all(m["arxiv_id"] == "" and m["bibtext"] == "" for m in made)
    assert small_rows(tmp_path, "t2").read_text() != small_rows(tmp_path, "t1").read_text()
