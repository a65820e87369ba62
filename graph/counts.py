"""Relationship counts kept as node properties (``graph.model.COUNTS``).

``top-authors`` and ``most-cited`` rank every author or paper; counting relationships
at query time reads them all (seconds at a million papers). With the count stored and
indexed, the ranking is an index walk in descending order. Every statement that adds or
removes a counted relationship recounts its node in the same transaction (the writer's
edges and withdrawals, paper merges); ``refresh_counts`` recounts a whole graph (after
``neo4j-admin import``, or for a graph written by other means).
"""

from __future__ import annotations

import neo4j

from graph.model import COUNTS, Count


def counted_at(rel: str, start: str | None, end: str | None) -> list[tuple[Count, str]]:
    """The counts a relationship ``(start)-[rel]->(end)`` changes, with the side they sit on
    (``"start"`` or ``"end"``). A side whose label is unknown (None) may be any label."""
    out = []
    for count in COUNTS:
        if count.rel != rel:
            continue
        side, label = ("start", start) if count.outgoing else ("end", end)
        if label is None or label == count.label:
            out.append((count, side))
    return out


def recount(count: Count, var: str, *, check_label: bool = False) -> str:
    """A Cypher clause that stores ``var``'s current count (only on nodes of the count's label)."""
    value = f"COUNT {{ {count.pattern(var)} }}"
    if not check_label:
        return f"SET {var}.`{count.prop}` = {value}"
    return (f"FOREACH (_ IN CASE WHEN {var}:`{count.label}` THEN [1] ELSE [] END | "
            f"SET {var}.`{count.prop}` = {value})")


def refresh_statements() -> list[str]:
    """Recount every node (auto-commit, in batches); only changed values are written."""
    return [
        f"MATCH (n:`{c.label}`) WITH n, COUNT {{ {c.pattern('n')} }} AS c "
        f"WHERE coalesce(n.`{c.prop}`, 0) <> c "
        f"CALL (n, c) {{ SET n.`{c.prop}` = c }} IN TRANSACTIONS OF 10000 ROWS"
        for c in COUNTS
    ]


def refresh_counts(driver: neo4j.Driver, database: str | None = None) -> int:
    """Recount every counted property; returns how many nodes changed."""
    changed = 0
    with driver.session(database=database) as session:
        for statement in refresh_statements():
            changed += session.run(statement).consume().counters.properties_set
    return changed


def ensure_counts(driver: neo4j.Driver, database: str | None = None) -> None:
    """Fill in the counts of a graph written before they existed (cheap when they are there:
    one index probe and one relationship probe per count)."""
    with driver.session(database=database) as session:
        for c in COUNTS:
            has_counts = session.run(
                f"MATCH (n:`{c.label}`) WHERE n.`{c.prop}` IS NOT NULL RETURN 1 LIMIT 1").single()
            has_rels = session.run(f"MATCH ()-[r:`{c.rel}`]->() RETURN 1 LIMIT 1").single()
            if has_rels and not has_counts:
                refresh_counts(driver, database)
                return
