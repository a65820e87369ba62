"""The benchmark suite: cost against size, and against the baselines, in one run.

For each size of synthetic data (``benchmarks.generate``), on the benchmarks'
own managed Neo4j (``.cache/bench-neo4j``, wiped between steps that need an
empty database):

* first load of the papers with the Cypher loader, re-load of the unchanged
  file, an incremental load with 1 % of the rows changed, the citation edges;
* ``citegraph load --bulk`` (CSV + ``neo4j-admin database import``) of the same
  papers and citations, which also times the admin import alone: the speed
  limit of a Neo4j load;
* ten new rows loaded into the loaded graph (in a running process, and as
  ``citegraph load`` from the shell);
* the naive loader a typical script would write (one MERGE statement per row,
  auto-commit) on the first rows, as a rate;
* canned-query latency p50/p95: ego queries on random authors and papers (a first
  pass, records read for the first time since the start, and a second on the same
  people: the steady state), global rankings;
* ``analyze coauthorship --write`` and ``export-rdf`` (N-Triples): time,
  triples/s, peak memory;
* a merge of a paper with many relationships (a stub cited by a tenth of the papers, up
  to 100,000, found to be a known paper), then ``reset`` of the whole graph: both must stay
  within the server's transaction memory at any size.

Loads, analytics and exports run in child processes that report their own
peak memory. Results: ``benchmarks/results/<stamp>/report.{json,md,png}``.

    python -m benchmarks.run --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import (REPO, RESULTS, bench_server, cpu_seconds, cpu_used, dataset, machine, peak_rss_mb,
                               run_child)

EGO_QUERIES = ("coauthors", "author-profile", "collaboration-path", "paper", "citations-of")
GLOBAL_QUERIES = ("top-authors", "workshop-linkage", "most-cited", "top-artifacts", "top-hub-accounts")


# -- children (one measurement each, in a fresh process) ----------------------------------

def child_load(paths: str, bulk: str = "0", id_scheme: str = "auto", batch: str = "20000") -> None:
    from citegraph.api import CiteGraph

    with CiteGraph.connect() as cg:
        s = cg.load(paths.split(","), progress=False, bulk=bulk == "1", id_scheme=id_scheme, batch_size=int(batch))
    print(json.dumps({"seconds": s.seconds, "read": s.read, "loaded": s.loaded, "unchanged": s.unchanged,
                      "rejected": s.rejected, "counts": s.counts, "phases": s.phases, "peak_rss_mb": peak_rss_mb(),
                      # --bulk reads each file in a second process: its own memory, beside this one's
                      "reader_mb": max((f.get("reader_mb", 0) for f in s.files), default=0)}))


def child_analyze() -> None:
    """`analyze coauthorship --write`, with the time of each phase (the profile of a missed target)."""
    from citegraph.api import CiteGraph

    with CiteGraph.connect() as cg:
        analysis = cg.analyze_coauthorship(write=True)
    summary = analysis.summary(3)
    print(json.dumps({"seconds": sum(analysis.phases.values()), "authors": summary["authors"],
                      "backend": summary["backend"], "components": summary["components"],
                      "communities": summary["communities"],
                      "phases": {k: round(v, 1) for k, v in analysis.phases.items()},
                      "peak_rss_mb": peak_rss_mb()}))


def child_export(out: str) -> None:
    from citegraph.api import CiteGraph

    with CiteGraph.connect() as cg:
        before = cpu_seconds()
        stats = cg.export_rdf(out, "ntriples")
        cpu = cpu_used(before)
    print(json.dumps({"seconds": stats.seconds, "triples": stats.triples, "cpu": cpu, "peak_rss_mb": peak_rss_mb()}))


def child_naive(path: str, rows: str) -> None:
    """What a typical script does: one MERGE statement per row through the driver, auto-commit."""
    import neo4j

    from citegraph.connection import open_driver, resolve

    driver = open_driver(resolve())
    query = """
    MERGE (p:Paper {id: $id}) SET p.title = $title, p.abstract = $abstract, p.type = $type, p.arxiv_id = $arxiv
    WITH p
    FOREACH (i IN range(0, size($authors) - 1) |
      MERGE (a:Author {key: toLower($authors[i])}) ON CREATE SET a.name = $authors[i]
      MERGE (a)-[r:AUTHORED]->(p) SET r.position = i + 1)
    MERGE (v:Venue {id: $venue}) MERGE (p)-[:PRESENTED_AT]->(v)
    """
    n, authorships = 0, 0
    started = time.perf_counter()
    with driver.session() as session, open(path, encoding="utf-8") as f:
        for line in f:
            if n >= int(rows):
                break
            r = json.loads(line)
            session.run(query, id=r["proceedings"].rsplit("=", 1)[-1], title=r["title"], abstract=r["abstract"],
                        type=r["type"], arxiv=r["arxiv_id"] or None, authors=r["authors"], venue=r["id"]).consume()
            n += 1
            authorships += len(r["authors"])
    seconds = time.perf_counter() - started
    driver.close()
    print(json.dumps({"seconds": seconds, "rows": n, "authorships": authorships, "peak_rss_mb": peak_rss_mb()}))


CHILDREN = {"load": child_load, "analyze": child_analyze, "export": child_export, "naive": child_naive}


# -- the suite ---------------------------------------------------------------------------

def wipe(server) -> None:
    """An empty database, fast at any size: stop, delete the store, start."""
    status = server.status()
    server.stop()
    for part in ("databases/neo4j", "transactions/neo4j"):
        shutil.rmtree(server.home / "data" / part, ignore_errors=True)
    server.start(bolt_port=status.bolt_port, http_port=status.http_port, timeout=900)


def changed_copy(data: Path, share: float = 0.01, seed: int = 5) -> Path:
    """The papers file with ``share`` of its rows changed (same file name, so the same source)."""
    out = data / "changed"
    out.mkdir(exist_ok=True)
    rnd = random.Random(seed)
    with open(data / "papers.jsonl", encoding="utf-8") as f, open(out / "papers.jsonl", "w", encoding="utf-8") as g:
        for line in f:
            if rnd.random() < share:
                row = json.loads(line)
                row["title"] += " (revised)"
                if len(row["authors"]) > 1 and rnd.random() < 0.5:
                    row["authors"] = row["authors"][:-1]
                line = json.dumps(row, ensure_ascii=False) + "\n"
            g.write(line)
    return out / "papers.jsonl"


def latencies(cg, data: Path, samples: int = 200, seed: int = 9) -> dict:
    rnd = random.Random(seed)
    authors, papers = [], []
    with open(data / "papers.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 7 == 0:
                r = json.loads(line)
                authors.append(r["authors"][0])
                papers.append(r["proceedings"].rsplit("=", 1)[-1])
    params = {
        "coauthors": lambda: {"name": rnd.choice(authors)},
        "author-profile": lambda: {"name": rnd.choice(authors)},
        "collaboration-path": lambda: {"from": rnd.choice(authors), "to": rnd.choice(authors)},
        "paper": lambda: {"id": rnd.choice(papers)},
        "citations-of": lambda: {"id": rnd.choice(papers)},
    }
    out = {}
    for name in (*EGO_QUERIES, *GLOBAL_QUERIES):
        runs = samples if name in EGO_QUERIES else 7
        drawn = [params[name]() if name in params else {} for _ in range(runs + 2)]
        # an ego query's first run on a person reads records no query has read since the server
        # started (the page cache fills on demand); the same people again give the steady state
        passes = []
        for _ in range(2 if name in EGO_QUERIES else 1):
            times = []
            for i, p in enumerate(drawn):
                started = time.perf_counter()
                cg.run_query(name, **p)
                if i >= 2:  # the first runs warm the connection and the query plan
                    times.append((time.perf_counter() - started) * 1000)
            passes.append(sorted(times))
        out[name] = {**_percentiles(passes[-1]), "runs": runs}
        if len(passes) > 1:
            out[name].update({f"first_{k}": v for k, v in _percentiles(passes[0]).items()})
    return out


def indexes_online(cg) -> float:
    """Wait until every index is online; the seconds waited."""
    started = time.perf_counter()
    cg.driver.execute_query("CALL db.awaitIndexes(3600)", database_=cg.database)
    return round(time.perf_counter() - started, 1)


def _percentiles(times: list[float]) -> dict:
    """p50 and p95 of sorted times, in ms."""
    return {"p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2)}


STEPS = ("bulk", "loads", "small", "queries", "analyze", "export", "merge", "reset", "naive")
# run only when named (--steps same): two more loads of the size, to compare, not to time
EXTRA_STEPS = ("same",)


def small_rows(data: Path, tag: str, n: int = 10) -> Path:
    """``n`` new papers (new ids and titles) of authors and venues the graph already has."""
    out = data / "small"
    out.mkdir(exist_ok=True)
    path = out / f"papers-{tag}.jsonl"
    with open(data / "papers.jsonl", encoding="utf-8") as f, open(path, "w", encoding="utf-8") as g:
        for i, line in zip(range(n), f):
            row = json.loads(line)
            row["proceedings"] = f"https://openreview.net/forum?id=N{tag}x{i}"
            row["title"] += f" (new {tag}/{i})"
            row["bibtext"] = row["arxiv_id"] = ""
            g.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def small_loads(data: Path, env: dict) -> dict:
    """A 10-row load into the loaded graph: timed inside a running process (best of three new
    files), and as a user runs it, ``citegraph load`` from the shell (its whole wall time)."""
    tag = time.strftime("%H%M%S")
    inside = [run_child(["-m", "benchmarks.run", "--child", "load", str(small_rows(data, f"{tag}p{k}"))], env)
              for k in range(3)]
    started = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "citegraph.cli", "load", str(small_rows(data, f"{tag}c"))],
                         capture_output=True, text=True, env={**os.environ, **env}, cwd=REPO)
    wall = time.perf_counter() - started
    if cli.returncode != 0:
        raise RuntimeError(f"citegraph load failed:\n{cli.stderr[-3000:]}")
    return {"seconds": round(min(r["seconds"] for r in inside), 2),
            "runs": [round(r["seconds"], 2) for r in inside], "cli_wall_seconds": round(wall, 2)}


def heavy_merge(data: Path, env: dict, status) -> dict:
    """A stub cited by ``k`` papers (a tenth of them, at most 100,000) and a DOI stub cited by
    half of those, then a work saying that both are one paper: the merge moves ``k``
    relationships (``graph.resolver``). Checked: one paper, cited ``k`` times."""
    from citegraph.api import CiteGraph

    papers = int(json.loads((data / "meta.json").read_text())["papers"])
    k = min(papers // 10, 100_000)
    ids = []
    with open(data / "papers.jsonl", encoding="utf-8") as f:
        for line in f:
            ids.append(json.loads(line)["proceedings"].rsplit("=", 1)[-1])
            if len(ids) == k:
                break
    edges, work = data / "merge-edges.tsv", data / "merge-work.json"
    with open(edges, "w", encoding="utf-8") as f:
        f.write("citing\tcited\n")
        f.writelines(f"{i}\tW999999999\n" for i in ids)
        f.writelines(f"{i}\t10.99999/bench.hub\n" for i in ids[: k // 2])
    work.write_text(json.dumps({"id": "https://openalex.org/W999999999", "doi": "https://doi.org/10.99999/bench.hub",
                                "title": "A paper cited by many", "authorships": [], "referenced_works": []}))
    cites = run_child(["-m", "benchmarks.run", "--child", "load", str(edges)], env)
    merge = run_child(["-m", "benchmarks.run", "--child", "load", str(work)], env)
    with CiteGraph.connect(uri=status.uri, password=status.password) as cg, cg.driver.session() as session:
        found = session.run("MATCH (p:Paper) WHERE p.doi = '10.99999/bench.hub' OR p.openalex_id = 'W999999999' "
                            "RETURN p.citation_count AS kept, COUNT { (p)<-[:CITES]-() } AS cited").data()
    edges.unlink()
    work.unlink()
    correct = len(found) == 1 and found[0]["kept"] == found[0]["cited"] == k
    return {"seconds": round(merge["seconds"], 2), "relationships": k, "citation_edges_seconds": round(cites["seconds"], 2),
            "found": found, "correct": correct, "peak_rss_mb": merge["peak_rss_mb"]}


def run_size(papers: int, server, status, env: dict, naive_rows: int, save=lambda row: None,
             steps: tuple = STEPS) -> dict:
    """The steps of one size; `save(row)` after each, so a long run that stops keeps what it measured.

    ``loads`` is the Cypher first load, reload, incremental load and citations; without it,
    queries, analytics and export run on the graph ``bulk`` built (the same graph).
    """
    from citegraph.api import CiteGraph

    data = dataset(papers)
    meta = json.loads((data / "meta.json").read_text())
    row: dict = {"papers": papers, "authorships": meta["authorships"], "citations": meta["citations"]}
    log = lambda step: print(f"[{time.strftime('%H:%M:%S')}] {papers:,} papers: {step}", file=sys.stderr, flush=True)

    if "bulk" in steps:
        log("bulk import")
        wipe(server)
        bulk = run_child(["-m", "benchmarks.run", "--child", "load",
                          f"{data / 'papers.jsonl'},{data / 'citations.tsv'}", "1", "raw"], env)
        row["bulk"] = {"seconds": round(bulk["seconds"], 2), "import_seconds": bulk["counts"]["import_seconds"],
                       "phases": {k: round(v, 1) for k, v in bulk.get("phases", {}).items()},
                       "peak_rss_mb": bulk["peak_rss_mb"], "reader_mb": bulk.get("reader_mb", 0),
                       # (as if both were at their largest at once: what the load needs at most)
                       "total_peak_mb": round(bulk["peak_rss_mb"] + bulk.get("reader_mb", 0), 1)}
        save(row)
    if "loads" in steps:
        cypher_loads(data, server, env, row, log, save)
    if "same" in steps:
        row["same_graph"] = same_graph(data, server, status, env, log)
        save(row)
    if "small" in steps:
        log("10-row load into the loaded graph")
        row["small_load"] = small_loads(data, env)
        save(row)
    if "queries" in steps:
        log("queries")
        with CiteGraph.connect(uri=status.uri, password=status.password) as cg:
            # after `load --bulk` the full-text indexes are still filling (Lucene over every title
            # and abstract, on the cores the queries need): latencies are measured once they are online
            waited = indexes_online(cg)
            # what a user with a large graph runs after a start (the first pass then measures the
            # queries' own first touch, the second the steady state)
            warmed = cg.warm()["seconds"]
            row["queries"] = {**latencies(cg, data), "indexes_online_after_s": waited, "warm_s": warmed}
        save(row)
    if "analyze" in steps:
        log("analytics")
        row["analyze"] = run_child(["-m", "benchmarks.run", "--child", "analyze"], env)
        save(row)
    if "export" in steps:
        log("RDF export")
        row["export"] = run_child(["-m", "benchmarks.run", "--child", "export", str(data / "export.nt")], env)
        (data / "export.nt").unlink(missing_ok=True)
        save(row)
    if "merge" in steps:
        log("merge of a paper with many relationships")
        row["merge"] = heavy_merge(data, env, status)
        save(row)
    if "reset" in steps:  # the whole graph deleted in chunks that never grow with a node's degree
        log("reset")
        with CiteGraph.connect(uri=status.uri, password=status.password) as cg:
            started = time.perf_counter()
            deleted = cg.reset()
            row["reset"] = {"seconds": round(time.perf_counter() - started, 2), "nodes": deleted}
        save(row)
    if "naive" in steps:
        log("naive loader baseline")
        wipe(server)
        row["naive"] = run_child(["-m", "benchmarks.run", "--child", "naive", str(data / "papers.jsonl"),
                                  str(min(naive_rows, papers))], env)
        save(row)
    return row


def same_graph(data: Path, server, status, env: dict, log) -> dict:
    """`load --bulk` of the papers and citations, then the Cypher loads of the same files into an
    empty database: the two graphs compared element by element (``benchmarks.same_graph``)."""
    from benchmarks import same_graph as same
    from citegraph.api import CiteGraph

    files = [str(data / "papers.jsonl"), str(data / "citations.tsv")]
    digests = []
    for bulk in ("1", "0"):
        log("the same graph: " + ("load --bulk" if bulk == "1" else "Cypher loads"))
        wipe(server)
        if bulk == "1":
            run_child(["-m", "benchmarks.run", "--child", "load", ",".join(files), "1", "raw"], env)
        else:
            for path in files:
                run_child(["-m", "benchmarks.run", "--child", "load", path, "0", "raw"], env)
        with CiteGraph.connect(uri=status.uri, password=status.password) as cg:
            digests.append(same.digest(cg.driver, cg.database))
    found = same.differences(*digests)
    nodes, rels = same.sizes(digests[0])
    return {"equal": not found, "nodes": nodes, "relationships": rels, "differences": found}


def cypher_loads(data: Path, server, env: dict, row: dict, log, save) -> None:
    """First load into an empty database, unchanged reload, 1 % incremental, citation edges."""
    log("first load (Cypher)")
    wipe(server)
    first = run_child(["-m", "benchmarks.run", "--child", "load", str(data / "papers.jsonl")], env)
    # (the rows are parsed by a second process: its own memory beside the writer's peak)
    row["first_load"] = {"seconds": round(first["seconds"], 2), "peak_rss_mb": first["peak_rss_mb"],
                         "reader_mb": first.get("reader_mb", 0)}
    save(row)
    log("reload, unchanged")
    again = run_child(["-m", "benchmarks.run", "--child", "load", str(data / "papers.jsonl")], env)
    row["reload"] = {"seconds": round(again["seconds"], 2), "unchanged": again["unchanged"]}
    save(row)
    log("incremental, 1 % changed")
    changed = changed_copy(data)
    inc = run_child(["-m", "benchmarks.run", "--child", "load", str(changed)], env)
    row["incremental"] = {"seconds": round(inc["seconds"], 2), "rewritten": inc["loaded"] - inc["unchanged"]}
    save(row)
    log("citations")
    cites = run_child(["-m", "benchmarks.run", "--child", "load", str(data / "citations.tsv"), "0", "raw"], env)
    row["citations_load"] = {"seconds": round(cites["seconds"], 2), "peak_rss_mb": cites["peak_rss_mb"],
                             "reader_mb": cites.get("reader_mb", 0)}
    save(row)


def derived(r: dict) -> dict:
    """Rates and ratios of one size's measurements. Ratios against neo4j-admin import compare
    the same graph (papers and citations): the Cypher loads' seconds, or --bulk's, with the
    import's alone."""
    a = r["authorships"]
    sec = lambda step, key="seconds": r[step][key]
    first = lambda: sec("first_load")
    naive_rate = lambda: r["naive"]["authorships"] / sec("naive")
    formulas = {
        "first_load_authorships_per_s": lambda: round(a / first()),
        "first_load_rows_per_s": lambda: round(r["papers"] / first()),
        "naive_authorships_per_s": lambda: round(naive_rate()),
        "first_vs_naive": lambda: round(a / first() / naive_rate(), 1),
        "admin_import_authorships_per_s": lambda: round(a / sec("bulk", "import_seconds")),
        "cypher_vs_admin": lambda: round(sec("bulk", "import_seconds") / (first() + sec("citations_load")), 3),
        "bulk_vs_admin": lambda: round(sec("bulk", "import_seconds") / sec("bulk"), 3),
        "reload_speedup": lambda: round(first() / sec("reload"), 1),
        "incremental_share_of_first": lambda: round(sec("incremental") / first(), 3),
        "citations_per_s": lambda: round(r["citations"] / sec("citations_load")),
        "export_triples_per_s": lambda: round(r["export"]["triples"] / sec("export")),
    }
    out = {}
    for name, formula in formulas.items():
        try:
            out[name] = formula()
        except KeyError:
            pass  # a step of an unfinished run
    return out


