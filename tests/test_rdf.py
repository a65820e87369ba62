"""RDF export, shapes, SPARQL twins and the round trip, on the real server."""

import json
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import queries
import sample_truth as truth
from citegraph.rdf.shapes import validate
from citegraph.rdf import sparql
from conftest import DATA, REPO, SAMPLES, run
from graph.reader import run_cypher

FORMATS = {"turtle": ("ttl", "turtle"), "ntriples": ("nt", "nt"), "nquads": ("nq", "nquads"),
           "jsonld": ("jsonld", "json-ld"), "rdfxml": ("rdf", "xml"), "trig": ("trig", "trig")}
ROWS = truth.rows()


@pytest.fixture
def loaded(graph):
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"], conference="NeurIPS 2023")
    graph.load([SAMPLES / "hub-artifacts.jsonl", SAMPLES / "citations"])
    # real responses: institutions (OpenAlex) and citation contexts (Semantic Scholar)
    graph.load([DATA / "real" / "openalex" / "work-2023-primary-location.json"])
    graph.load([DATA / "real" / "s2" / "reference-item.json"], of_paper="2310.15308")
    graph.analyze_coauthorship(write=True)
    return graph


def rdflib_count(path, fmt):
    data = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    data.parse(str(path), format=FORMATS[fmt][1])
    return len(list(data.quads((None, None, None, None)))) if fmt in ("nquads", "trig") else len(data)


def test_every_format_holds_the_same_triples(loaded, tmp_path):
    counts = {}
    for fmt, (ext, _) in FORMATS.items():
        path = tmp_path / f"graph.{ext}"
        stats = loaded.export_rdf(str(path), fmt)
        # read back by an engine other than the one that wrote it (pyoxigraph wrote it)
        counts[fmt] = rdflib_count(path, fmt)
        assert counts[fmt] == stats.triples, fmt
        assert sum(1 for _ in ox.parse(path=str(path), format=getattr(ox.RdfFormat, {
            "turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS", "jsonld": "JSON_LD",
            "rdfxml": "RDF_XML", "trig": "TRIG"}[fmt]))) == stats.triples
    assert len(set(counts.values())) == 1


def test_author_list_keeps_order_and_accents(loaded, tmp_path):
    path = tmp_path / "graph.ttl"
    loaded.export_rdf(str(path))
    g = rdflib.Graph().parse(str(path))
    DCT, BIBO, FOAF = (rdflib.Namespace(ns) for ns in ("http://purl.org/dc/terms/", "http://purl.org/ontology/bibo/",
                                                       "http://xmlns.com/foaf/0.1/"))
    paper = next(s for s, o in g.subject_objects(DCT.title)
                 if str(o).startswith("Linearly Structured World Representations"))
    people = list(rdflib.collection.Collection(g, g.value(paper, BIBO.authorList)))
    row = next(r for r in ROWS if r["title"].startswith("Linearly Structured World Representations"))
    assert [str(g.value(p, FOAF.name)) for p in people] == row["authors"]
    assert str(g.value(people[2], FOAF.name)) == "Tilman Räuker"
    assert len(set(g.objects(paper, DCT.creator))) == len(row["authors"])


