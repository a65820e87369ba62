"""citegraph enrich hub against a local server in the Hub API's shapes (``/api/models``,
``/api/datasets``, ``/api/spaces`` listings with ``full=true``, paged by ``Link`` headers),
which also answers 429 with Retry-After and a 500 once. Lineage, training data and numbers in
the graph, and the answers of model-lineage, paper-reach and dataset-users, are checked
against the served JSON, walked here."""

from __future__ import annotations

import urllib.parse

import pytest

from fake_api import JsonHandler, serving
from conftest import run

ARXIV = "2310.15166"


def model(repo: str, downloads: int, *tags: str, card: dict | None = None) -> dict:
    owner = repo.split("/")[0]
    return {"_id": f"65{abs(hash(repo)) % 10**20:020d}", "id": repo, "modelId": repo, "author": owner,
            "likes": downloads // 100, "downloads": downloads, "private": False, "pipeline_tag": "text-generation",
            "library_name": "peft" if any(t.startswith("base_model:adapter") for t in tags) else "transformers",
            "tags": ["transformers", "safetensors", *tags], "createdAt": "2024-01-02T03:04:05.000Z",
            "sha": "0" * 40, "siblings": [{"rfilename": "config.json"}], "cardData": card or {}}


# the paper's own models; what was made from them; what was made from that
OWN = [model("lab/base-7b", 50_000, f"arxiv:{ARXIV}", "dataset:lab/pretrain-mix", "license:apache-2.0"),
       model("lab/base-7b-instruct", 20_000, f"arxiv:{ARXIV}", "base_model:finetune:lab/base-7b",
             "dataset:HuggingFaceH4/ultrachat_200k")]
DERIVED = {
    "lab/base-7b": [OWN[1],
                    model("someone/base-7b-lora", 300, "base_model:adapter:lab/base-7b"),
                    model("quant/base-7b-GGUF", 9_000, "base_model:quantized:lab/base-7b"),
                    # a card that says its base only in cardData (no tag)
                    model("other/base-chat", 700, card={"base_model": "lab/base-7b", "base_model_relation": "finetune",
                                                        "datasets": ["HuggingFaceH4/ultrachat_200k"]})],
    "lab/base-7b-instruct": [model("merger/frankenmerge", 40, "base_model:merge:lab/base-7b-instruct",
                                   "base_model:merge:other/unrelated")],
    "other/base-chat": [model("quant/base-chat-AWQ", 5, "base_model:quantized:other/base-chat")],
}
DATASETS = [{"_id": "d1", "id": "lab/pretrain-mix", "author": "lab", "downloads": 1200, "likes": 7,
             "tags": [f"arxiv:{ARXIV}", "license:odc-by"], "private": False}]
SPACES = [{"_id": "s1", "id": "lab/demo", "author": "lab", "likes": 33, "sdk": "gradio",
           "tags": [f"arxiv:{ARXIV}", "gradio"], "private": False}]


class Hub(JsonHandler):

    def do_GET(self):
        self.state["requests"] = self.state.get("requests", 0) + 1
        url = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if self.state.get("requests") == 1:
            return self.reply(429, {"error": "rate limited"}, [("Retry-After", "1")])
        if self.state.get("requests") == 3:
            return self.reply(500, {"error": "oops"})
        kind, tag = url.path.removeprefix("/api/"), q.get("filter", "")
        if kind == "models" and tag == f"arxiv:{ARXIV}":
            items = OWN
        elif kind == "models" and tag.startswith("base_model:"):
            items = DERIVED.get(tag.removeprefix("base_model:"), [])
        elif kind == "datasets" and tag == f"arxiv:{ARXIV}":
            items = DATASETS
        elif kind == "spaces" and tag == f"arxiv:{ARXIV}":
            items = SPACES
        else:
            items = []
        start = int(q.get("p", 0))  # pages of two, linked as the Hub links them
        page, more = items[start:start + 2], start + 2 < len(items)
        headers = []
        if more:
            nxt = urllib.parse.urlencode({**q, "p": start + 2})
            headers.append(("Link", f'<http://{self.headers["Host"]}{url.path}?{nxt}>; rel="next"'))
        return self.reply(200, page, headers)


@pytest.fixture
def hub():
    state: dict = {}
    with serving(Hub, state) as url:
        yield url, state


