"""OpenAlex works: one work object, an API list response (``results``), JSON Lines of works.

Authorships keep their order; ``referenced_works`` become ``CITES`` to papers
known by their OpenAlex id (stubs until described); identifiers come from
``doi``, ``ids`` and arXiv locations (an arXiv DOI ``10.48550/arXiv.X`` is the
arXiv id X); the venue is the primary location's source; the year is
``publication_year``. A malformed work is reported with its line and the
others load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graph.identity import normalize_arxiv, normalize_doi, normalize_openalex
from graph.papers import PaperRef
from graph.records import Reject, Row
from loaders import json_document, jsonl
from loaders.works import Person, VenueRef, Work, work_records

_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?(?:[?#]|$)", re.IGNORECASE)


def looks_like(value) -> bool:
    if isinstance(value, dict):
        if isinstance(value.get("results"), list):
            return True
        ident = str(value.get("id", ""))
        return "openalex.org/W" in ident or "referenced_works" in value or "authorships" in value
    return False


def _abstract(inverted: dict | None) -> str | None:
    if not isinstance(inverted, dict) or not inverted:
        return None
    positions = [(i, word) for word, places in inverted.items() for i in places if isinstance(i, int)]
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
    locations = [work.get("primary_location") or {}, *(work.get("locations") or [])]
    for loc in locations:
        for url in ((loc or {}).get("landing_page_url"), (loc or {}).get("pdf_url")):
            match = _ARXIV_URL.search(url or "")
            if match and normalize_arxiv(match.group(1)):
                return normalize_arxiv(match.group(1))
    return None


class WorkError(ValueError):
    pass


def work_from(obj) -> Work:
    if not isinstance(obj, dict):
        raise WorkError(f"a work should be an object, got {type(obj).__name__}")
    openalex = normalize_openalex(obj.get("id"))
    if obj.get("id") and not openalex:
        raise WorkError(f"id {obj.get('id')!r} is not an OpenAlex work id")
    ids = obj.get("ids") or {}
    if not isinstance(ids, dict):
        raise WorkError("ids should be an object")
    doi = normalize_doi(obj.get("doi") or ids.get("doi"))
    arxiv = _arxiv_of(obj)
    if doi and _ARXIV_DOI.match(doi):
        doi = None  # the arXiv DOI is the arXiv id, kept as such
    title = obj.get("title") or obj.get("display_name")
    if title is not None and not isinstance(title, str):
        raise WorkError("title should be text")
    ref = PaperRef.make(openalex=openalex, doi=doi, arxiv=arxiv, title=title)
    if not (openalex or doi or arxiv):
        raise WorkError("no identifier (id, doi or ids)")
    authorships = obj.get("authorships") or []
    if not isinstance(authorships, list):
        raise WorkError("authorships should be a list")
    authors = []
    for i, a in enumerate(authorships, 1):
        author = (a or {}).get("author") if isinstance(a, dict) else None
        if not isinstance(author, dict) or not isinstance(author.get("display_name"), str):
            raise WorkError(f"authorship {i} has no author display_name")
        orcid = author.get("orcid")
        authors.append(Person(author["display_name"],
                              orcid=orcid.rsplit("/", 1)[-1] if isinstance(orcid, str) and orcid else None,
                              openalex_id=normalize_openalex(author.get("id"))))
    refs = obj.get("referenced_works")
    if refs is not None and not isinstance(refs, list):
        raise WorkError("referenced_works should be a list")
    references = None
    if refs is not None:
        references = []
        for r in refs:
            w = normalize_openalex(r) if isinstance(r, str) else None
            if not w:
                raise WorkError(f"referenced work {r!r} is not an OpenAlex work id")
            references.append(PaperRef(openalex=w))
    venue = None
    source = ((obj.get("primary_location") or {}).get("source") or {}) if isinstance(obj.get("primary_location"), dict) else {}
    if source.get("display_name") and source.get("type") != "repository":
        venue = VenueRef.named(source["display_name"], source.get("abbreviated_title"))
    year = obj.get("publication_year")
    if year is not None and not isinstance(year, int):
        raise WorkError("publication_year should be an integer")
    return Work(ref=ref, title=title, abstract=_abstract(obj.get("abstract_inverted_index")), year=year,
                authors=authors, venue=venue, references=references)


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
    rows = json_document.read_rows(path) if head[:1] == b"[" or not _multi_line(path) else jsonl.read_rows(path)
    for raw, item, where in _works(rows):
        if raw.error:
            yield Row(source, raw.line, reject=Reject(source, raw.line, raw.error, raw.raw))
            continue
        try:
            work = work_from(item)
        except WorkError as exc:
            yield Row(source, raw.line, reject=Reject(source, raw.line, where + str(exc), raw.raw if not where else None))
            continue
        yield Row(source, raw.line, records=work_records(work))


def _multi_line(path: Path) -> bool:
    """JSON Lines (one work per line) rather than one JSON document."""
    with open(path, "rb") as f:
        first = f.readline()
        second = f.readline()
    import json
    try:
        json.loads(first)
        return bool(second.strip())
    except ValueError:
        return False
