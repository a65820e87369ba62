"""OpenAlex works: one work object, an API list response (``results``), JSON Lines of works;
in today's format (``primary_location``/``locations``) and in the format of snapshots and
API answers before 2023 (``host_venue``/``alternate_host_venues``).

Authorships keep their order, with the authors' ``institutions`` (OpenAlex id, ROR, name,
country, type) as ``Institution`` nodes; ``referenced_works`` become ``CITES`` to papers
known by their OpenAlex id (stubs until described, in whatever order the works come);
identifiers come from ``doi``, ``ids`` and arXiv locations (an arXiv DOI
``10.48550/arXiv.X`` is the arXiv id X); the venue is the primary location's source (or
the host venue); the abstract is rebuilt from ``abstract_inverted_index``; the year is
``publication_year``. A malformed work is reported with its line and the others load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graph.identity import normalize_arxiv, normalize_doi, normalize_openalex
from graph.papers import PaperRef, citation_key
from graph.records import Reject, Row
from loaders import json_document, jsonl
from loaders.works import InstitutionRef, Person, VenueRef, Work, work_records
from loaders.registry import MARKED, Format

_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?(?:[?#]|$)", re.IGNORECASE)


# Every field of a work: mapped (to what) or dropped (why). A path covers everything under it.
# docs/fields.md is checked against these tables by a test.
FIELDS = {
    "id": "Paper.openalex_id (identity)",
    "ids.openalex": "Paper.openalex_id (identity)",
    "doi": "Paper.doi (identity; an arXiv DOI is the arXiv id)",
    "ids.doi": "Paper.doi (identity)",
    "ids.arxiv": "Paper.arxiv_id (identity)",
    "ids.mag": "Paper.mag_id",
    "ids.pmid": "Paper.pubmed_id",
    "ids.pmcid": "Paper.pmc_id",
    "title": "Paper.title",
    "display_name": "Paper.title (when title is missing)",
    "publication_year": "Paper.year",
    "abstract_inverted_index": "Paper.abstract (words put back in order)",
    "authorships[].author.display_name": "Author (in order: AUTHORED.position)",
    "authorships[].raw_author_name": "Author (when the author has no display_name)",
    "authorships[].author.id": "Author.openalex_id",
    "authorships[].author.orcid": "Author.orcid",
    "authorships[].institutions[].id": "Institution.openalex_id (identity after the ROR id)",
    "authorships[].institutions[].ror": "Institution.ror (identity)",
    "authorships[].institutions[].display_name": "Institution.name",
    "authorships[].institutions[].country_code": "Institution.country_code",
    "authorships[].institutions[].type": "Institution.type",
    "referenced_works": "CITES from the work",
    "primary_location.source.display_name": "Venue (unless the source is a repository)",
    "primary_location.source.abbreviated_title": "Venue.short_name",
    "primary_location.source.type": "decides whether the source is a venue (repositories are not)",
    "primary_location.landing_page_url": "Paper.arxiv_id when it is an arXiv page",
    "primary_location.pdf_url": "Paper.arxiv_id when it is an arXiv PDF",
    "locations[].landing_page_url": "Paper.arxiv_id when it is an arXiv page",
    "locations[].pdf_url": "Paper.arxiv_id when it is an arXiv PDF",
    "locations[].source.display_name": "Venue, when the primary location has none",
    "locations[].source.type": "decides whether the source is a venue",
    "host_venue.display_name": "Venue (before 2023)",
    "host_venue.type": "decides whether the host is a venue (repositories are not)",
    "host_venue.url": "Paper.arxiv_id when it is an arXiv page",
    "alternate_host_venues[].display_name": "Venue, when the host venue has none (before 2023)",
    "alternate_host_venues[].type": "decides whether the host is a venue",
    "alternate_host_venues[].url": "Paper.arxiv_id when it is an arXiv page",
    "biblio.volume": "Paper.cite_key (with venue name, first page and year)",
    "biblio.first_page": "Paper.cite_key",
    "results": "an API list page: each work loaded",
}
DROPPED = {
    "meta": "paging of the API",
    "group_by": "not works",
    "authorships[].author_position": "the order of authorships gives the position",
    "authorships[].countries": "the institutions' countries are kept",
    "authorships[].is_corresponding": "not modelled",
    "authorships[].raw_affiliation_string": "the matched institutions are kept",
    "authorships[].raw_affiliation_strings": "the matched institutions are kept",
    "authorships[].affiliations": "the same institutions as authorships[].institutions",
    "authorships[].institutions[].lineage": "parent institutions are not modelled",
    "primary_location": "only the source name, type and URLs are used (above)",
    "locations": "only the source names, types and URLs are used (above)",
    "best_oa_location": "access status changes; not part of the citation graph",
    "host_venue": "only the name, type and URL are used (above)",
    "alternate_host_venues": "only the names, types and URLs are used (above)",
    "locations_count": "counted from locations",
    "biblio": "issue and last page are not modelled",
    "type": "publication type not modelled",
    "type_crossref": "publication type not modelled",
    "language": "not modelled",
    "open_access": "access status changes; not part of the citation graph",
    "apc_list": "not modelled",
    "apc_paid": "not modelled",
    "has_fulltext": "not modelled",
    "cited_by_count": "counted in the graph instead (Paper.citation_count)",
    "cited_by_percentile_year": "a metric of the source's",
    "citation_normalized_percentile": "a metric of the source's",
    "fwci": "a metric of the source's",
    "counts_by_year": "a metric of the source's",
    "cited_by_api_url": "a link to fetch citations with",
    "ngrams_url": "a link",
    "related_works": "computed by OpenAlex, not cited by the work",
    "referenced_works_count": "counted from referenced_works",
    "concepts": "classification not modelled",
    "topics": "classification not modelled",
    "primary_topic": "classification not modelled",
    "keywords": "classification not modelled",
    "mesh": "classification not modelled",
    "sustainable_development_goals": "classification not modelled",
    "grants": "not modelled",
    "funders": "not modelled",
    "datasets": "not modelled",
    "versions": "not modelled",
    "corresponding_author_ids": "not modelled",
    "corresponding_institution_ids": "the authorships' institutions are kept",
    "institutions_distinct_count": "counted from the institutions",
    "countries_distinct_count": "counted from the institutions",
    "institution_assertions": "not modelled",
    "indexed_in": "not modelled",
    "is_retracted": "not modelled",
    "is_paratext": "not modelled",
    "publication_date": "the year is kept (Paper.year)",
    "updated_date": "bookkeeping of the source",
    "created_date": "bookkeeping of the source",
}


def _abstract(inverted: dict | None) -> str | None:
    if not isinstance(inverted, dict) or not inverted:
        return None
    positions = [(i, word) for word, places in inverted.items() if isinstance(places, list)
                 for i in places if isinstance(i, int) and not isinstance(i, bool)]
    return " ".join(word for _, word in sorted(positions)) or None


def _arxiv_of(work: dict) -> str | None:
    ids = work.get("ids") or {}
    for candidate in (ids.get("arxiv"), work.get("arxiv_id")):
        if candidate and normalize_arxiv(candidate):
            return normalize_arxiv(candidate)
    for doi in (work.get("doi"), ids.get("doi")):
        doi = normalize_doi(doi) if doi else None
        if doi and _ARXIV_DOI.match(doi):
            return normalize_arxiv(_ARXIV_DOI.match(doi).group(1))
    locations = [work.get("primary_location") or {}, *(work.get("locations") or []),
                 work.get("host_venue") or {}, *(work.get("alternate_host_venues") or [])]
    for loc in locations:
        if not isinstance(loc, dict):
            continue
        for url in (loc.get("landing_page_url"), loc.get("pdf_url"), loc.get("url")):
            if not isinstance(url, str):
                continue
            match = _ARXIV_URL.search(url or "")
            if match and normalize_arxiv(match.group(1)):
                return normalize_arxiv(match.group(1))
    return None


class WorkError(ValueError):
    pass


def _institutions(authorship: dict, i: int) -> list[InstitutionRef]:
    items = authorship.get("institutions") or []
    if not isinstance(items, list):
        raise WorkError(f"authorship {i} institutions should be a list")
    out = []
    for j, inst in enumerate(items, 1):
        if not isinstance(inst, dict):
            raise WorkError(f"authorship {i} institution {j} should be an object")
        for key in ("id", "ror", "display_name", "country_code", "type"):
            if inst.get(key) is not None and not isinstance(inst[key], str):
                raise WorkError(f"authorship {i} institution {j}: {key} should be text")
        ref = InstitutionRef.make(name=inst.get("display_name"), ror=inst.get("ror"),
                                  openalex_id=normalize_openalex(inst.get("id")),
                                  country_code=inst.get("country_code"), type=inst.get("type"))
        if ref:
            out.append(ref)
    return out


def _venue(obj: dict) -> VenueRef | None:
    """The primary location's source, else another location's; before 2023 the host venue."""
    candidates = []
    if isinstance(obj.get("primary_location"), dict):
        candidates.append(obj["primary_location"].get("source"))
    candidates += [loc.get("source") for loc in obj.get("locations") or [] if isinstance(loc, dict)]
    candidates.append(obj.get("host_venue"))
    candidates += list(obj.get("alternate_host_venues") or [])
    for source in candidates:
        if isinstance(source, dict) and isinstance(source.get("display_name"), str) and source["display_name"].strip() \
                and source.get("type") != "repository":
            short = source.get("abbreviated_title") if isinstance(source.get("abbreviated_title"), str) else None
            return VenueRef.named(" ".join(source["display_name"].split()), short)
    return None


def work_from(obj) -> Work:
    if not isinstance(obj, dict):
        raise WorkError(f"a work should be an object, got {type(obj).__name__}")
    for key in ("primary_location", "host_venue", "biblio"):
        if obj.get(key) is not None and not isinstance(obj[key], dict):
            raise WorkError(f"{key} should be an object")
    for key in ("locations", "alternate_host_venues"):
        if obj.get(key) is not None and not isinstance(obj[key], list):
            raise WorkError(f"{key} should be a list")
    if obj.get("id") is not None and not isinstance(obj["id"], str):
        raise WorkError("id should be text")
    openalex = normalize_openalex(obj.get("id"))
    if obj.get("id") and not openalex:
        raise WorkError(f"id {obj.get('id')!r} is not an OpenAlex work id")
    ids = obj.get("ids") or {}
    if not isinstance(ids, dict):
        raise WorkError("ids should be an object")
    for key in ("doi",):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise WorkError(f"{key} should be text")
    given_doi = obj.get("doi") or ids.get("doi")
    doi = normalize_doi(given_doi)
    warnings = []
    if given_doi and not doi:
        warnings.append(f"doi {str(given_doi)[:100]!r} is not a DOI; left out")
    arxiv = _arxiv_of(obj)
    if doi and _ARXIV_DOI.match(doi):
        doi = None  # the arXiv DOI is the arXiv id, kept as such
    title = obj.get("title") or obj.get("display_name")
    if title is not None and not isinstance(title, str):
        raise WorkError("title should be text")
    year = obj.get("publication_year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise WorkError("publication_year should be an integer")
    venue = _venue(obj)
    biblio = obj.get("biblio") or {}
    cite = citation_key(venue.name if venue else None, *(biblio.get(k) if isinstance(biblio.get(k), str) else None
                                                          for k in ("volume", "first_page")), year)
    ref = PaperRef.make(openalex=openalex, doi=doi, arxiv=arxiv, cite=cite, title=title)
    if not (openalex or doi or arxiv):
        raise WorkError("no identifier (id, doi or ids)")
    authorships = obj.get("authorships") or []
    if not isinstance(authorships, list):
        raise WorkError("authorships should be a list")
    authors = []
    for i, a in enumerate(authorships, 1):
        if not isinstance(a, dict):
            raise WorkError(f"authorship {i} should be an object")
        author = a.get("author") if isinstance(a.get("author"), dict) else {}
        name = author.get("display_name") if isinstance(author.get("display_name"), str) else None
        name = name or (a.get("raw_author_name") if isinstance(a.get("raw_author_name"), str) else None)
        if not name or not name.strip():
            raise WorkError(f"authorship {i} has no author display_name")
        orcid = author.get("orcid")
        authors.append(Person(name,
                              orcid=orcid.rsplit("/", 1)[-1] if isinstance(orcid, str) and orcid else None,
                              openalex_id=normalize_openalex(author.get("id")) if isinstance(author.get("id"), str) else None,
                              institutions=_institutions(a, i)))
    refs = obj.get("referenced_works")
    if refs is not None and not isinstance(refs, list):
        raise WorkError("referenced_works should be a list")
    references = None
    if refs is not None:
        references = []
        for r in refs:
            w = normalize_openalex(r) if isinstance(r, str) else None
            if not w:
                raise WorkError(f"referenced work {str(r)[:100]!r} is not an OpenAlex work id")
            if w == openalex:
                warnings.append(f"cites itself ({w}); not written")
                continue
            references.append(PaperRef(openalex=w))
    props = {}
    for key, prop in (("mag", "mag_id"), ("pmid", "pubmed_id"), ("pmcid", "pmc_id")):
        value = ids.get(key)
        if isinstance(value, (str, int)) and str(value).strip():
            props[prop] = str(value).strip().rstrip("/").rsplit("/", 1)[-1]
    return Work(ref=ref, title=title, abstract=_abstract(obj.get("abstract_inverted_index")), year=year,
                authors=authors, venue=venue, references=references, props=props, warnings=warnings)


def _works(raw_rows) -> Iterator:
    """(raw row, work object, where in the row) for every work of every row."""
    for raw in raw_rows:
        if raw.error:
            yield raw, None, ""
            continue
        value = raw.value
        if isinstance(value, dict) and isinstance(value.get("results"), list):
            for i, item in enumerate(value["results"]):
                yield raw, item, f"results[{i}]: "
        else:
            yield raw, value, ""


def read(path, source: str, options) -> Iterator[Row]:
    path = Path(path)
    head = path.read_bytes()[:4096].lstrip()
    rows = json_document.read_rows(path) if head[:1] == b"[" or not jsonl.is_json_lines(path) else jsonl.read_rows(path)
    for raw, item, where in _works(rows):
        if raw.error:
            yield Row(source, raw.line, reject=Reject(source, raw.line, raw.error, raw.raw))
            continue
        try:
            work = work_from(item)
        except WorkError as exc:
            yield Row(source, raw.line, reject=Reject(source, raw.line, where + str(exc), raw.raw if not where else None))
            continue
        yield Row(source, raw.line, records=work_records(work), warnings=[where + w for w in work.warnings])


# -- the format --------------------------------------------------------------------------------

_MARKS = re.compile(r'"(referenced_works|authorships|abstract_inverted_index)"\s*:|"https://openalex\.org/W\d+')


def _sniff(path: Path, head: str) -> int:
    return MARKED - 5 if head.lstrip()[:1] in ("[", "{") and _MARKS.search(head) else 0


FORMATS = [Format("openalex", "OpenAlex works: one work, an API list response (results), or JSON Lines", read,
                  sniff=_sniff)]
