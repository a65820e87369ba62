"""citegraph enrich citations against a local server that answers in the real APIs' shapes
(recorded OpenAlex and Semantic Scholar responses from tests/data/real) and misbehaves on
purpose: 429 with Retry-After, 500, a truncated body, a cursor that never ends, a server error
that lasts. The graph afterwards is checked against the served JSON itself."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from fake_api import JsonHandler, serving
from conftest import DATA, run

REAL = DATA / "real"
SEED = json.loads((REAL / "openalex" / "work-2023-primary-location.json").read_text(encoding="utf-8"))
SEED_ID = SEED["id"].rsplit("/", 1)[-1]  # W2741809807, DOI 10.7717/peerj.4375
REFERENCED = [r.rsplit("/", 1)[-1] for r in SEED["referenced_works"]]
CITING = [f"W90000000{i:02d}" for i in range(1, 8)]  # seven works cite the seed (two pages of four)
LOOPING = "W5555555555"  # a work whose citing works' cursor never ends
TURING = json.loads((REAL / "s2" / "paper-with-citations.json").read_text(encoding="utf-8"))


def work(wid: str, title: str, refs=()) -> dict:
    """A work in OpenAlex's shape (as the recorded one), for the ids the recorded work names."""
    return {"id": f"https://openalex.org/{wid}", "doi": None, "title": title, "display_name": title,
            "publication_year": 2019, "authorships": [], "referenced_works": [f"https://openalex.org/{r}" for r in refs],
            "ids": {"openalex": f"https://openalex.org/{wid}"}}


WORKS = {SEED_ID: SEED, **{r: work(r, f"Referenced work {r}", ["W1111111111"]) for r in REFERENCED},
         **{c: work(c, f"Citing work {c}", [SEED_ID, "W2222222222"]) for c in CITING},
         LOOPING: {**work(LOOPING, "A work cited in circles"), "doi": "https://doi.org/10.5555/loop"}}


class Api(JsonHandler):
    """OpenAlex at /oa, Semantic Scholar at /s2. ``state`` counts requests and holds the faults."""

    def fault(self, key: str) -> bool:
        """True the first time a fault is met (each fault happens once)."""
        faults = self.state.setdefault("faults", set())
        if key in self.state.get("armed", ()) and key not in faults:
            faults.add(key)
            return True
        return False

    def do_GET(self):
        self.state["requests"] = self.state.get("requests", 0) + 1
        self.state.setdefault("paths", []).append(self.path)
        url = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        path = url.path.removeprefix("/oa")
        if self.fault("429-first"):
            return self.reply(429, {"error": "slow down"}, [("Retry-After", "1")])
        if path.startswith("/works/"):
            key = urllib.parse.unquote(path.removeprefix("/works/"))
            if key == "doi:10.5555/always-broken" and self.state.get("broken", True):
                return self.reply(503, {"error": "down"})
            if key == "doi:10.5555/too-slow":  # answers after the client stopped waiting
                time.sleep(3)
                return self.reply(404, {"error": "not found"})
            for w in WORKS.values():
                if key == w["id"].rsplit("/", 1)[-1] or (w.get("doi") and key == "doi:" + w["doi"].removeprefix(
                        "https://doi.org/").lower()):
                    if self.fault("truncated"):
                        return self.reply(200, json.dumps(w).encode()[:100])
                    return self.reply(200, w, [("X-RateLimit-Cost-USD", "0"), ("X-RateLimit-Remaining-USD", "0.99")])
            return self.reply(404, {"error": "not found"})
        if path == "/works":
            if self.fault("500-list"):
                return self.reply(500, {"error": "oops"})
            kind, _, value = q["filter"].partition(":")
            cost = [("X-RateLimit-Cost-USD", "0.0001"), ("X-RateLimit-Remaining-USD", "0.98")]
            if kind == "openalex":
                found = [WORKS[i] for i in value.split("|") if i in WORKS]
                return self.reply(200, {"meta": {"count": len(found)}, "results": found}, cost)
            if kind == "cites" and value == LOOPING:
                return self.reply(200, {"meta": {"next_cursor": "again"}, "results": [WORKS[CITING[0]]]}, cost)
            if kind == "cites" and value == SEED_ID:
                per, start = int(q.get("per-page", 4)), 0 if q.get("cursor") == "*" else int(q["cursor"])
                per = min(per, 4)
                page = [WORKS[c] for c in CITING[start:start + per]]
                more = start + per < len(CITING)
                return self.reply(200, {"meta": {"next_cursor": str(start + per) if more else None},
                                        "results": page}, cost)
            return self.reply(200, {"meta": {"next_cursor": None}, "results": []}, cost)
        return self.reply(404, {"error": "no route"})

    def do_POST(self):
        self.state["requests"] = self.state.get("requests", 0) + 1
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.fault("429-post"):
            return self.reply(429, {"message": "Too Many Requests"}, [("Retry-After", "1")])
        answers = [TURING if i.upper() == "DOI:" + TURING["externalIds"]["DOI"].upper() else None for i in body["ids"]]
        return self.reply(200, answers)


