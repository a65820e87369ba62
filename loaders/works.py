"""A scholarly work as any source describes it, turned into records.

Paper-dataset rows, OpenAlex, Semantic Scholar and BibTeX all describe papers the same way
once parsed: identifiers, title, authors in order (with their institutions), year, venue
(and its conference), references, code and Hub artifacts. This module is the one place that
turns such a description into graph records, so that every source writes the same shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.identity import display_name, name_key, slug
from graph.papers import PaperRef
from graph.records import Edge, Node, ReplaceEdges


@dataclass
class InstitutionRef:
    """An institution as a source names it; ``id`` is the node key (see ``make``)."""

    id: str
    name: str | None = None
    ror: str | None = None
    openalex_id: str | None = None
    country_code: str | None = None
    type: str | None = None

    @classmethod
    def make(cls, *, name=None, ror=None, openalex_id=None, country_code=None, type=None) -> InstitutionRef | None:
        """ROR id first (the canonical id of institutions), then the OpenAlex id, then the name."""
        ror = ror.strip().rstrip("/").rsplit("/", 1)[-1] if isinstance(ror, str) and ror.strip() else None
        name = " ".join(name.split()) if isinstance(name, str) and name.strip() else None
        if ror:
            key = f"ror:{ror}"
        elif openalex_id:
            key = f"openalex:{openalex_id}"
        elif name:
            key = f"name:{slug(name)}"
        else:
            return None
        return cls(key, name, ror, openalex_id, country_code or None, type or None)


@dataclass
class Person:
    name: str
    orcid: str | None = None
    openalex_id: str | None = None
    institutions: list[InstitutionRef] = field(default_factory=list)


@dataclass
class VenueRef:
    id: str
    name: str | None = None
    short_name: str | None = None
    workshop: bool = False
    conference: object | None = None  # the edition it belongs to: anything with id, name, year

    @classmethod
    def named(cls, name: str, short_name: str | None = None) -> VenueRef:
        """A journal or conference known by its name: one node per name, whatever the source."""
        return cls(id=f"venue:{slug(name)}", name=name, short_name=short_name)


@dataclass
class Work:
    ref: PaperRef
    title: str | None = None
    abstract: str | None = None
    year: int | None = None
    authors: list[Person] = field(default_factory=list)
    venue: VenueRef | None = None
    references: list[PaperRef] | None = None  # None: unknown; a list: the complete reference list
    cited_by: list[PaperRef] = field(default_factory=list)
    props: dict = field(default_factory=dict)  # further Paper properties (bibtex_key, ...)
    et_al: bool = False  # the author list ended with "and others": more people wrote it
    citation_props: dict = field(default_factory=dict)  # (citing ref, cited ref) -> CITES properties
    warnings: list = field(default_factory=list)  # what the source said that is not written, and why
    presentation: str | None = None  # how it was presented at the venue (poster, oral, ...)
    code: list[str] | None = None  # code repositories; a list is complete for its source
    artifacts: dict | None = None  # Hub label (Model, Dataset, Space) -> repo ids; complete for its source
    complete: bool = False  # the source describes authors and venue in full: what it no longer
    #                         names is withdrawn (a paper-dataset row is the truth for its source)
    related: list = field(default_factory=list)  # other works the source described in full on the way
    #                                              (Semantic Scholar's nested references and citations)

    @property
    def is_full(self) -> bool:
        return bool(self.title or self.authors)


def stub_records(ref: PaperRef) -> list:
    """A work known only by its identifiers (it stays a stub until a source describes it)."""
    return [Node("Paper", ref, create_props={"stub": True})]


def work_records(work: Work) -> list:
    ref = work.ref
    props = {k: v for k, v in {"title": work.title, "abstract": work.abstract, "year": work.year,
                                "et_al": True if work.et_al else None, **work.props}.items() if v is not None}
    records: list = []
    if work.is_full:
        props["stub"] = None
        records.append(Node("Paper", ref, props))
    else:
        records.append(Node("Paper", ref, props, create_props={"stub": True}))

    keys: list[str] = []
    institutions: list[str] = []
    for person in work.authors:
        if not person.name or not person.name.strip():
            continue
        key = name_key(person.name)
        if not key:
            continue
        if key in keys:  # the same person twice in one list keeps the first place
            work.warnings.append(f"author {person.name!r} is listed twice; kept at place {keys.index(key) + 1}")
            continue
        keys.append(key)
        # (runs once per authorship of every load: nothing is built that the person lacks)
        extra = {}
        if person.orcid:
            extra["orcid"] = person.orcid
        if person.openalex_id:
            extra["openalex_id"] = person.openalex_id
        records.append(Node("Author", key, extra, create_props={"name": display_name(person.name)}))
        edge_props: dict = {"position": len(keys)}
        if person.institutions:
            edge_props["institutions"] = sorted({inst.id for inst in person.institutions})
        records.append(Edge("AUTHORED", "Author", key, "Paper", ref, edge_props))
        for inst in person.institutions:
            if inst.id not in institutions:
                institutions.append(inst.id)
                inst_props = {k: v for k, v in {"name": inst.name, "ror": inst.ror, "openalex_id": inst.openalex_id,
                                                "country_code": inst.country_code, "type": inst.type}.items() if v}
                records.append(Node("Institution", inst.id, inst_props))
                records.append(Edge("AFFILIATED_WITH", "Paper", ref, "Institution", inst.id))
    if work.authors or work.complete:
        records.append(ReplaceEdges("AUTHORED", "Paper", ref, "Author", keys, outgoing=False))
    if work.authors:
        records.append(ReplaceEdges("AFFILIATED_WITH", "Paper", ref, "Institution", institutions, outgoing=True))

    if work.venue:
        v = work.venue
        venue_props = {k: val for k, val in {"name": v.name, "short_name": v.short_name}.items() if val}
        records.append(Node("Venue", v.id, venue_props, extra_labels=("Workshop",) if v.workshop else ()))
        records.append(Edge("PRESENTED_AT", "Paper", ref, "Venue", v.id,
                            {"type": work.presentation} if work.presentation else {}))
        if v.conference is not None:
            c = v.conference
            records.append(Node("Conference", c.id, {"name": c.name, **({"year": c.year} if c.year else {})}))
            records.append(Edge("PART_OF", "Venue", v.id, "Conference", c.id))
    if work.complete:
        records.append(ReplaceEdges("PRESENTED_AT", "Paper", ref, "Venue", [work.venue.id] if work.venue else [],
                                    outgoing=True))

    if work.code is not None:
        for url in work.code:
            records.append(Node("Repository", url))
            records.append(Edge("HAS_CODE", "Paper", ref, "Repository", url))
        records.append(ReplaceEdges("HAS_CODE", "Paper", ref, "Repository", list(work.code), outgoing=True))

    for label, ids in (work.artifacts or {}).items():  # Hub models, datasets and Spaces, with their owners
        for repo_id in ids:
            records.append(Node(label, repo_id))
            records.append(Edge("HAS_ARTIFACT", "Paper", ref, label, repo_id))
            owner, sep, _ = repo_id.partition("/")
            if sep and owner:
                records.append(Node("HubAccount", owner))
                records.append(Edge("OWNS", "HubAccount", owner, label, repo_id))
        records.append(ReplaceEdges("HAS_ARTIFACT", "Paper", ref, label, list(ids), outgoing=True))

    if work.references is not None:  # the complete list: what the source no longer cites goes
        cited_refs = []
        for cited in work.references:
            if cited in cited_refs:
                work.warnings.append(f"reference {cited.minted_id()} is listed twice; written once")
            elif cited:
                cited_refs.append(cited)
        for cited in cited_refs:
            records += stub_records(cited)
            records.append(Edge("CITES", "Paper", ref, "Paper", cited, work.citation_props.get((ref, cited), {})))
        records.append(ReplaceEdges("CITES", "Paper", ref, "Paper", cited_refs, outgoing=True))
    for citing in work.cited_by:
        if citing:
            records += stub_records(citing)
            records.append(Edge("CITES", "Paper", citing, "Paper", ref, work.citation_props.get((citing, ref), {})))
    for other in work.related:  # after the stubs above, so that their descriptions win in a batch
        records += work_records(other)
    return records
