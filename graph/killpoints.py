"""Named places where citegraph's crash tests kill the process, to prove that rerunning the
same command repairs whatever a crash there leaves behind (``tests/test_kill_points.py``).

Inert unless the environment says otherwise: ``CITEGRAPH_KILL_AT=NAME`` kills the process
group with SIGKILL the first time ``point(NAME)`` is passed, ``NAME@N`` the N-th time. The
whole group goes, as it does when a laptop dies: the command and any tool it runs (the
neo4j-admin import), not the managed server, which runs in a session of its own.
``NAME:INT`` or ``NAME:TERM`` sends the process SIGINT or SIGTERM there instead, as a user's
Ctrl-C or a service manager would (``tests/test_signals.py``).

    >>> point("write.committed")  # nothing happens without CITEGRAPH_KILL_AT
"""

from __future__ import annotations

import os
import signal

POINTS = {
    "read.row": "while reading an input file (before the row's batch is written)",
    "write.batch": "mid-batch: the batch's statements ran, its transaction is not committed",
    "write.committed": "between batches: just after one committed",
    "merge.move": "while a paper with many relationships is merged: after a chunk of them moved",
    "load.venue_stats": "after the last batch, before the venue statistics",
    "bulk.csv": "while writing the CSV files for neo4j-admin import",
    "bulk.import": "while neo4j-admin import runs",
    "bulk.restart": "after the import, while the managed server starts again",
    "bulk.schema": "after the restart, before the schema and kept counts are in place",
    "analyze.write_back": "during the write-back of coauthorship measures (after one batch)",
    "export.write": "during an RDF export (part of the file written)",
    "server.start": "while the managed server starts (process launched, not yet answering)",
    "enrich.chunk": "during an enrichment, after a chunk of papers is saved",
}

_TARGET = os.environ.get("CITEGRAPH_KILL_AT")
_passed: dict[str, int] = {}


def point(name: str) -> None:
    """Mark a kill point (see ``POINTS``)."""
    if _TARGET is None:
        return
    target, _, how = _TARGET.partition(":")
    want, _, nth = target.partition("@")
    if name != want:
        return
    _passed[name] = _passed.get(name, 0) + 1
    if _passed[name] != int(nth or 1):
        return
    if how:
        os.kill(os.getpid(), getattr(signal, f"SIG{how}"))
        return
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os.kill(os.getpid(), signal.SIGKILL)
