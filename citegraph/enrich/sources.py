"""The scholarly APIs ``citegraph enrich citations`` asks: each turns the papers of the graph into
the API's own records (OpenAlex works, Semantic Scholar papers), which the loaders of those
formats then read like any file. Nothing here touches Neo4j.

OpenAlex: a paper is looked up by its OpenAlex id, DOI or arXiv id (``/works/{id}``: free);
its references are fetched 50 at a time (``filter=openalex:W1|W2|…``: one list request), the
works citing it page by page (``filter=cites:W…`` with a cursor). Semantic Scholar: 500 papers
per ``POST /paper/batch``, with their references and citations nested (the API lists at most
1,000 of each per paper; more need its bulk datasets).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from citegraph.enrich.http import Client, FetchError

OPENALEX_URL = "https://api.openalex.org"
S2_URL = "https://api.semanticscholar.org/graph/v1"
MAX_PAGES = 1000  # a cursor that never ends is cut here (and said)


def _chunks(items: list, n: int) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


class OpenAlex:
    name = "openalex"
    format = "openalex"

    def __init__(self, client: Client):
        self.client = client
        self.notes: list[str] = []

    @staticmethod
    def client_params() -> dict:
        return {"api_key": os.environ.get("OPENALEX_API_KEY"), "mailto": os.environ.get("OPENALEX_MAILTO")}

    def lookup(self, paper: dict) -> dict | None:
        """The work of a paper of the graph, by its OpenAlex id, DOI or arXiv id (single look-ups: free)."""
        keys = []  # the DOI first: what a paper is asked by stays the same once enrichment adds the
        #            OpenAlex id, so a rerun is answered from the cache
        if paper.get("doi"):
            keys.append(f"doi:{paper['doi']}")
        if paper.get("arxiv_id"):  # arXiv papers carry DataCite DOIs
            keys.append(f"doi:10.48550/arxiv.{paper['arxiv_id']}")
        if paper.get("openalex_id"):
            keys.append(paper["openalex_id"])
        for key in keys:
            work = self.client.get(f"works/{key}")
            if work:
                return work
        return None

    def works(self, ids: list[str]) -> list[dict]:
        """Works by OpenAlex id, 50 per list request."""
        out = []
        for chunk in _chunks(sorted(set(ids)), 50):
            page = self.client.get("works", {"filter": "openalex:" + "|".join(chunk), "per-page": 50})
            out += (page or {}).get("results") or []
        return out

    def citing(self, work_id: str, limit: int | None) -> list[dict]:
        """Works citing ``work_id``, cursor-paged, at most ``limit``."""
        out, cursor, seen = [], "*", set()
        for _ in range(MAX_PAGES):
            per_page = 200 if limit is None else max(1, min(200, limit - len(out)))
            page = self.client.get("works", {"filter": f"cites:{work_id}", "per-page": per_page, "cursor": cursor})
            results = (page or {}).get("results") or []
            out += results
            cursor = ((page or {}).get("meta") or {}).get("next_cursor")
            if not results or not cursor or (limit is not None and len(out) >= limit):
                return out[:limit] if limit is not None else out
            if cursor in seen:
                self.notes.append(f"{work_id}: the citing works' cursor repeated itself; stopped after "
                                  f"{len(out)} works")
                return out
            seen.add(cursor)
        self.notes.append(f"{work_id}: more than {MAX_PAGES} pages of citing works; stopped after {len(out)}")
        return out

    def records(self, paper: dict, depth: int, citations: bool, limit: int | None) -> tuple[list[dict], bool]:
        """The work of ``paper`` and, to ``depth``, what it cites (and, with ``citations``, what
        cites it): OpenAlex works ready for the OpenAlex loader. (works, found)."""
        work = self.lookup(paper)
        if work is None:
            return [], False
        out = [work]
        level = [work]
        for d in range(1, depth + 1):
            refs = [r for w in level for r in (w.get("referenced_works") or []) if isinstance(r, str)]
            if limit is not None:
                refs = refs[:limit]
            fetched = self.works([r.rsplit("/", 1)[-1] for r in refs])
            if d == depth:  # the last level's own references are not followed (no stubs for them)
                fetched = [{**w, "referenced_works": None} for w in fetched]
            out += fetched
            level = fetched
        if citations:
            seed = work.get("id")
            for citing in self.citing(seed.rsplit("/", 1)[-1], limit):
                out.append({**citing, "referenced_works": [seed]})  # what else it cites is not asked for
        return out, True


class SemanticScholar:
    name = "s2"
    format = "s2"
    BATCH = 500
    NESTED = "paperId,externalIds,title,year,authors"

    def __init__(self, client: Client):
        self.client = client
        self.notes: list[str] = []
        self._pending: dict = {}

    @staticmethod
    def client_headers() -> dict:
        return {"x-api-key": os.environ.get("S2_API_KEY") or os.environ.get("SEMANTIC_SCHOLAR_API_KEY")}

    @staticmethod
    def key(paper: dict) -> str | None:
        if paper.get("s2_id"):
            return paper["s2_id"]
        if paper.get("corpus_id"):
            return f"CorpusId:{paper['corpus_id']}"
        if paper.get("doi"):
            return f"DOI:{paper['doi']}"
        if paper.get("arxiv_id"):
            return f"ARXIV:{paper['arxiv_id']}"
        return None

    def answers(self, papers: list[dict], citations: bool) -> list[tuple]:
        """(paper, [its object] or None when not found) for each paper, from one request; when the
        request fails, (paper, the FetchError) for each."""
        try:
            objects = self.batch(papers, citations)
        except FetchError as exc:
            return [(paper, exc) for paper in papers]
        return [(paper, [obj] if obj is not None else None) for paper, obj in zip(papers, objects)]

    def batch(self, papers: list[dict], citations: bool) -> list[dict | None]:
        """One object (or None: not found) per paper, with nested references (and citations)."""
        fields = ["paperId", "corpusId", "externalIds", "title", "year", "venue", "authors",
                  *(f"references.{f}" for f in self.NESTED.split(","))]
        if citations:
            fields += [f"citations.{f}" for f in self.NESTED.split(",")]
        keys = [self.key(p) for p in papers]
        answer = self.client.post("paper/batch", {"ids": keys}, {"fields": ",".join(fields)})
        if not isinstance(answer, list) or len(answer) != len(keys):
            raise FetchError(f"POST paper/batch: expected a list of {len(keys)} papers")
        out = []
        for paper in answer:
            if isinstance(paper, dict):
                for key in ("references", "citations"):
                    if len(paper.get(key) or []) >= 1000:
                        self.notes.append(f"{paper.get('paperId')}: the API lists at most 1,000 {key}; "
                                          f"more need Semantic Scholar's bulk datasets")
            out.append(paper if isinstance(paper, dict) else None)
        return out
