"""Relationship counts kept on nodes (Author.paper_count, Paper.citation_count) on the real server.

The `graph` fixture also checks, after every test that writes, that each stored count equals
the relationships counted directly; these tests add the cases where counts must go down.
"""

import json

import sample_truth as truth
from conftest import SAMPLES, read_jsonl, run

HUB = read_jsonl(SAMPLES / "hub-artifacts.jsonl")


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_a_changed_row_withdraws_authors_and_the_ranking_follows(graph, tmp_path):
    papers = tmp_path / "papers.jsonl"
    write_jsonl(papers, HUB)
    graph.load([papers])
    # by hand from samples/hub-artifacts.jsonl ("Souza, Ana" is Ana Souza)
    assert graph.run_query("top-authors", limit=3) == [
        {"author": "Wei Zhang", "papers": 3}, {"author": "Ana Souza", "papers": 2},
        {"author": "Kofi Mensah", "papers": 2}]
    changed = [dict(HUB[0], authors=["Ana Souza", "Nadia Okafor"], Models=["tinyai/tiny-diffusion-v1"],
                    Datasets=["tinyai/edge-bench"]), *HUB[1:]]
    write_jsonl(papers, changed)  # same file, so the same source: its row now says something else
    graph.load([papers])
    assert graph.run_query("top-authors", limit=10) == [
        {"author": "Ana Souza", "papers": 2}, {"author": "Lena Fischer", "papers": 2},
        {"author": "Marta Kowalska", "papers": 2}, {"author": "Wei Zhang", "papers": 2},
        {"author": "José Álvarez", "papers": 1}, {"author": "Kofi Mensah", "papers": 1},
        {"author": "Nadia Okafor", "papers": 1}]
    # the row no longer links tiny-diffusion-v2 nor cifar100: counted by hand from the rows
    links = {}
    for r in changed:
        for column, kind in (("Models", "Model"), ("Datasets", "Dataset"), ("Spaces", "Space")):
            for x in set(r[column]):
                links[(x, kind)] = links.get((x, kind), 0) + 1
    expected = sorted(((x, k, n) for (x, k), n in links.items()), key=lambda t: (-t[2], t[0], t[1]))
    got = graph.run_query("top-artifacts", limit=100)
    assert [(r["artifact"], r["kind"], r["papers"]) for r in got] == expected
    assert ("cifar100", "Dataset", 1) in expected and not any(t[0] == "tinyai/tiny-diffusion-v2" for t in expected)
    # and the Hub accounts that own them: linked artifacts and linking papers, from the rows
    owners: dict = {}
    for r in changed:
        for column, kind in (("Models", "Model"), ("Datasets", "Dataset"), ("Spaces", "Space")):
            for x in r[column]:
                if "/" in x:
                    artifacts, papers = owners.setdefault(x.split("/")[0], (set(), set()))
                    artifacts.add((x, kind))
                    papers.add(r["proceedings"])
    accounts = sorted(((a, len(x), len(p)) for a, (x, p) in owners.items()), key=lambda t: (-t[1], -t[2], t[0]))
    got = graph.run_query("top-hub-accounts", limit=100)
    assert [(r["account"], r["artifacts"], r["papers"]) for r in got] == accounts


def openalex_work(i, refs):
    return {"id": f"https://openalex.org/W{i}", "title": f"Work {i}", "authorships": [],
            "referenced_works": [f"https://openalex.org/W{r}" for r in refs]}


