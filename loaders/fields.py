"""The field map: every field of every source format, mapped (to what) or dropped (why).

Each format module declares ``FIELDS`` and ``DROPPED``; this module renders them as
``docs/fields.md`` (``python -m loaders.fields > docs/fields.md``) and answers which
fields of a parsed document no table covers (the tests run it over every test file).
"""

from __future__ import annotations

from loaders import bibtex, edge_list, hub_api, openalex, paper_dataset, semantic_scholar

SOURCES = (
    ("Paper-dataset rows (JSON Lines, JSON, CSV, Parquet, viewer dump, `datasets`)", paper_dataset),
    ("BibTeX and biblatex", bibtex),
    ("OpenAlex works", openalex),
    ("Semantic Scholar Graph API", semantic_scholar),
    ("Hugging Face Hub API (saved by `citegraph enrich hub`)", hub_api),
    ("Citation edge lists (CSV, TSV, whitespace; OpenCitations CSV and API answers; SNAP)", edge_list),
)


def paths(value, prefix: str = "") -> set[str]:
    """Field paths of a JSON value: ``a.b``, lists as ``a[].b``."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            out |= paths(item, path)
    elif isinstance(value, list):
        for item in value:
            out |= paths(item, prefix + "[]")
    return out


def uncovered(module, fields: set[str]) -> set[str]:
    """Fields that neither table of ``module`` covers (a table entry covers everything under it)."""
    known = set(module.FIELDS) | set(module.DROPPED)

    def covered(path: str) -> bool:
        if path in known:
            return True
        for entry in known:
            if path.startswith(entry + ".") or path.startswith(entry + "[]"):
                return True  # under a mapped or dropped field
            if entry.startswith(path + ".") or entry.startswith(path + "[]"):
                return True  # a container whose fields are listed one by one
        return False

    return {f for f in fields if not covered(f)}


def render() -> str:
    lines = ["# Field map", "",
             "Every field of every source format citegraph reads: what it becomes in the graph, or why it is",
             "left out. Generated from the `FIELDS` and `DROPPED` tables of each loader "
             "(`python -m loaders.fields > docs/fields.md`);",
             "a test fails when a field of a test file is in neither table. A path like `a[].b` is field `b` "
             "of each item of list `a`;",
             "a path covers everything under it.", ""]
    for title, module in SOURCES:
        lines += [f"## {title}", "", "| field | becomes |", "| --- | --- |"]
        lines += [f"| `{k}` | {v} |" for k, v in module.FIELDS.items()]
        lines += ["", "Left out:", "", "| field | why |", "| --- | --- |"]
        lines += [f"| `{k}` | {v} |" for k, v in module.DROPPED.items()]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
