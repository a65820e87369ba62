"""Malformed inputs for every format family: small well-formed base files, and mutations that
break them the ways real files break (used by the fuzz tests and to build the fixed
regression corpus in ``tests/data/malformed``).

Each mutation is a pure function ``(data: bytes, rng: random.Random) -> bytes``.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

from conftest import DATA, SAMPLES

REAL = DATA / "real"
SAMPLE_ROWS = [json.loads(line) for line in
               (SAMPLES / "neurips2023-workshops.jsonl").read_text(encoding="utf-8").splitlines()[:6]]


def forum(row: dict) -> str:
    """A paper row's OpenReview forum id (its paper id), read from the row's URL."""
    return re.search(r"id=([^&\s]+)", row["proceedings"])[1]


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(rows[0].keys())
    for r in rows:
        w.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else ("" if v is None else v)
                    for v in r.values()])
    return out.getvalue().encode("utf-8")


def _lines(path: Path, n: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(keepends=True)[:n])


# family -> (file name, base bytes, whether each line is one row with a paper id of its own)
def bases() -> dict[str, tuple[str, bytes, bool]]:
    return {
        "paper-jsonl": ("papers.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                for r in SAMPLE_ROWS).encode("utf-8"), True),
        "paper-json": ("papers.json", json.dumps(SAMPLE_ROWS, ensure_ascii=False, indent=1).encode("utf-8"), False),
        "paper-csv": ("papers.csv", _csv(SAMPLE_ROWS), True),
        "viewer": ("papers.txt", _lines(DATA / "neurips2023-workshops.viewer.txt", 60), False),
        "bibtex": ("library.bib", (REAL / "bibtex" / "acl-anthology.bib").read_bytes(), False),
        "openalex": ("works.jsonl", _lines(SAMPLES / "citations" / "openalex-works.jsonl", 4), False),
        "s2": ("s2-papers.jsonl", _lines(SAMPLES / "citations" / "s2-papers.jsonl", 4), False),
        "edges": ("citations.tsv", b"citing\tcited\n" + b"".join(
            f"{forum(a)}\t{forum(b)}\n".encode() for a, b in zip(SAMPLE_ROWS, SAMPLE_ROWS[1:])), False),
        "rdf": ("graph.nt", (
            b'<https://example.org/kg/paper/p1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
            b'<http://schema.org/ScholarlyArticle> .\n'
            b'<https://example.org/kg/paper/p1> <http://schema.org/name> "A paper" .\n'
            b'<https://example.org/kg/paper/p2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
            b'<http://schema.org/ScholarlyArticle> .\n'
            b'<https://example.org/kg/paper/p2> <http://schema.org/name> "Another paper" .\n'
            b'<https://example.org/kg/paper/p1> <http://purl.org/spar/cito/cites> <https://example.org/kg/paper/p2> .\n'),
            False),
    }


def _at(data: bytes, rng: random.Random) -> int:
    return rng.randrange(len(data) + 1)


def _line_bounds(data: bytes, rng: random.Random) -> tuple[int, int]:
    """A random non-first line of the file (the first may be a header)."""
    starts = [0] + [m.end() for m in re.finditer(b"\n", data) if m.end() < len(data)]
    start = starts[rng.randrange(1, len(starts))] if len(starts) > 1 else 0
    end = data.find(b"\n", start)
    return start, len(data) if end < 0 else end


def nul_byte(data, rng):
    i = _at(data, rng)
    return data[:i] + b"\x00" + data[i:]


def invalid_utf8(data, rng):
    i = _at(data, rng)
    return data[:i] + rng.choice([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]) + data[i:]


def byte_order_mark(data, rng):
    return b"\xef\xbb\xbf" + data


def mixed_line_endings(data, rng):
    return re.sub(b"\n", lambda m: rng.choice([b"\n", b"\r\n", b"\r"]), data)


def truncated(data, rng):
    return data[:rng.randrange(1, max(2, len(data)))]


def empty(data, rng):
    return b""


def random_bytes(data, rng):
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))


def very_long_line(data, rng):
    """A line past the csv module's field limit (128 KB), or past a megabyte."""
    start, _ = _line_bounds(data, rng)
    return data[:start] + b"x" * rng.choice([140_000, 1_100_000]) + b"\n" + data[start:]


def very_long_value(data, rng):
    """A long string where a short one was (a title, a name, an id): past Neo4j's index limit
    (about 8 KB), or 2 MB."""
    strings = list(re.finditer(rb'"([^"\\\n]{3,60})"|\{([^{}\n]{3,60})\}', data))
    if not strings:
        return very_long_line(data, rng)
    m = rng.choice(strings)
    return data[:m.start()] + b'"' + b"A" * rng.choice([20_000, 2_000_000]) + b'"' + data[m.end():]


def deep_nesting(data, rng):
    start, end = _line_bounds(data, rng)
    depth = rng.choice([1_000, 5_000, 100_000])
    return data[:start] + b"[" * depth + b"]" * depth + data[end:]


def repeated_line(data, rng):
    start, end = _line_bounds(data, rng)
    return data[:end] + b"\n" + data[start:end] + data[end:]


def missing_line_end(data, rng):
    return data.rstrip(b"\r\n")


def repeated_field(data, rng):
    """A JSON key given twice in one object, the second time with another type."""
    m = re.search(rb'"(title|authors|id|doi)"\s*:', data)
    if not m:
        return nul_byte(data, rng)
    return data[:m.start()] + m.group(0) + b" 12345, " + data[m.start():]


MUTATIONS = {f.__name__: f for f in (nul_byte, invalid_utf8, byte_order_mark, mixed_line_endings, truncated,
                                     empty, random_bytes, very_long_line, very_long_value, deep_nesting,
                                     repeated_line, missing_line_end, repeated_field)}


def wrong_types(row: dict, rng: random.Random, value) -> dict:
    """One field of a JSON row (at any depth) replaced by ``value`` (of any type), or removed."""
    row = json.loads(json.dumps(row))
    target, key = row, rng.choice(list(row))
    while isinstance(target.get(key), dict) and target[key] and rng.random() < 0.5:
        target, key = target[key], rng.choice(list(target[key]))
    if rng.random() < 0.2:
        del target[key]
    else:
        target[key] = value
    return row


CORPUS_LIMIT = 300_000  # bytes per file of the fixed corpus (the fuzz tests go bigger)


def build_corpus(out: Path) -> list[dict]:
    """Every mutation of every family's base file, with the first seed that keeps the file under
    CORPUS_LIMIT and changes it; writes the files and MANIFEST.json into ``out``."""
    manifest = []
    for family, (name, data, _) in sorted(bases().items()):
        folder = out / family
        folder.mkdir(parents=True, exist_ok=True)
        for mutation, fn in sorted(MUTATIONS.items()):
            for seed in range(100):
                broken = fn(data, random.Random(seed))
                if len(broken) <= CORPUS_LIMIT and broken != data:
                    break
            else:
                continue
            path = folder / f"{mutation}-{name}"
            path.write_bytes(broken)
            manifest.append({"file": f"{family}/{path.name}", "family": family, "mutation": mutation, "seed": seed,
                             "doc": (fn.__doc__ or "").strip().split("\n")[0]})
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest
