"""Paper identity across sources: references by identifiers, resolved to one node.

A loader does not decide a paper's node id; it describes the paper by whatever
identifiers it knows (a ``PaperRef``). Before each batch is written, the
``PaperResolver`` finds the node that already has any of those identifiers
(matched in the order DOI, arXiv, OpenReview, OpenAlex, Semantic Scholar),
joins references of one batch that share an identifier, merges nodes that
turn out to be one paper, and gives the paper its best id:

    OpenReview forum id > arxiv:<id> > doi:<doi> > openalex:<W-id> > s2:<id> > corpus:<id> > title:<slug>

A paper known only by one identifier (a cited work) is a stub until a source
describes it in full.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from graph.identity import normalize_arxiv, normalize_doi, normalize_openalex, slug
from graph.counts import recount
from graph.model import COUNTS, DERIVED_PROPS, PAPER, REL_TYPES

MATCH_ORDER = ("doi", "arxiv", "openreview", "openalex", "s2", "corpus", "title")
ID_ORDER = ("openreview", "arxiv", "doi", "openalex", "s2", "corpus", "title")
PREFIX = {"openreview": "", "arxiv": "arxiv:", "doi": "doi:", "openalex": "openalex:", "s2": "s2:",
          "corpus": "corpus:", "title": "title:"}
PROPERTY = {"doi": "doi", "arxiv": "arxiv_id", "openalex": "openalex_id", "s2": "s2_id", "corpus": "corpus_id",
            "title": "title_key"}


@dataclass(frozen=True, slots=True)
class PaperRef:
    """A paper as a source knows it: any of its identifiers (normalised)."""

    openreview: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    openalex: str | None = None
    s2: str | None = None
    corpus: str | None = None
    title: str | None = None  # slug of the title: stored on every paper, matched only for
    #                            references that have no identifier at all

    @classmethod
    def make(cls, *, openreview=None, arxiv=None, doi=None, openalex=None, s2=None, corpus=None,
             title=None) -> PaperRef:
        return cls(
            openreview=(openreview or "").strip() or None,
            arxiv=normalize_arxiv(arxiv) if arxiv else None,
            doi=normalize_doi(doi) if doi else None,
            openalex=normalize_openalex(openalex) if openalex else None,
            s2=_text(s2),
            corpus=_text(corpus),
            title=slug(title)[:150] or None if title else None,
        )

    @classmethod
    def from_id(cls, text: str) -> PaperRef:
        """A citegraph paper id (``arxiv:…``, ``doi:…``, a bare OpenReview forum id, ...)."""
        text = text.strip()
        for kind in ID_ORDER[1:]:
            if text.startswith(PREFIX[kind]):
                value = text[len(PREFIX[kind]):]
                return cls(**{kind: value}) if kind == "title" else cls.make(**{kind: value})
        return cls(openreview=text)

    def pairs(self) -> list[tuple[str, str]]:
        """The identifiers to match on; the title only when there is nothing better."""
        strong = [(k, getattr(self, k)) for k in MATCH_ORDER[:-1] if getattr(self, k)]
        return strong or ([("title", self.title)] if self.title else [])

    def __bool__(self) -> bool:
        return bool(self.pairs())

    def minted_id(self) -> str:
        for kind in ID_ORDER:
            value = getattr(self, kind)
            if value:
                return PREFIX[kind] + value
        raise ValueError("a paper reference needs an identifier")

    def id_props(self) -> dict:
        return {prop: getattr(self, kind) for kind, prop in PROPERTY.items() if getattr(self, kind)}


def _text(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def id_rank(paper_id: str) -> int:
    for i, kind in enumerate(ID_ORDER[1:], 1):
        if paper_id.startswith(PREFIX[kind]):
            return i
    return 0  # a bare OpenReview forum id is the best id


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

        existing = self.lookup(tx, set(owner))
        result: dict = {}
        learned: dict = {}
        stale: dict = {}
        new: set = set()
        for members in groups.values():
            pairs = sorted({p for i in members for p in refs[i].pairs()}, key=lambda p: MATCH_ORDER.index(p[0]))
            matched = []
            for pair in pairs:
                node = existing.get(pair)
                if node and node not in matched:
                    matched.append(node)
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
