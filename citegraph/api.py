"""The Python API: everything the command line does, as functions.

    >>> from citegraph import CiteGraph
    >>> with CiteGraph.connect() as cg:  # doctest: +SKIP
    ...     summary = cg.load(["samples/papers.jsonl"], conference="NeurIPS 2023")
    ...     rows = cg.run_query("top-authors", limit=5)

``connect`` finds the server like the CLI does (flags, NEO4J_* variables, the managed server).
The driver is built once (``connect``) or handed in (``CiteGraph(driver)``);
a CiteGraph closes only a driver it built.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

import queries
from citegraph.browser import guide_url as browser_guide_url  # noqa: F401  (for the command line)
from citegraph.connection import open_driver, resolve
from citegraph.errors import Interrupted, LoadError
from citegraph.rdf import format_for
from citegraph.read_ahead import ReadAhead, available as read_ahead_available
from citegraph.server import ManagedServer, cache_dir as server_cache_dir
from citegraph.server.admin_import import import_finished, import_script, run_import, unfinished_import
from citegraph.warmup import run_queries as run_warmup_queries
from graph import killpoints
from graph.bulk import ARRAY, BulkWriter
from graph.collector import collection_paused, collection_relaxed
from graph.counts import refresh_counts, refresh_stats
from graph.lazy import HIDDEN, lazy
from graph.model import COMMUNITY_LABELS  # noqa: F401  (the community methods' labels, for the command line)
from graph.rdf import DEFAULT_BASE_IRI
from graph.rdf_formats import FORMATS as RDF_FORMATS
from graph.reader import run_cypher
from graph.schema import ensure_schema
from graph.warm import warm as warm_page_cache
from graph.writer import GraphWriter
from loaders import FORMATS, LoadOptions, detect_format, expand_paths, read
from loaders.paper_dataset import Conference
from queries import catalogue as query_catalogue, find as find_query, parse_assignments  # noqa: F401

neo4j = lazy("neo4j")  # the driver, imported when first used (graph.lazy)


@dataclass
class LoadSummary:
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    unchanged: int = 0  # loaded rows the graph already held exactly (nothing written)
    rejects: list = field(default_factory=list)  # [{source, line, reason}]
    warnings: list = field(default_factory=list)  # [{source, line, warning}]
    files: list = field(default_factory=list)  # [{path, format, source, read, loaded, rejected}]
    skipped: list = field(default_factory=list)  # [{path, reason}]: files in a folder that hold no data
    counts: dict = field(default_factory=dict)  # nodes_created, relationships_created, ...
    seconds: float = 0.0
    # --bulk: seconds of each step (read, csv, import, restart, indexes, counts)
    phases: dict = field(default_factory=dict)
    tip: str | None = None  # a faster way to do what this load did (a long first load into an empty graph)

    def reject(self, reject: dict, rejects_file=None) -> None:
        """Record a reject ({source, line, reason[, raw]}); ``--rejects`` keeps the raw row too."""
        self.rejects.append({k: reject[k] for k in ("source", "line", "reason")})
        if rejects_file:
            rejects_file.write(json.dumps(reject, ensure_ascii=False) + "\n")

    def as_dict(self) -> dict:
        return {
            "read": self.read, "loaded": self.loaded, "rejected": self.rejected, "unchanged": self.unchanged,
            "rejects": self.rejects, "warnings": self.warnings, "files": self.files, "skipped": self.skipped,
            **self.counts, "seconds": round(self.seconds, 3),
            **({"phases": {k: round(v, 3) for k, v in self.phases.items()}} if self.phases else {}),
            **({"tip": self.tip} if self.tip else {}),
        }


# A Cypher load into an empty graph that took this long is pointed to neo4j-admin import
# (the benchmark's million papers and citations: 480 s by `--bulk`, 3,188 s by Cypher loads on
# the same day; docs/performance.md)
BULK_TIP_SECONDS = 120.0


def _bulk_tip(managed: bool) -> str:
    if managed:
        return ("tip: this was a first load into an empty graph; `citegraph load --bulk` builds one with "
                "neo4j-admin import, several times faster for large loads (docs/performance.md)")
    return ("tip: this was a first load into an empty graph; `citegraph load --import-files DIR` writes "
            "the files neo4j-admin import builds a database from, several times faster for large loads")


# + the date: the `sources` of what enrich loads
ENRICH_SOURCES = {"openalex": "OpenAlex API", "s2": "Semantic Scholar API", "hub": "Hugging Face Hub API"}


class CiteGraph:
    def __init__(self, driver: neo4j.Driver, database: str | None = None, *, _settings=None,
                 _owns_driver: bool = False):
        self.driver = driver
        self.database = database
        self._settings = _settings  # how connect() found the server (bulk loads reconnect with it)
        self._owns_driver = _owns_driver

    @classmethod
    def connect(cls, uri: str | None = None, user: str | None = None, password: str | None = None,
                database: str | None = None, home: str | Path | None = None) -> CiteGraph:
        """Connect like the CLI does: arguments, else NEO4J_* variables, else the managed server."""
        settings = resolve(uri, user, password, database, home)
        return cls(open_driver(settings), settings.database, _settings=settings, _owns_driver=True)

    def close(self) -> None:
        if self._owns_driver:
            self.driver.close()

    def __enter__(self) -> CiteGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- loading -------------------------------------------------------------
    def ensure_schema(self) -> None:
        ensure_schema(self.driver, self.database)

    def load(self, paths: list[str | Path], fmt: str = "auto", *, conference: str | None = None,
             source: str | None = None, rejects_path: str | Path | None = None,
             progress: bool | None = None, batch_size: int = 10_000, bulk: bool = False, id_scheme: str = "auto",
             of_paper: str | None = None) -> LoadSummary:
        """Load files; bad rows are reported in the summary, never fatal to the good ones.

        ``bulk=True`` builds an empty database with ``neo4j-admin database import`` (see
        ``graph.bulk``): much faster for very large first loads, managed server only.
        ``id_scheme`` says how edge lists' bare identifiers read; ``of_paper`` names the paper
        whose Semantic Scholar ``/references`` or ``/citations`` page is loaded.
        """
        started = time.perf_counter()
        if batch_size < 1:
            raise LoadError(f"batch_size must be at least 1 (records per transaction), not {batch_size}")
        options, summary, files, show = _begin_load(paths, conference, source, id_scheme, of_paper, progress)
        rejects_file = open(rejects_path, "w", encoding="utf-8") if rejects_path else None
        try:
            if bulk:
                self._bulk(files, fmt, options, summary, rejects_file, show)
            else:
                self.ensure_schema()
                empty = not self.driver.execute_query("MATCH (n) RETURN count(n) > 0 AS any",
                                                      database_=self.database).records[0]["any"]
                options = dataclasses.replace(options, unchanged=_HeldRows(self))
                # the rows parsed by a second process while this one writes, when that process
                # can open a connection of its own (to skip rows the graph holds already)
                ahead = self._settings is not None and read_ahead_available()
                # (the reading process, forked inside, collects as rarely)
                with collection_relaxed():
                    for path in files:
                        # one writer per file: its batches are committed before the next file starts
                        writer = GraphWriter(self.driver, self.database, source=None, batch_size=batch_size)
                        try:
                            with writer:
                                _load_file(path, fmt, options, summary, rejects_file, show, writer, ahead=ahead)
                        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: say what is in the graph
                            raise Interrupted("interrupted: " + _committed(summary, path, writer)) from None
                        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired) as exc:
                            # the driver retried for its max_transaction_retry_time; the server stayed away
                            raise LoadError(f"the Neo4j server went away during the load ({exc}); "
                                            + _committed(summary, path, writer)) from None
                        self._written(writer.written, summary, rejects_file, writer.source or Path(path).name)
                killpoints.point("load.venue_stats")
                # the venues and Hub accounts this load's writes marked (or an interrupted load's left marked)
                refresh_stats(self.driver, self.database, pending_only=True)
        finally:
            if rejects_file:
                rejects_file.close()
        summary.seconds = time.perf_counter() - started
        if not bulk and empty and summary.seconds >= BULK_TIP_SECONDS:
            summary.tip = _bulk_tip(managed=self._settings is not None and self._settings.home is not None)
        return summary

    def _bulk(self, files, fmt, options, summary: LoadSummary, rejects_file, show: bool) -> None:

        home = self._settings.home if self._settings else None
        if home is None:
            raise LoadError("--bulk rebuilds the database of the managed server (it stops and starts it); "
                            "it cannot work on a server given by --uri or NEO4J_URI")
        server = ManagedServer(home)
        existing = self.driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=self.database).records[0]["n"]
        if existing and unfinished_import(server) != (self.database or "neo4j"):
            # (a database an interrupted import left half-built is replaced without asking)
            raise LoadError(f"--bulk only loads into an empty database, and this one has {existing} nodes; "
                            f"load without --bulk, or `citegraph reset --yes` first")
        database = self.database or "neo4j"
        for stale in (server.home / "import").glob("bulk-*"):  # files a killed bulk load left behind
            shutil.rmtree(stale, ignore_errors=True)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="bulk-", dir=server.home / "import") as workdir:
            writer = BulkWriter(Path(workdir), importer=lambda nodes, rels: run_import(
                server, nodes, rels, database, array_delimiter=ARRAY))
            try:
                with collection_paused():
                    for path in files:
                        _load_file(path, fmt, options, summary, rejects_file, show, writer, ahead=True)
                    read = time.perf_counter()
                    written = writer.close()
            except KeyboardInterrupt:
                raise Interrupted(
                    "interrupted before the import was complete; the server runs again, and running the "
                    "same command again builds the database afresh (it replaces a partial import)") from None
            self._written(written, summary, rejects_file, "(all files)")
        # a new database: the driver's bookmarks and pooled connections belong to the old one
        self.driver.close()
        self.driver = open_driver(self._settings)
        killpoints.point("bulk.schema")
        imported = time.perf_counter()
        # the full-text indexes fill on after the load returns (a search waits for its index)
        ensure_schema(self.driver, self.database, counts=False, await_fulltext=False)
        indexed = time.perf_counter()
        if written.not_kept:  # counts and statistics were written with the nodes: recounted if the
            refresh_counts(self.driver, self.database)  # import left something out
        summary.phases = {"read": read - started, **written.phases, "indexes": indexed - imported,
                          "counts": time.perf_counter() - indexed}
        import_finished(server)

    @staticmethod
    def _written(written, summary: LoadSummary, rejects_file, where: str) -> None:
        """Add what a sink wrote to the summary: its counts, and what the database did not keep
        as rejects (those rows were read, so they move from loaded to rejected)."""
        for k, v in written.counts().items():
            summary.counts[k] = summary.counts.get(k, 0) + v
        warning = written.self_citation_warning()
        if warning:
            summary.warnings.append({"source": where, "line": None, "warning": warning})
        for reject in written.not_kept:
            summary.reject(reject, rejects_file)
        rows = {(r["source"], r["line"]) for r in written.not_kept if r["line"] is not None}
        summary.rejected += len(rows)
        summary.loaded -= len(rows)

    # -- enrichment ------------------------------------------------------------
    def enrich_citations(self, source: str = "openalex", *, papers: str | None = None, depth: int = 1,
                         citations: bool = False, limit: int | None = None, api_url: str | None = None,
                         cache_dir: str | Path | None = None, progress: bool | None = None, max_papers: int | None = None,
                         chunk: int = 100):
        """Fetch what the graph's papers cite (``depth`` levels) and, with ``citations``, what cites
        them, from OpenAlex or Semantic Scholar, and load it through the loaders of those formats.

        ``papers``: a file of paper ids, DOIs or arXiv ids (one a line), or a Cypher query returning
        ``id``; default every paper with a DOI, arXiv, OpenAlex or Semantic Scholar id. ``limit``
        caps the references and citations per paper. Keys come from ``OPENALEX_API_KEY`` and
        ``S2_API_KEY``. Returns an ``EnrichReport`` (its ``load`` is the load summary)."""
        from citegraph.enrich.sources import OPENALEX_URL, S2_URL, OpenAlex, SemanticScholar  # (when it runs)

        if source not in ("openalex", "s2"):
            raise LoadError(f"unknown source {source!r}; the sources are openalex and s2")
        if source == "openalex":
            make, url, client_args = OpenAlex, OPENALEX_URL, {"params": OpenAlex.client_params()}
        else:
            make, url, client_args = SemanticScholar, S2_URL, {"headers": SemanticScholar.client_headers()}
        return self._enrich(source, make, api_url or url, client_args, self._papers_to_enrich(papers, max_papers),
                            question=[depth, citations, limit], depth=depth, citations=citations, limit=limit,
                            cache_dir=cache_dir, progress=progress, chunk=chunk)

    def enrich_hub(self, *, papers: str | None = None, depth: int = 3, limit: int | None = None,
                   api_url: str | None = None, cache_dir: str | Path | None = None, progress: bool | None = None,
                   max_papers: int | None = None, chunk: int = 100):
        """For papers with an arXiv id: the Hub's models, datasets and Spaces that cite them (their
        ``arxiv:`` tags), the models derived from those models to ``depth`` levels (``base_model``),
        and what their cards say (base model and relation, training datasets, task, library,
        licence, downloads and likes on the day read). ``limit`` caps each listing. The Hub is
        ``HF_ENDPOINT`` (or ``api_url``); the token ``HF_TOKEN`` or the saved login."""
        from citegraph.enrich.hub import Hub, hub_url

        chosen = [p for p in self._papers_to_enrich(papers, max_papers) if p.get("arxiv_id")]
        return self._enrich("hub", lambda client: Hub(client, depth, limit), api_url or hub_url(),
                            {"headers": Hub.client_headers()}, chosen, question=[depth, limit], depth=depth,
                            citations=False, limit=limit, cache_dir=cache_dir, progress=progress, chunk=chunk)

    def _enrich(self, source: str, make, url: str, client_args: dict, chosen: list[dict], *, question: list,
                depth: int, citations: bool, limit: int | None, cache_dir, progress, chunk: int):
        """Ask ``source``'s API (a client made by ``make``) about the ``chosen`` papers and load
        the answers; ``question`` names the run's folder, so the same question again resumes it."""
        from citegraph import enrich  # HTTP clients and their cache: loaded when enrichment runs
        from citegraph.enrich.http import Client

        cache = Path(cache_dir) if cache_dir else server_cache_dir() / "enrich"
        client = Client(url, cache / "http" / source, **client_args)
        # one folder per question asked: the same question again resumes it
        asked = json.dumps([url, sorted(p["id"] for p in chosen), *question])
        workdir = cache / "runs" / f"{source}-{hashlib.sha256(asked.encode()).hexdigest()[:16]}"
        show = sys.stderr.isatty() if progress is None else progress
        try:
            report = enrich.fetch(chosen, make(client), workdir, depth=depth, citations=citations, limit=limit,
                                  chunk=chunk, progress=show)
        finally:
            client.close()
        report.load = self.load(report.files, fmt=source, source=f"{ENRICH_SOURCES[source]} {time.strftime('%Y-%m-%d')}",
                                progress=show) if report.files else LoadSummary()
        return report

    def _papers_to_enrich(self, papers: str | None, max_papers: int | None) -> list[dict]:
        ids = "p.id AS id, p.doi AS doi, p.arxiv_id AS arxiv_id, p.openalex_id AS openalex_id, " \
              "p.s2_id AS s2_id, p.corpus_id AS corpus_id"
        # papers with an identifier the APIs know, that some source other than an API's
        # answer put in the graph (what an enrichment fetched is not asked about again)
        apis = " OR ".join(f"s STARTS WITH '{name}'" for name in ENRICH_SOURCES.values())
        known = "(p.doi IS NOT NULL OR p.arxiv_id IS NOT NULL OR p.openalex_id IS NOT NULL OR " \
                "p.s2_id IS NOT NULL OR p.corpus_id IS NOT NULL) AND any(s IN coalesce(p.sources, []) " \
                f"WHERE NOT ({apis}))"
        if papers and Path(papers).is_file():
            wanted = [line.strip() for line in Path(papers).read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#")]
            query = (f"UNWIND $wanted AS w MATCH (p:Paper) WHERE (p.id = w OR p.doi = toLower(w) OR p.arxiv_id = w) "
                     f"AND {known} RETURN DISTINCT {ids} ORDER BY id")
            params = {"wanted": wanted}
        elif papers:
            query = f"CALL () {{ {papers} }} WITH id MATCH (p:Paper {{id: id}}) WHERE {known} RETURN DISTINCT {ids} ORDER BY id"
            params = {}
        else:
            query = f"MATCH (p:Paper) WHERE {known} RETURN {ids} ORDER BY id"
            params = {}
        if max_papers:
            query += f" LIMIT {int(max_papers)}"
        records, _, _ = self.driver.execute_query(query, params, database_=self.database,
                                                  routing_=neo4j.RoutingControl.READ)
        return [r.data() for r in records]

    # -- asking ----------------------------------------------------------------
    def run_query(self, query: str, /, *, queries_dirs=(), **params) -> list[dict]:
        """Run a canned Cypher query (read-only) and return its rows as dicts.

        ``query`` is a query name (see ``citegraph queries``) or a ``.cypher`` file;
        the keyword arguments are its parameters (``name=...`` included).
        """
        return run_cypher(self.driver, queries.find(query, queries_dirs), params, self.database)

    def explain(self, id_or_name: str) -> list[dict]:
        """Why citegraph holds a paper (by id, arXiv id, DOI or OpenAlex id) or a person (by any
        spelling of the name) as one node: identifiers, sources, and the papers merged into it."""
        return self.run_query("explain", id=id_or_name, name=id_or_name)

    # -- analytics -------------------------------------------------------------
    def analyze_coauthorship(self, *, write: bool = False, seed: int = 42, betweenness_k: int | None = None,
                             backend: str = "auto", communities_method: str = "auto"):
        """Project the coauthorship graph, compute every measure, optionally store them on Authors.

        The returned analysis times its phases (``analysis.phases``, seconds)."""
        from citegraph.analysis import coauthorship  # networkx, igraph: loaded when analytics run

        started = time.perf_counter()
        projection = coauthorship.project_lists(self.driver, self.database)
        projected = time.perf_counter()
        analysis = coauthorship.analyze(projection, seed, betweenness_k, backend, communities_method)
        analysis.phases = {"project": projected - started, "measures": time.perf_counter() - projected}
        if write:
            written = time.perf_counter()
            coauthorship.write_back(self.driver, analysis, self.database)
            analysis.phases["write_back"] = time.perf_counter() - written
        return analysis

    # -- RDF -------------------------------------------------------------------
    def export_rdf(self, out: str, fmt: str | None = None, base_iri: str | None = None, page_size: int = 5000,
                   processes: int | None = None):
        """Stream the graph to an RDF file (``-`` for standard output); returns ExportStats.

        N-Triples and N-Quads written to a file are made by ``processes`` processes (default 2,
        or 1 on one core), each its own slices of the nodes; the file is the same either way."""
        from citegraph.rdf.export import export  # loaded when an export runs

        # a second process shares the work when this graph knows how to connect again
        connect = (lambda settings=self._settings: open_driver(settings)) if self._settings else None
        return export(self.driver, out, format_for(out, fmt) if out != "-" else (fmt or "turtle"),
                      base_iri or DEFAULT_BASE_IRI, self.database, page_size, connect=connect, processes=processes)

    # -- inspecting ----------------------------------------------------------
    def warm(self, *, queries: bool = True) -> dict:
        """Read every author, authorship and paper once, so that the first queries after a
        server start find their records in memory (``graph.warm``), then, unless ``queries``
        is false, run the queries a user starts from on a sample of people and papers, so that
        the server has compiled their code (``citegraph.warmup``). Returns how many records of
        each kind were read, how many queries ran, and the seconds it all took."""
        read = warm_page_cache(self.driver, self.database)
        ran = run_warmup_queries(self) if queries else {"queries": 0, "seconds": 0.0}
        return {**read, "queries": ran["queries"], "seconds": round(read["seconds"] + ran["seconds"], 2)}

    def stats(self) -> dict:
        """Counts per label and per relationship type (from Neo4j's count store)."""
        def work(tx):
            labels = [r["label"] for r in tx.run("CALL db.labels() YIELD label RETURN label")]
            types = [r["relationshipType"] for r in tx.run(
                "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType")]
            # labels and types come from the database itself; backticks escaped
            nodes = {l: tx.run(f"MATCH (n:`{l.replace('`', '``')}`) RETURN count(n) AS c").single()["c"]
                     for l in labels}
            rels = {t: tx.run(f"MATCH ()-[r:`{t.replace('`', '``')}`]->() RETURN count(r) AS c").single()["c"]
                    for t in types}
            total_nodes = tx.run("MATCH (n) RETURN count(n) AS c").single()["c"]
            total_rels = tx.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
            return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items())),
                    "total_nodes": total_nodes, "total_relationships": total_rels}

        with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def recount(self) -> int:
        """Recompute the counts and statistics kept on nodes (``paper_count``, ``citation_count``,
        venue and Hub account statistics); needed only after writing with your own Cypher, or
        after importing ``write_import_files``' files (the schema is created too). Returns values
        changed."""
        self.ensure_schema()
        return refresh_counts(self.driver, self.database)

    def reset(self) -> int:
        """Delete every node and relationship (the schema stays); returns the nodes deleted."""
        with self.driver.session(database=self.database) as session:
            # CALL ... IN TRANSACTIONS needs an auto-commit transaction; it commits in chunks.
            # Relationships go first, so that no chunk grows with a node's degree (deleting
            # 10,000 nodes at once with all their relationships outgrows the transaction
            # memory of a million-paper graph).
            session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
            summary = session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        return summary.counters.nodes_deleted


