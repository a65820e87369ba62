"""Semantic Scholar: Graph API paper objects and the bulk citation records.

Paper objects (``paperId``, ``corpusId``, ``externalIds``, ``title``, ``year``,
``authors``, ``venue``/``publicationVenue``, with ``references`` and
``citations`` where present), alone, as JSON Lines, as a JSON array, or as an
API response (``{"data": [...]}``, including the ``citingPaper``/``citedPaper``
wrappers of the citations and references endpoints). Bulk citation records
(``citingcorpusid``, ``citedcorpusid``) become ``CITES`` between papers known by
their corpus ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from graph.papers import PaperRef
from graph.records import Edge, Reject, Row
from loaders import json_document, jsonl
from loaders.works import Person, VenueRef, Work, stub_records, work_records


def looks_like(value) -> bool:
    if isinstance(value, dict):
        if isinstance(value.get("data"), list):
            first = value["data"][0] if value["data"] else {}
            return isinstance(first, dict) and bool({"citingPaper", "citedPaper", "paperId"} & set(first))
        return bool({"paperId", "corpusId", "citingcorpusid", "citedcorpusid"} & set(value))
    return False


class PaperError(ValueError):
    pass


def ref_of(obj) -> PaperRef:
    if not isinstance(obj, dict):
        raise PaperError(f"a paper should be an object, got {type(obj).__name__}")
    ext = obj.get("externalIds") or {}
    if not isinstance(ext, dict):
        raise PaperError("externalIds should be an object")
    corpus = obj.get("corpusId", ext.get("CorpusId"))
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    return PaperRef.make(s2=obj.get("paperId"), corpus=corpus, doi=ext.get("DOI"), arxiv=ext.get("ArXiv"), title=title)


def work_from(obj) -> Work:
    ref = ref_of(obj)
    if not ref:
        raise PaperError("no identifier (paperId, corpusId or externalIds)")
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise PaperError("title should be text")
    authors = obj.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(a, dict) and isinstance(a.get("name"), str) for a in authors):
        raise PaperError("authors should be a list of objects with a name")
    year = obj.get("year")
    if year is not None and not isinstance(year, int):
        raise PaperError("year should be an integer")
    venue = None
    pv = obj.get("publicationVenue") if isinstance(obj.get("publicationVenue"), dict) else None
    if pv and pv.get("name"):
        venue = VenueRef.named(pv["name"])
    elif isinstance(obj.get("venue"), str) and obj["venue"].strip():
        venue = VenueRef.named(obj["venue"].strip())
    references = None
    if isinstance(obj.get("references"), list):
        references = [ref_of(r.get("citedPaper", r) if isinstance(r, dict) else r) for r in obj["references"]]
    cited_by = []
    if isinstance(obj.get("citations"), list):
        cited_by = [ref_of(c.get("citingPaper", c) if isinstance(c, dict) else c) for c in obj["citations"]]
    return Work(ref=ref, title=title, abstract=obj.get("abstract") if isinstance(obj.get("abstract"), str) else None,
                year=year, authors=[Person(a["name"]) for a in authors], venue=venue,
                references=references, cited_by=cited_by)


def _records(obj) -> list:
    if not isinstance(obj, dict):
        raise PaperError(f"a record should be an object, got {type(obj).__name__}")
    if "citingcorpusid" in obj or "citedcorpusid" in obj:  # bulk citation record
        citing, cited = obj.get("citingcorpusid"), obj.get("citedcorpusid")
        if citing in (None, "") or cited in (None, ""):
            raise PaperError("a citation record needs citingcorpusid and citedcorpusid")
        a, b = PaperRef.make(corpus=citing), PaperRef.make(corpus=cited)
        return [*stub_records(a), *stub_records(b), Edge("CITES", "Paper", a, "Paper", b)]
    if "citingPaper" in obj and "citedPaper" not in obj:  # an item of /paper/{id}/citations
        raise PaperError("a citations-endpoint item needs the cited paper; load the paper object instead")
    return work_records(work_from(obj))


def read(path, source: str, options) -> Iterator[Row]:
    path = Path(path)
    with open(path, "rb") as f:
        first, second = f.readline(), f.readline()
    try:
        json.loads(first)
        lines = bool(second.strip())
    except ValueError:
        lines = False
    rows = jsonl.read_rows(path) if lines else json_document.read_rows(path)
    for raw in rows:
        if raw.error:
            yield Row(source, raw.line, reject=Reject(source, raw.line, raw.error, raw.raw))
            continue
        items = raw.value["data"] if isinstance(raw.value, dict) and isinstance(raw.value.get("data"), list) else [raw.value]
        for i, item in enumerate(items):
            where = f"data[{i}]: " if len(items) > 1 or item is not raw.value else ""
            try:
                records = _records(item)
            except PaperError as exc:
                yield Row(source, raw.line, reject=Reject(source, raw.line, where + str(exc), raw.raw if not where else None))
                continue
            yield Row(source, raw.line, records=records)
