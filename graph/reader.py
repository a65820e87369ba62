"""Reading the graph: canned Cypher queries run read-only.

The query catalogue and the binding of parameters are ``queries``'; running them against
Neo4j is this module's.
"""

from __future__ import annotations

from typing import Any

from graph.errors import QueryError
from graph.lazy import lazy
from queries import CannedQuery, bind

neo4j = lazy("neo4j")  # the driver, imported when first used (graph.lazy)


# Notices the driver is not to report on sessions that read by internal id: ``id()`` is used
# on purpose (ranges and seeks; elementId has neither), and a young graph lacks some types.
# (A session's list replaces the driver's, so both are named.)
QUIET = ["DEPRECATION", "UNRECOGNIZED"]

def plain(value: Any) -> Any:
    """Neo4j values to JSON-able Python (nodes and relationships become their properties)."""

    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time, neo4j.time.Duration)):
        return value.iso_format()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def run_cypher(driver, query: CannedQuery, params: dict[str, Any], database: str | None = None) -> list[dict]:
    """Run a canned Cypher query read-only: a query that writes fails and changes nothing.

    The query runs as one auto-commit statement in a READ session: the server refuses writes
    there as in a READ transaction, and a transaction function's begin and commit (about a
    millisecond of a small query's two to three here) are left out. A transient failure, or a lost
    connection, runs it again as a READ transaction function, with the driver's retries."""

    bound = bind(query, params)

    def rows(result):
        keys = result.keys()
        return [{k: plain(record[k]) for k in keys} for record in result]

    try:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            try:
                return rows(session.run(query.text, bound))
            except (neo4j.exceptions.TransientError, neo4j.exceptions.SessionExpired,
                    neo4j.exceptions.ServiceUnavailable):
                return session.execute_read(lambda tx: rows(tx.run(query.text, bound)))
    except neo4j.exceptions.ClientError as exc:
        if "AccessMode" in (exc.code or "") or "write" in (exc.message or "").lower() and "read" in (exc.message or "").lower():
            raise QueryError(f"query {query.name} tries to write; canned queries run read-only "
                             f"and nothing was changed ({exc.message})") from None
        raise QueryError(f"query {query.name} ({query.path}) failed: {exc.code}: {exc.message}") from None
