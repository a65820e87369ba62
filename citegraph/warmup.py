"""The canned queries a user starts from, run on a sample of the graph's people and papers
after a server start (``CiteGraph.warm``, once ``graph.warm`` has read their records).

Neo4j compiles the code a query runs as it runs it: right after a start, the first few
hundred questions about people are slower than the same questions asked again, even with
every record in memory. At a million papers, `coauthors` on 200 people had a p95 of 23.7 ms,
the same 200 again 14.3 ms; after 200 runs on other people, the first run on those 200 had
a p95 of 18.5 ms. So ``warm`` asks each of these queries about people and papers other than
the ones a user will ask about: what stays of a first run is the reading of its records.
"""

from __future__ import annotations

import time

# query -> its parameters for a sampled person (and the person drawn before, for a path)
ABOUT_PEOPLE = {
    "coauthors": lambda person, before: {"name": person},
    "author-profile": lambda person, before: {"name": person},
    "author-papers": lambda person, before: {"name": person},
    "collaboration-path": lambda person, before: {"from": person, "to": before},
}
ABOUT_PAPERS = ("paper", "citations-of", "references-of")  # each asked with {"id": a sampled paper}
SAMPLE = 100  # people and papers: each query runs this many times

_PEOPLE = "MATCH (a:Author) WITH a.name AS name, rand() AS r ORDER BY r LIMIT $n RETURN name"
_PAPERS = ("MATCH (p:Paper) WHERE p.title IS NOT NULL WITH p.id AS id, rand() AS r ORDER BY r "
           "LIMIT $n RETURN id")


def run_queries(cg, sample: int = SAMPLE) -> dict:
    """Run each query of ``ABOUT_PEOPLE`` and ``ABOUT_PAPERS`` on up to ``sample`` people (or
    papers) drawn at random from the graph; returns how many runs there were and the seconds
    they took."""
    started = time.perf_counter()
    people = [r["name"] for r in cg.driver.execute_query(_PEOPLE, n=sample, database_=cg.database).records]
    papers = [r["id"] for r in cg.driver.execute_query(_PAPERS, n=sample, database_=cg.database).records]
    runs = 0
    for query, params in ABOUT_PEOPLE.items():
        for before, person in zip(people[-1:] + people[:-1], people):
            cg.run_query(query, **params(person, before))
            runs += 1
    for query in ABOUT_PAPERS:
        for paper in papers:
            cg.run_query(query, id=paper)
            runs += 1
    return {"queries": runs, "seconds": round(time.perf_counter() - started, 2)}