def without_dataframes() -> None:
    """Have the Neo4j driver, when it is first used, find pandas and pyarrow absent. It imports
    them (about half a second) only to take their objects as query parameters and to turn
    results into DataFrames; the command line does neither, so its commands start sooner."""
    HIDDEN["neo4j"] = ("pandas", "pyarrow")


def write_import_files(paths: list[str | Path], out_dir: str | Path, fmt: str = "auto", *,
                       conference: str | None = None, source: str | None = None,
                       rejects_path: str | Path | None = None, progress: bool | None = None,
                       id_scheme: str = "auto", of_paper: str | None = None) -> LoadSummary:
    """Write what ``load(bulk=True)`` imports, without a server: the CSV files for
    ``neo4j-admin database import full`` and ``import.sh``, which runs it, in ``out_dir`` (new,
    or empty). For a database built on another machine: a large server, or the seed of a
    cluster. Rows are read and checked as in a load (rejects in the summary); what the import
    itself leaves out goes to its ``import.report``."""
    final = Path(out_dir)
    if final.exists() and (not final.is_dir() or any(final.iterdir())):
        raise LoadError(f"{final}: give a new or empty folder for the import files")
    options, summary, files, show = _begin_load(paths, conference, source, id_scheme, of_paper, progress)
    out = final.with_name(final.name + ".partial")  # renamed when complete: a stopped run leaves no look-alike
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.perf_counter()

    def script(node_args, rel_args):
        (out / "import.sh").write_text(import_script(node_args, rel_args, array_delimiter=ARRAY), encoding="utf-8")
        return 0.0, []  # nothing imported here

    rejects_file = open(rejects_path, "w", encoding="utf-8") if rejects_path else None
    try:
        writer = BulkWriter(out, importer=script)
        with collection_paused():
            for path in files:
                _load_file(path, fmt, options, summary, rejects_file, show, writer, ahead=True)
            written = writer.close()
        CiteGraph._written(written, summary, rejects_file, "(all files)")
    finally:
        if rejects_file:
            rejects_file.close()
    for work in out.iterdir():  # the writer's working files; the CSV files and the script stay
        if work.suffix not in (".csv", ".sh"):
            work.unlink()
    for not_yet in ("import_seconds", "import_skipped"):  # (the import runs elsewhere)
        summary.counts.pop(not_yet, None)
    if final.exists():
        final.rmdir()  # (empty)
    out.rename(final)
    summary.seconds = time.perf_counter() - started
    return summary


