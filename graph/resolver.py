"""Paper identity in the graph: the ``PaperResolver`` maps the references of a batch to node
ids inside the batch's transaction, merging and re-keying nodes as the rules of
``graph.papers`` say; ``MERGE_STATEMENTS`` fold one paper node into another.

A merge runs in its batch's transaction, whose memory grows with what it changes. A paper
with many relationships (a stub cited by a hundred thousand papers that turns out to be
a known paper) is therefore merged in two steps: ``move_relationships`` moves its
relationships to the paper it joins a chunk per transaction (``HeavyMerges`` tells the
writer to), and the batch then merges what is left. A crash between the steps leaves
relationships already on the paper they belong to, every kept count exact; the rerun plans
the same merge and finishes it.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from graph import killpoints, paper_identity
from graph.counts import PENDING, counted_at, mark, mark_owners_of, mark_venues_of, recount
from graph.lazy import lazy
from graph.model import COUNTS, DERIVED_PROPS, PAPER, REL_TYPES, UNTITLED
from graph.papers import PREFIX, PROPERTY, STRONG_PROPS

neo4j = lazy("neo4j")  # the driver, imported when first used (graph.lazy)

# -- merging two nodes of one paper ------------------------------------------------------

_UNION = "reduce(acc = coalesce({a}, []), s IN coalesce({b}, []) | CASE WHEN s IN acc THEN acc ELSE acc + s END)"


def _paper_sides():
    """(relationship type, ``gone``'s relationship, the same on ``keep``, the side ``x`` is on)
    for every relationship a paper can have, each direction once."""
    for rel in REL_TYPES:
        if "Paper" in rel.start:
            yield rel, f"(gone)-[r:`{rel.type}`]->(x)", f"(keep)-[n:`{rel.type}`]->(x)", "end"
        if "Paper" in rel.end:
            yield rel, f"(x)-[r:`{rel.type}`]->(gone)", f"(x)-[n:`{rel.type}`]->(keep)", "start"


def _fold(new: str) -> str:
    """Relationship ``r`` of ``gone`` as relationship ``new`` of ``keep``: copied, or its sources
    added to the one ``keep`` already has."""
    return (f"MERGE {new} ON CREATE SET n = properties(r) "
            f"ON MATCH SET n.sources = {_UNION.format(a='n.sources', b='r.sources')}")


def merge_statements() -> list[str]:
    """Cypher that folds paper ``$gone`` into paper ``$keep``: properties (``keep``'s win),
    sources, and every relationship of the model; then deletes ``gone``."""
    props = [p.name for p in PAPER.props if p.name not in ("id", "sources", "stub", "merged_from") and
             ("Paper", p.name) not in DERIVED_PROPS]
    sets = ", ".join(f"keep.`{p}` = coalesce(keep.`{p}`, gone.`{p}`)" for p in props)
    statements = [
        # gone's write lock first: a load adding a relationship to gone at the same time has
        # then either committed (and the folds below see it) or fails on the deleted node and
        # retries; read before the lock, its relationship would go with DETACH DELETE, its
        # count raised and never recounted
        f"MATCH (gone:Paper {{id: $gone}}) SET gone.`{PENDING}` = true",
        "MATCH (keep:Paper {id: $keep}), (gone:Paper {id: $gone}) "
        f"SET {sets}, keep.sources = {_UNION.format(a='keep.sources', b='gone.sources')}, "
        "keep.merged_from = CASE WHEN gone.merged_from IS NULL THEN keep.merged_from "
        "ELSE coalesce(keep.merged_from, []) + gone.merged_from END, "
        "keep.stub = CASE WHEN coalesce(keep.stub, false) AND coalesce(gone.stub, false) THEN true ELSE null END"
    ]
    for rel, old, new, _ in _paper_sides():
        statements.append("MATCH (keep:Paper {id: $keep}), (gone:Paper {id: $gone}) "
                          f"MATCH {old} WHERE x <> keep {_fold(new)}")
    # the venues of both: one paper fewer, or other facts counted; the owners of their artifacts:
    # two linking papers become one (graph.counts)
    statements.append(f"MATCH (p:Paper) WHERE p.id IN [$keep, $gone] {mark_venues_of('p')}")
    statements.append(f"MATCH (p:Paper)-[:HAS_ARTIFACT]->(x) WHERE p.id IN [$keep, $gone] WITH DISTINCT x "
                      f"{mark_owners_of('x')}")
    statements.append("MATCH (gone:Paper {id: $gone}) DETACH DELETE gone")
    statements.append(f"MATCH (keep:Paper {{id: $keep}}) WHERE keep.title IS NOT NULL REMOVE keep:`{UNTITLED}`")
    # relationships that both nodes had are now one: recount keep and its neighbours
    for count in COUNTS:
        if count.label == "Paper":
            statements.append(f"MATCH (keep:Paper {{id: $keep}}) {recount(count, 'keep')}")
        neighbour = (f"(n:`{count.label}`)-[:`{count.rel}`]->(keep)" if count.outgoing
                     else f"(keep)-[:`{count.rel}`]->(n:`{count.label}`)")
        statements.append(f"MATCH (keep:Paper {{id: $keep}}) MATCH {neighbour} WITH DISTINCT n {recount(count, 'n')}")
    return statements


MERGE_STATEMENTS = merge_statements()


def merge(tx, keep: str, gone: str) -> None:
    """Fold paper ``gone`` into paper ``keep`` (``MERGE_STATEMENTS``)."""
    for statement in MERGE_STATEMENTS:
        tx.run(statement, keep=keep, gone=gone).consume()


def record_evidence(tx, evidence: dict) -> None:
    """Why papers became one ({kept id: [notes]}), kept on the paper (citegraph explain shows it)."""
    if evidence:
        tx.run("UNWIND $rows AS row MATCH (p:Paper {id: row.id}) "
               "SET p.merged_from = coalesce(p.merged_from, []) + row.notes",
               rows=[{"id": k, "notes": v} for k, v in evidence.items()]).consume()


def move_chunk() -> int:
    """How many relationships one transaction of ``move_relationships`` moves (and the degree
    above which a merge is done in chunks); ``CITEGRAPH_MERGE_CHUNK`` sets it."""
    return max(1, int(os.environ.get("CITEGRAPH_MERGE_CHUNK") or 10_000))


class HeavyMerges(Exception):
    """Raised inside a batch's transaction (which then rolls back) when a planned merge would
    move more than ``move_chunk()`` relationships; ``pairs`` are its (keep, gone) ids."""

    def __init__(self, pairs: list[tuple[str, str]]):
        super().__init__(f"{len(pairs)} merge(s) of papers with many relationships")
        self.pairs = pairs


def move_statements() -> list[str]:
    """One statement per relationship type and direction of a paper: move up to ``$chunk`` of
    ``$gone``'s relationships to ``$keep`` (as ``merge_statements`` does, relationship by
    relationship), recount the nodes at the other end, and return how many moved."""
    statements = []
    for rel, old, new, x_side in _paper_sides():
        recounts = "".join(f" {recount(count, 'x', check_label=True)}"
                           for count, side in counted_at(rel.type, None, None) if side == x_side)
        marks = " " + mark("x") if rel.type == "PRESENTED_AT" else ""
        if rel.type == "HAS_ARTIFACT":
            marks += " " + mark_owners_of("x")
        statements.append(
            "MATCH (keep:Paper {id: $keep}), (gone:Paper {id: $gone}) "
            f"CALL (keep, gone) {{ MATCH {old} WHERE x <> keep WITH keep, x, r LIMIT $chunk {_fold(new)} "
            f"DELETE r WITH DISTINCT x{recounts}{marks} RETURN count(x) AS moved }} "
            "RETURN sum(moved) AS moved")
    return statements


MOVE_STATEMENTS = move_statements()
# after each chunk, in its transaction: the two papers' own counts, and their venues marked
MOVED_OWN = ("MATCH (keep:Paper {id: $keep}), (gone:Paper {id: $gone})"
             + "".join(f" {recount(count, p)}" for count in COUNTS if count.label == "Paper" for p in ("keep", "gone"))
             + f" WITH [keep, gone] AS both UNWIND both AS p {mark_venues_of('p')}")


def heavy(tx, merges: list[tuple[str, str]], done: set) -> list[tuple[str, str]]:
    """The merges whose ``gone`` paper has more relationships than one chunk (and that were
    not moved already: what is left then stays in the merge)."""
    todo = [pair for pair in merges if pair not in done]
    if not todo:
        return []
    limit = move_chunk()
    degree = {r["id"]: r["degree"] for r in tx.run(
        "UNWIND $ids AS id MATCH (p:Paper {id: id}) RETURN id, COUNT { (p)--() } AS degree",
        ids=[gone for _, gone in todo])}
    return [(keep, gone) for keep, gone in todo if degree.get(gone, 0) > limit]


def move_relationships(driver: neo4j.Driver, database: str | None, keep: str, gone: str) -> int:
    """Move every relationship of paper ``gone`` to paper ``keep``, one chunk per transaction
    (the first step of a heavy merge; the merge itself then runs in its batch). Returns how
    many distinct neighbours were moved."""
    chunk, total = move_chunk(), 0

    def move(tx, statement: str) -> int:
        record = tx.run(statement, keep=keep, gone=gone, chunk=chunk).single()
        moved = record["moved"] if record else 0
        if moved:
            tx.run(MOVED_OWN, keep=keep, gone=gone).consume()
        return moved

    with driver.session(database=database) as session:
        for statement in MOVE_STATEMENTS:
            while True:
                moved = session.execute_write(move, statement)
                if not moved:
                    break
                killpoints.point("merge.move")
                total += moved
    return total


class PaperResolver:
    """Maps the PaperRefs of a batch to node ids (see the module docstring): ``find`` asks the
    graph about their identifiers, ``graph.paper_identity.resolve`` plans, ``apply`` carries the
    plan's merges and renames out in the batch's transaction.

    Keeps a bounded cache of identifier -> id so that a load does not ask the
    database twice about the same paper, and memory stays flat on long loads.
    """

    def __init__(self, cache_size: int = 200_000):
        self.cache: OrderedDict = OrderedDict()
        self.cache_size = cache_size
        self.moved: set = set()  # heavy merges whose relationships were moved (``HeavyMerges``)

    def commit(self, learned: dict) -> None:
        """Remember what a committed batch taught (not before: a retried transaction starts over)."""
        stale = learned.pop(None, {})
        if stale:
            for pair, value in self.cache.items():
                if value in stale:
                    self.cache[pair] = stale[value]
        for pair, paper_id in learned.items():
            self.cache[pair] = paper_id
            self.cache.move_to_end(pair)
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)

    def lookup(self, tx, pairs: set) -> dict:
        """(kind, value) -> existing node id, from the cache or the database."""
        found, missing = {}, {}
        for pair in pairs:
            if pair in self.cache:
                found[pair] = self.cache[pair]
            else:
                missing.setdefault(pair[0], []).append(pair[1])
        for kind, values in missing.items():
            if kind in PROPERTY:
                query = f"UNWIND $values AS v MATCH (p:Paper {{`{PROPERTY[kind]}`: v}}) RETURN v, p.id AS id"
            else:
                query = "UNWIND $values AS v MATCH (p:Paper {id: $prefix + v}) RETURN v, p.id AS id"
            for record in tx.run(query, values=values, prefix=PREFIX[kind]):
                found.setdefault((kind, record["v"]), record["id"])
        return found

    def find(self, tx, refs: set) -> tuple[dict, dict]:
        """What the graph knows of a batch's references: (kind, value) -> id of the paper with
        that identifier, and title slug -> (id, BibTeX key) of a paper known only by its title
        (``paper_identity.resolve`` makes the batch's plan from them)."""
        pairs, titles = paper_identity.lookups(refs)
        existing = self.lookup(tx, pairs)
        title_only = {}
        if titles:
            for record in tx.run("UNWIND $values AS v MATCH (p:Paper {title_key: v}) WHERE p.id STARTS WITH 'title:' "
                                 "RETURN v, p.id AS id, p.bibtex_key AS key", values=list(titles)):
                title_only.setdefault(record["v"], (record["id"], record["key"]))
        return existing, title_only

    def apply(self, tx, plan: paper_identity.Plan) -> dict:
        """Merge and re-key nodes in ``tx`` as the identity engine (``graph.paper_identity``)
        planned; returns what to ``commit`` to the cache once ``tx`` has committed."""
        if plan.merges:
            pairs = heavy(tx, list(plan.merges), self.moved)
            if pairs:
                raise HeavyMerges(pairs)
        for keep, gone in plan.merges:
            merge(tx, keep, gone)
        for old, new in plan.renames:
            tx.run("MATCH (p:Paper {id: $old}) SET p.id = $new", old=old, new=new).consume()
        record_evidence(tx, plan.evidence)
        return {**plan.learned, None: plan.stale}


# -- papers written twice by loads running at the same time --------------------------------

# A batch looks its papers' identifiers up before it writes, without locks: two loads that
# meet one paper under different ids (an OpenReview id here, its arXiv id there) can each find
# it missing and each create it, or one creates it while the other gives the identifier to a
# paper the graph knew by another. Whichever load finishes its batch second then finds both
# (``heal_duplicates``, after every commit, on the papers it created, renamed or gave an
# identifier), and merges them as the identity rules say.
DUPLICATES_QUERY = " UNION ".join(
    f"UNWIND $ids AS id MATCH (p:Paper {{id: id}}) WHERE p.`{PROPERTY[kind]}` IS NOT NULL "
    f"MATCH (q:Paper {{`{PROPERTY[kind]}`: p.`{PROPERTY[kind]}`}}) WHERE q <> p "
    f"RETURN p.id AS a, q.id AS b, '{kind}' AS kind, p.`{PROPERTY[kind]}` AS value"
    for kind in STRONG_PROPS)


# A paper known only by its title (a BibTeX entry without identifiers) and a paper with
# identifiers and that title, written at the same time: one paper, as a load after the other
# would have made it, when that paper is the only one with identifiers to carry the title and
# the BibTeX keys do not disagree (``graph.paper_identity``).
TITLE_DUPLICATES_QUERY = (
    "UNWIND $ids AS id MATCH (p:Paper {id: id}) WHERE p.title_key IS NOT NULL "
    "MATCH (q:Paper {title_key: p.title_key}) WHERE (p.id STARTS WITH 'title:') <> (q.id STARTS WITH 'title:') "
    "WITH CASE WHEN q.id STARTS WITH 'title:' THEN p ELSE q END AS known, "
    "CASE WHEN q.id STARTS WITH 'title:' THEN q ELSE p END AS plain "
    "WHERE COUNT { MATCH (o:Paper {title_key: known.title_key}) WHERE NOT o.id STARTS WITH 'title:' } = 1 "
    "AND (known.bibtex_key IS NULL OR plain.bibtex_key IS NULL OR known.bibtex_key = plain.bibtex_key) "
    "RETURN DISTINCT known.id AS a, plain.id AS b, 'title' AS kind, known.title AS value")


def heal_duplicates(tx, ids) -> dict:
    """Merge every paper that shares a strong identifier with one of ``ids`` (or is the paper
    with identifiers that a title-only one among them names, or the other way round) into one
    node (the best id kept, evidence on it); returns {merged-away id: kept id}."""
    found = list(tx.run(f"{DUPLICATES_QUERY} UNION {TITLE_DUPLICATES_QUERY}", ids=list(ids)))
    if not found:
        return {}
    group_of: dict = {}  # id -> its group (a shared set), every paper linked by a shared identifier
    why: dict = {}
    for r in found:
        group = group_of.get(r["a"], {r["a"]}) | group_of.get(r["b"], {r["b"]})
        for member in group:
            group_of[member] = group
        why.setdefault(r["b"], f"same {r['kind']} {r['value']}; written by a load running at the same time")
        why.setdefault(r["a"], why[r["b"]])
    stale: dict = {}
    evidence: dict = {}
    for group in {id(g): g for g in group_of.values()}.values():
        keep = paper_identity.best_id(group)
        for gone in sorted(group - {keep}):
            merge(tx, keep, gone)
            evidence.setdefault(keep, []).append(f"{gone} ({why[gone]})")
            stale[gone] = keep
    record_evidence(tx, evidence)
    return stale

