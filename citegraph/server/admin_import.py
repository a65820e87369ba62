"""neo4j-admin database import for the managed server: the last step of ``load --bulk``
(``graph.bulk`` writes the CSV files it reads)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time

from citegraph.server import ADMIN_CLASS, ManagedServer, find_java, provision
from graph import killpoints
from graph.errors import LoadError

IMPORT_MARKER = "bulk-import-unfinished"  # in the server's home, while neo4j-admin import runs
# what the import is told about citegraph's files (what it leaves out goes to its report, which
# ``graph.bulk`` turns into rejects)
IMPORT_OPTIONS = ("--multiline-fields=true", "--skip-bad-relationships=true", "--bad-tolerance=1000000000")


def unfinished_import(server: ManagedServer) -> str | None:
    """The database an earlier ``load --bulk`` was importing when it was stopped (killed, or the
    import failed), if any: that database holds a partial import, and the next one may replace it."""
    marker = server.home / IMPORT_MARKER
    return marker.read_text(encoding="utf-8").strip() or None if marker.exists() else None


def import_finished(server: ManagedServer) -> None:
    """The imported database is complete (schema, counts): the marker goes."""
    (server.home / IMPORT_MARKER).unlink(missing_ok=True)


def run_import(server: ManagedServer, node_args: list[str], rel_args: list[str], database: str = "neo4j", *,
               array_delimiter: str) -> tuple[float, list[str]]:
    """Stop the managed server, import, start it again; returns the import's seconds and what the
    import skipped (the entries of its report: one line each).

    Whatever happens (a failed import, Ctrl-C, SIGTERM), the server is started again and the
    admin tool ended. A marker in the server's home says an import is under way until the caller
    has finished the database (``import_finished``), so that a load killed before that can be
    rerun (``unfinished_import``)."""
    report = server.home / "logs" / "import.report"
    report.unlink(missing_ok=True)  # a report left by an earlier import is not this one's
    marker = server.home / IMPORT_MARKER
    java = find_java()
    lib = provision()
    status = server.status()
    cmd = [java, "-Xmx4g", "-cp", f"{lib}/*", ADMIN_CLASS, "database", "import", "full", database,
           "--overwrite-destination=true", *IMPORT_OPTIONS, f"--array-delimiter={array_delimiter}",
           f"--report-file={report}",
           *[f"--nodes={n}" for n in node_args], *[f"--relationships={r}" for r in rel_args]]
    env = dict(os.environ, NEO4J_HOME=str(server.home), NEO4J_CONF=str(server.home / "conf"))
    marker.write_text(database, encoding="utf-8")
    if status.running:
        server.stop()
    try:
        started = time.perf_counter()
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as proc:
            try:
                killpoints.point("bulk.import")
                output, _ = proc.communicate()
            except BaseException:  # interrupted: the admin tool does not outlive the command
                proc.kill()
                raise
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise LoadError(f"neo4j-admin import failed:\n{output[-3000:]}")
    finally:
        killpoints.point("bulk.restart")
        server.start(bolt_port=status.bolt_port, http_port=status.http_port)
    return seconds, skipped_entries(report)


def skipped_entries(report) -> list[str]:
    """What neo4j-admin import left out, from its report file (one entry a line, as it writes them)."""
    try:
        text = report.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def import_script(node_args: list[str], rel_args: list[str], *, array_delimiter: str) -> str:
    """A shell script that builds a database from import files in its own folder with
    neo4j-admin (Neo4j 5): the ``load --bulk`` import, for another machine or a cluster's seed.
    Arguments are the database (default ``neo4j``) and further options for neo4j-admin."""
    code = f"{ord(array_delimiter):03o}"
    files = [*(f"--nodes={_relative(a)}" for a in node_args), *(f"--relationships={_relative(a)}" for a in rel_args)]
    return "\n".join([
        "#!/bin/sh",
        "# Builds a citegraph database from the files beside this script (written by",
        "# `citegraph load --import-files`), with neo4j-admin of Neo4j 5, on a stopped server:",
        "#   NEO4J_HOME=/path/to/neo4j sh import.sh [DATABASE] [neo4j-admin options...]",
        "# (or NEO4J_ADMIN=/path/to/neo4j-admin when it is not NEO4J_HOME/bin/neo4j-admin).",
        "# Then start the server and run `citegraph stats --recount` once: it creates the schema",
        "# (constraints and indexes); the files carry the counts and statistics kept on nodes,",
        "# and the recount puts them right if the import left something out.",
        "# What the import leaves out is listed in import.report.",
        "set -e",
        'cd "$(dirname "$0")"',
        'ADMIN="${NEO4J_ADMIN:-${NEO4J_HOME:?set NEO4J_HOME to the Neo4j installation}/bin/neo4j-admin}"',
        'DATABASE="${1:-neo4j}"',
        "[ $# -gt 0 ] && shift",
        f'"$ADMIN" database import full "$DATABASE" {" ".join(IMPORT_OPTIONS)} '
        f'--array-delimiter="$(printf \'\\{code}\')" --report-file=import.report \\',
        *(f"  {shlex.quote(f)} \\" for f in files),
        '  "$@"',
        ""])


def _relative(arg: str) -> str:
    """``TYPE=/dir/file.csv`` or ``/dir/file.csv`` -> the same with the file's name only."""
    prefix, sep, path = arg.rpartition("=")
    return f"{prefix}{sep}{os.path.basename(path)}"
