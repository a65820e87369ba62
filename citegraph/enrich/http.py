"""HTTP for the scholarly APIs, as a good citizen: an on-disk cache (requests-cache, SQLite) so
a rerun costs nothing, retries with exponential backoff on 429 and 5xx that honour
``Retry-After`` (urllib3's Retry), timeouts, and a body that must be whole JSON before it is
cached or used. What a run cost is counted from the APIs' own headers.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from graph.errors import CitegraphError

RETRY_STATUSES = (429, 500, 502, 503, 504)
# headers in which an API says what a request cost and what is left (OpenAlex: USD since
# 2026, credits before; the names are read case-insensitively)
COST_HEADERS = ("X-RateLimit-Cost-USD", "X-RateLimit-Credits-Used")
REMAINING_HEADERS = ("X-RateLimit-Remaining-USD", "X-RateLimit-Remaining")


class FetchError(CitegraphError):
    """A request that failed for good (after its retries); the message says why."""


class PatientRetry(Retry):
    """urllib3's Retry, except that a server asking to wait longer than ``max_wait`` seconds
    (a daily budget spent) is not waited for: the request fails with that reason."""

    max_wait: float = 120

    def sleep_for_retry(self, response=None):
        wait = self.get_retry_after(response) if response is not None else None
        if wait is not None and wait > self.max_wait:
            raise FetchError(f"the server asks to wait {wait:.0f} s before the next request "
                             f"(its limit is reached); run again later")
        return super().sleep_for_retry(response)


@dataclass
class Usage:
    requests: int = 0  # sent to the server
    cached: int = 0  # answered from the on-disk cache
    cost: float = 0.0  # what the API's headers say the requests cost
    remaining: str | None = None  # what the API's headers say is left
    failures: list = field(default_factory=list)  # [reason]

    def as_dict(self) -> dict:
        return {"requests": self.requests, "from_cache": self.cached, "cost": round(self.cost, 6),
                "remaining": self.remaining}


def _whole_json(response: requests.Response) -> bool:
    """Cache only what parses: a truncated body is never kept."""
    if response.status_code != 200:
        return response.status_code == 404
    try:
        response.json()
        return True
    except ValueError:
        return False


class Client:
    """GET and POST JSON from one API (``base_url``), cached under ``cache_dir``."""

    def __init__(self, base_url: str, cache_dir: Path, *, params: dict | None = None, headers: dict | None = None,
                 retries: int = 5, backoff: float = 0.5, timeout: float | None = None, max_wait: float = 120,
                 attempts_for_bad_bodies: int = 3):
        self.base_url = base_url.rstrip("/")
        self.params = {k: v for k, v in (params or {}).items() if v}
        # seconds to wait for an answer (CITEGRAPH_HTTP_TIMEOUT, else 30); a timeout is retried
        self.timeout = timeout or float(os.environ.get("CITEGRAPH_HTTP_TIMEOUT") or 30)
        self.attempts = attempts_for_bad_bodies
        self.usage = Usage()
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.session = requests_cache.CachedSession(
            str(cache_dir / "http-cache"), backend="sqlite", expire_after=-1,  # never expires: delete to refresh
            allowable_codes=(200, 404), allowable_methods=("GET", "POST"), filter_fn=_whole_json,
            ignored_parameters=("api_key", "mailto", "x-api-key", "Authorization"))
        patient = type("PatientRetry", (PatientRetry,), {"max_wait": max_wait})  # (Retry copies itself per try)
        retry = patient(total=retries, backoff_factor=backoff, status_forcelist=RETRY_STATUSES,
                        allowed_methods=None, respect_retry_after_header=True, raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": "citegraph (https://github.com/citegraph/citegraph)",
                                     **{k: v for k, v in (headers or {}).items() if v}})

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, params: dict | None = None):
        """The JSON at ``path`` (None when the API says 404 Not Found)."""
        return self._json("GET", path, params, None)[1]

    def post(self, path: str, body, params: dict | None = None):
        return self._json("POST", path, params, body)[1]

    def pages(self, path: str, params: dict | None = None, max_pages: int = 1000):
        """The JSON of each page of a listing paged by ``Link: <…>; rel="next"`` headers (as
        GitHub and the Hugging Face Hub page), at most ``max_pages``."""
        seen = set()
        for _ in range(max_pages):
            response, data = self._json("GET", path, params, None)
            if data is None:
                return
            yield data
            path = (response.links.get("next") or {}).get("url")
            if not path or path in seen:
                return
            seen.add(path)
            params = None  # the next URL carries them

    def _json(self, method: str, path: str, params, body):
        url = path if path.startswith("http") else f"{self.base_url}/{path.lstrip('/')}"
        query = {**self.params, **(params or {})} if params is not None or not path.startswith("http") else None
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.session.request(method, url, params=query, json=body, timeout=self.timeout)
            except requests.exceptions.RetryError as exc:
                raise FetchError(f"{method} {path}: still failing after retries ({_short(exc)})") from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                raise FetchError(f"{method} {path}: {_short(exc)}") from None
            self._count(response)
            if response.status_code == 404:
                return response, None
            if response.status_code != 200:
                raise FetchError(f"{method} {path}: HTTP {response.status_code} {_short(response.text)}")
            try:
                return response, response.json()
            except ValueError:  # a truncated or garbled body: not cached (see _whole_json); ask again
                if attempt == self.attempts:
                    raise FetchError(f"{method} {path}: the response is not whole JSON "
                                     f"({len(response.content)} bytes), {self.attempts} times") from None
                time.sleep(0.2 * attempt)

    def _count(self, response) -> None:
        if getattr(response, "from_cache", False):
            self.usage.cached += 1
            return
        self.usage.requests += 1
        for name in COST_HEADERS:
            if name in response.headers:
                try:
                    self.usage.cost += float(response.headers[name])
                except ValueError:
                    pass
                break
        for name in REMAINING_HEADERS:
            if name in response.headers:
                self.usage.remaining = response.headers[name]
                break


def _short(value) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= 200 else text[:200] + "…"
