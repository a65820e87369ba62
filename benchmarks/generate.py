"""Synthetic conference-paper data, deterministic by seed, streamed to disk.

Rows have the schema of the Hugging Face paper datasets (the sample's columns),
with distributions shaped like the real data:

* authors per paper: mean about 4.5, 1 to 28 (a shifted gamma, capped);
* author productivity heavy-tailed: a slot reuses an earlier author with
  probability ``REUSE`` (chosen proportionally to how many papers they have:
  preferential attachment), else a new person; names come from Zipf-weighted
  first and last names, so different people share names as in real data;
* about 10 % of papers link Hub artifacts (1 to 100 per paper, heavy-tailed
  reuse of popular models and datasets, canonical ids without owner);
* GitHub links on about 30 %, arXiv ids on about 40 %, Hub paper pages on 5 %;
* citations (written to a separate edge list): about 20 per paper to earlier
  papers, by preferential attachment.

    python -m benchmarks.generate --papers 100000 --out benchmarks/data/100k
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

REUSE = 0.55  # share of author slots filled by an existing author
ACTIVE_WINDOW = 20_000  # authorship slots an author can be picked again from
FIRST = ["Wei", "Maria", "John", "Li", "Anna", "David", "Yu", "Sarah", "Michael", "Xin", "Laura", "Ahmed", "Jun",
         "Elena", "Carlos", "Priya", "Tom", "Yuki", "Fatima", "Lukas", "Chen", "Sofia", "Ravi", "Emma", "Hiroshi",
         "Olga", "Pedro", "Aisha", "Jan", "Mei", "Ivan", "Nora", "Ali", "Zoë", "Søren", "José", "Ngozi", "Kai",
         "Amélie", "Björn", "Ayşe", "Dmitri", "Hana", "Omar", "Ingrid", "Tariq", "Lucía", "Mateus", "Yara", "Ondřej"]
LAST = ["Zhang", "Wang", "Smith", "Li", "Müller", "Garcia", "Kim", "Chen", "Nguyen", "Kumar", "Rossi", "Ivanov",
        "Tanaka", "Silva", "Cohen", "Novak", "Dubois", "Johansson", "Okafor", "Singh", "Yilmaz", "Park", "Sato",
        "Hernández", "Kowalski", "Nielsen", "Papadopoulos", "O'Brien", "Liu", "Yang", "Huang", "Zhao", "Wu",
        "Martin", "Bernard", "Fischer", "Weber", "Schneider", "Lopez", "Gonzalez", "Ahmed", "Khan", "Ali",
        "Dvořák", "Åberg", "Çelik", "Østergaard", "Nakamura", "Suzuki", "Rahman"]
WORDS = ("learning neural graph representation model language vision efficient robust scalable attention "
         "transformer diffusion contrastive sparse causal federated reinforcement generative benchmark "
         "alignment retrieval training inference optimization memory symbolic probabilistic latent").split()
TYPES = ["poster"] * 80 + ["oral"] * 8 + ["spotlight"] * 12


SYLLABLES = "ka lo mi ne ra su ti va xe yo ba de fi gu ho ji le mo nu pa".split()


def _names(real: list[str], total: int, seed: int) -> list[str]:
    """Real names first (the most common ranks), then made-up ones from syllables."""
    rng = random.Random(seed)
    out, seen = list(real), set(real)
    while len(out) < total:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


class Zipf:
    """Weighted choice where rank r has weight 1/r^s (bisect on the cumulative weights)."""

    def __init__(self, items: list, s: float):
        import itertools
        self.items = items
        self.cumulative = list(itertools.accumulate(1.0 / (r ** s) for r in range(1, len(items) + 1)))

    def __call__(self, rng: random.Random):
        import bisect
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


FIRST_NAMES = Zipf(_names(FIRST, 300, 1), 0.7)
LAST_NAMES = Zipf(_names(LAST, 5000, 2), 0.7)
WORD = Zipf(WORDS, 1.0)


class Generator:
    def __init__(self, papers: int, seed: int = 7):
        self.n = papers
        self.rng = random.Random(seed)
        self.slots: list[int] = []  # author id per authorship slot so far (preferential attachment)
        self.names: list[str] = []
        self.cited: list[int] = []  # paper index per citation so far
        self.artifact_slots: list[str] = []
        self.venues = [f"Workshop/W{i:04d}" for i in range(max(3, papers // 400))]

    def author(self) -> str:
        rng = self.rng
        if self.slots and rng.random() < REUSE:
            # preferential attachment among recently active authors (careers end: no eternal hubs)
            window = min(len(self.slots), ACTIVE_WINDOW)
            author = self.slots[len(self.slots) - 1 - rng.randrange(window)]
        else:
            author = len(self.names)
            # Zipf-weighted first and last names: common names are shared by different people
            middle = f" {chr(65 + rng.randrange(26))}." if rng.random() < 0.3 else ""
            self.names.append(f"{FIRST_NAMES(rng)}{middle} {LAST_NAMES(rng)}")
        self.slots.append(author)
        return self.names[author]

    def artifacts(self, kind: str) -> list[str]:
        rng = self.rng
        count = min(100, int(rng.paretovariate(1.3)))
        out = []
        for _ in range(count):
            if self.artifact_slots and rng.random() < 0.6:
                repo = self.artifact_slots[rng.randrange(len(self.artifact_slots))]
            elif rng.random() < 0.05:
                repo = f"{WORD(rng)}{rng.randrange(1000)}"  # canonical id, no owner
            else:
                repo = f"{LAST_NAMES(rng).lower()}-lab{rng.randrange(500)}/{kind}-{rng.randrange(10**6)}"
            self.artifact_slots.append(repo)
            out.append(repo)
        return out

    def row(self, i: int) -> dict:
        rng = self.rng
        k = min(28, 1 + int(rng.gammavariate(2.2, 1.8)))
        authors = []
        while len(authors) < k:
            name = self.author()
            if name not in authors:
                authors.append(name)
        forum = f"S{i:09d}x"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        arxiv = arxiv_id(i) if rng.random() < 0.4 else ""
        linked = rng.random() < 0.10
        venue = self.venues[int(rng.paretovariate(1.2)) % len(self.venues)]
        key = f"{authors[0].split()[-1].lower()}2023{title.split()[0].lower()}"
        return {
            "bibtex_url": None,
            "proceedings": f"https://openreview.net/forum?id={forum}",
            "bibtext": (f"@inproceedings{{ {key}, title={{{title}}}, author={{{' and '.join(authors)}}}, "
                        f"booktitle={{Synthetic Workshop {venue[-4:]}}}, year={{2023}}, "
                        f"url={{https://openreview.net/forum?id={forum}}} }}"),
            "abstract": " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 220))),
            "title": title,
            "authors": authors,
            "id": venue,
            "type": rng.choice(TYPES),
            "arxiv_id": arxiv,
            "GitHub": [f"https://github.com/{authors[0].split()[-1].lower()}/{forum.lower()}"] if rng.random() < 0.3 else [""],
            "paper_page": f"https://huggingface.co/papers/{arxiv}" if arxiv and rng.random() < 0.12 else "",
            "n_linked_authors": -1,
            "upvotes": rng.randrange(50) if rng.random() < 0.05 else -1,
            "num_comments": -1,
            "n_authors": -1,
            "paper_page_exists_pre_conf": 0,
            **self.linked_artifacts(linked),
        }

    def linked_artifacts(self, linked: bool) -> dict:
        rng = self.rng
        out = {"Models": [], "Datasets": [], "Spaces": []}
        if linked:
            for column, kind, share in (("Models", "model", 0.7), ("Datasets", "dataset", 0.5), ("Spaces", "space", 0.4)):
                if rng.random() < share:
                    out[column] = self.artifacts(kind)[:100 - sum(map(len, out.values()))]
            if not any(out.values()):
                out["Models"] = self.artifacts("model")
        return out

    def citations(self, i: int) -> list[int]:
        """Earlier papers that paper ``i`` cites (about 20, preferential attachment)."""
        rng = self.rng
        if i == 0:
            return []
        count = min(i, max(0, int(rng.gauss(20, 8))))
        out = set()
        for _ in range(count * 2):
            if len(out) >= count:
                break
            if self.cited and rng.random() < 0.7:
                target = self.cited[rng.randrange(len(self.cited))]
            else:
                target = rng.randrange(i)
            out.add(target)
        self.cited.extend(out)
        return sorted(out)


def forum_id(i: int) -> str:
    return f"S{i:09d}x"


def arxiv_id(i: int) -> str:
    """Row ``i``'s arXiv id, one per row (an id shared by two rows makes them one paper): the
    first 100,000 rows in 2023-2025, each further 100,000 in a year of its own before."""
    block = i // 100_000
    year = 23 + i % 3 if block == 0 else 10 + (block - 1) % 13
    return f"{year}{(i // 3) % 12 + 1:02d}.{i % 100_000:05d}"


# Bumped whenever the same seed and size give other data, so that a kept copy is made again.
# 2: arXiv ids unique per row (version 1 gave rows i and i + 900,000 the same id at 1M rows).
DATA_VERSION = 2


def generate(papers: int, out: Path, seed: int = 7, citations: bool = True) -> dict:
    """Write ``papers.jsonl`` and ``citations.tsv`` into ``out``; returns counts."""
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(papers, seed)
    authorships = edges = linked = 0
    with open(out / "papers.jsonl", "w", encoding="utf-8") as rows, \
            open(out / "citations.tsv", "w", encoding="utf-8") as cites:
        cites.write("citing\tcited\n")
        for i in range(papers):
            row = gen.row(i)
            authorships += len(row["authors"])
            linked += bool(row["Models"] or row["Datasets"] or row["Spaces"])
            rows.write(json.dumps(row, ensure_ascii=False) + "\n")
            if citations:
                for target in gen.citations(i):
                    cites.write(f"{forum_id(i)}\t{forum_id(target)}\n")
                    edges += 1
    meta = {"papers": papers, "seed": seed, "version": DATA_VERSION, "authorships": authorships,
            "distinct_authors": len(gen.names), "papers_with_artifacts": linked, "citations": edges}
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-citations", action="store_true")
    args = parser.parse_args()
    print(json.dumps(generate(args.papers, args.out, args.seed, not args.no_citations), indent=2))


if __name__ == "__main__":
    main()
