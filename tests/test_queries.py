"""Canned queries on the real server, checked against answers computed from the sample rows."""

import json
import subprocess
import sys

import networkx as nx
import pytest

import sample_truth as truth
from citegraph.api import CiteGraph
from citegraph.errors import QueryError
from conftest import SAMPLES, run
from tcp_relay import Relay

ROWS = truth.rows()
HUB = truth.rows("hub-artifacts.jsonl")


@pytest.fixture(scope="module")
def sample_graph(_session_graph):
    _session_graph.reset()
    _session_graph.load([SAMPLES / "neurips2023-workshops.jsonl"], conference="NeurIPS 2023")
    _session_graph.load([SAMPLES / "hub-artifacts.jsonl"])
    return _session_graph


def q(cg, query, /, **params):
    return cg.run_query(query, **params)


def test_top_authors(sample_graph):
    assert q(sample_graph, "top-authors", limit=2) == [
        {"author": "Kohei Nakajima", "papers": 3}, {"author": "Mikail Khona", "papers": 3}]
    counts = truth.papers_per_author(ROWS + HUB)
    expected = [{"author": a, "papers": n} for a, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    assert q(sample_graph, "top-authors", limit=40) == expected[:40]


def test_coauthors(sample_graph):
    got = q(sample_graph, "coauthors", name="Fartash Faghri")
    assert len(got) == 11 and sum(1 for r in got if r["joint_papers"] == 2) == 6
    pairs = truth.joint_papers(ROWS)
    expected = sorted(((b if a == "Fartash Faghri" else a, n) for (a, b), n in pairs.items()
                       if "Fartash Faghri" in (a, b)), key=lambda x: (-x[1], x[0]))
    assert [(r["coauthor"], r["joint_papers"]) for r in got] == expected
    # any spelling of the name finds the person
    assert q(sample_graph, "coauthors", name="Faghri, Fartash") == got


def test_ego_queries_page_through_the_whole_answer(sample_graph):
    everyone = q(sample_graph, "coauthors", name="Fartash Faghri")
    pairs = truth.joint_papers(ROWS)
    mine = sorted(((b if a == "Fartash Faghri" else a, n) for (a, b), n in pairs.items()
                   if "Fartash Faghri" in (a, b)), key=lambda t: (-t[1], t[0]))
    assert [r["total"] for r in everyone] == [len(mine)] * len(mine)
    pages = [q(sample_graph, "coauthors", name="Fartash Faghri", limit=4, skip=skip) for skip in range(0, 16, 4)]
    assert [len(p) for p in pages] == [4, 4, 3, 0]
    assert [(r["coauthor"], r["joint_papers"]) for p in pages for r in p] == mine
    with pytest.raises(QueryError, match="0 or more"):
        q(sample_graph, "coauthors", name="Fartash Faghri", limit=-1)


def test_the_guide_says_how_to_page_and_its_edit_gives_the_next_page(sample_graph):
    import queries
    from citegraph.browser import guide_html, paging_note, runnable_text

    paged = [name for name, query in queries.catalogue().items() if paging_note(query)]
    assert {"coauthors", "author-papers", "citations-of", "references-of"} <= set(paged)
    guide = guide_html(queries.catalogue(), 7474)
    assert all(f"citegraph query {name} … -p skip=100" in guide for name in paged)
    text = runnable_text(queries.find("coauthors"))
    assert "ranked[0..0 + 100]" in text  # what the note tells a reader to edit
    page = run(sample_graph, text.replace("ranked[0..0 + 100]", "ranked[4..4 + 4]"))
    assert page == q(sample_graph, "coauthors", name="Fartash Faghri", limit=4, skip=4) and len(page) == 4


def test_top_collaborations(sample_graph):
    got = q(sample_graph, "top-collaborations", limit=100000)
    expected = sorted(((a, b, n) for (a, b), n in truth.joint_papers(ROWS + HUB).items()),
                      key=lambda x: (-x[2], x[0], x[1]))
    assert [(r["author_a"], r["author_b"], r["joint_papers"]) for r in got] == expected
    in_sample = truth.papers_per_author(ROWS)
    assert sum(1 for r in got if r["joint_papers"] == 2 and r["author_a"] in in_sample) == 46
    assert all(r["author_a"] < r["author_b"] for r in got)  # each pair once
    assert q(sample_graph, "top-collaborations", limit=3) == got[:3]


def test_collaboration_path(sample_graph):
    got = q(sample_graph, "collaboration-path", **{"from": "Rishav Mukherji", "to": "Timo Wunderlich"})
    assert got == [{"hops": 2, "path": ["Rishav Mukherji", "Christian Mayr", "Timo Wunderlich"]}]
    assert q(sample_graph, "collaboration-path", **{"from": "Rishav Mukherji", "to": "Fartash Faghri"}) == []


def test_collaboration_paths_match_networkx(sample_graph):
    G = truth.coauthor_graph(ROWS)
    names = sorted(G.nodes)
    import random
    rnd = random.Random(7)
    pairs = [(rnd.choice(names), rnd.choice(names)) for _ in range(40)]
    # include pairs inside the largest component so that real paths are checked
    big = sorted(max(nx.connected_components(G), key=len))
    pairs += [(big[0], big[-1]), (big[1], big[-2])]
    for a, b in pairs:
        got = q(sample_graph, "collaboration-path", **{"from": a, "to": b})
        if not nx.has_path(G, a, b):
            assert got == [], (a, b)
            continue
        best = min(nx.all_shortest_paths(G, a, b))
        assert got == [{"hops": len(best) - 1, "path": best}], (a, b)


def test_cross_workshop_authors(sample_graph):
    got = q(sample_graph, "cross-workshop-authors")
    expected = sorted(((a, len(w)) for a, w in truth.workshops_of_authors(ROWS).items() if len(w) > 1),
                      key=lambda x: (-x[1], x[0]))
    assert [(r["author"], r["workshops"]) for r in got] == expected
    assert [r["author"] for r in got] == ["Longbiao Cheng", "Shih-Chii Liu", "Zuowen Wang"]


def test_author_profile(sample_graph):
    got = q(sample_graph, "author-profile", name="Shih-Chii Liu")
    mine = [r for r in ROWS if "Shih-Chii Liu" in r["authors"]]
    assert len(mine) == 2  # enough for a cut to one
    assert got == [{
        "author": "Shih-Chii Liu",
        "paper_count": len(mine),
        "papers": sorted(r["title"] for r in mine),
        "venues": sorted({r["id"].split("/")[-1] for r in mine}),
        "coauthors": len({a for r in mine for a in r["authors"]} - {"Shih-Chii Liu"}),
        "artifact_count": 0,
        "artifacts": [],
    }]
    # the lists are cut to the limit, the counts are not
    cut = q(sample_graph, "author-profile", name="Shih-Chii Liu", limit=1)[0]
    assert cut["papers"] == sorted(r["title"] for r in mine)[:1]
    assert (cut["paper_count"], cut["venues"], cut["coauthors"]) == (len(mine), got[0]["venues"], got[0]["coauthors"])
    wei = q(sample_graph, "author-profile", name="Wei Zhang")[0]
    wei_rows = [r for r in HUB if "Wei Zhang" in r["authors"]]
    artifacts = sorted({x for r in wei_rows for c in ("Models", "Datasets", "Spaces") for x in r[c]})
    assert len(artifacts) > 1
    assert (wei["artifact_count"], wei["artifacts"]) == (len(artifacts), artifacts)
    one = q(sample_graph, "author-profile", name="Wei Zhang", limit=1)[0]
    assert (one["artifact_count"], one["artifacts"], one["papers"]) == (len(artifacts), artifacts[:1], wei["papers"][:1])
    assert q(sample_graph, "author-profile", name="Wei Zhang", limit=0)[0]["papers"] == []


def test_artifact_queries(sample_graph):
    links = {}
    for r in HUB:
        for column, kind in (("Models", "Model"), ("Datasets", "Dataset"), ("Spaces", "Space")):
            for x in set(r[column]):
                links.setdefault((x, kind), set()).add(truth.paper_id(r))
    expected = sorted(((x, k, len(p)) for (x, k), p in links.items()), key=lambda t: (-t[2], t[0], t[1]))
    got = q(sample_graph, "top-artifacts", limit=100)
    assert [(r["artifact"], r["kind"], r["papers"]) for r in got] == expected
    models = q(sample_graph, "top-artifacts", kind="Model", limit=2)
    assert [(r["artifact"], r["kind"], r["papers"]) for r in models] == [t for t in expected if t[1] == "Model"][:2]
    with pytest.raises(QueryError, match="must be one of"):
        q(sample_graph, "top-artifacts", kind="Paper")

    papers = q(sample_graph, "artifact-papers", id="cifar100")
    titles = {truth.paper_id(r): r["title"] for r in HUB}
    cifar = links[("cifar100", "Dataset")]
    assert papers == sorted(({"paper_id": p, "title": titles[p], "total": len(cifar)} for p in cifar),
                            key=lambda d: (d["title"], d["paper_id"]))

    owners = {}
    for (x, kind), ps in links.items():
        if "/" in x:
            o = owners.setdefault(x.split("/")[0], [set(), set()])
            o[0].add((x, kind))
            o[1].update(ps)
    expected_accounts = sorted(((a, len(x), len(p)) for a, (x, p) in owners.items()), key=lambda t: (-t[1], -t[2], t[0]))
    got = q(sample_graph, "top-hub-accounts", limit=100)
    assert [(r["account"], r["artifacts"], r["papers"]) for r in got] == expected_accounts

    shared = q(sample_graph, "shared-artifacts")
    expected_pairs = sorted((x, k, a, b) for (x, k), ps in links.items() for a in ps for b in ps if a < b)
    assert [(r["artifact"], r["kind"], r["paper_a"], r["paper_b"]) for r in shared] == expected_pairs


def test_workshop_linkage(sample_graph):
    expected = truth.workshop_linkage(ROWS)
    rows = sorted(([k, *v] for k, v in expected.items()), key=lambda x: (-x[1], x[0]))
    assert len(rows) == 3  # the samples hold three workshops: a page of two from the second is the end

    def columns(got):
        return [[r["workshop"], r["papers"], r["with_arxiv"], r["with_paper_page"], r["with_code"],
                 r["with_artifacts"]] for r in got]
    got = q(sample_graph, "workshop-linkage")
    assert columns(got) == rows
    assert {r["total"] for r in got} == {len(rows)}
    # a page is the same slice of the whole ranking, and still says how many there are
    page = q(sample_graph, "workshop-linkage", limit=2, skip=1)
    assert columns(page) == rows[1:3] and len(page) == 2
    assert {r["total"] for r in page} == {len(rows)}
    assert q(sample_graph, "workshop-linkage", skip=len(rows)) == []


def test_paper_cards(sample_graph):
    for r in ROWS[:25] + HUB:
        pid = truth.paper_id(r)
        card = q(sample_graph, "paper", id=pid)
        assert len(card) == 1, pid
        c = card[0]
        assert c["title"] == r["title"] and c["type"] == r["type"]
        assert c["arxiv_id"] == (r["arxiv_id"] or None)
        assert c["hf_paper_url"] == (r["paper_page"] or None)
        assert c["code"] == sorted({u.rstrip("/") for u in r["GitHub"] if u.strip()})
        assert c["models"] == sorted(set(r["Models"])) and c["spaces"] == sorted(set(r["Spaces"]))
        assert c["authors"] == r["authors"]
    by_arxiv = q(sample_graph, "paper", id="2312.06932")
    assert by_arxiv[0]["id"] == "rD62RkufYo"
    assert q(sample_graph, "paper", id="no-such-paper") == []


def test_search_and_find_author(sample_graph):
    hit = q(sample_graph, "search", text="maze solving transformers", limit=3)
    assert hit[0]["title"].startswith("Linearly Structured World Representations")
    found = q(sample_graph, "find-author", text="faghri")
    assert found[0] == {"author": "Fartash Faghri", "papers": 2, "score": found[0]["score"]}


def test_author_papers_and_venues(sample_graph):
    got = q(sample_graph, "author-papers", name="Zuowen Wang")
    mine = [r for r in ROWS if "Zuowen Wang" in r["authors"]]
    assert sorted((g["title"], g["position"], tuple(g["authors"])) for g in got) == sorted(
        (r["title"], r["authors"].index("Zuowen Wang") + 1, tuple(r["authors"])) for r in mine)
    venues = {v["venue"]: v for v in q(sample_graph, "venues")}
    for short in ("UniReps", "MLNCP", "WANT"):
        rs = [r for r in ROWS if r["id"] == f"Workshop/{short}"]
        v = venues[short]
        assert (v["papers"], v["authors"], v["orals"], v["conference"]) == (
            len(rs), len({a for r in rs for a in r["authors"]}), sum(r["type"] == "oral" for r in rs), "NeurIPS 2023")


def test_queries_need_their_parameters_and_unknown_ones_are_named(sample_graph):
    with pytest.raises(QueryError, match="needs parameter.*name"):
        q(sample_graph, "coauthors")
    with pytest.raises(QueryError) as err:
        q(sample_graph, "no-such-query")
    assert "top-authors" in str(err.value) and "coauthors" in str(err.value)
    with pytest.raises(QueryError, match="should be an integer"):
        q(sample_graph, "top-authors", limit="many")


def test_a_writing_query_is_refused_and_changes_nothing(sample_graph, tmp_path):
    (tmp_path / "sneaky.cypher").write_text(
        "// Looks innocent.\nMATCH (p:Paper) SET p.title = 'gone' WITH p DETACH DELETE p RETURN count(*) AS n\n")
    before = sample_graph.stats()
    titles = run(sample_graph, "MATCH (p:Paper) RETURN p.title AS t ORDER BY t")
    with pytest.raises(QueryError, match="tries to write"):
        sample_graph.run_query("sneaky", queries_dirs=[tmp_path])
    assert sample_graph.stats() == before
    assert run(sample_graph, "MATCH (p:Paper) RETURN p.title AS t ORDER BY t") == titles


def test_a_query_whose_connection_was_lost_runs_again(sample_graph, neo4j_server):
    # the server goes away under the driver's pooled connection (a relay between them ends it
    # when the next request comes): the one-statement run fails on it, and the query runs again
    # on a new connection
    expected = sorted(((a, len(w)) for a, w in truth.workshops_of_authors(ROWS).items() if len(w) > 1),
                      key=lambda x: (-x[1], x[0]))
    host, port = neo4j_server.uri.rsplit("//", 1)[-1].rsplit(":", 1)
    relay = Relay(host, int(port))
    try:
        with CiteGraph.connect(uri=f"bolt://127.0.0.1:{relay.port}", user="neo4j",
                               password=neo4j_server.password) as cg:
            assert [(r["author"], r["workshops"]) for r in cg.run_query("cross-workshop-authors")] == expected
            before = relay.accepted
            relay.break_on_next_request()
            assert [(r["author"], r["workshops"]) for r in cg.run_query("cross-workshop-authors")] == expected
            assert relay.accepted > before  # answered on a new connection
    finally:
        relay.close()


def test_an_edited_query_file_is_read_again(sample_graph, tmp_path):
    query = tmp_path / "count-of.cypher"
    query.write_text("// Papers.\n// @columns n\nMATCH (p:Paper) RETURN count(p) AS n\n")
    papers = {truth.paper_id(r) for r in ROWS + HUB}
    assert sample_graph.run_query("count-of", queries_dirs=[tmp_path]) == [{"n": len(papers)}]
    query.write_text("// Authors, now.\n// @columns n\nMATCH (a:Author) RETURN count(a) AS n\n")
    authors = {a for r in ROWS for a in r["authors"]} | {a for r in HUB for a in r["authors"]}
    assert sample_graph.run_query("count-of", queries_dirs=[tmp_path]) == [{"n": len(authors)}]


def test_custom_query_folder_from_flag_and_environment(sample_graph, cli_env, tmp_path):
    (tmp_path / "papers-per-type.cypher").write_text(
        "// Papers per presentation type.\n// @param min integer = 1  smallest count shown\n"
        "// @columns type, papers\n"
        "MATCH (p:Paper) WITH p.type AS type, count(*) AS papers WHERE papers >= $min "
        "RETURN type, papers ORDER BY papers DESC, type\n")
    expected = sorted(((t, n) for t, n in __import__("collections").Counter(r["type"] for r in ROWS + HUB).items()
                       if n >= 5), key=lambda x: (-x[1], x[0]))

    def cli(*args, env=cli_env):
        return subprocess.run([sys.executable, "-m", "citegraph.cli", *args], capture_output=True, text=True, env=env)

    out = cli("query", "papers-per-type", "-p", "min=5", "--format", "json", "--queries-dir", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert [(r["type"], r["papers"]) for r in json.loads(out.stdout)] == expected
    env = dict(cli_env, CITEGRAPH_QUERIES_PATH=str(tmp_path))
    listed = json.loads(cli("queries", "--json", env=env).stdout)
    mine = next(x for x in listed if x["name"] == "papers-per-type")
    assert mine["description"] == "Papers per presentation type."
    assert mine["params"] == [{"name": "min", "type": "integer", "required": False, "default": 1,
                               "description": "smallest count shown"}]
    assert cli("query", "papers-per-type", "-p", "min=5", env=env).returncode == 0


def test_cli_formats_and_typed_parameters(sample_graph, cli_env):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "citegraph.cli", *args], capture_output=True, text=True, env=cli_env)

    as_json = json.loads(cli("query", "top-authors", "-p", "limit=2", "--format", "json").stdout)
    assert as_json == [{"author": "Kohei Nakajima", "papers": 3}, {"author": "Mikail Khona", "papers": 3}]
    as_csv = cli("query", "top-authors", "-p", "limit=2", "--format", "csv").stdout.splitlines()
    assert as_csv == ["author,papers", "Kohei Nakajima,3", "Mikail Khona,3"]
    table = cli("query", "top-authors", "-p", "limit=2").stdout
    assert "Kohei Nakajima" in table and "(2 rows)" in table
    missing = cli("query", "coauthors")
    assert missing.returncode == 1 and "needs parameter" in missing.stderr and "name" in missing.stderr
    unknown = cli("query", "nope")
    assert unknown.returncode == 1 and "top-authors" in unknown.stderr


def test_every_query_file_declares_itself():
    import queries
    for query in queries.catalogue().values():
        assert query.description, query.name
        assert query.columns, query.name
        assert query.examples, query.name
