"""neo4j-admin database import for the managed server: the last step of ``load --bulk``
(``graph.bulk`` writes the CSV files it reads)."""

from __future__ import annotations

import os
import subprocess
import time

from citegraph.server import ADMIN_CLASS, ManagedServer, find_java, provision
from graph.errors import LoadError


def run_import(server: ManagedServer, node_args: list[str], rel_args: list[str], database: str = "neo4j", *,
               array_delimiter: str) -> tuple[float, list[str]]:
    """Stop the managed server, import, start it again; returns the import's seconds and what the
    import skipped (the entries of its report: one line each)."""
    report = server.home / "logs" / "import.report"
    report.unlink(missing_ok=True)  # a report left by an earlier import is not this one's
    java = find_java()
    lib = provision()
    status = server.status()
    if status.running:
        server.stop()
    cmd = [java, "-Xmx4g", "-cp", f"{lib}/*", ADMIN_CLASS, "database", "import", "full", database,
           "--overwrite-destination=true", "--multiline-fields=true", f"--array-delimiter={array_delimiter}",
           "--skip-bad-relationships=true", "--bad-tolerance=1000000000",
           f"--report-file={report}",
           *[f"--nodes={n}" for n in node_args], *[f"--relationships={r}" for r in rel_args]]
    env = dict(os.environ, NEO4J_HOME=str(server.home), NEO4J_CONF=str(server.home / "conf"))
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        server.start(bolt_port=status.bolt_port, http_port=status.http_port)
        raise LoadError(f"neo4j-admin import failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    server.start(bolt_port=status.bolt_port, http_port=status.http_port)
    return seconds, skipped_entries(report)


def skipped_entries(report) -> list[str]:
    """What neo4j-admin import left out, from its report file (one entry a line, as it writes them)."""
    try:
        text = report.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]
