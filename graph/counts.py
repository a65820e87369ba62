"""Relationship counts kept as node properties (``graph.model.COUNTS``), and venue statistics.

``top-authors``, ``most-cited`` and ``top-artifacts`` rank every author, paper or artifact;
counting relationships at query time reads them all (seconds at a million papers). With the count stored and
indexed, the ranking is an index walk in descending order. Every statement that adds or
removes a counted relationship recounts its node in the same transaction (the writer's
edges and withdrawals, paper merges); ``refresh_counts`` recounts a whole graph (after
``neo4j-admin import``, or for a graph written by other means).

Venue statistics (``graph.model.VENUE_STATS``: papers, and how many have an arXiv id, a
paper page, code, Hub artifacts) depend on five facts of every paper of the venue, which any
source may change; a Hub account's (``graph.model.ACCOUNT_STATS``: its artifacts that papers
link, and those papers) on the links of its artifacts. A statement that may change them marks
the venue or account (``stats_pending``, in the same transaction as the change), and the end of
a load recomputes the marked ones only, removing the mark. A load killed before that leaves
the marks, so the next load (even one that finds every row unchanged) finishes the job.
"""

from __future__ import annotations

from graph.lazy import lazy
from graph.model import ACCOUNT_STATS, COUNTS, UNTITLED, VENUE_STATS, Count
from graph.retry import run_retried

neo4j = lazy("neo4j")  # the driver, imported when first used (graph.lazy)


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
    """Recount every node (auto-commit, in batches); only changed values are written. The
    Untitled label of papers is put right too."""
    return [
        *(f"MATCH (n:`{c.label}`) WITH n, COUNT {{ {c.pattern('n')} }} AS c "
          f"WHERE coalesce(n.`{c.prop}`, 0) <> c "
          f"CALL (n, c) {{ SET n.`{c.prop}` = c }} IN TRANSACTIONS OF 10000 ROWS"
          for c in COUNTS),
        f"MATCH (n:Paper) WHERE n.title IS NULL AND NOT n:`{UNTITLED}` "
        f"CALL (n) {{ SET n:`{UNTITLED}` }} IN TRANSACTIONS OF 10000 ROWS",
        f"MATCH (n:`{UNTITLED}`) WHERE n.title IS NOT NULL "
        f"CALL (n) {{ REMOVE n:`{UNTITLED}` }} IN TRANSACTIONS OF 10000 ROWS",
    ]


PENDING = "stats_pending"  # on a Venue whose statistics a write may have changed
VENUE_FACTS = ["arxiv_id", "hf_paper_url"]  # the properties of a paper that venue statistics count


def mark_venues_of(var: str) -> str:
    """A clause marking the venues of paper ``var`` (it ends the statement)."""
    return f"WITH DISTINCT {var} MATCH ({var})-[:PRESENTED_AT]->(venue:Venue) SET venue.`{PENDING}` = true"


def mark_owners_of(var: str) -> str:
    """A clause marking the Hub accounts that own artifact ``var`` (the statement goes on)."""
    return f"FOREACH (owner IN [(owner:HubAccount)-[:OWNS]->({var}) | owner] | SET owner.`{PENDING}` = true)"


VENUE_STATS_STATEMENT = (
    "MATCH (v:Venue) WHERE $all OR v.`" + PENDING + "` IS NOT NULL CALL (v) { "
    "OPTIONAL MATCH (v)<-[:PRESENTED_AT]-(p:Paper) "
    "RETURN count(p) AS paper_count, count(p.arxiv_id) AS with_arxiv, count(p.hf_paper_url) AS with_paper_page, "
    "sum(CASE WHEN EXISTS { (p)-[:HAS_CODE]->() } THEN 1 ELSE 0 END) AS with_code, "
    "sum(CASE WHEN EXISTS { (p)-[:HAS_ARTIFACT]->() } THEN 1 ELSE 0 END) AS with_artifacts } "
    "WITH v, [paper_count, with_arxiv, with_paper_page, with_code, with_artifacts] AS stats "
    f"WHERE [{', '.join(f'coalesce(v.`{p}`, -1)' for p in VENUE_STATS)}] <> stats OR v.`{PENDING}` IS NOT NULL "
    "CALL (v, stats) { SET " + ", ".join(f"v.`{p}` = stats[{i}]" for i, p in enumerate(VENUE_STATS)) +
    f" REMOVE v.`{PENDING}` }} IN TRANSACTIONS OF 1000 ROWS"
)


ACCOUNT_STATS_STATEMENT = (
    "MATCH (h:HubAccount) WHERE $all OR h.`" + PENDING + "` IS NOT NULL CALL (h) { "
    "OPTIONAL MATCH (h)-[:OWNS]->(x)<-[:HAS_ARTIFACT]-(p:Paper) "
    "RETURN count(DISTINCT x) AS linked_artifacts, count(DISTINCT p) AS paper_count } "
    "WITH h, [linked_artifacts, paper_count] AS stats "
    f"WHERE [{', '.join(f'coalesce(h.`{p}`, -1)' for p in ACCOUNT_STATS)}] <> stats OR h.`{PENDING}` IS NOT NULL "
    "CALL (h, stats) { SET " + ", ".join(f"h.`{p}` = stats[{i}]" for i, p in enumerate(ACCOUNT_STATS)) +
    f" REMOVE h.`{PENDING}` }} IN TRANSACTIONS OF 1000 ROWS"
)


def refresh_stats(driver: neo4j.Driver, database: str | None = None, *, pending_only: bool = False) -> int:
    """Recompute the statistics of every venue and Hub account, or of the marked ones; returns
    the number of property writes."""
    with driver.session(database=database) as session:
        return sum(run_retried(session, statement, all=not pending_only).counters.properties_set
                   for statement in (VENUE_STATS_STATEMENT, ACCOUNT_STATS_STATEMENT))


def refresh_counts(driver: neo4j.Driver, database: str | None = None) -> int:
    """Recount every counted property and venue statistic; returns how many values changed."""
    changed = 0
    with driver.session(database=database) as session:
        for statement in refresh_statements():
            changed += run_retried(session, statement).counters.properties_set
    return changed + refresh_stats(driver, database)


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
        missing = False
        for label, prop in (("Venue", "paper_count"), ("HubAccount", ACCOUNT_STATS[0])):
            has_stats = session.run(f"MATCH (n:`{label}`) WHERE n.`{prop}` IS NOT NULL RETURN 1 LIMIT 1").single()
            has_nodes = session.run(f"MATCH (n:`{label}`) RETURN 1 LIMIT 1").single()
            missing = missing or bool(has_nodes and not has_stats)
    if missing:
        refresh_stats(driver, database)
