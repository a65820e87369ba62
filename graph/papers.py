"""Paper identity across sources: references by identifiers, resolved to one node.

A loader does not decide a paper's node id; it describes the paper by whatever
identifiers it knows (a ``PaperRef``). Before each batch is written, the
``PaperResolver`` finds the node that already has any of those identifiers
(matched in the order DOI, arXiv, OpenReview, OpenAlex, Semantic Scholar),
joins references of one batch that share an identifier, merges nodes that
turn out to be one paper, and gives the paper its best id:

    OpenReview forum id > arxiv:<id> > doi:<doi> > openalex:<W-id> > s2:<id> > corpus:<id>
      > cite:<journal>/<volume>/<first page>/<year> > title:<slug>

A title identifies a paper only where nothing better does: a reference with no identifier
matches any paper with the same normalised title, and a paper known so far only by its
title is found again by a later reference that has identifiers and the same title (and,
where both carry one, the same BibTeX key).

A paper known only by one identifier (a cited work) is a stub until a source
describes it in full.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from graph.identity import normalize_arxiv, normalize_doi, normalize_openalex, slug
from graph.counts import recount
from graph.model import COUNTS, DERIVED_PROPS, PAPER, REL_TYPES, UNTITLED

MATCH_ORDER = ("doi", "arxiv", "openreview", "openalex", "s2", "corpus", "cite", "title")
STRONG = MATCH_ORDER[:-2]  # identifiers that always identify; cite and title only stand in for them
ID_ORDER = ("openreview", "arxiv", "doi", "openalex", "s2", "corpus", "cite", "title")
PREFIX = {"openreview": "", "arxiv": "arxiv:", "doi": "doi:", "openalex": "openalex:", "s2": "s2:",
          "corpus": "corpus:", "cite": "cite:", "title": "title:"}
PROPERTY = {"doi": "doi", "arxiv": "arxiv_id", "openalex": "openalex_id", "s2": "s2_id", "corpus": "corpus_id",
            "cite": "cite_key", "title": "title_key"}


@dataclass(frozen=True, slots=True)
class PaperRef:
    """A paper as a source knows it: any of its identifiers (normalised)."""

    openreview: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    openalex: str | None = None
    s2: str | None = None
    corpus: str | None = None
    cite: str | None = None  # journal/volume/first page/year (see ``citation_key``)
    title: str | None = None  # slug of the title: stored on every paper, matched only for
    #                            references that have no identifier at all
    bibkey: str | None = None  # the BibTeX key, when the source has one: never matched on, but a
    #                            title-only paper is not joined to a reference with another key

    @classmethod
    def make(cls, *, openreview=None, arxiv=None, doi=None, openalex=None, s2=None, corpus=None,
             cite=None, title=None, bibkey=None) -> PaperRef:
        return cls(
            openreview=(openreview or "").strip() or None,
            arxiv=normalize_arxiv(arxiv) if arxiv else None,
            doi=normalize_doi(doi) if doi else None,
            openalex=normalize_openalex(openalex) if openalex else None,
            s2=_text(s2),
            corpus=_text(corpus),
            cite=_text(cite),
            title=slug(title)[:150] or None if title else None,
            bibkey=_text(bibkey),
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
        strong = [(k, getattr(self, k)) for k in STRONG if getattr(self, k)]
        if strong:
            return strong
        # weak identifiers, only when there is nothing better: journal/volume/page/year (a page
        # range "1-31" is shared by every online-first article of a volume), else the title
        return [("cite", self.cite)] if self.cite else [("title", self.title)] if self.title else []

    def weak_title(self) -> tuple[str, str] | None:
        """The title, for finding a paper known so far only by its title (see the module docstring)."""
        return ("title", self.title) if self.title and any(getattr(self, k) for k in STRONG) else None

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


def citation_key(journal: str | None, volume: str | None, pages: str | None, year) -> str | None:
    """The identity of a reference that has no title (physics and chemistry style:
    ``journal = "Z. Phys. Sov.", volume = "2", pages = "46", year = "1932"``): the journal name
    as a slug, the volume, the first page and the year, all four required.

    >>> citation_key("Z. Phys. Sov.", "2", "46--52", "1932")
    'z-phys-sov/2/46/1932'
    """
    first_page = (pages or "").replace("\u2013", "-").split("-")[0].strip()
    parts = [slug(journal or ""), (volume or "").strip(), first_page, str(year or "").strip()]
    if not all(parts) or not all(len(p) <= 100 for p in parts):
        return None
    return "/".join(parts)


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
