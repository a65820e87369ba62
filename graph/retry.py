"""Auto-commit statements run again when they meet another writer.

``CALL … IN TRANSACTIONS`` needs an auto-commit transaction, which the driver does not
retry (it retries ``execute_write`` only). Loads, statistics and analytics running at the
same time can deadlock on a shared node (a venue, an author); Neo4j then rolls back the
inner transaction that lost. The statements run this way are idempotent (they recompute
and set), so running one again finishes the work.
"""

from __future__ import annotations

import random
import time

from graph.lazy import lazy

neo4j = lazy("neo4j")

RETRIED = {"Neo.TransientError.Transaction.DeadlockDetected", "Neo.TransientError.Transaction.LockClientStopped",
           "Neo.TransientError.Transaction.Outdated"}
ATTEMPTS = 8


def retried(work, codes=RETRIED, attempts: int = ATTEMPTS, pause: tuple = (0.05, 0.3)):
    """``work()``, again after a short random pause (growing with each attempt) while it fails
    with one of the Neo4j error ``codes``; the last failure is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except neo4j.exceptions.Neo4jError as exc:
            if exc.code not in codes or attempt == attempts:
                raise
            time.sleep(random.uniform(*pause) * attempt)


def run_retried(session, statement: str, **params):
    """``session.run(statement).consume()``, again when a deadlock (or another transient
    conflict) rolled it back; the summary of the run that completed."""
    return retried(lambda: session.run(statement, **params).consume())


def value_retried(session, statement: str, key: str, **params):
    """``run_retried`` for a statement that returns one row: its value ``key``."""
    return retried(lambda: session.run(statement, **params).single()[key])
