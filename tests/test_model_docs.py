"""The model documentation is generated from the model and kept in step with it."""

from conftest import REPO, run
from graph.docs import render
from graph.model import REL_TYPES


def test_docs_model_md_is_up_to_date():
    assert (REPO / "docs" / "model.md").read_text(encoding="utf-8") == render(), \
        "run `python -m graph.docs > docs/model.md`"


def test_every_relationship_example_runs(graph):
    from conftest import SAMPLES
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"], conference="NeurIPS 2023")
    graph.load([SAMPLES / "hub-artifacts.jsonl"])
    for rel in REL_TYPES:
        assert rel.example, rel.type
        run(graph, rel.example)  # raises on a broken example


def test_schema_has_a_unique_constraint_per_key(graph):
    from graph.model import NODE_TYPES
    got = {(r["labelsOrTypes"][0], r["properties"][0]) for r in run(
        graph, "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties WHERE type = 'UNIQUENESS' "
               "RETURN labelsOrTypes, properties")}
    assert {(n.label, n.key) for n in NODE_TYPES} <= got