def test_shapes_pass_on_the_export_and_fail_on_a_bad_article(loaded, tmp_path):
    path = tmp_path / "graph.ttl"
    loaded.export_rdf(str(path))
    assert validate(str(path)) == []
    bad = tmp_path / "bad.ttl"
    bad.write_text(path.read_text(encoding="utf-8") + """
<https://example.org/bad> a <http://schema.org/ScholarlyArticle> ;
    <http://purl.org/dc/terms/identifier> "bad-1" .
<https://example.org/stub> a <http://schema.org/ScholarlyArticle> , <https://w3id.org/citegraph/ontology#Stub> ;
    <http://purl.org/dc/terms/identifier> "doi:10.1/known-only-by-doi" .
<https://example.org/two-titles> a <http://schema.org/ScholarlyArticle> ;
    <http://purl.org/dc/terms/identifier> "bad-2" ;
    <http://purl.org/dc/terms/title> "one", "two" .
""", encoding="utf-8")
    violations = validate(str(bad))
    focus = {v.focus for v in violations}
    assert focus == {"https://example.org/bad", "https://example.org/two-titles"}
    assert any("title or authors" in v.message for v in violations if v.focus.endswith("/bad"))
    assert any("Paper.title" in v.message for v in violations if v.focus.endswith("two-titles"))
    proc = subprocess.run([sys.executable, "-m", "citegraph.cli", "validate-rdf", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "https://example.org/bad" in proc.stdout


def snapshot(cg):
    nodes = run(cg, "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels = run(cg, "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
                   "coalesce(a.id, a.key, a.url, a.name) AS a, coalesce(b.id, b.key, b.url, b.name) AS b")

    def norm(d):  # sources are a set; everything else exact
        return tuple(sorted((k, tuple(sorted(v)) if k == "sources" else (tuple(v) if isinstance(v, list) else v))
                            for k, v in d.items()))
    return (sorted((tuple(sorted(n["labels"])), norm(n["props"])) for n in nodes),
            sorted((r["type"], r["a"], r["b"], norm(r["props"])) for r in rels))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_rebuilds_the_same_graph(loaded, tmp_path, fmt):
    before = snapshot(loaded)
    stats_before = loaded.stats()
    path = tmp_path / f"graph.{FORMATS[fmt][0]}"
    loaded.export_rdf(str(path), fmt, base_iri="https://example.org/kg/")
    loaded.reset()
    summary = loaded.load([path])
    assert summary.rejected == 0 and summary.files[0]["format"] == "rdf"
    assert loaded.stats() == stats_before
    assert snapshot(loaded) == before


def test_hostile_strings_give_valid_rdf_and_survive(graph, tmp_path):
    base = truth.rows("hub-artifacts.jsonl")[0]
    weird = ['x"}) MATCH (n) DETACH DELETE n //', "<script>alert(1)</script> {curly} `tick` \\ back",
             "Emoji 🧪 and עברית and e\u0301", "tab\tnew\nline", "control \x01\x1f characters"]
    rows = [dict(base, proceedings=f"https://openreview.net/forum?id=h{i} x<>\"", title=t, abstract=t, arxiv_id="",
                 authors=[t.replace(" and ", " & "), "José O'Brien"], Models=[f"own er/{t[:5]}"], GitHub=[f"https://github.com/a b/{i}\"<>"])
            for i, t in enumerate(weird)]
    src = tmp_path / "hostile.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    graph.load([src])
    before = snapshot(graph)
    import re
    bad = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
    stored = [v for r in run(graph, "MATCH (n) RETURN properties(n) AS p") for v in r["p"].values()]
    control_chars = sum(len(bad.findall(v)) for v in stored if isinstance(v, str))
    assert control_chars > 0
    for fmt, (ext, _) in FORMATS.items():
        path = tmp_path / f"h.{ext}"
        stats = graph.export_rdf(str(path), fmt)
        assert rdflib_count(path, fmt) == stats.triples
        # XML 1.0 cannot hold \x01 or \x1f at all: RDF/XML alone replaces them (and says how many)
        assert stats.replaced_characters == (0 if fmt != "rdfxml" else control_chars)
    assert validate(str(tmp_path / "h.ttl")) == []
    graph.reset()
    graph.load([tmp_path / "h.nt"])
    assert snapshot(graph) == before


def example_params(q):
    given = {}
    for example in q.examples[:1]:
        words = shlex.split(example)
        for flag, value in zip(words, words[1:]):
            if flag in ("-p", "--param"):
                k, _, v = value.partition("=")
                given[k] = v
    return given


def test_every_sparql_twin_returns_the_rows_of_its_cypher_twin(loaded, tmp_path):
    path = tmp_path / "graph.nt"
    loaded.export_rdf(str(path))
    store = sparql.open_store([path])
    cypher = queries.catalogue()
    twins = queries.catalogue(language="sparql")
    assert len(twins) >= 14
    authors = sorted({a for r in ROWS for a in r["authors"]})[::20] + ["Fartash Faghri", "Wei Zhang", "Nobody Here"]
    papers = [truth.paper_id(r) for r in ROWS[::10]] + ["2312.06932", "arxiv:2402.05678", "no-such-id",
                                                        "doi:10.5555/tmlr.2024.0001", "W4390000001", "10.5555/TMLR.2024.0001",
                                                        "openalex:W2100000001", "md0mU6rN2u", "hWzWk0TSZ3"]
    artifacts = ["cifar100", "google/vit-base-patch16-224", "jalvarez/demo", "nope"]
    for name, twin in twins.items():
        assert name in cypher, f"{name}.rq has no Cypher twin"
        assert [p.name for p in twin.params] == [p.name for p in cypher[name].params], name
        assert twin.columns == cypher[name].columns, name
        variants = [example_params(twin)]
        declared = {p.name: p.type for p in twin.params}
        if declared.get("name") == "author":
            variants += [{"name": a} for a in authors]
        if "id" in declared and name != "artifact-papers":
            variants += [{"id": p} for p in papers]
        if name == "artifact-papers":
            variants += [{"id": a} for a in artifacts]
        if declared.get("name") == "author":
            variants += [{"name": "Heather A. Piwowar"}, {"name": "Stefanie Haustein"}]
        if "limit" in declared:  # a page of one row (or lists of one item), and all of them
            variants += [{**v, "limit": "1000"} for v in variants[:1]] + [{**v, "limit": "1"} for v in variants[:8]]
        if "skip" in declared:  # pages: the same slices of the same order
            variants += [{**v, "limit": "2", "skip": "1"} for v in variants if v.get("id") != "no-such-id"][:12]
        if "kind" in declared:
            variants += [{"kind": k, "limit": "100"} for k in ("Model", "Dataset", "Space")]
        for params in variants:
            assert sparql.run_sparql(store, twin, dict(params)) == \
                run_cypher(loaded.driver, cypher[name], dict(params)), (name, params)


def test_sparql_cli_and_endpoint(loaded, tmp_path):
    path = tmp_path / "graph.ttl"
    loaded.export_rdf(str(path))
    out = subprocess.run([sys.executable, "-m", "citegraph.cli", "sparql", "top-authors", "--data", str(path),
                          "-p", "limit=2", "--format", "json"], capture_output=True, text=True)
    assert json.loads(out.stdout) == loaded.run_query("top-authors", limit=2)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "citegraph.cli", "sparql-serve", "--data", str(path),
                               "--port", str(port)], stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://schema.org/ScholarlyArticle> }"
        url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": query})
        for _ in range(100):
            try:
                req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
                body = json.loads(urllib.request.urlopen(req, timeout=2).read())
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the SPARQL endpoint did not answer")
        assert int(body["results"]["bindings"][0]["n"]["value"]) == loaded.stats()["nodes"]["Paper"]
    finally:
        server.terminate()  # SIGTERM, as a service manager stops it
        status = server.wait(timeout=20)
    # stopped cleanly: the Oxigraph child is gone from the port, the temporary store removed
    assert status == 0
    store = re.search(r"\(store (\S+);", server.stderr.read().decode())[1]
    assert not Path(store).exists()
    with socket.socket() as s, pytest.raises(ConnectionRefusedError):
        s.connect(("127.0.0.1", port))


def test_export_to_standard_output(loaded, cli_env):
    proc = subprocess.run([sys.executable, "-m", "citegraph.cli", "export-rdf", "-", "--format", "ntriples"],
                          capture_output=True, env=cli_env)
    assert proc.returncode == 0, proc.stderr
    triples = [line for line in proc.stdout.decode().splitlines() if line.strip()]
    g = rdflib.Graph().parse(data=proc.stdout.decode(), format="nt")
    assert len(g) == len(triples) > 5000


def test_mapping_docs_shapes_and_ontology_are_complete_and_current():
    from citegraph.rdf.shapes import shapes_turtle
    from citegraph.rdf.vocabulary import ontology_turtle
    from graph.docs import render_rdf
    from graph.rdf import check_complete
    assert check_complete() == []
    assert (REPO / "docs" / "rdf.md").read_text(encoding="utf-8") == render_rdf()
    assert (REPO / "citegraph" / "rdf" / "shapes.ttl").read_text(encoding="utf-8") == shapes_turtle()
    assert (REPO / "citegraph" / "rdf" / "ontology.ttl").read_text(encoding="utf-8") == ontology_turtle()
    rdflib.Graph().parse(data=shapes_turtle(), format="turtle")
    rdflib.Graph().parse(data=ontology_turtle(), format="turtle")


def test_ntriples_are_what_pyoxigraph_writes_itself(loaded, tmp_path):
    """The exporter writes N-Triples lines itself: they must be canonical, exactly as pyoxigraph
    serialises the same triples."""
    path = tmp_path / "graph.nt"
    loaded.export_rdf(str(path))
    ours = path.read_text(encoding="utf-8").splitlines()
    theirs = ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES),
                          format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()
    assert sorted(ours) == sorted(theirs)