@pytest.fixture
def api():
    state = {"armed": set()}
    with serving(Api, state) as url:
        yield url, state


def library(tmp_path, *entries):
    path = tmp_path / "library.bib"
    path.write_text("\n".join(f"@article{{k{i}, title = {{{title}}}, author = {{Doe, Jane}}, doi = {{{doi}}}, "
                              f"year = {{2018}}}}" for i, (title, doi) in enumerate(entries)), encoding="utf-8")
    return path


def openalex_ids(graph, cypher: str) -> set:
    return {r["w"] for r in run(graph, cypher)}


def test_openalex_references_and_citations_as_the_api_serves_them(graph, api, tmp_path):
    url, state = api
    state["armed"] |= {"429-first", "500-list", "truncated"}
    graph.load([library(tmp_path, ("The state of OA", "10.7717/peerj.4375"), ("Unknown to OpenAlex", "10.5555/nowhere"),
                        ("Cited in circles", "10.5555/loop"))])
    report = graph.enrich_citations("openalex", citations=True, api_url=f"{url}/oa", cache_dir=tmp_path / "cache")
    assert report.papers == 3 and report.found == 2 and report.not_found == ["doi:10.5555/nowhere"]
    assert report.failed == []
    assert state["faults"] == {"429-first", "500-list", "truncated"}  # each met, each survived
    assert any("cursor repeated" in n for n in report.notes)  # the endless cursor was stopped and said
    assert report.usage["cost"] > 0 and report.usage["remaining"] == "0.98"
    assert report.load.rejected == 0
    # the seed joined the BibTeX paper by its DOI; it cites exactly the works the API lists
    seed = "MATCH (s:Paper {doi: '10.7717/peerj.4375'}) "
    assert run(graph, seed + "RETURN s.openalex_id AS w, s.title AS t")[0]["w"] == SEED_ID
    assert openalex_ids(graph, seed + "MATCH (s)-[:CITES]->(r) RETURN r.openalex_id AS w") == set(REFERENCED)
    assert openalex_ids(graph, seed + "MATCH (c)-[:CITES]->(s) RETURN c.openalex_id AS w") == set(CITING)
    # depth 1: the references' own references are not followed
    assert run(graph, "MATCH (p:Paper {openalex_id: 'W1111111111'}) RETURN count(p) AS n")[0]["n"] == 0
    sources = run(graph, seed + "MATCH (s)-[r:CITES]->() RETURN r.sources AS s LIMIT 1")[0]["s"]
    assert any(s.startswith("OpenAlex API 20") for s in sources)

    # a rerun of the same question is resumed: nothing is asked again
    before = state["requests"]
    again = graph.enrich_citations("openalex", citations=True, api_url=f"{url}/oa", cache_dir=tmp_path / "cache")
    assert again.resumed == 3 and state["requests"] == before
    # a new question (two of the papers) is answered from the HTTP cache
    cached = graph.enrich_citations("openalex", citations=True, max_papers=2, api_url=f"{url}/oa",
                                    cache_dir=tmp_path / "cache")
    assert cached.usage["requests"] == 0 and cached.usage["from_cache"] > 0 and state["requests"] == before, \
        state["paths"][before:]


def test_a_failing_paper_is_said_and_the_next_run_fetches_only_it(graph, api, tmp_path):
    url, state = api
    graph.load([library(tmp_path, ("The state of OA", "10.7717/peerj.4375"),
                        ("Its server is down", "10.5555/always-broken"))])
    first = graph.enrich_citations("openalex", api_url=f"{url}/oa", cache_dir=tmp_path / "cache")
    assert [f["paper"] for f in first.failed] == ["doi:10.5555/always-broken"]
    assert "503" in first.failed[0]["reason"] or "retries" in first.failed[0]["reason"]
    assert first.found == 1
    state["broken"] = False  # the server is back
    second = graph.enrich_citations("openalex", api_url=f"{url}/oa", cache_dir=tmp_path / "cache")
    assert second.resumed == 1 and second.failed == [] and second.not_found == ["doi:10.5555/always-broken"]