def markdown(report: dict) -> str:
    rows = report["rows"]
    m = report["machine"]
    lines = [f"Machine: {m['cpus']} CPUs, {m['memory_gib']} GiB, Python {m['python']}, {m['date']}; "
             f"Neo4j 5.26 Community, heap and page cache 6 GiB each.", "",
             "| | " + " | ".join(f"{r['papers']:,} papers" for r in rows) + " |",
             "| --- | " + " | ".join("---:" for _ in rows) + " |"]

    def cell(fn, r):
        try:
            return fn(r)
        except KeyError:
            return "not measured"

    def line(label, fn):
        lines.append(f"| {label} | " + " | ".join(cell(fn, r) for r in rows) + " |")

    d = {r["papers"]: derived(r) for r in rows}
    line("authorships / citations", lambda r: f"{r['authorships']:,} / {r['citations']:,}")
    line("first load of the papers (Cypher), s", lambda r: f"{r['first_load']['seconds']:,}")
    line("  authorships/s", lambda r: f"{d[r['papers']]['first_load_authorships_per_s']:,}")
    line("  × naive loader (1 MERGE per row)", lambda r: f"{d[r['papers']]['first_vs_naive']}×")
    line("citation edges (Cypher), s (edges/s)", lambda r: f"{r['citations_load']['seconds']:,} "
                                                           f"({d[r['papers']]['citations_per_s']:,})")
    line("papers + citations: neo4j-admin import alone, s", lambda r: f"{r['bulk']['import_seconds']:,}")
    line("  Cypher loads, × admin import throughput", lambda r: f"{d[r['papers']]['cypher_vs_admin']}×")
    line("  `load --bulk` (CSV, import, restart, schema), s", lambda r: f"{r['bulk']['seconds']:,} "
                                                                      f"({d[r['papers']]['bulk_vs_admin']}×)")
    line("reload unchanged, s (× faster than first)", lambda r: f"{r['reload']['seconds']} "
                                                                f"({d[r['papers']]['reload_speedup']}×)")
    line("1 % incremental, s (share of first)", lambda r: f"{r['incremental']['seconds']} "
                                                          f"({d[r['papers']]['incremental_share_of_first']})")
    line("10 new rows into the loaded graph, s: in a process / `citegraph load`",
         lambda r: f"{r['small_load']['seconds']} / {r['small_load']['cli_wall_seconds']}")
    for q in (*EGO_QUERIES, *GLOBAL_QUERIES):
        line(f"`{q}` p50 / p95, ms" + (" (first run on each: p50 / p95)" if q in EGO_QUERIES else ""),
             lambda r, q=q: f"{r['queries'][q]['p50_ms']} / {r['queries'][q]['p95_ms']}" + (
                 f" ({r['queries'][q]['first_p50_ms']} / {r['queries'][q]['first_p95_ms']})"
                 if 'first_p95_ms' in r['queries'][q] else ""))
    line("  queries measured once every index was online, after s",
         lambda r: f"{r['queries']['indexes_online_after_s']}")
    line("  `citegraph warm` before them, s", lambda r: f"{r['queries']['warm_s']}")
    line("`load --bulk` and the Cypher loads: the same graph?",
         lambda r: (f"equal ({r['same_graph']['nodes']:,} nodes, {r['same_graph']['relationships']:,} "
                    f"relationships)" if r["same_graph"]["equal"] else
                    "DIFFERENT: " + "; ".join(f"{k} {v}" for k, v in r["same_graph"]["differences"].items())[:400]))
    line("analyze coauthorship --write, s", lambda r: f"{round(r['analyze']['seconds'], 1)} ({r['analyze']['backend']})")
    line("export-rdf N-Triples, triples/s", lambda r: f"{d[r['papers']]['export_triples_per_s']:,} "
                                                      f"({r['export']['triples']:,} triples)")
    line("merge of a paper with k relationships, s (k)",
         lambda r: f"{r['merge']['seconds']:,} ({r['merge']['relationships']:,}"
                   f"{'' if r['merge']['correct'] else ', WRONG RESULT'})")
    line("reset (delete the whole graph), s", lambda r: f"{r['reset']['seconds']:,} ({r['reset']['nodes']:,} nodes)")
    line("peak memory MB: load (+ reading process) / analyze / export",
         lambda r: f"{r['first_load']['peak_rss_mb']}"
                   f"{' + ' + str(r['first_load']['reader_mb']) if r['first_load'].get('reader_mb') else ''} / "
                   f"{r['analyze']['peak_rss_mb']} / {r['export']['peak_rss_mb']}")
    return "\n".join(lines) + "\n"