class _HeldRows:
    """``LoadOptions.unchanged`` of a live load: the ids of papers that already carry a row's
    fingerprint (source + hash), so the row is not parsed or written again.

    Called in a reading process (``citegraph.read_ahead``, a copy of this one), it opens a
    connection of its own: the driver's pooled connections belong to the process that made them.
    """

    def __init__(self, cg: CiteGraph):
        self._cg = cg
        self._pid = os.getpid()
        self._own_driver = None

    def __call__(self, fingerprints: list[tuple[str, str]]) -> set:
        if not fingerprints:
            return set()
        driver = self._cg.driver
        if os.getpid() != self._pid:  # (its connection ends with the reading process)
            if self._own_driver is None:
                self._own_driver = open_driver(self._cg._settings)
            driver = self._own_driver
        records, _, _ = driver.execute_query(
            "UNWIND $rows AS r MATCH (p:Paper {id: r[0]}) WHERE r[1] IN p.row_hashes RETURN r[0] AS id",
            {"rows": [list(f) for f in fingerprints]}, database_=self._cg.database,
            routing_=neo4j.RoutingControl.READ)
        return {r["id"] for r in records}


def _begin_load(paths, conference, source, id_scheme, of_paper, progress):
    """What every load starts from: its options, an empty summary (with the files a folder holds
    that are not data), the files to read, and whether to show progress."""
    options = LoadOptions(source=source, conference=Conference.parse(conference) if conference else None,
                          id_scheme=id_scheme, of_paper=of_paper)
    summary = LoadSummary()
    for p in paths:
        if not str(p).startswith("hf:") and not Path(p).exists():
            raise LoadError(f"{p}: no such file")
    files, skipped = expand_paths([str(p) for p in paths])
    for path, reason in skipped:  # a README or licence beside the data: said, not loaded
        summary.skipped.append({"path": path, "reason": reason})
        summary.warnings.append({"source": Path(path).name, "line": None, "warning": f"skipped: {reason}"})
    show = sys.stderr.isatty() if progress is None else progress
    return options, summary, files, show


