"""The Hub-artifact sample: models, datasets, Spaces, owners and code, counted by hand."""

from conftest import SAMPLES, run

SAMPLE = SAMPLES / "hub-artifacts.jsonl"


def ids(cg, label):
    return sorted(r["id"] for r in run(cg, f"MATCH (n:`{label}`) RETURN n.id AS id"))


def test_artifacts_by_hand(graph):
    summary = graph.load([SAMPLE])
    assert (summary.loaded, summary.rejected) == (5, 0)
    assert ids(graph, "Model") == ["google/vit-base-patch16-224", "meta-llama/Llama-2-7b-hf",
                                   "tinyai/tiny-diffusion-v1", "tinyai/tiny-diffusion-v2"]
    assert ids(graph, "Dataset") == ["cifar100", "tinyai/edge-bench", "uoft-cs/cifar10"]
    assert ids(graph, "Space") == ["gradio/vit-demo", "jalvarez/demo", "tinyai/tiny-diffusion-demo"]
    owners = run(graph, "MATCH (h:HubAccount) OPTIONAL MATCH (h)-[:OWNS]->(x) "
                        "RETURN h.name AS h, count(x) AS n ORDER BY h")
    assert owners == [{"h": "google", "n": 1}, {"h": "gradio", "n": 1}, {"h": "jalvarez", "n": 1},
                      {"h": "meta-llama", "n": 1}, {"h": "tinyai", "n": 4}, {"h": "uoft-cs", "n": 1}]
    # canonical ids have no owner
    assert run(graph, "MATCH (d:Dataset {id: 'cifar100'}) RETURN count{ (d)<-[:OWNS]-() } AS n") == [{"n": 0}]


def test_artifact_edges_by_hand(graph):
    graph.load([SAMPLE])
    got = run(graph, "MATCH (p:Paper)-[:HAS_ARTIFACT]->(x) "
                     "RETURN p.title AS t, labels(x)[0] AS kind, x.id AS id ORDER BY t, kind, id")
    assert [(g["t"][:10], g["kind"], g["id"]) for g in got] == [
        ("Benchmarki", "Dataset", "cifar100"), ("Benchmarki", "Dataset", "uoft-cs/cifar10"),
        ("Benchmarki", "Model", "google/vit-base-patch16-224"),
        ("Demo Apps ", "Space", "jalvarez/demo"),  # listed twice in the row: one edge
        ("Tiny Diffu", "Dataset", "cifar100"), ("Tiny Diffu", "Dataset", "tinyai/edge-bench"),
        ("Tiny Diffu", "Model", "tinyai/tiny-diffusion-v1"),  # listed twice: one edge
        ("Tiny Diffu", "Model", "tinyai/tiny-diffusion-v2"), ("Tiny Diffu", "Space", "tinyai/tiny-diffusion-demo"),
        ("Vision Tra", "Model", "google/vit-base-patch16-224"), ("Vision Tra", "Model", "meta-llama/Llama-2-7b-hf"),
        ("Vision Tra", "Space", "gradio/vit-demo"),
    ]
    code = run(graph, "MATCH (p:Paper)-[:HAS_CODE]->(r:Repository) RETURN p.id AS p, r.url AS u ORDER BY u")
    assert code == [{"p": "arxiv:2402.05678", "u": "https://github.com/jalvarez/demo"},
                    {"p": "SmPlTd01Ab", "u": "https://github.com/tinyai/tiny-diffusion"}]


def test_identity_and_venue_by_hand(graph):
    graph.load([SAMPLE])
    # "Souza, Ana" in one row and "Ana Souza" in another are one person
    got = run(graph, "MATCH (a:Author)-[r:AUTHORED]->(p) RETURN a.name AS a, count(p) AS n ORDER BY a")
    assert got == [{"a": "Ana Souza", "n": 2}, {"a": "José Álvarez", "n": 1}, {"a": "Kofi Mensah", "n": 2},
                   {"a": "Lena Fischer", "n": 2}, {"a": "Marta Kowalska", "n": 2}, {"a": "Wei Zhang", "n": 3}]
    # a row without an OpenReview id but with an arXiv id is arxiv:<id>
    assert run(graph, "MATCH (p:Paper {id: 'arxiv:2402.05678'}) RETURN p.upvotes AS u, p.hf_paper_url AS h") == [
        {"u": 4, "h": "https://huggingface.co/papers/2402.05678"}]
    # the venue id names its conference: inferred, not prefixed
    assert run(graph, "MATCH (v:Venue)-[:PART_OF]->(c:Conference) RETURN v.id AS v, c.name AS c, "
                      "v:Workshop AS w") == [{"v": "ICLR.cc/2024/Conference", "c": "ICLR 2024", "w": False}]


def test_changed_row_replaces_its_links(graph, tmp_path):
    graph.load([SAMPLE])
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    # the first paper drops a model, an author and its code in a new version of the file
    changed = lines[0].replace('"tinyai/tiny-diffusion-v2", ', "").replace('"Kofi Mensah"', '"Ana Souza"') \
        .replace('"https://github.com/tinyai/tiny-diffusion"', '""')
    path = tmp_path / "hub-artifacts.jsonl"  # same file name: same source
    path.write_text("\n".join([changed, *lines[1:]]) + "\n", encoding="utf-8")
    summary = graph.load([path])
    assert summary.rejected == 0
    got = run(graph, "MATCH (a:Author)-[r:AUTHORED]->(:Paper {id: 'SmPlTd01Ab'}) RETURN a.name AS a ORDER BY r.position")
    assert [g["a"] for g in got] == ["Ana Souza", "Wei Zhang"]
    assert run(graph, "MATCH (:Paper {id: 'SmPlTd01Ab'})-[:HAS_ARTIFACT]->(m:Model) RETURN m.id AS m") == [
        {"m": "tinyai/tiny-diffusion-v1"}]
    # the model nothing links any more is gone; Kofi Mensah still has another paper
    assert run(graph, "MATCH (m:Model {id: 'tinyai/tiny-diffusion-v2'}) RETURN count(m) AS n") == [{"n": 0}]
    assert run(graph, "MATCH (r:Repository) RETURN count(r) AS n") == [{"n": 1}]
    assert run(graph, "MATCH (a:Author {name: 'Kofi Mensah'})-->(p) RETURN count(p) AS n") == [{"n": 1}]
