"""Relationship counts kept as node properties (``graph.model.COUNTS``), and venue statistics.

``top-authors``, ``most-cited`` and ``top-artifacts`` rank every author, paper or artifact;
counting relationships at query time reads them all (seconds at a million papers). With the count stored and
indexed, the ranking is an index walk in descending order. Every statement that adds a
counted relationship raises its node's count by one for each it created, and every statement
that removes or moves some (withdrawals, paper merges) recounts the node, in the same
transaction; ``refresh_counts`` recounts a whole graph (after ``neo4j-admin import``, or for a
graph written by other means: ``citegraph stats --recount``).

Venue statistics (``graph.model.VENUE_STATS``: papers, and how many have an arXiv id, a
paper page, code, Hub artifacts) depend on facts of every paper of the venue, which any source
may change. Recounting a venue reads all its papers (seconds for a venue of 100,000 papers), so
they are kept by differences: each paper keeps what its venues count of it (``venue_counted``);
a statement that may change a paper's facts or venues marks the paper (``stats_pending``, in the
same transaction as the change), and the end of a load applies, for the marked papers only, the
difference between what each venue counts of the paper and what it is now. A new venue, and
one that loses a paper that goes (a merge, a withdrawal), is marked itself and recounted from
all its papers. A Hub account's statistics (``graph.model.ACCOUNT_STATS``: its artifacts that
papers link, and those papers) are recounted when marked. A load killed before the end leaves
the marks, so the next load (even one that finds every row unchanged) finishes the job.
"""

from __future__ import annotations

from collections import defaultdict

from graph.lazy import lazy
from graph.model import ACCOUNT_STATS, COUNTS, UNTITLED, VENUE_STATS, Count
from graph.retry import run_retried, value_retried

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


# A count of zero is not stored (a node no relationship was ever counted on has none, as the
# bulk import writes it): the graph then does not depend on whether a count went up and down.
_STORED_COUNT = "nullIf({c}, 0)"


def recount(count: Count, var: str, *, check_label: bool = False) -> str:
    """A Cypher clause that stores ``var``'s current count (only on nodes of the count's label)."""
    value = _STORED_COUNT.format(c=f"COUNT {{ {count.pattern(var)} }}")
    if not check_label:
        return f"SET {var}.`{count.prop}` = {value}"
    return (f"FOREACH (_ IN CASE WHEN {var}:`{count.label}` THEN [1] ELSE [] END | "
            f"SET {var}.`{count.prop}` = {value})")


def refresh_statements() -> list[str]:
    """Recount every node (auto-commit, in batches); only changed values are written. The
    Untitled label of papers is put right too."""
    return [
        *(f"MATCH (n:`{c.label}`) WITH n, COUNT {{ {c.pattern('n')} }} AS c "
          f"WHERE coalesce(n.`{c.prop}`, 0) <> c OR n.`{c.prop}` = 0 "
          f"CALL (n, c) {{ SET n.`{c.prop}` = {_STORED_COUNT.format(c='c')} }} IN TRANSACTIONS OF 10000 ROWS"
          for c in COUNTS),
        f"MATCH (n:Paper) WHERE n.title IS NULL AND NOT n:`{UNTITLED}` "
        f"CALL (n) {{ SET n:`{UNTITLED}` }} IN TRANSACTIONS OF 10000 ROWS",
        f"MATCH (n:`{UNTITLED}`) WHERE n.title IS NOT NULL "
        f"CALL (n) {{ REMOVE n:`{UNTITLED}` }} IN TRANSACTIONS OF 10000 ROWS",
    ]


PENDING = "stats_pending"  # on a Paper, Venue or Hub account whose statistics a write may have changed
VENUE_FACTS = ["arxiv_id", "hf_paper_url"]  # the properties of a paper that venue statistics count
COUNTED = "venue_counted"  # on a Paper: what each of its venues' statistics count of it (sorted)

# A paper's facts as venue statistics count them: four 0/1 digits (arXiv id, paper page, code,
# Hub artifacts); an entry of ``venue_counted`` is these digits followed by the venue id.
FACT_DIGITS = ("(CASE WHEN {p}.arxiv_id IS NULL THEN '0' ELSE '1' END + "
               "CASE WHEN {p}.hf_paper_url IS NULL THEN '0' ELSE '1' END + "
               "CASE WHEN EXISTS {{ ({p})-[:HAS_CODE]->() }} THEN '1' ELSE '0' END + "
               "CASE WHEN EXISTS {{ ({p})-[:HAS_ARTIFACT]->() }} THEN '1' ELSE '0' END)")


def mark(var: str) -> str:
    """A clause marking node ``var`` (the statement goes on): a paper's venues are brought up
    to date by the difference it makes; a venue or Hub account is recounted."""
    return f"SET {var}.`{PENDING}` = true"


def mark_venues_of(var: str) -> str:
    """A clause marking the venues of paper ``var`` for a full recount (for a paper that goes,
    whose part in them no delta can take back); it ends the statement."""
    return f"WITH DISTINCT {var} MATCH ({var})-[:PRESENTED_AT]->(venue:Venue) {mark('venue')}"


def mark_owners_of(var: str) -> str:
    """A clause marking the Hub accounts that own artifact ``var`` (the statement goes on)."""
    return f"FOREACH (owner IN [(owner:HubAccount)-[:OWNS]->({var}) | owner] | {mark('owner')})"


def _stat_terms(entry: str) -> list[str]:
    """The venue statistics one ``venue_counted`` entry adds (the paper, then its four facts)."""
    return ["1", *(f"toInteger(substring({entry}, {i}, 1))" for i in range(4))]


_STORED = f"[{', '.join(f'coalesce(v.`{p}`, -1)' for p in VENUE_STATS)}]"

# Marked venues (new ones, and those that lost a paper) are recounted from all their papers,
# in one transaction each. The venue is locked first (the mark is written), so a marked paper's
# delta cannot slip in between what is read here and what is written; every paper's entry for
# the venue is set to what was counted.
VENUE_STATS_STATEMENT = (
    "MATCH (v:Venue) WHERE $all OR v.`" + PENDING + "` IS NOT NULL CALL (v) { "
    f"{mark('v')} WITH v "
    "OPTIONAL MATCH (v)<-[:PRESENTED_AT]-(p:Paper) "
    f"WITH v, p, CASE WHEN p IS NULL THEN null ELSE {FACT_DIGITS.format(p='p')} + v.id END AS entry "
    f"CALL (p, v, entry) {{ WITH p, v, entry WHERE p IS NOT NULL AND NOT entry IN coalesce(p.`{COUNTED}`, []) "
    f"SET p.`{COUNTED}` = COLLECT {{ UNWIND [e IN coalesce(p.`{COUNTED}`, []) WHERE substring(e, 4) <> v.id] + entry "
    "AS e RETURN e ORDER BY e } } "
    "WITH v, [" + ", ".join(f"sum(CASE WHEN entry IS NULL THEN 0 ELSE {t} END)" for t in _stat_terms("entry"))
    + f"] AS stats WITH v, stats, size([i IN range(0, {len(VENUE_STATS) - 1}) WHERE {_STORED}[i] <> stats[i]]) AS changed "
    f"FOREACH (_ IN CASE WHEN changed > 0 THEN [1] ELSE [] END | "
    "SET " + ", ".join(f"v.`{p}` = stats[{i}]" for i, p in enumerate(VENUE_STATS)) + ") "
    f"REMOVE v.`{PENDING}` RETURN changed }} IN TRANSACTIONS OF 1 ROWS RETURN sum(changed) AS changed"
)