def _load_file(path: str, fmt: str, options, summary: LoadSummary, rejects_file, show: bool, writer,
               ahead: bool = False) -> None:
    """Read one file into a sink (the live writer, or the bulk writer), counting into ``summary``.
    ``ahead``: a second process parses the rows while this one writes them (``citegraph.read_ahead``),
    where processes can start as copies of this one."""
    stats = {"path": path, "format": fmt, "read": 0, "loaded": 0, "rejected": 0, "unchanged": 0}
    if writer.takes_batches != options.batched:
        options = dataclasses.replace(options, batched=writer.takes_batches)
    rows = None
    bar = tqdm(desc=Path(path).name, unit=" rows", file=sys.stderr, disable=not show, mininterval=0.5)
    try:
        stats["format"] = name = detect_format(path) if fmt == "auto" else fmt
        rows = (ReadAhead(path, name, options, withdrawals=writer.withdraws) if ahead and read_ahead_available()
                else read(path, name, options))
        for row in rows:
            killpoints.point("read.row")
            if stats["read"] == 0:
                writer.source = row.source
            stats["read"] += row.lines
            bar.update(row.lines)
            if row.reject is not None:
                stats["rejected"] += 1
                summary.reject(row.reject.as_dict(), rejects_file)
                continue
            if row.unchanged:
                stats["loaded"] += 1
                stats["unchanged"] += 1
                continue
            for warning in row.warnings:
                summary.warnings.append({"source": row.source, "line": row.line, "warning": warning})
            if writer.source != row.source:  # a reader that spans sources (rare): flush per source
                writer.flush()
                writer.source = row.source
            writer.add(row.records, (row.source, row.line))
            stats["loaded"] += row.lines
    except (LoadError, OSError, ValueError, RecursionError, UnicodeError, csv.Error) as exc:
        # the file (or the rest of it) cannot be read: one reject says so; other files still load
        reason = str(exc) if isinstance(exc, LoadError) else f"cannot be read: {exc}"
        where = stats["read"] + 1 if stats["read"] else None
        stats["read"] += 1
        stats["rejected"] += 1
        summary.reject({"source": options.source or Path(path).name, "line": where, "reason": reason}, rejects_file)
    finally:
        bar.close()
        if isinstance(rows, ReadAhead):
            rows.close()
            if rows.own_mb is not None:
                stats["reader_mb"] = rows.own_mb  # (the reading process's own memory at its end)
    summary.read += stats["read"]
    summary.loaded += stats["loaded"]
    summary.rejected += stats["rejected"]
    summary.unchanged += stats["unchanged"]
    stats["source"] = writer.source
    summary.files.append(stats)