def test_withdrawn_and_merged_citations_are_recounted(graph, tmp_path):
    works = tmp_path / "works.jsonl"
    write_jsonl(works, [openalex_work(1, [10, 11, 12]), openalex_work(2, [11, 12])])
    graph.load([works])
    assert [(r["paper_id"], r["citations"]) for r in graph.run_query("most-cited")] == [
        ("openalex:W11", 2), ("openalex:W12", 2), ("openalex:W10", 1)]
    write_jsonl(works, [openalex_work(1, [10]), openalex_work(2, [11, 12])])
    graph.load([works])
    assert [(r["paper_id"], r["citations"]) for r in graph.run_query("most-cited")] == [
        ("openalex:W10", 1), ("openalex:W11", 1), ("openalex:W12", 1)]
    # a DOI stub cited by W99, which then turns out to be W10: one paper, cited by W1 and W99
    edges = tmp_path / "edges.csv"
    edges.write_text("citing,cited\nW99,10.1234/same\n")
    graph.load([edges])
    same = tmp_path / "same.jsonl"
    write_jsonl(same, [{"id": "https://openalex.org/W10", "doi": "10.1234/same", "title": "Ten",
                        "authorships": [], "referenced_works": []}])
    graph.load([same])
    assert [(r["paper_id"], r["citations"]) for r in graph.run_query("most-cited")] == [
        ("doi:10.1234/same", 2), ("openalex:W11", 1), ("openalex:W12", 1)]
    # W11 becomes a work of the file, and W2 withdraws its citation of it: a count back at zero
    # is not stored, as on a paper never cited (the graph does not depend on its history; the
    # bulk import writes none either)
    write_jsonl(works, [openalex_work(1, [10]), openalex_work(2, [11]), openalex_work(11, [])])
    graph.load([works])
    write_jsonl(works, [openalex_work(1, [10]), openalex_work(2, []), openalex_work(11, [])])
    graph.load([works])
    assert run(graph, "MATCH (p:Paper) WHERE p.id IN ['openalex:W1', 'openalex:W11'] "
                      "RETURN p.id AS id, p.citation_count AS n, COUNT { (p)<-[:CITES]-() } AS cited ORDER BY id") == [
        {"id": "openalex:W1", "n": None, "cited": 0}, {"id": "openalex:W11", "n": None, "cited": 0}]


def test_counts_are_filled_in_for_a_graph_written_without_them(graph):
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"])
    run(graph, "MATCH (a:Author) REMOVE a.paper_count")
    assert graph.run_query("top-authors", limit=2) == []
    graph.ensure_schema()  # what every load does first
    counts = truth.papers_per_author(truth.rows())
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    assert graph.run_query("top-authors", limit=20) == [{"author": a, "papers": n} for a, n in expected]


def test_global_rankings_read_an_index_not_every_node(graph):
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"])
    graph.load([SAMPLES / "hub-artifacts.jsonl"])
    for name in ("top-authors", "most-cited", "top-artifacts", "top-hub-accounts"):
        cypher = (SAMPLES.parent / "queries" / f"{name}.cypher").read_text(encoding="utf-8")
        with graph.driver.session(database=graph.database) as session:
            plan = session.run("EXPLAIN " + cypher, limit=10).consume().plan
        operators = set()

        def walk(node):
            operators.add(node["operatorType"].split("@")[0])
            for child in node.get("children", []):
                walk(child)

        walk(plan)
        assert not {"NodeByLabelScan", "AllNodesScan"} & operators, (name, operators)
        assert any(op.startswith("NodeIndex") for op in operators), (name, operators)
    # workshop-linkage reads the workshops' statistics: no expansion to their papers
    cypher = (SAMPLES.parent / "queries" / "workshop-linkage.cypher").read_text(encoding="utf-8")
    with graph.driver.session(database=graph.database) as session:
        plan = session.run("EXPLAIN " + cypher).consume().plan
    text = str(plan)
    assert "Expand" not in text and "Paper" not in text, text


def test_the_end_of_a_load_finds_marked_papers_by_index(graph):
    # a 10-row load into a million papers must not visit every paper to find the ten it marked
    from graph.counts import PAPER_STATS_STATEMENT

    graph.load([SAMPLES / "neurips2023-workshops.jsonl"])
    with graph.driver.session(database=graph.database) as session:
        plan = session.run("EXPLAIN " + PAPER_STATS_STATEMENT).consume().plan
    text = str(plan)
    assert "NodeIndexScan" in text and "NodeByLabelScan" not in text and "AllNodesScan" not in text, text


