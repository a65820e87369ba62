"""The ``citegraph`` command line: a thin layer over ``citegraph.api``.

Each command opens the graph, calls one API function and prints its answer.
Problems the user can act on (``CitegraphError``) become one line on stderr
and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import signal
import sys

import click

from citegraph.errors import CitegraphError, Interrupted
from citegraph.output import render


def _lazy(name: str):
    """Import a module when one of its attributes is first used (the Python docs' LazyLoader
    recipe): the API loads the Neo4j driver, and `citegraph --help` should not wait for it."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


api = _lazy("citegraph.api")  # everything the commands do, they do through it


class ApiChoice(click.Choice):
    """A choice among names an API function lists, read when the option is first used."""

    def __init__(self, lister: str, first: tuple = ()):
        self._lister, self._first = lister, first
        super().__init__([])

    @property
    def choices(self):
        return (*self._first, *getattr(api, self._lister)())

    @choices.setter
    def choices(self, _):  # click.Choice sets it in __init__; the API is asked instead
        pass

# --bulk's steps, as the summary names them
BULK_PHASES = {"read": "reading the inputs", "csv": "writing the CSV files", "import": "neo4j-admin import",
               "restart": "server stop and start", "indexes": "constraints and indexes",
               "counts": "counts and statistics"}
EXIT_REJECTS = 3  # `load` read everything but rejected some rows


def connection_options(fn):
    """--uri/--user/--password/--database/--home on every command that talks to Neo4j."""
    options = [
        click.option("--uri", help="Bolt URI of the server (default: NEO4J_URI, else the managed server)."),
        click.option("--user", help="user name (default: NEO4J_USER, else neo4j)."),
        click.option("--password", help="password (default: NEO4J_PASSWORD, else the managed server's)."),
        click.option("--database", help="database name (default: NEO4J_DATABASE, else the server's default)."),
        click.option("--home", type=click.Path(file_okay=False),
                     help="home of the managed server to use (default: the user's data directory)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def open_graph(kwargs: dict):
    conn = {k: kwargs.pop(k, None) for k in ("uri", "user", "password", "database", "home")}
    api.without_dataframes()
    return api.CiteGraph.connect(**conn)


class _QuietRetries(logging.Filter):
    """The driver logs each retry of a transaction (a deadlock between concurrent loads, a
    server restarting) as a warning; a retry that succeeds is not news, and one that finally
    fails is reported as an error anyway."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "will be retried" not in record.getMessage()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def handle_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        logging.getLogger("neo4j.session").addFilter(_QuietRetries())
        signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops a command as Ctrl-C does
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except CitegraphError as exc:
            click.echo(str(exc) if isinstance(exc, Interrupted) else f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:
            # the driver's errors, when the command used the driver (importing it to ask would
            # cost commands that never talk to Neo4j half a second)
            errors = sys.modules.get("neo4j.exceptions")
            if errors is not None and isinstance(exc, errors.Neo4jError):
                click.echo(f"error: Neo4j said {exc.code}: {exc.message}", err=True)
                sys.exit(1)
            if errors is not None and isinstance(exc, errors.DriverError):
                click.echo(f"error: {exc}", err=True)
                sys.exit(1)
            raise
    return wrapper


def emit_json(value) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="citegraph")
def main():
    """citegraph: conference papers, authors, citations and Hub artifacts as a Neo4j knowledge graph.

    \b
    Example:
      citegraph neo4j start && citegraph load samples/ && citegraph stats
    """


# -- enrichment from the live APIs ----------------------------------------------------

def enrich_options(fn):
    """--max-papers/--batch-size/--cache-dir/--json/--progress on every enrich command."""
    options = [
        click.option("--max-papers", type=click.IntRange(1), help="ask about at most this many papers."),
        click.option("--batch-size", type=click.IntRange(1), default=100, show_default=True,
                     help="papers per saved chunk (an interrupted run keeps every chunk it saved)."),
        click.option("--cache-dir", type=click.Path(file_okay=False),
                     help="HTTP cache and runs (default: citegraph's cache folder; delete it to fetch afresh)."),
        click.option("--json", "as_json", is_flag=True, help="print the report as JSON."),
        click.option("--progress/--no-progress", default=None, help="progress bar on stderr (default: when a terminal)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@main.group()
def enrich():
    """Fetch more from the live scholarly APIs for the papers of the graph (needs the network).

    \b
    Example:
      citegraph enrich citations --source openalex --citations --limit 200
    """


@enrich.command("citations")
@click.option("--source", type=click.Choice(["openalex", "s2"]), default="openalex", show_default=True,
              help="OpenAlex (key: OPENALEX_API_KEY) or Semantic Scholar (key: S2_API_KEY).")
@click.option("--papers", metavar="FILE-OR-QUERY",
              help="a file of paper ids, DOIs or arXiv ids (one a line), or a Cypher query returning `id` "
                   "(default: every paper with a DOI, arXiv, OpenAlex or Semantic Scholar id that an API did not add).")
@click.option("--depth", type=click.IntRange(1, 3), default=1, show_default=True,
              help="levels of references to follow (OpenAlex).")
@click.option("--citations", "with_citations", is_flag=True, help="also fetch the works that cite each paper.")
@click.option("--limit", type=click.IntRange(1), help="at most this many references and citations per paper.")
@click.option("--api-url", help="base URL of the API (a mirror, or a test server).")
@enrich_options
@connection_options
@handle_errors
def enrich_citations(source, papers, depth, with_citations, limit, max_papers, batch_size, api_url, cache_dir, as_json,
                     progress, **conn):
    """Fetch what the graph's papers cite (and, with --citations, what cites them) and load it
    through the same loaders as files. An interrupted run continues where it stopped; the HTTP
    cache makes a rerun free. Exit status 3 when a paper failed or a row was rejected.

    \b
    Example:
      export OPENALEX_API_KEY=...   # free at openalex.org/settings/api
      citegraph enrich citations --citations --limit 500
      citegraph query most-cited -p limit=10
    """
    with open_graph(conn) as cg:
        report = cg.enrich_citations(source, papers=papers, depth=depth, citations=with_citations, limit=limit,
                                     api_url=api_url, cache_dir=cache_dir, progress=progress, max_papers=max_papers,
                                     chunk=batch_size)
    _enrich_report(report, as_json)


@enrich.command("hub")
@click.option("--papers", metavar="FILE-OR-QUERY",
              help="a file of paper ids, DOIs or arXiv ids (one a line), or a Cypher query returning `id` "
                   "(default: every paper with an arXiv id that an API did not add).")
@click.option("--depth", type=click.IntRange(0, 12), default=3, show_default=True,
              help="levels of derived models to follow (fine-tunes of fine-tunes ...).")
@click.option("--limit", type=click.IntRange(1), help="at most this many repositories per listing.")
@click.option("--api-url", help="base URL of the Hub (default: HF_ENDPOINT, else https://huggingface.co).")
@enrich_options
@connection_options
@handle_errors
def enrich_hub(papers, depth, limit, max_papers, batch_size, api_url, cache_dir, as_json, progress, **conn):
    """For papers with an arXiv id: the Hub's models, datasets and Spaces that cite them, the
    models derived from those (with the relation: fine-tune, adapter, quantization, merge), the
    datasets they were trained on, and their downloads and likes on the day read.

    \b
    Example:
      citegraph enrich hub --depth 2
      citegraph query model-lineage -p id=2310.04551
      citegraph query paper-reach -p limit=10
    """
    with open_graph(conn) as cg:
        report = cg.enrich_hub(papers=papers, depth=depth, limit=limit, api_url=api_url, cache_dir=cache_dir,
                               progress=progress, max_papers=max_papers, chunk=batch_size)
    _enrich_report(report, as_json)


def _enrich_report(report, as_json: bool) -> None:
    load = report.load
    if as_json:
        emit_json(report.as_dict())
    else:
        u = report.usage
        click.echo(f"{report.papers} papers asked about ({report.resumed} done by an earlier run): {report.found} found, "
                   f"{len(report.not_found)} not found, {len(report.failed)} failed")
        click.echo(f"{u.get('requests', 0)} requests ({u.get('from_cache', 0)} more answered from the cache); "
                   f"cost {u.get('cost', 0)}" + (f", left today {u['remaining']}" if u.get("remaining") else ""))
        click.echo(f"loaded {load.loaded} records ({load.rejected} rejected): created {load.counts.get('nodes_created', 0)} "
                   f"nodes and {load.counts.get('relationships_created', 0)} relationships")
        for f in report.failed[:20]:
            click.echo(f"  failed {f['paper']}: {f['reason']}", err=True)
        for note in report.notes[:20]:
            click.echo(f"  note: {note}", err=True)
        if report.not_found:
            click.echo(f"  not found: {', '.join(report.not_found[:20])}" + (" …" if len(report.not_found) > 20 else ""),
                       err=True)
    if report.failed or load.rejected:
        sys.exit(EXIT_REJECTS)


# -- the managed server -------------------------------------------------------------

@main.group()
def neo4j():
    """Run a local Neo4j Community server (downloaded from Maven Central once; no Docker).

    \b
    Example:
      citegraph neo4j start && eval "$(citegraph neo4j env)"
    """


home_option = click.option("--home", type=click.Path(file_okay=False),
                           help="server home (default: CITEGRAPH_NEO4J_HOME, else the user's data directory).")


@neo4j.command("start")
@home_option
@click.option("--bolt-port", type=int, help="Bolt port on 127.0.0.1 (default 7687, or the one used before).")
@click.option("--http-port", type=int, help="HTTP/Browser port on 127.0.0.1 (default 7474, or the one used before).")
@click.option("--heap", help="JVM heap, e.g. 4g (default 4g).")
@click.option("--pagecache", help="Neo4j page cache, e.g. 4g (default 4g).")
@click.option("--timeout", type=float, default=240, show_default=True, help="seconds to wait for Bolt.")
@handle_errors
def neo4j_start(home, bolt_port, http_port, heap, pagecache, timeout):
    """Provision (first time), start, and wait until the server answers; a running one is left alone.

    \b
    Example:
      citegraph neo4j start --bolt-port 7688 --http-port 7475
    """
    was_running, status = api.start_server(home, bolt_port=bolt_port, http_port=http_port, heap=heap,
                                           pagecache=pagecache, timeout=timeout,
                                           log=lambda m: click.echo(m, err=True))
    click.echo(("Neo4j was already running" if was_running else "Neo4j is running") +
               f" (pid {status.pid}) at {status.uri}")
    _print_login(status)


def _print_login(status) -> None:
    click.echo(f"  Browser:  {status.browser_url}")
    click.echo(f"  user:     neo4j")
    click.echo(f"  password: {status.password}   (also in {status.home / 'password'})")
    if status.http_port:
        click.echo(f"  guide:    opens when you connect; again with  :guide {api.browser_guide_url(status.http_port)}")


@neo4j.command("stop")
@home_option
@handle_errors
def neo4j_stop(home):
    """Stop the managed server (a stopped one stays stopped).

    \b
    Example:
      citegraph neo4j stop
    """
    stopped, where = api.stop_server(home)
    click.echo("Neo4j stopped" if stopped else f"Neo4j in {where} was not running")


@neo4j.command("status")
@home_option
@click.option("--json", "as_json", is_flag=True, help="print a JSON object.")
@handle_errors
def neo4j_status(home, as_json):
    """Whether the managed server runs, where, and how to log in to its Browser.

    \b
    Example:
      citegraph neo4j status --json
    """
    status = api.server_status(home)
    if as_json:
        emit_json(status.as_dict())
    elif status.running:
        click.echo(f"running (pid {status.pid}) at {status.uri}, home {status.home}")
        _print_login(status)
    else:
        click.echo(f"not running (home {status.home}); start it with `citegraph neo4j start`")
    if not status.running:
        sys.exit(1)


@neo4j.command("env")
@home_option
@handle_errors
def neo4j_env(home):
    """Print `export NEO4J_URI=… NEO4J_USER=… NEO4J_PASSWORD=…` for the shell.

    \b
    Example:
      eval "$(citegraph neo4j env)"
    """
    import shlex

    status = api.server_status(home)
    if not status.bolt_port or not status.password:
        raise CitegraphError(f"no managed server has been started in {status.home}; run `citegraph neo4j start`")
    click.echo(f"export NEO4J_URI={shlex.quote(status.uri)}")
    click.echo("export NEO4J_USER=neo4j")
    click.echo(f"export NEO4J_PASSWORD={shlex.quote(status.password)}")


# -- loading and inspecting ------------------------------------------------------------

@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", default="auto", show_default=True,
              type=ApiChoice("load_formats", ("auto",)), help="input format (auto: from name and content).")
@click.option("--conference", help='conference of these papers, e.g. "NeurIPS 2023" (else inferred where the data names it).')
@click.option("--source", help="name recorded in each node's `sources` (default: the file name).")
@click.option("--id-scheme", default="auto", show_default=True,
              type=click.Choice(["auto", "arxiv", "doi", "openreview", "openalex", "s2", "raw"]),
              help="edge lists: how to read bare identifiers.")
@click.option("--of", "of_paper", metavar="ID",
              help="Semantic Scholar /references or /citations pages: the paper they belong to "
                   "(a paper id, DOI, arXiv or Semantic Scholar id; the page itself does not say).")
@click.option("--rejects", type=click.Path(dir_okay=False, writable=True),
              help="write every rejected row (with its text) to this JSON Lines file.")
@click.option("--batch-size", type=click.IntRange(1), default=10_000, show_default=True, help="records per transaction.")
@click.option("--bulk", is_flag=True, help="first load into an EMPTY database with neo4j-admin import "
              "(much faster for very large loads; stops and restarts the managed server).")
@click.option("--import-files", "import_dir", type=click.Path(file_okay=False),
              help="write what --bulk would import (CSV files and import.sh, which runs neo4j-admin) to this "
                   "new folder instead of loading: to build the database on another machine or seed a cluster.")
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON.")
@click.option("--progress/--no-progress", default=None, help="progress bar on stderr (default: when a terminal).")
@connection_options
@handle_errors
def load(paths, fmt, conference, source, id_scheme, of_paper, rejects, batch_size, bulk, import_dir, as_json, progress,
         **conn):
    """Load files (or folders) into the graph. Loading the same data again changes nothing.

    Bad rows never stop a load: each is reported with file, line and reason, and
    the exit status is 3 when any row was rejected.

    \b
    Example:
      citegraph load papers.jsonl --conference "NeurIPS 2023" --rejects rejects.jsonl
      citegraph reset --yes && citegraph load --bulk neurips-all-years/ citations.tsv
      citegraph load references-page.json --of 10.2139/ssrn.2250500
      citegraph load --import-files seed/ openalex-works/   # then: NEO4J_HOME=... sh seed/import.sh
    """
    if import_dir:  # no server: the files are for one elsewhere
        summary = api.write_import_files(list(paths), import_dir, fmt, conference=conference, source=source,
                                         rejects_path=rejects, progress=progress, id_scheme=id_scheme,
                                         of_paper=of_paper)
    else:
        with open_graph(conn) as cg:
            summary = cg.load(list(paths), fmt, conference=conference, source=source, rejects_path=rejects,
                              progress=progress, batch_size=batch_size, bulk=bulk, id_scheme=id_scheme,
                              of_paper=of_paper)
    if as_json:
        emit_json(summary.as_dict())
    else:
        for f in summary.files:
            same = f" ({f['unchanged']} unchanged)" if f.get("unchanged") else ""
            click.echo(f"{f['path']} ({f['format']}): {f['loaded']} of {f['read']} rows "
                       f"{'written' if import_dir else 'loaded'}{same}, "
                       f"{f['rejected']} rejected")
        c = summary.counts
        if import_dir:
            click.echo(f"{summary.loaded} rows read, {summary.rejected} rejected in {summary.seconds:.1f} s; "
                       f"wrote {c.get('nodes_created', 0)} nodes and {c.get('relationships_created', 0)} "
                       f"relationships to {import_dir}; build the database there with "
                       f"NEO4J_HOME=/path/to/neo4j sh {import_dir.rstrip('/')}/import.sh, start it, and run "
                       f"`citegraph stats --recount` once")
        else:
            click.echo(f"{summary.loaded} rows loaded, {summary.rejected} rejected in {summary.seconds:.1f} s; "
                       f"created {c.get('nodes_created', 0)} nodes and {c.get('relationships_created', 0)} relationships")
            if summary.phases:  # --bulk: where the time went
                click.echo("  " + ", ".join(f"{BULK_PHASES.get(k, k)} {v:.1f} s" for k, v in summary.phases.items()))
                click.echo("  the full-text indexes (search, find-author) fill on in the background; "
                           "a search waits for them")
            if summary.tip:
                click.echo("  " + summary.tip)
        for r in summary.rejects[:20]:
            where = f"{r['source']}:{r['line']}" if r["line"] is not None else r["source"]
            click.echo(f"  rejected {where}: {r['reason']}", err=True)
        if len(summary.rejects) > 20:
            click.echo(f"  ... and {len(summary.rejects) - 20} more (--rejects FILE writes them all)", err=True)
        for w in summary.warnings[:20]:
            where = f"{w['source']}:{w['line']}" if w["line"] is not None else w["source"]
            click.echo(f"  warning {where}: {w['warning']}", err=True)
        if len(summary.warnings) > 20:
            click.echo(f"  ... and {len(summary.warnings) - 20} more warnings (--json lists them all)", err=True)
    if summary.rejected or summary.counts.get("import_skipped"):
        sys.exit(EXIT_REJECTS)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="print a JSON object.")
@click.option("--recount", is_flag=True,
              help="first recompute the counts and statistics kept on nodes (Author.paper_count, "
                   "Paper.citation_count, the Venue statistics) that rankings read; loads keep them up to "
                   "date, so this is only needed after writing to the graph with your own Cypher.")
@connection_options
@handle_errors
def stats(as_json, recount, **conn):
    """Counts of nodes per label and relationships per type.

    \b
    Example:
      citegraph stats --json
    """
    with open_graph(conn) as cg:
        if recount:
            click.echo(f"recounted: {cg.recount()} value(s) changed", err=True)
        result = cg.stats()
    if as_json:
        emit_json(result)
        return
    # the coauthorship community labels (Community0..19) are one line, not twenty
    communities = {k: v for k, v in result["nodes"].items() if k in api.COMMUNITY_LABELS}
    nodes = {k: v for k, v in result["nodes"].items() if k not in communities}
    width = max([len(k) for k in (*nodes, *result["relationships"])] + [5])
    click.echo("nodes")
    for label, count in nodes.items():
        click.echo(f"  {label:<{width}} {count:>9}")
    if communities:
        click.echo(f"  {'communities':<{width}} {len(communities):>9}  (labels Community0..{len(communities) - 1}, "
                   f"{sum(communities.values())} authors in the largest {len(communities)})")
    click.echo("relationships")
    for rel, count in result["relationships"].items():
        click.echo(f"  {rel:<{width}} {count:>9}")



@main.command()
@click.option("--json", "as_json", is_flag=True, help="print a JSON object.")
@click.option("--no-queries", is_flag=True, help="only read the records; run no query.")
@connection_options
@handle_errors
def warm(as_json, no_queries, **conn):
    """Read every author, authorship and paper into the server's memory once, then run the
    queries people start from on a sample of authors and papers.

    Neo4j Community starts with an empty page cache and reads records from disk as queries
    first need them, and compiles a query's code as it runs it: on a large graph, run this
    after a server start so that the first questions about people are answered about as fast
    as later ones (15-20 s at a million papers).

    \b
    Example:
      citegraph neo4j start && citegraph warm
    """
    with open_graph(conn) as cg:
        read = cg.warm(queries=not no_queries)
    if as_json:
        emit_json(read)
        return
    click.echo(f"read {read['authors']:,} authors, {read['authorships']:,} authorships and "
               f"{read['papers']:,} papers into the server's page cache and ran {read['queries']:,} "
               f"queries in {read['seconds']} s")


# -- canned queries ----------------------------------------------------------------------

queries_dir_option = click.option(
    "--queries-dir", "queries_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
    help="folder of your own .cypher/.rq queries (repeatable; also CITEGRAPH_QUERIES_PATH).")


@main.command("queries")
@queries_dir_option
@click.option("--json", "as_json", is_flag=True, help="print a JSON array.")
@click.option("--sparql", is_flag=True, help="list the SPARQL (.rq) queries instead of the Cypher ones.")
@handle_errors
def list_queries(queries_dirs, as_json, sparql):
    """List the canned queries with their descriptions and parameters.

    \b
    Example:
      citegraph queries --queries-dir my-queries/
    """
    found = api.query_catalogue(queries_dirs, "sparql" if sparql else "cypher")
    if as_json:
        emit_json([q.as_dict() for q in found.values()])
        return
    for q in found.values():
        params = " ".join(
            f"{p.name}=<{p.type}>" if p.required else f"[{p.name}={'null' if p.default is None else p.default}]"
            for p in q.params)
        click.echo(f"{q.name} {params}".rstrip())
        if q.description:
            click.echo(f"    {q.description}")
        if q.columns:
            click.echo(f"    -> {', '.join(q.columns)}")


def _skip(query, given: dict) -> int | None:
    """The ``skip`` of a paged query (checked already), for the table's footer."""
    declared = {p.name: p for p in query.params}
    if "skip" not in declared:
        return None
    try:  # (as typed on the command line: "5", "5.0"; "null" is no skip)
        return int(float(str(given.get("skip", declared["skip"].default)).strip()))
    except (TypeError, ValueError):
        return 0


@main.command("query")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="a parameter (repeatable); integers stay integers.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@queries_dir_option
@connection_options
@handle_errors
def run_query_command(name, params, fmt, queries_dirs, **conn):
    """Run a canned query (by name, or a .cypher file) read-only and print its rows.

    \b
    Example:
      citegraph query coauthors -p "name=Fartash Faghri" --format json
    """
    given = api.parse_assignments(params)
    query = api.check_query(name, given, queries_dirs)  # missing parameters are reported before connecting
    with open_graph(conn) as cg:
        rows = cg.run_query(name, queries_dirs=queries_dirs, **given)
    click.echo(render(rows, fmt, list(query.columns) or None, skip=_skip(query, given)))


@main.command()
@click.argument("id_or_name")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@connection_options
@handle_errors
def explain(id_or_name, fmt, **conn):
    """Why a paper or a person is one node: identifiers, sources, and what was merged into it
    (with the identifier or rule that joined them), so that a wrong merge can be seen.

    \b
    Example:
      citegraph explain 10.18653/v1/2020.findings-emnlp.150
      citegraph explain "Libovický, Jindřich"
    """
    with open_graph(conn) as cg:
        rows = cg.explain(id_or_name)
    if not rows:
        click.echo(f"no paper or person {id_or_name!r} in the graph", err=True)
        sys.exit(1)
    click.echo(render(rows, fmt, ["what", "value"]))


# -- analytics ------------------------------------------------------------------------------

@main.group()
def analyze():
    """Graph analytics (networkx) on projections of the graph.

    \b
    Example:
      citegraph analyze coauthorship --write --json
    """


@analyze.command("coauthorship")
@click.option("--write", is_flag=True, help="store component, community, pagerank, degree, betweenness on every Author.")
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON.")
@click.option("--seed", type=int, default=42, show_default=True, help="seed of the communities and sampling.")
@click.option("--betweenness-samples", type=int,
              help="sample this many sources for betweenness (default: exact up to 5,000 authors, else 200, "
                   "fewer (at least 32) on graphs of millions of collaborations).")
@click.option("--communities", "communities_method", type=click.Choice(["auto", "louvain", "leiden"]), default="auto",
              show_default=True,
              help="Louvain, or Leiden (Louvain refined; with igraph); auto: Leiden from 500,000 authors.")
@click.option("--top", type=int, default=10, show_default=True, help="authors listed per measure.")
@click.option("--backend", type=click.Choice(["auto", "networkx", "igraph"]), default="auto", show_default=True,
              help="networkx, or compiled igraph (auto: igraph from 50,000 authors).")
@click.option("--graphml", type=click.Path(dir_okay=False), help="also write the graph as GraphML.")
@click.option("--gexf", type=click.Path(dir_okay=False), help="also write the graph as GEXF (Gephi).")
@click.option("--png", type=click.Path(dir_okay=False), help="also draw a picture: the --ego network or the largest component.")
@click.option("--ego", help="author whose ego network --png draws.")
@click.option("--radius", type=int, default=1, show_default=True, help="hops of the ego network.")
@connection_options
@handle_errors
def analyze_coauthorship(write, as_json, seed, betweenness_samples, communities_method, top, backend, graphml, gexf,
                         png, ego, radius, **conn):
    """Components, communities (Louvain, or Leiden), PageRank, degree and betweenness of the coauthorship graph.

    \b
    Example:
      citegraph analyze coauthorship --write --png ego.png --ego "Shih-Chii Liu"
    """
    with open_graph(conn) as cg:
        analysis = cg.analyze_coauthorship(write=write, seed=seed, betweenness_k=betweenness_samples,
                                           backend=backend, communities_method=communities_method)
    summary = analysis.summary(top)
    summary["written"] = write
    api.write_analysis(analysis, graphml=graphml, gexf=gexf, png=png, ego=ego, radius=radius)
    if as_json:
        emit_json(summary)
        return
    click.echo(f"{summary['authors']} authors, {summary['collaborations']} collaborations")
    sizes = summary["component_sizes"]
    click.echo(f"{summary['components']} components (largest {summary['largest_component']}; "
               f"sizes {', '.join(map(str, sizes[:10]))}{', ...' if len(sizes) > 10 else ''}; "
               f"{summary['isolated_authors']} authors alone)")
    click.echo(f"{summary['communities']} communities ({summary['community_method'].capitalize()}, seed {seed}, modularity {summary['modularity']:.3f}; "
               f"{summary['community_library']})")
    for measure, ranked in summary["top"].items():
        click.echo(f"top by {measure}: " + "; ".join(f"{r['author']} {r['value']:.4g}" for r in ranked[:5]))
    if write:
        click.echo(f"stored {', '.join(('component', 'community', 'pagerank', 'degree', 'betweenness'))} "
                   f"on {summary['authors']} authors")
    for path in (graphml, gexf, png):
        if path:
            click.echo(f"wrote {path}")


# -- RDF ---------------------------------------------------------------------------------



@main.command("export-rdf")
@click.argument("out")
@click.option("--format", "fmt", type=ApiChoice("rdf_formats"),
              help="RDF format (default: from OUT's extension, else turtle).")
@click.option("--base-iri", help="base of the resources' IRIs (default https://w3id.org/citegraph/id/).")
@click.option("--validate", "check", is_flag=True, help="validate the file against the SHACL shapes afterwards.")
@click.option("--page-size", type=int, default=5000, show_default=True, help="nodes read from Neo4j per page.")
@click.option("--processes", type=click.IntRange(min=1),
              help="processes making N-Triples or N-Quads lines into a file (default: 2, or 1 on one core).")
@connection_options
@handle_errors
def export_rdf(out, fmt, base_iri, check, page_size, processes, **conn):
    """Export the graph as RDF (schema.org, DCTERMS, FOAF, BIBO, FaBiO, CiTO, PROV), streamed.

    OUT is a file, or - for standard output. docs/rdf.md gives the mapping.

    \b
    Example:
      citegraph export-rdf graph.ttl --validate
      citegraph export-rdf - --format ntriples | gzip > graph.nt.gz
    """
    if out == "-" and check:
        raise CitegraphError("--validate needs a file, not standard output")
    with open_graph(conn) as cg:
        stats = cg.export_rdf(out, fmt, base_iri, page_size, processes=processes)
    click.echo(f"wrote {stats.triples} triples to {out} in {stats.seconds:.1f} s "
               f"({stats.as_dict()['triples_per_second']} triples/s)", err=True)
    if stats.replaced_characters:
        click.echo(f"warning: {stats.replaced_characters} control character(s) cannot be written in RDF/XML "
                   f"(XML 1.0 has no way to hold them) and became U+FFFD; the other formats keep them", err=True)
    if check:
        _report_validation(out, fmt)


def _report_validation(path, fmt) -> None:
    violations = api.validate_rdf(path, fmt)
    for v in violations:
        click.echo(str(v))
    if violations:
        click.echo(f"{path}: {len(violations)} violation(s) of the citegraph shapes", err=True)
        sys.exit(1)
    click.echo(f"{path} conforms to the citegraph shapes", err=True)


@main.command("validate-rdf")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=ApiChoice("rdf_formats"), help="RDF format (default: from the extension).")
@handle_errors
def validate_rdf(file, fmt):
    """Check an RDF file against the citegraph SHACL shapes (pySHACL); exit 1 naming each violation.

    \b
    Example:
      citegraph validate-rdf graph.ttl
    """
    _report_validation(file, fmt)


@main.command("sparql")
@click.argument("query")
@click.option("--data", "data", multiple=True, required=True, type=click.Path(exists=True, dir_okay=False),
              help="RDF file to query (repeatable; format from the extension).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="a parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@queries_dir_option
@handle_errors
def sparql(query, data, params, fmt, queries_dirs):
    """Run a SPARQL query (a canned twin by name, or a .rq file) on exported RDF files.

    \b
    Example:
      citegraph sparql coauthors --data graph.ttl -p "name=Fartash Faghri"
    """
    given = api.parse_assignments(params)
    q = api.check_query(query, given, queries_dirs, language="sparql")
    rows = api.run_sparql(query, data, queries_dirs=queries_dirs, **given)
    click.echo(render(rows, fmt, list(q.columns) or None, skip=_skip(q, given)))


@main.command("sparql-serve")
@click.option("--data", "data", multiple=True, required=True, type=click.Path(exists=True, dir_okay=False),
              help="RDF file to serve (repeatable).")
@click.option("--port", type=int, default=7878, show_default=True, help="port on 127.0.0.1.")
@click.option("--store", type=click.Path(file_okay=False), help="keep the Oxigraph store in this folder (default: temporary).")
@handle_errors
def sparql_serve(data, port, store):
    """Serve RDF files as a read-only SPARQL endpoint on loopback (the Oxigraph server).

    \b
    Example:
      citegraph sparql-serve --data graph.ttl --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT (COUNT(*) AS ?n) { ?s ?p ?o }' http://127.0.0.1:7878/query
    """
    status = api.serve_sparql(list(data), port, store, announce=lambda m: click.echo(m, err=True))
    if status:
        sys.exit(status)


@main.command()
@click.option("--yes", is_flag=True, help="really delete everything.")
@connection_options
@handle_errors
def reset(yes, **conn):
    """Delete every node and relationship in the database (constraints and indexes stay).

    \b
    Example:
      citegraph reset --yes
    """
    if not yes:
        raise CitegraphError("reset deletes the whole graph; run it again with --yes")
    with open_graph(conn) as cg:
        deleted = cg.reset()
    click.echo(f"deleted {deleted} nodes")


if __name__ == "__main__":
    main()
