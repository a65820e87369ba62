"""neo4j-admin database import for the managed server: the last step of ``load --bulk``
(``graph.bulk`` writes the CSV files it reads)."""

from __future__ import annotations

import os
import subprocess
import time

from citegraph.server import ADMIN_CLASS, ManagedServer, find_java, provision
from graph import killpoints
from graph.errors import LoadError

IMPORT_MARKER = "bulk-import-unfinished"  # in the server's home, while neo4j-admin import runs


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
           "--overwrite-destination=true", "--multiline-fields=true", f"--array-delimiter={array_delimiter}",
           "--skip-bad-relationships=true", "--bad-tolerance=1000000000",
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