def plot(report: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(report["rows"], key=lambda r: r["papers"])
    steps = {
        "first load (Cypher)": "first_load", "--bulk (admin import)": "bulk", "reload unchanged": "reload",
        "1 % incremental": "incremental", "citation edges": "citations_load",
        "analyze coauthorship": "analyze", "export-rdf": "export",
    }
    # unfinished runs, and runs of some --steps, lack steps
    lines = {label: [(r["papers"], r[step]["seconds"]) for r in rows if step in r] for label, step in steps.items()}
    if not any(lines.values()):
        return  # nothing timed against size (e.g. --steps queries): no plot
    fig, ax = plt.subplots(figsize=(9, 6), dpi=110)
    for label, points in lines.items():
        if points:
            ax.plot([x for x, _ in points], [y for _, y in points], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("papers")
    ax.set_ylabel("seconds")
    ax.set_title("citegraph: cost against size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of papers")
    parser.add_argument("--naive-rows", type=int, default=3000, help="rows the naive baseline loads (a rate)")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated steps to run (default all: {','.join(STEPS)}); e.g. "
                             f"bulk,queries,analyze measures queries and analytics on the bulk-built graph; "
                             f"`same` (only when named) compares the graphs of --bulk and the Cypher loads")
    parser.add_argument("--report", type=Path, help="re-render the tables and plot of a results folder")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        CHILDREN[args.child[0]](*args.child[1:])
        return
    if args.report:
        report = json.loads((args.report / "report.json").read_text())
        report["derived"] = {r["papers"]: derived(r) for r in report["rows"]}
        (args.report / "report.json").write_text(json.dumps(report, indent=2))
        (args.report / "report.md").write_text(markdown(report))
        plot(report, args.report / "report.png")
        print(markdown(report))
        return
    steps = tuple(s.strip() for s in args.steps.split(",") if s.strip())
    unknown = set(steps) - set(STEPS) - set(EXTRA_STEPS)
    if unknown:
        parser.error(f"unknown step(s) {', '.join(sorted(unknown))}; the steps are "
                     f"{', '.join(STEPS + EXTRA_STEPS)}")
    server, status = bench_server()
    # children find the benchmarks' managed server by its home (bulk loads need to restart it)
    env = {"NEO4J_URI": "", "NEO4J_PASSWORD": "", "CITEGRAPH_NEO4J_HOME": str(server.home)}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / stamp
    out.mkdir(parents=True, exist_ok=True)
    report = {"benchmark": "citegraph suite", "machine": machine(), "rows": []}

    def save(row: dict) -> None:
        rows = [r for r in report["rows"] if r is not row]
        report["rows"] = [*rows, row]
        report["derived"] = {r["papers"]: derived(r) for r in report["rows"]}
        (out / "report.json").write_text(json.dumps(report, indent=2))
        (out / "report.md").write_text(markdown(report))

    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        status = server.status()
        run_size(size, server, status, env, args.naive_rows, save, steps)
    plot(report, out / "report.png")
    print(markdown(report))
    print(f"(results in {out})")


if __name__ == "__main__":
    main()
