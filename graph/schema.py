"""Constraints and indexes, derived from the model and created idempotently."""

from __future__ import annotations

from graph.counts import PENDING, ensure_counts
from graph.lazy import lazy
from graph.model import NODE_TYPES

neo4j = lazy("neo4j")  # the driver, imported when first used (graph.lazy)


def schema_statements() -> list[str]:
    statements = []
    for node in NODE_TYPES:
        low = node.label.lower()
        statements.append(
            f"CREATE CONSTRAINT {low}_{node.key} IF NOT EXISTS "
            f"FOR (n:`{node.label}`) REQUIRE n.`{node.key}` IS UNIQUE")
        for prop in node.indexes:
            statements.append(
                f"CREATE INDEX {low}_{prop} IF NOT EXISTS FOR (n:`{node.label}`) ON (n.`{prop}`)")
    # the end of a load finds the papers whose venues' statistics wait for them (graph.counts)
    statements.append(f"CREATE INDEX paper_{PENDING} IF NOT EXISTS FOR (n:Paper) ON (n.`{PENDING}`)")
    # the canned queries look authors up by name and papers by words; the full-text indexes are
    # brought up to date in the background, so a load's commits do not wait for Lucene
    background = "OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}}"
    statements.append(
        f"CREATE FULLTEXT INDEX paper_text IF NOT EXISTS FOR (n:Paper) ON EACH [n.title, n.abstract] {background}")
    statements.append(
        f"CREATE FULLTEXT INDEX author_name_text IF NOT EXISTS FOR (n:Author) ON EACH [n.name] {background}")
    return statements


def ensure_schema(driver: neo4j.Driver, database: str | None = None, *, counts: bool = True,
                  await_fulltext: bool = True) -> None:
    """Create every constraint and index (schema commands cannot share a transaction); then,
    unless ``counts`` is false, fill in kept counts a graph lacks (``graph.counts.ensure_counts``).

    Returns once every index is online; with ``await_fulltext`` false, the full-text indexes
    may still be filling (a full-text query waits for its index itself, then answers from all
    of it: ``load --bulk`` returns seconds to a minute sooner)."""
    # plain indexes first: each fills in the background while the constraints after them,
    # whose creation waits for their own, are made. The full-text indexes last: filling them
    # (Lucene over every title and abstract) takes the CPU the constraints' checks need (the
    # 100k-paper benchmark graph: 13.2 s to bring the rest online with them first, 3.2 s with them last)
    statements = sorted(schema_statements(), key=lambda s: (s.startswith("CREATE FULLTEXT"),
                                                            s.startswith("CREATE CONSTRAINT")))
    with driver.session(database=database) as session:
        for statement in statements:
            session.run(statement).consume()
        if await_fulltext:
            session.run("CALL db.awaitIndexes(300)").consume()
        else:
            names = [r["name"] for r in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'FULLTEXT' RETURN name")]
            for name in names:
                session.run("CALL db.awaitIndex($name, 300)", name=name).consume()
    if counts:
        ensure_counts(driver, database)  # a graph from neo4j-admin import, or from before counts existed