def _committed(summary: LoadSummary, path: str, writer) -> str:
    """What a load stopped midway left in the graph: every committed batch stays (each is one
    transaction), and a rerun of the same command skips the rows already there."""
    done = [f["path"] for f in summary.files]
    where = writer.committed_through
    current = (f"{Path(path).name}: {writer.committed_rows} row(s) committed"
               + (f", through line {where[1]}" if where and where[1] else ""))
    return (f"{len(done)} file(s) loaded completely"
            + (f" ({', '.join(Path(p).name for p in done)})" if done else "")
            + f"; {current}. Every committed batch is complete; run the same command again to load "
              f"the rest (rows already in the graph are recognised as unchanged).")


def run_query(query: str, /, *, queries_dirs=(), **params) -> list[dict]:
    """One-off canned query against the default database (flags-free: NEO4J_* or the managed server).

    >>> from citegraph import run_query
    >>> run_query("top-authors", limit=2)   # doctest: +SKIP
    [{'author': 'Kohei Nakajima', 'papers': 3}, {'author': 'Mikail Khona', 'papers': 3}]
    """
    with CiteGraph.connect() as cg:
        return cg.run_query(query, queries_dirs=queries_dirs, **params)


def run_sparql(query: str, data, /, *, queries_dirs=(), **params) -> list[dict]:
    """Run a SPARQL query (a canned twin by name, or a ``.rq`` file) on exported RDF files; no
    Neo4j needed.

    >>> from citegraph.api import run_sparql
    >>> run_sparql("top-authors", ["graph.ttl"], limit=2)   # doctest: +SKIP
    [{'author': 'Kohei Nakajima', 'papers': 3}, {'author': 'Mikail Khona', 'papers': 3}]
    """
    from citegraph.rdf import sparql  # pyoxigraph's store: loaded when SPARQL runs

    return sparql.run_sparql(sparql.open_store(data), queries.find(query, queries_dirs, language="sparql"), params)


