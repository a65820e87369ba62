"""Paper identity in the graph: the ``PaperResolver`` maps the references of a batch to node
ids inside the batch's transaction, merging and re-keying nodes as the rules of
``graph.papers`` say; ``MERGE_STATEMENTS`` fold one paper node into another.
"""

from __future__ import annotations

from collections import OrderedDict

from graph import paper_identity
from graph.counts import mark_venues_of, recount
from graph.model import COUNTS, DERIVED_PROPS, PAPER, REL_TYPES, UNTITLED
from graph.papers import PREFIX, PROPERTY

# -- merging two nodes of one paper ------------------------------------------------------

_UNION = "reduce(acc = coalesce({a}, []), s IN coalesce({b}, []) | CASE WHEN s IN acc THEN acc ELSE acc + s END)"


def merge_statements() -> list[str]:
    """Cypher that folds paper ``$gone`` into paper ``$keep``: properties (``keep``'s win),
    sources, and every relationship of the model; then deletes ``gone``."""
    props = [p.name for p in PAPER.props if p.name not in ("id", "sources", "stub", "merged_from") and
             ("Paper", p.name) not in DERIVED_PROPS]
    sets = ", ".join(f"keep.`{p}` = coalesce(keep.`{p}`, gone.`{p}`)" for p in props)
    statements = [
        "MATCH (keep:Paper {id: $keep}), (gone:Paper {id: $gone}) "
        f"SET {sets}, keep.sources = {_UNION.format(a='keep.sources', b='gone.sources')}, "
        "keep.merged_from = CASE WHEN gone.merged_from IS NULL THEN keep.merged_from "
        "ELSE coalesce(keep.merged_from, []) + gone.merged_from END, "
        "keep.stub = CASE WHEN coalesce(keep.stub, false) AND coalesce(gone.stub, false) THEN true ELSE null END"
    ]
    for rel in REL_TYPES:
        moves = []
        if "Paper" in rel.start:
            moves.append(f"MATCH (gone)-[r:`{rel.type}`]->(x) WHERE x <> keep MERGE (keep)-[n:`{rel.type}`]->(x)")
        if "Paper" in rel.end:
            moves.append(f"MATCH (x)-[r:`{rel.type}`]->(gone) WHERE x <> keep MERGE (x)-[n:`{rel.type}`]->(keep)")
        for move in moves:
            statements.append(
                "MATCH (keep:Paper {id: $keep}), (gone:Paper {id: $gone}) "
                f"{move} ON CREATE SET n = properties(r) "
                f"ON MATCH SET n.sources = {_UNION.format(a='n.sources', b='r.sources')}")
    # the venues of both: one paper fewer, or other facts counted (graph.counts)
    statements.append(f"MATCH (p:Paper) WHERE p.id IN [$keep, $gone] {mark_venues_of('p')}")
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


class PaperResolver:
    """Maps the PaperRefs of a batch to node ids (see the module docstring).

    Keeps a bounded cache of identifier -> id so that a load does not ask the
    database twice about the same paper, and memory stays flat on long loads.
    """

    def __init__(self, cache_size: int = 200_000):
        self.cache: OrderedDict = OrderedDict()
        self.cache_size = cache_size
        self.new_ids: set = set()

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

    def resolve(self, tx, refs: set) -> tuple[dict, dict]:
        """PaperRef -> final node id, merging and re-keying nodes in ``tx`` as the identity engine
        (``graph.paper_identity``) plans.

        Returns the mapping and what to ``commit`` to the cache once ``tx`` has committed.
        """
        pairs, titles = paper_identity.lookups(refs)
        existing = self.lookup(tx, pairs)
        title_only = {}
        if titles:
            for record in tx.run("UNWIND $values AS v MATCH (p:Paper {title_key: v}) WHERE p.id STARTS WITH 'title:' "
                                 "RETURN v, p.id AS id, p.bibtex_key AS key", values=list(titles)):
                title_only.setdefault(record["v"], (record["id"], record["key"]))
        plan = paper_identity.resolve(refs, existing, title_only)
        for keep, gone in plan.merges:
            for statement in MERGE_STATEMENTS:
                tx.run(statement, keep=keep, gone=gone).consume()
        for old, new in plan.renames:
            tx.run("MATCH (p:Paper {id: $old}) SET p.id = $new", old=old, new=new).consume()
        if plan.evidence:  # why papers became one, kept on the paper (citegraph explain shows it)
            tx.run("UNWIND $rows AS row MATCH (p:Paper {id: row.id}) "
                   "SET p.merged_from = coalesce(p.merged_from, []) + row.notes",
                   rows=[{"id": k, "notes": v} for k, v in plan.evidence.items()]).consume()
        self.new_ids = plan.new  # papers this batch creates: their relationships need no MERGE
        return plan.ids, {**plan.learned, None: plan.stale}
