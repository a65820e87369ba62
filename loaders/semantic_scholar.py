"""Semantic Scholar: Graph API paper objects and the bulk citation records.

Paper objects (``paperId``, ``corpusId``, ``externalIds``, ``title``, ``year``,
``authors`` with their ``affiliations``, ``publicationVenue``/``journal``/``venue``,
with ``references`` and ``citations`` where present), alone, as JSON Lines, as a
JSON array, or as an API response (``{"data": [...]}``).

What a response says about other papers is data too: the papers nested in
``references`` and ``citations``, and the ``citedPaper``/``citingPaper`` of the
``/paper/{id}/references`` and ``/citations`` pages, create or fill in those
papers (title, year, venue, authors, every external id). ``contexts``,
``intents`` and ``isInfluential`` are kept on the ``CITES`` relationship. A page
of ``/references`` or ``/citations`` does not name the paper it belongs to:
``--of ID`` says which it is (without it the papers load and the citations are
reported as not written).

Bulk citation records (``citingcorpusid``, ``citedcorpusid``) become ``CITES``
between papers known by their corpus ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graph.identity import normalize_arxiv
from graph.papers import PaperRef, citation_key
from graph.records import Edge, Reject, Row
from loaders import json_document, jsonl
from loaders.edge_list import IdError, ref_for
from loaders.registry import MARKED, Format
from loaders.works import InstitutionRef, Person, VenueRef, Work, stub_records, work_records

# Every field of a paper object, author and citation item: mapped (to what) or dropped (why).
# docs/fields.md is checked against these tables by a test.
FIELDS = {
    "paperId": "Paper.s2_id (identity)",
    "corpusId": "Paper.corpus_id (identity)",
    "externalIds.DOI": "Paper.doi (identity)",
    "externalIds.ArXiv": "Paper.arxiv_id (identity)",
    "externalIds.CorpusId": "Paper.corpus_id (identity)",
    "externalIds.DBLP": "Paper.dblp_key",
    "externalIds.MAG": "Paper.mag_id",
    "externalIds.PubMed": "Paper.pubmed_id",
    "externalIds.PubMedCentral": "Paper.pmc_id",
    "externalIds.ACL": "Paper.acl_id",
    "title": "Paper.title",
    "abstract": "Paper.abstract",
    "year": "Paper.year",
    "authors[].name": "Author (name, in order: AUTHORED.position)",
    "authors[].affiliations": "Institution (by name) via AFFILIATED_WITH; AUTHORED.institutions",
    "publicationVenue.name": "Venue (first choice)",
    "journal.name": "Venue (second choice)",
    "journal.volume": "Paper.cite_key (with journal name, first page and year)",
    "journal.pages": "Paper.cite_key (first page)",
    "venue": "Venue (third choice)",
    "references": "CITES from the paper; each nested paper created or filled in",
    "citations": "CITES to the paper; each nested paper created or filled in",
    "data": "an API page: each item loaded",
    "citedPaper": "the cited paper of a /references item",
    "citingPaper": "the citing paper of a /citations item",
    "contexts": "CITES.contexts",
    "intents": "CITES.intents",
    "isInfluential": "CITES.is_influential",
    "citingcorpusid": "CITES (bulk citation record)",
    "citedcorpusid": "CITES (bulk citation record)",
}
DROPPED = {
    "url": "follows from paperId",
    "referenceCount": "counted in the graph instead",
    "citationCount": "counted in the graph instead (Paper.citation_count)",
    "influentialCitationCount": "a count of the source's, not a fact about the paper",
    "isOpenAccess": "access status changes; not part of the citation graph",
    "openAccessPdf": "a download link; not part of the citation graph",
    "fieldsOfStudy": "classification not modelled",
    "s2FieldsOfStudy": "classification not modelled",
    "publicationTypes": "classification not modelled",
    "publicationDate": "the year is kept (Paper.year)",
    "tldr": "generated summary; the abstract is kept",
    "embedding": "vector not stored in the graph",
    "citationStyles": "a BibTeX rendering of the same fields",
    "authors[].authorId": "authors are identified by their name (see docs/model.md)",
    "authors[].externalIds": "author ids other than ORCID are not modelled",
    "authors[].url": "follows from authorId",
    "authors[].homepage": "not modelled",
    "authors[].paperCount": "counted in the graph instead",
    "authors[].citationCount": "counted in the graph instead",
    "authors[].hIndex": "a metric of the source's",
    "publicationVenue.id": "venues are identified by name",
    "publicationVenue.type": "not modelled",
    "publicationVenue.alternate_names": "not modelled",
    "publicationVenue.url": "not modelled",
    "publicationVenue.issn": "not modelled",
    "publicationVenue.alternate_issns": "not modelled",
    "publicationVenue.alternate_urls": "not modelled",
    "contextsWithIntent": "the same as contexts and intents",
    "offset": "paging of the API",
    "next": "paging of the API",
    "total": "paging of the API",
    "citingcorpusid/citedcorpusid extras": "bulk records' other columns are ignored",
}
_EXTRA_IDS = {"DBLP": "dblp_key", "MAG": "mag_id", "PubMed": "pubmed_id", "PubMedCentral": "pmc_id", "ACL": "acl_id"}


class PaperError(ValueError):
    pass


def _str(obj: dict, key: str, where: str = "") -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise PaperError(f"{where}{key} should be text, got {type(value).__name__}")
    return value.strip() or None


def ref_of(obj, where: str = "") -> PaperRef:
    if not isinstance(obj, dict):
        raise PaperError(f"{where}a paper should be an object, got {type(obj).__name__}")
    ext = obj.get("externalIds") or {}
    if not isinstance(ext, dict):
        raise PaperError(f"{where}externalIds should be an object")
    corpus = obj.get("corpusId", ext.get("CorpusId"))
    if corpus is not None and not isinstance(corpus, (int, str)):
        raise PaperError(f"{where}corpusId should be a number")
    journal = obj.get("journal") if isinstance(obj.get("journal"), dict) else {}
    year = obj.get("year") if isinstance(obj.get("year"), int) and not isinstance(obj.get("year"), bool) else None
    cite = citation_key(*(v if isinstance(v, str) else None for v in (journal.get("name"), journal.get("volume"),
                                                                      journal.get("pages"))), year)
    arxiv = _str(ext, "ArXiv", where + "externalIds.")
    return PaperRef.make(s2=_str(obj, "paperId", where), corpus=corpus, doi=_str(ext, "DOI", where + "externalIds."),
                         arxiv=arxiv if arxiv and normalize_arxiv(arxiv) else None, cite=cite,
                         title=obj.get("title") if isinstance(obj.get("title"), str) else None)


def _people(authors, where: str) -> list[Person]:
    if authors is None:
        return []
    if not isinstance(authors, list):
        raise PaperError(f"{where}authors should be a list")
    people = []
    for i, a in enumerate(authors, 1):
        if not isinstance(a, dict) or not isinstance(a.get("name"), str):
            raise PaperError(f"{where}authors[{i - 1}] should be an object with a name")
        affiliations = a.get("affiliations") or []
        if not isinstance(affiliations, list) or not all(isinstance(x, str) for x in affiliations):
            raise PaperError(f"{where}authors[{i - 1}].affiliations should be a list of names")
        people.append(Person(a["name"], institutions=[inst for inst in (InstitutionRef.make(name=x)
                                                                        for x in affiliations) if inst]))
    return people


def work_from(obj, where: str = "", warnings: list | None = None) -> Work:
    """A paper object as a Work, with its nested references and citations as related works."""
    warnings = warnings if warnings is not None else []
    ref = ref_of(obj, where)
    ext = obj.get("externalIds") if isinstance(obj.get("externalIds"), dict) else {}
    for key, normal in (("DOI", ref.doi), ("ArXiv", ref.arxiv)):
        if ext.get(key) and not normal:
            warnings.append(f"{where}externalIds.{key} {str(ext[key])[:100]!r} is not a{'n arXiv id' if key == 'ArXiv' else ' DOI'}; "
                            f"left out")
    if not ref:
        raise PaperError(f"{where}no identifier (paperId, corpusId, externalIds or title)")
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise PaperError(f"{where}title should be text")
    year = obj.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise PaperError(f"{where}year should be an integer")
    abstract = obj.get("abstract")
    if abstract is not None and not isinstance(abstract, str):
        raise PaperError(f"{where}abstract should be text")
    venue = None
    pv = obj.get("publicationVenue") if isinstance(obj.get("publicationVenue"), dict) else None
    journal = obj.get("journal") if isinstance(obj.get("journal"), dict) else None
    for name in ((pv or {}).get("name"), (journal or {}).get("name"), obj.get("venue")):
        if isinstance(name, str) and name.strip():
            venue = VenueRef.named(" ".join(name.split()))
            break
    props = {prop: str(ext[key]).strip() for key, prop in _EXTRA_IDS.items()
             if isinstance(ext.get(key), (str, int)) and str(ext[key]).strip()}
    work = Work(ref=ref, title=title.strip() if title else None, abstract=abstract, year=year,
                authors=_people(obj.get("authors"), where), venue=venue, props=props, warnings=warnings)
    for field, outgoing in (("references", True), ("citations", False)):
        items = obj.get(field)
        if items is None:
            continue
        if not isinstance(items, list):
            raise PaperError(f"{where}{field} should be a list")
        refs = []
        for i, item in enumerate(items):
            here = f"{where}{field}[{i}]."
            try:
                other, cite_props = nested(item, "citedPaper" if outgoing else "citingPaper", here)
            except PaperError as exc:  # one broken nested paper costs only itself
                warnings.append(f"{exc}; left out")
                continue
            if other is None:
                warnings.append(f"{here[:-1]}: no identifier; left out")
                continue
            if other.ref.same_paper(ref):
                warnings.append(f"{here[:-1]}: the paper itself (a self-citation); not written")
                continue
            refs.append(other.ref)
            if cite_props:
                work.citation_props[(ref, other.ref) if outgoing else (other.ref, ref)] = cite_props
            if other.is_full:
                work.related.append(other)
        if outgoing:
            work.references = refs
        else:
            work.cited_by = refs
    return work


def nested(item, wrapper: str, where: str) -> tuple[Work | None, dict]:
    """A nested paper (bare, or wrapped with its citation's contexts) and the CITES properties."""
    if not isinstance(item, dict):
        raise PaperError(f"{where[:-1]}: should be an object, got {type(item).__name__}")
    paper = item.get(wrapper, item) if wrapper in item else item
    props = {}
    for key, prop in (("contexts", "contexts"), ("intents", "intents")):
        value = item.get(key)
        if value is not None:
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise PaperError(f"{where}{key} should be a list of text")
            if value:
                props[prop] = sorted(set(value))
    if item.get("isInfluential") is not None:
        if not isinstance(item["isInfluential"], bool):
            raise PaperError(f"{where}isInfluential should be true or false")
        props["is_influential"] = item["isInfluential"]
    if paper is None:
        return None, props
    here = f"{where}{wrapper}." if wrapper in item else where
    ref = ref_of(paper, here)
    if not ref:
        return None, props
    return work_from(paper, here), props


def _records(obj, anchor: PaperRef | None, warnings: list) -> list:
    if not isinstance(obj, dict):
        raise PaperError(f"a record should be an object, got {type(obj).__name__}")
    if "citingcorpusid" in obj or "citedcorpusid" in obj:  # bulk citation record
        citing, cited = obj.get("citingcorpusid"), obj.get("citedcorpusid")
        if citing in (None, "") or cited in (None, "") or not all(isinstance(v, (int, str)) for v in (citing, cited)):
            raise PaperError("a citation record needs citingcorpusid and citedcorpusid")
        a, b = PaperRef.make(corpus=citing), PaperRef.make(corpus=cited)
        if a == b:
            warnings.append(f"corpus id {citing} cites itself; not written")
            return stub_records(a)
        return [*stub_records(a), *stub_records(b), Edge("CITES", "Paper", a, "Paper", b)]
    wrapper = "citedPaper" if "citedPaper" in obj else "citingPaper" if "citingPaper" in obj else None
    if wrapper:  # an item of a /references or /citations page
        other, props = nested(obj, wrapper, "")
        if other is None:
            raise PaperError(f"{wrapper} has no identifier")
        records = work_records(other)
        warnings.extend(other.warnings)
        if anchor is None:
            warnings.append("a /references or /citations item: the citation is not written without --of "
                            "(the page does not say which paper it belongs to)")
            return records
        if other.ref.same_paper(anchor):
            warnings.append(f"{wrapper} is the paper itself (a self-citation); not written")
            return records
        start, end = (anchor, other.ref) if wrapper == "citedPaper" else (other.ref, anchor)
        return [*records, *stub_records(anchor), Edge("CITES", "Paper", start, "Paper", end, props)]
    work = work_from(obj, "", warnings)
    records = work_records(work)  # (adds to the warnings what it does not write)
    for other in work.related:  # say which nested paper a warning is about
        warnings.extend(w if w.startswith(("references[", "citations[")) else f"{other.ref.minted_id()}: {w}"
                        for w in other.warnings)
    return records


def read(path, source: str, options) -> Iterator[Row]:
    path = Path(path)
    anchor = None
    if getattr(options, "of_paper", None):
        try:
            anchor = ref_for(options.of_paper)
        except IdError as exc:
            raise ValueError(f"--of: {exc}") from None
    rows = jsonl.read_rows(path) if jsonl.is_json_lines(path) else json_document.read_rows(path)
    for raw in rows:
        if raw.error:
            yield Row(source, raw.line, reject=Reject(source, raw.line, raw.error, raw.raw))
            continue
        items = raw.value["data"] if isinstance(raw.value, dict) and isinstance(raw.value.get("data"), list) else [raw.value]
        for i, item in enumerate(items):
            where = f"data[{i}]: " if len(items) > 1 or item is not raw.value else ""
            warnings: list = []
            try:
                records = _records(item, anchor, warnings)
            except PaperError as exc:
                yield Row(source, raw.line, reject=Reject(source, raw.line, where + str(exc), raw.raw if not where else None))
                continue
            yield Row(source, raw.line, records=records, warnings=[where + w for w in warnings])


# -- the format --------------------------------------------------------------------------------

_MARKS = re.compile(r'"(paperId|corpusId|citingcorpusid|citedcorpusid|citingPaper|citedPaper)"\s*:')


def _sniff(path: Path, head: str) -> int:
    return MARKED if head.lstrip()[:1] in ("[", "{") and _MARKS.search(head) else 0


FORMATS = [Format("s2", "Semantic Scholar Graph API papers (with references/citations) or bulk citation records",
                  read, sniff=_sniff)]