def test_an_export_shared_among_processes_writes_what_one_process_writes(loaded, neo4j_server, tmp_path):
    """Cut into slices of internal ids and dealt to several processes, an N-Triples or N-Quads
    export writes the bytes one process writes, whatever the slice size and the number of
    processes; nothing is left beside the output."""
    from citegraph.api import CiteGraph
    from citegraph.rdf.export import SLICE_IDS, export, id_slices

    def connect():
        return CiteGraph.connect(home=neo4j_server.home).driver

    assert len(id_slices(loaded.driver, None, 3)) > 12  # many slices per process below
    for fmt in ("ntriples", "nquads"):
        one = tmp_path / f"one.{fmt}"
        whole = export(loaded.driver, str(one), fmt, processes=1)
        expected = one.read_bytes()
        assert whole.triples == expected.count(b"\n") > 1000
        for processes, slice_ids in [(2, 3), (3, 7), (2, SLICE_IDS)]:
            out = tmp_path / f"shared-{processes}-{slice_ids}.{fmt}"
            stats = export(loaded.driver, str(out), fmt, connect=connect, processes=processes, slice_ids=slice_ids)
            assert out.read_bytes() == expected, (fmt, processes, slice_ids)
            assert stats.triples == whole.triples and stats.nodes == whole.nodes
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_shared_export_whose_second_process_fails_says_why_and_writes_nothing(loaded, tmp_path, capfd):
    from citegraph.errors import CitegraphError
    from citegraph.rdf.export import export

    def connect():  # runs in the forked process, which then reports the failure and ends
        raise RuntimeError("no server for the second process")

    out = tmp_path / "graph.nt"
    with pytest.raises(CitegraphError, match=r"an export process failed \(RuntimeError: no server for the "
                                             r"second process\); nothing was written"):
        export(loaded.driver, str(out), "ntriples", connect=connect, processes=2, slice_ids=3)
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in capfd.readouterr().err  # the reason, not a stack
