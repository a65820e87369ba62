"""The Hugging Face Hub around the graph's papers: the models, datasets and Spaces whose
``arxiv:<id>`` tag cites a paper, and the models derived from those models (their
``base_model`` tags), to any depth, with what their cards say.

Through the Hub's REST API (``/api/models?filter=…&full=true&cardData=true``, paged by
``Link`` headers) with citegraph's HTTP client: huggingface_hub follows ``HF_ENDPOINT`` too,
but keeps no on-disk cache, and a rerun should cost nothing. The base URL is ``HF_ENDPOINT``
(or ``--api-url``); the token is ``HF_TOKEN``, else the one ``huggingface-cli login`` saved.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from citegraph.enrich.http import Client

HUB_URL = "https://huggingface.co"
KINDS = ("model", "dataset", "space")
PAGE = 1000  # items per listing page


def hub_url() -> str:
    return os.environ.get("HF_ENDPOINT") or HUB_URL


def hub_token() -> str | None:
    """HF_TOKEN, else the token file huggingface_hub writes (HF_TOKEN_PATH, else HF_HOME/token)."""
    if os.environ.get("HF_TOKEN"):
        return os.environ["HF_TOKEN"]
    home = Path(os.environ.get("HF_HOME") or Path.home() / ".cache" / "huggingface")
    path = Path(os.environ.get("HF_TOKEN_PATH") or home / "token")
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


class Hub:
    name = "hub"
    format = "hub"

    def __init__(self, client: Client, depth: int = 3, limit: int | None = None):
        self.client = client
        self.depth = depth
        self.limit = limit
        self.notes: list[str] = []
        self.today = time.strftime("%Y-%m-%d")

    @staticmethod
    def client_headers() -> dict:
        token = hub_token()
        return {"Authorization": f"Bearer {token}"} if token else {}

    def listing(self, kind: str, tag: str) -> list[dict]:
        params = {"filter": tag, "full": "true", "limit": PAGE}
        if kind == "model":
            params["cardData"] = "true"
        out = []
        for page in self.client.pages(f"api/{kind}s", params):
            out += [item for item in page if isinstance(item, dict)] if isinstance(page, list) else []
            if self.limit is not None and len(out) >= self.limit:
                self.notes.append(f"{tag}: more than {self.limit} {kind}s; the first {self.limit} kept")
                return out[:self.limit]
        return out

    def records(self, paper: dict, depth: int, citations: bool, limit: int | None) -> tuple[list[dict], bool]:
        """The Hub repositories citing ``paper`` (by its arXiv id) and the models derived from its
        models, as lines for the ``hub`` loader. (lines, found)."""
        arxiv = paper.get("arxiv_id")
        if not arxiv:
            return [], False
        lines = []
        models = []
        for kind in KINDS:
            for item in self.listing(kind, f"arxiv:{arxiv}"):
                lines.append({"kind": kind, "paper_arxiv": arxiv, "read_at": self.today, "item": item})
                if kind == "model":
                    models.append(item["id"])
        seen = set(models)
        frontier = models
        for _ in range(self.depth):  # models made from the paper's models, level by level
            following = []
            for base in frontier:
                for item in self.listing("model", f"base_model:{base}"):
                    lines.append({"kind": "model", "derived_from": base, "read_at": self.today, "item": item})
                    if item.get("id") not in seen:
                        seen.add(item.get("id"))
                        following.append(item.get("id"))
            frontier = following
            if not frontier:
                break
        return lines, bool(lines)
