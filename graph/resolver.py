"""Paper identity in the graph: the ``PaperResolver`` maps the references of a batch to node
ids inside the batch's transaction, merging and re-keying nodes as the rules of
``graph.papers`` say; ``MERGE_STATEMENTS`` fold one paper node into another.
"""

from __future__ import annotations

from collections import OrderedDict

from graph.counts import recount
from graph.model import COUNTS, DERIVED_PROPS, PAPER, REL_TYPES, UNTITLED
from graph.papers import MATCH_ORDER, PREFIX, PROPERTY, PaperRef, id_rank


# -- merging two nodes of one paper ------------------------------------------------------

_UNION = "reduce(acc = coalesce({a}, []), s IN coalesce({b}, []) | CASE WHEN s IN acc THEN acc ELSE acc + s END)"


def merge_statements() -> list[str]:
    """Cypher that folds paper ``$gone`` into paper ``$keep``: properties (``keep``'s win),
    sources, and every relationship of the model; then deletes ``gone``."""
    props = [p.name for p in PAPER.props if p.name not in ("id", "sources", "stub") and
             ("Paper", p.name) not in DERIVED_PROPS]
    sets = ", ".join(f"keep.`{p}` = coalesce(keep.`{p}`, gone.`{p}`)" for p in props)
    statements = [
        "MATCH (keep:Paper {id: $keep}), (gone:Paper {id: $gone}) "
        f"SET {sets}, keep.sources = {_UNION.format(a='keep.sources', b='gone.sources')}, "
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


def title_claims(refs: list, groups: dict) -> tuple[dict, dict]:
    """Titles of groups known only by a title (title -> group root), and the groups with
    identifiers that carry each title (title -> [group roots])."""
    title_only, claims = {}, {}
    for group_root, members in groups.items():
        pairs = {p for i in members for p in refs[i].pairs()}
        if len(pairs) == 1 and next(iter(pairs))[0] == "title":
            title_only[next(iter(pairs))[1]] = group_root
            continue
        for title in {refs[i].weak_title()[1] for i in members if refs[i].weak_title()}:
            claims.setdefault(title, []).append(group_root)
    return title_only, claims


def keys_agree(refs: list, members: list, other_keys: set) -> bool:
    """BibTeX keys do not contradict: where both sides have one, they share one."""
    mine = {refs[i].bibkey for i in members} - {None}
    other_keys = set(other_keys) - {None}
    return not mine or not other_keys or bool(mine & other_keys)


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
        """PaperRef -> final node id, merging and re-keying nodes in ``tx`` where needed.

        Returns the mapping and what to ``commit`` to the cache once ``tx`` has committed.
        """
        refs = [r for r in refs if r]
        parent = list(range(len(refs)))

        def root(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        owner: dict = {}
        for i, ref in enumerate(refs):
            for pair in ref.pairs():
                if pair in owner:
                    parent[root(i)] = root(owner[pair])
                else:
                    owner[pair] = i
        groups: dict[int, list[int]] = {}
        for i in range(len(refs)):
            groups.setdefault(root(i), []).append(i)
        # a paper known only by its title joins the one group of this batch that has identifiers
        # and the same title (the same entry, found again with a DOI)
        title_only, claims = title_claims(refs, groups)
        for title, claimants in claims.items():
            if title in title_only and len(claimants) == 1 and keys_agree(refs, groups[claimants[0]],
                                                                          {refs[i].bibkey for i in groups[title_only[title]]}):
                parent[root(title_only[title])] = root(claimants[0])
        if title_only and claims:
            groups = {}
            for i in range(len(refs)):
                groups.setdefault(root(i), []).append(i)
            title_only, claims = title_claims(refs, groups)

        existing = self.lookup(tx, set(owner))
        # and a title-only paper already in the graph joins the one group here that claims its title
        joins: dict = {}
        open_claims = {t: c[0] for t, c in claims.items() if len(c) == 1 and t not in title_only}
        if open_claims:
            for record in tx.run("UNWIND $values AS v MATCH (p:Paper {title_key: v}) WHERE p.id STARTS WITH 'title:' "
                                 "RETURN v, p.id AS id, p.bibtex_key AS key", values=list(open_claims)):
                claimant = root(open_claims[record["v"]])
                if keys_agree(refs, groups[claimant], {record["key"]}):
                    joins[claimant] = record["id"]
        result: dict = {}
        learned: dict = {}
        stale: dict = {}
        new: set = set()
        for group_root, members in groups.items():
            pairs = sorted({p for i in members for p in refs[i].pairs()}, key=lambda p: MATCH_ORDER.index(p[0]))
            matched = []
            for pair in pairs:
                node = existing.get(pair)
                if node and node not in matched:
                    matched.append(node)
            if group_root in joins and joins[group_root] not in matched:
                matched.append(joins[group_root])
            combined = PaperRef(**{k: v for k, v in reversed(pairs)})
            minted = combined.minted_id()
            keep = matched[0] if matched else minted
            if not matched:
                new.add(keep)
            for gone in matched[1:]:
                for statement in MERGE_STATEMENTS:
                    tx.run(statement, keep=keep, gone=gone).consume()
            if matched and id_rank(minted) < id_rank(keep):
                tx.run("MATCH (p:Paper {id: $old}) SET p.id = $new", old=keep, new=minted).consume()
                keep = minted
            for old in matched:
                if old != keep:
                    stale[old] = keep
            for pair in pairs:
                learned[pair] = keep
            for i in members:
                result[refs[i]] = keep
        learned[None] = stale
        self.new_ids = new  # papers this batch creates: their relationships need no MERGE
        return result, learned