def test_semantic_scholar_batch_with_nested_references_and_citations(graph, api, tmp_path):
    url, state = api
    state["armed"] |= {"429-post"}
    graph.load([library(tmp_path, ("Computing machinery and intelligence", TURING["externalIds"]["DOI"]))])
    report = graph.enrich_citations("s2", citations=True, api_url=f"{url}/s2", cache_dir=tmp_path / "cache")
    assert report.found == 1 and report.failed == [] and "429-post" in state["faults"]
    assert any("at most 1,000 citations" in n for n in report.notes)
    turing = f"MATCH (t:Paper {{s2_id: '{TURING['paperId']}'}}) "
    refs = {r["paperId"] for r in TURING["references"] if r.get("paperId")}
    cites = {c["paperId"] for c in TURING["citations"] if c.get("paperId")}
    cited = [r["w"] for r in run(graph, turing + "MATCH (t)-[:CITES]->(r) RETURN r.s2_id AS w")]
    assert {w for w in cited if w} == refs
    # references the API gives without a paperId are papers by their title
    untitled = {r["title"] for r in TURING["references"] if not r.get("paperId") and r.get("title")}
    assert cited.count(None) == len(untitled)
    assert {r["w"] for r in run(graph, turing + "MATCH (c)-[:CITES]->(t) RETURN c.s2_id AS w")} == cites
    # the BibTeX paper and the API's paper are one node (joined by the DOI)
    assert run(graph, "MATCH (p:Paper) WHERE toLower(p.doi) = toLower($doi) RETURN count(p) AS n",
               doi=TURING["externalIds"]["DOI"])[0]["n"] == 1


def test_the_command_line_killed_mid_run_resumes_to_the_same_graph(graph, api, neo4j_server, tmp_path):
    """`citegraph enrich citations` killed after its second saved chunk, then run again: the
    first chunks are not asked again, and the graph is that of one uninterrupted run."""
    from test_kill_points import citegraph, snapshot

    url, state = api
    bib = library(tmp_path, ("The state of OA", "10.7717/peerj.4375"), ("Unknown to OpenAlex", "10.5555/nowhere"),
                  ("Cited in circles", "10.5555/loop"))
    wanted = tmp_path / "papers.txt"
    wanted.write_text("10.7717/peerj.4375\n10.5555/nowhere\n10.5555/loop\n", encoding="utf-8")
    args = ["enrich", "citations", "--citations", "--papers", str(wanted), "--batch-size", "1", "--api-url",
            f"{url}/oa", "--json"]
    citegraph(["load", str(bib)], neo4j_server.home)
    whole = citegraph([*args, "--cache-dir", str(tmp_path / "one")], neo4j_server.home)
    assert json.loads(whole.stdout)["found"] == 2
    expected = snapshot(graph)
    graph.reset()
    citegraph(["load", str(bib)], neo4j_server.home)
    citegraph([*args, "--cache-dir", str(tmp_path / "two")], neo4j_server.home, "enrich.chunk@2")
    rerun = json.loads(citegraph([*args, "--cache-dir", str(tmp_path / "two")], neo4j_server.home).stdout)
    assert rerun["resumed"] == 2 and rerun["papers"] == 3
    assert snapshot(graph) == expected


def test_an_api_that_does_not_answer_in_time(graph, api, tmp_path, monkeypatch):
    url, state = api
    monkeypatch.setenv("CITEGRAPH_HTTP_TIMEOUT", "0.5")
    graph.load([library(tmp_path, ("The state of OA", "10.7717/peerj.4375"), ("Too slow", "10.5555/too-slow"))])
    report = graph.enrich_citations("openalex", api_url=f"{url}/oa", cache_dir=tmp_path / "cache")
    assert report.found == 1  # the other paper is not held up
    assert [f["paper"] for f in report.failed] == ["doi:10.5555/too-slow"]
    assert "timed out" in report.failed[0]["reason"].lower() or "retries" in report.failed[0]["reason"]


def test_a_semantic_scholar_batch_that_fails_is_asked_again_and_one_not_found_is_not(tmp_path):
    """Semantic Scholar answers a group of papers per request: a request that fails leaves every
    paper of the group to the next run; a paper the answer lacks (null) is not asked again."""
    from citegraph import enrich
    from citegraph.enrich.http import FetchError, Usage
    from citegraph.enrich.sources import SemanticScholar

    class Client:  # answers POST paper/batch as told, and counts nothing
        usage = Usage()

        def __init__(self, answer):
            self.answer = answer

        def post(self, path, body, params):
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer

    papers = [{"id": "p1", "doi": "10.1/a"}, {"id": "p2", "arxiv_id": "2301.00001"}]
    failed = enrich.fetch(papers, SemanticScholar(Client(FetchError("POST paper/batch: 500"))), tmp_path)
    assert [f["paper"] for f in failed.failed] == ["p1", "p2"] and "500" in failed.failed[0]["reason"]
    assert failed.found == 0 and failed.files == []
    answered = enrich.fetch(papers, SemanticScholar(Client([TURING, None])), tmp_path)
    assert answered.resumed == 0  # the failed group was not marked done
    assert answered.found == 1 and answered.not_found == ["p2"] and answered.failed == []
    (written,) = answered.files
    assert [json.loads(line)["paperId"] for line in open(written, encoding="utf-8")] == [TURING["paperId"]]
    again = enrich.fetch(papers, SemanticScholar(Client(FetchError("never asked"))), tmp_path)
    assert again.resumed == 2 and again.failed == []
