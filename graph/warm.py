"""Reading into the server's page cache what the author and paper queries visit.

Neo4j Community starts with an empty page cache and fills it on demand (Enterprise reloads
what was cached before a restart), so on a large graph the first queries about a person read
their records from disk: at a million papers the 95th percentile of ``coauthors`` just after
a start is two to three times what it is once the records are in memory. ``warm`` reads, once,
in a few read-only statements: every author with its name, every authorship with its place,
every paper with its title, and the two indexes the queries start from.
"""

from __future__ import annotations

import time

from graph.lazy import lazy

neo4j = lazy("neo4j")  # the driver, imported when first used (graph.lazy)

# each counts what it read, so that the server cannot skip reading it (a count of nodes alone is
# answered from the count store); the range predicates walk the two unique indexes
WARM_STATEMENTS = {
    "authors": "MATCH (a:Author) RETURN count(a.name) AS n",
    "authorships": "MATCH (:Author)-[r:AUTHORED]->(:Paper) RETURN count(r.position) AS n",
    "papers": "MATCH (p:Paper) RETURN count(p.title) AS n",
    "author keys": "MATCH (a:Author) WHERE a.key >= '' RETURN count(a) AS n",
    "paper ids": "MATCH (p:Paper) WHERE p.id >= '' RETURN count(p) AS n",
}


def warm(driver: neo4j.Driver, database: str | None = None) -> dict:
    """Read the records of authors, authorships and papers once; how many of each were read
    (``authorships``: those with a place in their author list) and the seconds it took."""
    started = time.perf_counter()
    read = {}
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for what, statement in WARM_STATEMENTS.items():
            read[what] = session.execute_read(lambda tx, s=statement: tx.run(s).single()["n"])
    return {**read, "seconds": round(time.perf_counter() - started, 2)}