def test_stats_recount_repairs_counts_after_hand_written_cypher(graph, cli_env):
    import subprocess
    import sys

    graph.load([SAMPLES / "hub-artifacts.jsonl"])
    # a user adds an authorship with their own Cypher: the stored count does not know
    run(graph, "MATCH (a:Author {key: 'lena fischer'}), (p:Paper {id: 'SmPlTd01Ab'}) CREATE (a)-[:AUTHORED]->(p)")
    assert graph.run_query("author-papers", name="Lena Fischer") and \
        run(graph, "MATCH (a:Author {name: 'Lena Fischer'}) RETURN a.paper_count AS n") == [{"n": 2}]
    done = subprocess.run([sys.executable, "-m", "citegraph.cli", "stats", "--recount", "--json"], env=cli_env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "recounted: 1 value(s) changed" in done.stderr
    assert run(graph, "MATCH (a:Author {name: 'Lena Fischer'}) RETURN a.paper_count AS n") == [{"n": 3}]
    # and a paper taken off its venue by hand: the venue is recounted, and the paper's entry for
    # it goes (the fixture's consistency check compares every entry with the paper)
    run(graph, "MATCH (:Paper {id: 'SmPlTd01Ab'})-[r:PRESENTED_AT]->() DELETE r")
    graph.recount()
    venues = run(graph, "MATCH (v:Venue) RETURN v.paper_count AS n, COUNT { (v)<-[:PRESENTED_AT]-() } AS actual")
    assert venues and all(v["n"] == v["actual"] for v in venues)
    assert run(graph, "MATCH (p:Paper {id: 'SmPlTd01Ab'}) RETURN p.venue_counted AS e") == [{"e": None}]


def linkage(cg) -> dict:
    return {r["workshop"]: [r["papers"], r["with_arxiv"], r["with_paper_page"], r["with_code"], r["with_artifacts"]]
            for r in cg.run_query("workshop-linkage")}


def test_workshop_statistics_follow_a_fact_another_source_adds(graph, tmp_path):
    rows = read_jsonl(SAMPLES / "neurips2023-workshops.jsonl")
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"])
    assert linkage(graph) == truth.workshop_linkage(rows)
    # a second source knows the arXiv id and the code of a paper that had neither
    bare = next(r for r in rows if not r["arxiv_id"] and not any(u.strip() for u in r["GitHub"]))
    update = dict(bare, arxiv_id="2399.00001", GitHub=["https://github.com/example/code"])
    write_jsonl(tmp_path / "update.jsonl", [update])
    graph.load([tmp_path / "update.jsonl"])
    expected = truth.workshop_linkage([update if r is bare else r for r in rows])
    assert expected != truth.workshop_linkage(rows)
    assert linkage(graph) == expected
    # statistics missing (a graph from before them) are filled in by the next load's schema step
    run(graph, "MATCH (v:Venue) REMOVE v.paper_count, v.with_arxiv")
    assert linkage(graph) == {}
    graph.ensure_schema()
    assert linkage(graph) == expected


def test_workshop_statistics_follow_papers_that_move_and_lose_facts(graph, tmp_path):
    """Kept by differences: a paper that changes workshop takes its part in the statistics
    with it, and one that loses its code is counted again (expected values from
    the rows, by sample_truth)."""
    rows = read_jsonl(SAMPLES / "neurips2023-workshops.jsonl")
    path = tmp_path / "papers.jsonl"
    write_jsonl(path, rows)
    graph.load([path])
    assert linkage(graph) == truth.workshop_linkage(rows)
    workshops = sorted({r["id"] for r in rows})
    mover = next(r for r in rows if r["arxiv_id"] and any(u.strip() for u in r["GitHub"]))
    elsewhere = next(w for w in workshops if w != mover["id"])
    loser = next(r for r in rows if r is not mover and any(u.strip() for u in r["GitHub"]))
    changed = [dict(r, id=elsewhere) if r is mover else dict(r, GitHub=[""]) if r is loser else r for r in rows]
    write_jsonl(path, changed)  # the same file: its rows now say something else
    graph.load([path])
    expected = truth.workshop_linkage(changed)
    assert expected != truth.workshop_linkage(rows)
    assert linkage(graph) == expected
    # a graph whose statistics were kept before papers kept their part in them: the next load's
    # schema step counts every venue again, and later differences start from there
    run(graph, "MATCH (p:Paper) REMOVE p.venue_counted")
    run(graph, "MATCH (v:Venue) SET v.with_code = 1000")
    graph.ensure_schema()
    assert linkage(graph) == expected
    write_jsonl(path, rows)
    graph.load([path])
    assert linkage(graph) == truth.workshop_linkage(rows)
