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

from dataclasses import dataclass

from graph.identity import normalize_arxiv, normalize_doi, normalize_openalex, slug
from graph.pickling import by_fields

MATCH_ORDER = ("doi", "arxiv", "openreview", "openalex", "s2", "corpus", "cite", "title")
STRONG = MATCH_ORDER[:-2]  # identifiers that always identify; cite and title only stand in for them
# the strong identifiers kept as properties (an OpenReview id is the node's id itself)
STRONG_PROPS = tuple(kind for kind in STRONG if kind != "openreview")
ID_ORDER = ("openreview", "arxiv", "doi", "openalex", "s2", "corpus", "cite", "title")
PREFIX = {"openreview": "", "arxiv": "arxiv:", "doi": "doi:", "openalex": "openalex:", "s2": "s2:",
          "corpus": "corpus:", "cite": "cite:", "title": "title:"}
PROPERTY = {"doi": "doi", "arxiv": "arxiv_id", "openalex": "openalex_id", "s2": "s2_id", "corpus": "corpus_id",
            "cite": "cite_key", "title": "title_key"}


@by_fields
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
        # written out (not a loop over STRONG): it runs for every reference of every load
        strong = []
        if self.doi:
            strong.append(("doi", self.doi))
        if self.arxiv:
            strong.append(("arxiv", self.arxiv))
        if self.openreview:
            strong.append(("openreview", self.openreview))
        if self.openalex:
            strong.append(("openalex", self.openalex))
        if self.s2:
            strong.append(("s2", self.s2))
        if self.corpus:
            strong.append(("corpus", self.corpus))
        if strong:
            return strong
        # weak identifiers, only when there is nothing better: journal/volume/page/year (a page
        # range "1-31" is shared by every online-first article of a volume), else the title
        return [("cite", self.cite)] if self.cite else [("title", self.title)] if self.title else []

    def same_paper(self, other: PaperRef) -> bool:
        """Both name the paper by a shared identifier (a citation between them is a self-citation)."""
        return bool(set(self.pairs()) & set(other.pairs()))

    def weak_title(self) -> tuple[str, str] | None:
        """The title, for finding a paper known so far only by its title (see the module docstring)."""
        if not self.title or not (self.doi or self.arxiv or self.openreview or self.openalex or self.s2 or self.corpus):
            return None
        return ("title", self.title)

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