def walk() -> dict:
    """Every model derived from the paper's models, with its depth and relation, from the served JSON."""
    found, frontier, depth = {}, sorted(m["id"] for m in OWN), 0
    while frontier:  # breadth first: a model is found first at its smallest depth
        depth += 1
        following = []
        for base in frontier:
            for item in DERIVED.get(base, []):
                tags = [t.split(":", 2) for t in item["tags"] if t.startswith("base_model:")]
                relation = next((t[1] for t in tags if t[2] == base), item["cardData"].get("base_model_relation"))
                if item["id"] not in found:
                    found[item["id"]] = (base, relation, depth, item["downloads"])
                    following.append(item["id"])
        frontier = following
    return found


def test_hub_lineage_training_data_and_numbers(graph, hub, tmp_path):
    url, state = hub
    bib = tmp_path / "paper.bib"
    bib.write_text(f"@misc{{p, title = {{A base model}}, author = {{Doe, Jane}}, eprint = {{{ARXIV}}}, "
                   f"archivePrefix = {{arXiv}}, year = {{2023}}}}\n", encoding="utf-8")
    graph.load([bib])
    report = graph.enrich_hub(api_url=url, cache_dir=tmp_path / "cache")
    assert report.found == 1 and report.failed == [] and report.load.rejected == 0
    paper = f"MATCH (p:Paper {{arxiv_id: '{ARXIV}'}}) "
    linked = run(graph, paper + "MATCH (p)-[:HAS_ARTIFACT]->(x) RETURN labels(x)[0] AS kind, x.id AS id")
    assert {(r["kind"], r["id"]) for r in linked} == {("Model", m["id"]) for m in OWN} | \
        {("Dataset", d["id"]) for d in DATASETS} | {("Space", s["id"]) for s in SPACES}
    # every DERIVED_FROM is one the served tags (or card) state, with its relation
    edges = {(r["a"], r["b"], r["rel"]) for r in run(
        graph, "MATCH (a:Model)-[r:DERIVED_FROM]->(b:Model) RETURN a.id AS a, b.id AS b, r.relation AS rel")}
    served = set()
    for item in OWN + [i for items in DERIVED.values() for i in items]:
        for tag in item["tags"]:
            if tag.startswith("base_model:"):
                _, relation, base = tag.split(":", 2)
                served.add((item["id"], base, relation))
        if item["cardData"].get("base_model"):
            served.add((item["id"], item["cardData"]["base_model"], item["cardData"]["base_model_relation"]))
    assert edges == served
    trained = {(r["m"], r["d"]) for r in run(graph, "MATCH (m:Model)-[:TRAINED_ON]->(d:Dataset) RETURN m.id AS m, d.id AS d")}
    assert ("lab/base-7b", "lab/pretrain-mix") in trained and ("other/base-chat", "HuggingFaceH4/ultrachat_200k") in trained
    numbers = run(graph, "MATCH (m:Model {id: 'quant/base-7b-GGUF'}) RETURN m.downloads AS d, m.likes AS l, "
                         "m.hub_read_at AS at, m.pipeline_tag AS task")[0]
    assert numbers["d"] == 9_000 and numbers["l"] == 90 and numbers["task"] == "text-generation" and numbers["at"]
    assert run(graph, "MATCH (d:Dataset {id: 'lab/pretrain-mix'}) RETURN d.license AS l")[0]["l"] == "odc-by"

    # the canned queries agree with the walk over the served JSON
    expected = walk()
    lineage = graph.run_query("model-lineage", id=ARXIV, limit=100)
    assert len(lineage) == len(expected)  # each model once
    assert {r["model"]: (r["depth"], r["relation"], r["downloads"]) for r in lineage} == \
        {m: (d, rel, dl) for m, (_, rel, d, dl) in expected.items()}
    reach = graph.run_query("paper-reach", limit=5)[0]
    own_ids = {m["id"] for m in OWN}
    assert reach["models"] == len(OWN) and reach["derived_models"] == len(set(expected) - own_ids)
    assert reach["downloads"] == sum(m["downloads"] for m in OWN) + sum(v[3] for k, v in expected.items()
                                                                         if k not in own_ids)
    users = graph.run_query("dataset-users", id="HuggingFaceH4/ultrachat_200k")
    assert {r["model"] for r in users} == {"lab/base-7b-instruct", "other/base-chat"}

    # a rerun is resumed and asks nothing
    before = state["requests"]
    again = graph.enrich_hub(api_url=url, cache_dir=tmp_path / "cache")
    assert again.resumed == 1 and state["requests"] == before
