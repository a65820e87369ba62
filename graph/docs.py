"""Render the graph model as Markdown (``python -m graph.docs > docs/model.md``).

The committed ``docs/model.md`` is checked against this output by the tests,
so the documentation cannot drift from the model.
"""

from __future__ import annotations

from graph.model import NODE_TYPES, REL_TYPES


def render() -> str:
    out = [
        "# The citegraph graph model",
        "",
        "Generated from `graph/model.py` by `python -m graph.docs`; do not edit by hand.",
        "This is a public contract: canned queries, the RDF mapping and your own Cypher rely on it.",
        "Every node and relationship also has `sources`: the inputs that asserted it.",
        "",
        "## Nodes",
        "",
    ]
    for node in NODE_TYPES:
        extra = node.extra_labels
        if len(extra) > 2:
            labels = f"`:{node.label}` (some also one of `:{extra[0]}` … `:{extra[-1]}`)"
        else:
            labels = f"`:{node.label}`" + "".join(f" (some also `:{x}`)" for x in extra)
        out += [f"### {labels}", "", node.description, "",
                f"Key: `{node.key}` (unique).", "", "| property | type | meaning |", "| --- | --- | --- |"]
        out += [f"| `{p.name}` | {p.type} | {p.description} |" for p in node.props if p.name != "sources"]
        out.append("")
    out += ["## Relationships", ""]
    for rel in REL_TYPES:
        start = "|".join(rel.start)
        end = "|".join(rel.end)
        out += [f"### `(:{start})-[:{rel.type}]->(:{end})`", "", rel.description + ".", ""]
        props = [p for p in rel.props if p.name != "sources"]
        if props:
            out += ["| property | type | meaning |", "| --- | --- | --- |"]
            out += [f"| `{p.name}` | {p.type} | {p.description} |" for p in props]
            out.append("")
        if rel.example:
            out += ["```cypher", rel.example, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