# Marked papers (written, or their code, artifacts or venues changed): each venue's statistics
# change by the difference between the paper's entry for it and what the paper is now. The paper
# is locked first (its mark is removed) so two loads cannot apply one difference twice; a venue
# is locked by its own update (Cypher locks a node before reading a property it sets from).
PAPER_STATS_STATEMENT = (
    f"MATCH (p:Paper) WHERE p.`{PENDING}` IS NOT NULL CALL (p) {{ "
    f"REMOVE p.`{PENDING}` WITH p "
    f"WITH p, coalesce(p.`{COUNTED}`, []) AS old, "
    f"COLLECT {{ MATCH (p)-[:PRESENTED_AT]->(v:Venue) RETURN {FACT_DIGITS.format(p='p')} + v.id AS e ORDER BY e }} AS new "
    "WITH p, [e IN old WHERE NOT e IN new] AS gone, [e IN new WHERE NOT e IN old] AS added, new "
    "WHERE size(gone) + size(added) > 0 "
    f"SET p.`{COUNTED}` = CASE WHEN size(new) = 0 THEN null ELSE new END "
    "WITH [e IN gone | [-1, e]] + [e IN added | [1, e]] AS changes UNWIND changes AS change "
    "WITH substring(change[1], 4) AS venue, change[0] AS sign, change[1] AS entry "
    "WITH venue, [" + ", ".join(f"sum(sign * {t})" for t in _stat_terms("entry")) + "] AS delta "
    "MATCH (v:Venue {id: venue}) "
    "SET " + ", ".join(f"v.`{p}` = coalesce(v.`{p}`, 0) + delta[{i}]" for i, p in enumerate(VENUE_STATS)) +
    " RETURN size([d IN delta WHERE d <> 0]) AS changed"
    " } IN TRANSACTIONS OF 1000 ROWS RETURN sum(changed) AS changed"
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


# Before every venue is recounted (``stats --recount``): entries of papers no
# longer at a venue (a relationship deleted by hand-written Cypher), which a later difference
# would take away from the venue a second time.
STALE_ENTRIES_STATEMENT = (
    f"MATCH (p:Paper) WHERE p.`{COUNTED}` IS NOT NULL "
    f"WITH p, [e IN p.`{COUNTED}` WHERE EXISTS {{ (p)-[:PRESENTED_AT]->(:Venue {{id: substring(e, 4)}}) }}] AS kept "
    f"WHERE size(kept) < size(p.`{COUNTED}`) "
    f"CALL (p, kept) {{ SET p.`{COUNTED}` = CASE WHEN size(kept) = 0 THEN null ELSE kept END }} "
    "IN TRANSACTIONS OF 10000 ROWS"
)


class StatsTally:
    """The statistics of a graph built from files (``load --bulk``), tallied while its files are
    written: what ``VENUE_STATS_STATEMENT`` and ``ACCOUNT_STATS_STATEMENT`` would compute in the
    database afterwards. Feed it every relationship (papers by their final ids), then each paper's
    properties; then ask for each venue's and Hub account's values."""

    RELS = ("PRESENTED_AT", "HAS_CODE", "HAS_ARTIFACT", "OWNS")  # the relationships it counts from

    def __init__(self):
        self.with_code: set = set()
        self.with_artifacts: set = set()
        self.venues_of: dict = {}  # paper -> its venue id, or a tuple of them (most papers have one)
        self.linking: dict = defaultdict(set)  # (label, key) of an artifact -> the papers that link it
        self.owned: dict = defaultdict(list)  # Hub account -> (label, key) of the artifacts it owns
        self.venues: dict = {}  # venue id -> its VENUE_STATS

    def relationship(self, rel: str, end_label: str, start, end) -> None:
        if rel == "PRESENTED_AT":
            had = self.venues_of.get(start)
            self.venues_of[start] = end if had is None else (*(had if isinstance(had, tuple) else (had,)), end)
        elif rel == "HAS_CODE":
            self.with_code.add(start)
        elif rel == "HAS_ARTIFACT":
            self.with_artifacts.add(start)
            self.linking[(end_label, end)].add(start)
        elif rel == "OWNS":
            self.owned[start].append((end_label, end))

    def paper(self, key: str, props: dict) -> list[str] | None:
        """The paper's ``venue_counted`` entries (FACT_DIGITS + venue id), counted into its venues."""
        venues = self.venues_of.get(key)
        if venues is None:
            return None
        facts = (props.get("arxiv_id") not in (None, ""), props.get("hf_paper_url") not in (None, ""),
                 key in self.with_code, key in self.with_artifacts)
        digits = "".join("1" if f else "0" for f in facts)
        venues = venues if isinstance(venues, tuple) else (venues,)
        for venue in venues:
            stats = self.venues.setdefault(venue, [0] * len(VENUE_STATS))
            for i, counted in enumerate((True, *facts)):
                stats[i] += counted
        return sorted(digits + venue for venue in venues)

    def node(self, label: str, key) -> dict:
        """The statistics a venue or Hub account carries (zeros when it has none, as in the database)."""
        if label == "Venue":
            return dict(zip(VENUE_STATS, self.venues.get(key, [0] * len(VENUE_STATS))))
        if label == "HubAccount":
            linked = [a for a in self.owned.get(key, ()) if self.linking.get(a)]
            papers = set().union(*(self.linking[a] for a in linked))
            return dict(zip(ACCOUNT_STATS, (len(set(linked)), len(papers))))
        return {}


def refresh_stats(driver: neo4j.Driver, database: str | None = None, *, pending_only: bool = False) -> int:
    """Recompute the statistics of every venue and Hub account, or bring the marked ones up to
    date; returns how many statistic values changed."""
    changed = 0
    with driver.session(database=database) as session:
        if not pending_only:
            run_retried(session, STALE_ENTRIES_STATEMENT)
        for statement in (VENUE_STATS_STATEMENT, PAPER_STATS_STATEMENT):
            changed += value_retried(session, statement, "changed", all=not pending_only)
        return changed + run_retried(session, ACCOUNT_STATS_STATEMENT, all=not pending_only).counters.properties_set


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
        # a graph whose venue statistics were counted before papers kept their part in them
        sample = session.run(f"MATCH (p:Paper)-[:PRESENTED_AT]->(:Venue) WITH p LIMIT 1 "
                             f"RETURN p.`{COUNTED}` IS NULL AND p.`{PENDING}` IS NULL AS old").single()
        missing = missing or bool(sample and sample["old"])
    if missing:
        refresh_stats(driver, database)
