"""Enrichment from the live scholarly APIs: fetch what the graph's papers cite and what cites
them, as the APIs' own records, written to files that the loaders of those formats then read
like any other input (same records, same identity engine, same provenance).

A run works in chunks of papers: each chunk's records go to a file under a temporary name,
renamed when the chunk is complete, and the chunk's papers are then listed in ``done.txt``.
A run that was interrupted continues where it stopped; with the HTTP cache, a rerun costs no
requests at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from citegraph.enrich.http import FetchError
from graph import killpoints


@dataclass
class EnrichReport:
    source: str
    papers: int = 0  # papers of the graph asked about
    resumed: int = 0  # done by an earlier, interrupted run
    found: int = 0
    not_found: list = field(default_factory=list)  # paper ids the API does not know
    failed: list = field(default_factory=list)  # [{paper, reason}]
    records: int = 0  # API records written for the loader
    usage: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    files: list = field(default_factory=list)
    load: object = None  # the LoadSummary of loading the files

    def as_dict(self) -> dict:
        return {"source": self.source, "papers": self.papers, "resumed": self.resumed, "found": self.found,
                "not_found": self.not_found, "failed": self.failed, "records": self.records, "usage": self.usage,
                "notes": self.notes, "files": self.files,
                "load": self.load.as_dict() if self.load is not None else None}


def fetch(papers: list[dict], api, workdir: Path, *, depth: int = 1, citations: bool = False,
          limit: int | None = None, chunk: int = 100, progress: bool = False) -> EnrichReport:
    """Fetch the records of ``papers`` (dicts of a paper's id and identifiers) from ``api``
    into JSON Lines files in ``workdir``; returns the report (files: every file of the run)."""
    workdir.mkdir(parents=True, exist_ok=True)
    done_file = workdir / "done.txt"
    done = set(done_file.read_text(encoding="utf-8").split()) if done_file.exists() else set()
    report = EnrichReport(source=api.name, papers=len(papers))
    todo = [p for p in papers if p["id"] not in done]
    report.resumed = len(papers) - len(todo)
    size = getattr(api, "BATCH", chunk)  # an API that answers many papers per request sets its own
    bar = tqdm(total=len(todo), desc=f"enrich from {api.name}", unit=" papers", disable=not progress)
    try:
        for group in (todo[i:i + size] for i in range(0, len(todo), size)):
            lines, finished = [], []
            for paper, answer in _answers(api, group, depth, citations, limit):
                bar.update(1)
                if isinstance(answer, FetchError):  # asked again by the next run
                    report.failed.append({"paper": paper["id"], "reason": str(answer)})
                    continue
                finished.append(paper["id"])
                if answer is None:
                    report.not_found.append(paper["id"])
                    continue
                report.found += 1
                lines += answer
            if lines:
                part = workdir / f"{api.name}-{_next_index(workdir, api.name):05d}.jsonl"
                partial = part.with_name(part.name + ".partial")
                partial.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines),
                                   encoding="utf-8")
                partial.replace(part)  # complete, then visible: a killed run never leaves half a file
                report.records += len(lines)
            with open(done_file, "a", encoding="utf-8") as f:
                f.write("".join(f"{pid}\n" for pid in finished))
            killpoints.point("enrich.chunk")
    finally:
        bar.close()
        for stale in workdir.glob("*.partial"):
            stale.unlink(missing_ok=True)
    report.notes += api.notes
    report.usage = api.client.usage.as_dict()
    report.files = sorted(str(p) for p in workdir.glob(f"{api.name}-*.jsonl"))
    return report


def _answers(api, group: list[dict], depth: int, citations: bool, limit: int | None):
    """(paper, its records, or None when the API does not know it, or the FetchError) for each
    paper of ``group``: from an API that answers a group at once (``answers``), else one paper
    at a time (``records``)."""
    if hasattr(api, "answers"):
        yield from api.answers(group, citations)
        return
    for paper in group:
        try:
            records, found = api.records(paper, depth, citations, limit)
        except FetchError as exc:
            yield paper, exc
            continue
        yield paper, records if found else None


def _next_index(workdir: Path, name: str) -> int:
    taken = [int(p.stem.rsplit("-", 1)[-1]) for p in workdir.glob(f"{name}-*.jsonl")]
    return max(taken, default=0) + 1
