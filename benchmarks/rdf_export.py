"""RDF export: citegraph's streamed exporter against a plain rdflib ``Graph.serialize``.

One run loads a synthetic graph (default 30,000 papers, well over a million
triples) into the benchmarks' own Neo4j, exports it as N-Triples with
``citegraph export-rdf``, then serialises the very same triples with rdflib
(parsed into an in-memory ``Graph`` first, as a script using rdflib would hold
them). Each side runs in a fresh process that reports its own time and peak
memory. With ``--papers`` given twice, the exporter's memory can be compared
across sizes (it should stay flat).

    python -m benchmarks.rdf_export --papers 30000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from benchmarks.common import RESULTS, bench_server, dataset, machine, peak_rss_mb, run_child


def child_export(out: str, fmt: str) -> None:
    from citegraph.api import CiteGraph

    with CiteGraph.connect() as cg:
        stats = cg.export_rdf(out, fmt)
    print(json.dumps({"triples": stats.triples, "seconds": stats.seconds, "peak_rss_mb": peak_rss_mb()}))


def child_rdflib(source: str, out: str) -> None:
    import rdflib

    g = rdflib.Graph()
    g.parse(source, format="nt")
    started = time.perf_counter()
    g.serialize(destination=out, format="nt", encoding="utf-8")
    seconds = time.perf_counter() - started
    print(json.dumps({"triples": len(g), "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, action="append", help="size(s) of the synthetic graph")
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baseline")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        {"export": child_export, "rdflib": child_rdflib}[args.child[0]](*args.child[1:])
        return

    from citegraph.api import CiteGraph

    server, status = bench_server()
    env = {"NEO4J_URI": status.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": status.password}
    rows = []
    for papers in args.papers or [30_000]:
        data = dataset(papers)
        with CiteGraph.connect(uri=status.uri, password=status.password) as cg:
            cg.reset()
            cg.load([data / "papers.jsonl"], progress=False)
        out = data / "export.nt"
        ours = run_child(["-m", "benchmarks.rdf_export", "--child", "export", str(out), "ntriples"], env)
        row = {"papers": papers, "triples": ours["triples"],
               "citegraph_triples_per_s": round(ours["triples"] / ours["seconds"]),
               "citegraph_peak_mb": ours["peak_rss_mb"]}
        if not args.no_rdflib:
            theirs = run_child(["-m", "benchmarks.rdf_export", "--child", "rdflib", str(out), str(data / "rdflib.nt")])
            row.update(rdflib_triples_per_s=round(theirs["triples"] / theirs["seconds"]),
                       rdflib_peak_mb=theirs["peak_rss_mb"], rdflib_triples=theirs["triples"])
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    report = {"benchmark": "rdf-export", "machine": machine(), "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"rdf-export-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2))
    print("| papers | triples | citegraph triples/s | citegraph peak MB | rdflib triples/s | rdflib peak MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        rdflib_rate = f"{r['rdflib_triples_per_s']:,}" if "rdflib_triples_per_s" in r else "-"  # --no-rdflib
        print(f"| {r['papers']:,} | {r['triples']:,} | {r['citegraph_triples_per_s']:,} | {r['citegraph_peak_mb']} "
              f"| {rdflib_rate} | {r.get('rdflib_peak_mb', '-')} |")
    print(f"\n(results in {path})")


if __name__ == "__main__":
    main()
