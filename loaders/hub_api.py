"""What the Hugging Face Hub's API says of the models, datasets and Spaces around papers, as
``citegraph enrich hub`` saves it: JSON Lines, one Hub repository a line, with why it was
fetched:

    {"kind": "model", "paper_arxiv": "2310.04551", "read_at": "2026-12-02", "item": {…/api/models item…}}
    {"kind": "model", "derived_from": "org/base", "read_at": "2026-12-02", "item": {…}}

``item`` is the Hub's own JSON (``/api/models?…&full=true&cardData=true``). A model's base
models come from its ``base_model:<relation>:<repo>`` tags (else its card's ``base_model``), its
training datasets from ``dataset:<repo>`` tags (else the card's ``datasets``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graph.identity import normalize_arxiv
from graph.papers import PaperRef
from graph.records import Edge, Node, Reject, Row
from loaders import jsonl
from loaders.registry import MARKED, Format
from loaders.works import stub_records

LABELS = {"model": "Model", "dataset": "Dataset", "space": "Space"}
RELATIONS = ("finetune", "adapter", "quantized", "merge")
_REPO = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")

FIELDS = {
    "kind": "which label: Model, Dataset or Space",
    "paper_arxiv": "HAS_ARTIFACT from the paper with this arXiv id (the repository's `arxiv:` tag)",
    "derived_from": "the model it was found under (its base; the DERIVED_FROM itself comes from the tags)",
    "read_at": "Model|Dataset|Space.hub_read_at",
    "item.id": "Model|Dataset|Space.id (identity); the owner before `/` -> HubAccount via OWNS",
    "item.downloads": "Model|Dataset.downloads",
    "item.likes": "Model|Dataset|Space.likes",
    "item.pipeline_tag": "Model.pipeline_tag",
    "item.library_name": "Model.library_name",
    "item.sdk": "Space.sdk",
    "item.tags": "`base_model:<relation>:<repo>` -> DERIVED_FROM {relation}; `dataset:<repo>` -> TRAINED_ON; "
                 "`license:<id>` -> license",
    "item.cardData.base_model": "DERIVED_FROM (relation from cardData.base_model_relation), when no tag says",
    "item.cardData.base_model_relation": "DERIVED_FROM.relation",
    "item.cardData.datasets": "TRAINED_ON, when no tag says",
    "item.cardData.license": "license, when no tag says",
}
DROPPED = {
    "item._id": "the Hub's internal id",
    "item.modelId": "the same as id",
    "item.author": "the owner comes from the id",
    "item.private": "only public repositories are listed",
    "item.gated": "not modelled",
    "item.disabled": "not modelled",
    "item.sha": "a revision, not modelled",
    "item.lastModified": "not modelled",
    "item.createdAt": "not modelled",
    "item.trendingScore": "changes by the hour",
    "item.siblings": "files are not modelled",
    "item.config": "not modelled",
    "item.transformersInfo": "not modelled",
    "item.widgetData": "not modelled",
    "item.spaces": "Spaces come from their own listing",
    "item.safetensors": "not modelled",
    "item.inference": "not modelled",
    "item.cardData": "the fields above are kept; the rest of the card is not modelled",
    "item.description": "not modelled",
    "item.citation": "the paper comes from the arxiv tag",
    "item.paperswithcode_id": "not modelled",
    "item.runtime": "not modelled",
    "item.models": "not modelled",
    "item.datasets": "not modelled",
    "item.subdomain": "not modelled",
    "item.host": "not modelled",
    "item.usedStorage": "not modelled",
}


class HubError(ValueError):
    pass


def _repo(value, what: str) -> str:
    if not isinstance(value, str) or not _REPO.match(value.strip()):
        raise HubError(f"{what} {str(value)[:100]!r} is not a Hub repository id")
    return value.strip()


def _listed(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def lineage(item: dict) -> tuple[list[tuple[str, str]], list[str], str | None]:
    """(base models with the relation, training datasets, licence) of a Hub item."""
    tags = [t for t in item.get("tags") or [] if isinstance(t, str)]
    card = item.get("cardData") if isinstance(item.get("cardData"), dict) else {}
    bases = []
    for tag in tags:
        parts = tag.split(":", 2)
        if parts[0] == "base_model" and len(parts) == 3 and parts[1] in RELATIONS:
            bases.append((parts[2], parts[1]))
    if not bases:
        relation = card.get("base_model_relation") if card.get("base_model_relation") in RELATIONS else "unknown"
        bases = [(b, relation) for b in _listed(card.get("base_model"))]
    datasets = [t.split(":", 1)[1] for t in tags if t.startswith("dataset:")] or _listed(card.get("datasets"))
    licence = next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), None)
    licence = licence or (card.get("license") if isinstance(card.get("license"), str) else None)
    return bases, datasets, licence


def records(line: dict) -> tuple[list, list[str]]:
    """The records of one saved Hub line, and warnings."""
    if not isinstance(line, dict) or not isinstance(line.get("item"), dict):
        raise HubError("a line should be an object with an `item`")
    label = LABELS.get(line.get("kind"))
    if label is None:
        raise HubError(f"kind should be one of {', '.join(LABELS)}, got {line.get('kind')!r}")
    item = line["item"]
    repo = _repo(item.get("id"), "id")
    warnings: list[str] = []
    bases, datasets, licence = lineage(item)
    props = {"hub_read_at": line["read_at"]} if isinstance(line.get("read_at"), str) else {}
    for key in ("downloads", "likes"):
        if isinstance(item.get(key), int) and not isinstance(item.get(key), bool):
            props[key] = item[key]
    for key in (("pipeline_tag", "library_name") if label == "Model" else ("sdk",) if label == "Space" else ()):
        if isinstance(item.get(key), str):
            props[key] = item[key]
    if licence:
        props["license"] = licence
    out = [Node(label, repo, props)]
    owner, sep, _ = repo.partition("/")
    if sep:
        out += [Node("HubAccount", owner), Edge("OWNS", "HubAccount", owner, label, repo)]
    if line.get("paper_arxiv") is not None:
        arxiv = normalize_arxiv(str(line["paper_arxiv"]))
        if not arxiv:
            raise HubError(f"paper_arxiv {line['paper_arxiv']!r} is not an arXiv id")
        paper = PaperRef(arxiv=arxiv)
        out += [*stub_records(paper), Edge("HAS_ARTIFACT", "Paper", paper, label, repo)]
    if label == "Model":
        for base, relation in bases:
            try:
                base = _repo(base, "base model")
            except HubError as exc:
                warnings.append(f"{exc}; not written")
                continue
            if base == repo:
                warnings.append(f"{repo} names itself as its base model; not written")
                continue
            out += [Node("Model", base), Edge("DERIVED_FROM", "Model", repo, "Model", base, {"relation": relation})]
        for dataset in datasets:
            try:
                dataset = _repo(dataset, "dataset")
            except HubError as exc:
                warnings.append(f"{exc}; not written")
                continue
            out += [Node("Dataset", dataset), Edge("TRAINED_ON", "Model", repo, "Dataset", dataset)]
    return out, warnings


def read(path, source: str, options) -> Iterator[Row]:
    for raw in jsonl.read_rows(Path(path)):
        if raw.error:
            yield Row(source, raw.line, reject=Reject(source, raw.line, raw.error, raw.raw))
            continue
        try:
            recs, warnings = records(raw.value)
        except HubError as exc:
            yield Row(source, raw.line, reject=Reject(source, raw.line, str(exc), raw.raw))
            continue
        yield Row(source, raw.line, records=recs, warnings=warnings)


_MARKS = re.compile(r'^\{"kind":\s*"(model|dataset|space)"')


def _sniff(path: Path, head: str) -> int:
    return MARKED + 5 if _MARKS.match(head.lstrip()) else 0


FORMATS = [Format("hub", "What the Hugging Face Hub's API says of models, datasets and Spaces (saved by "
                         "`citegraph enrich hub`)", read, (), _sniff)]