# -- beside a graph: the managed server, the catalogues, analyses and RDF files ----------------
# (the command line calls these, never the modules below them)


def check_query(name: str, params: dict, queries_dirs=(), language: str = "cypher"):
    """The canned query ``name`` (or a query file), after checking that ``params`` give it what
    it needs (a ``ParameterError`` names what is missing); returns the query."""
    query = find_query(name, queries_dirs, language=language)
    queries.bind(query, params)
    return query


def start_server(home=None, *, bolt_port=None, http_port=None, heap=None, pagecache=None, timeout: float = 240,
                 log=None):
    """Provision (first time) and start the managed Neo4j; returns (was it running already, status)."""
    server = ManagedServer(home)
    was_running = server.status().running
    return was_running, server.start(bolt_port=bolt_port, http_port=http_port, heap=heap, pagecache=pagecache,
                                     timeout=timeout, log=log)


def stop_server(home=None) -> tuple[bool, Path]:
    """Stop the managed Neo4j; returns (whether it was running, its home)."""
    server = ManagedServer(home)
    return server.stop(), server.home


def server_status(home=None):
    """The managed server's status: running, pid, ports, URI, password, home."""
    return ManagedServer(home).status()


def load_formats() -> list[str]:
    """The input formats ``load --format`` accepts (every format module the registry finds)."""
    return sorted(FORMATS)


def write_analysis(analysis, *, graphml=None, gexf=None, png=None, ego: str | None = None, radius: int = 1) -> None:
    """Save a coauthorship analysis as GraphML, GEXF and/or an ego-network picture."""
    from citegraph.analysis import export  # matplotlib: loaded when a picture is drawn

    if graphml:
        export.write_graphml(analysis, graphml)
    if gexf:
        export.write_gexf(analysis, gexf)
    if png:
        export.draw_png(analysis, png, ego=ego, radius=radius)


def rdf_formats() -> list[str]:
    """The RDF formats ``export-rdf --format`` writes and ``sparql --data`` reads."""
    return list(RDF_FORMATS)


def validate_rdf(path, fmt: str | None = None) -> list:
    """SHACL violations of an RDF file against the citegraph shapes (empty: it conforms)."""
    from citegraph.rdf.shapes import validate  # pySHACL: loaded when a file is checked

    return validate(path, fmt)


def serve_sparql(data: list[str], port: int, store: str | None = None, announce=print) -> int:
    """Serve RDF files as a read-only SPARQL endpoint until stopped (Ctrl-C or SIGTERM end the
    server process and remove a temporary store); returns the exit status."""
    from citegraph.rdf.serve import serve

    return serve(list(data), port, store, announce)
