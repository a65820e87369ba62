"""Shared by the benchmarks: a dedicated managed Neo4j, data sets, measurements in child processes."""

from __future__ import annotations

import atexit
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "benchmarks" / "data"
RESULTS = REPO / "benchmarks" / "results"


def bench_server(heap: str = "6g", pagecache: str = "6g"):
    """The benchmarks' own managed Neo4j (its own home, so it never touches your data)."""
    from citegraph.server import ManagedServer, free_port

    server = ManagedServer(os.environ.get("CITEGRAPH_BENCH_HOME", REPO / ".cache" / "bench-neo4j"))
    status = server.status()
    if not status.running:
        status = server.start(bolt_port=free_port(), http_port=free_port(), heap=heap, pagecache=pagecache,
                              timeout=600)
        atexit.register(server.stop)  # it holds 12 GiB: a server the run started ends with the run
    return server, status


def dataset(papers: int, seed: int = 7) -> Path:
    """Synthetic data of this size (generated once, kept in benchmarks/data/)."""
    from benchmarks.generate import DATA_VERSION, generate

    out = DATA / f"{papers}-s{seed}"
    meta = out / "meta.json"
    if not meta.exists() or json.loads(meta.read_text()).get("version", 1) != DATA_VERSION:
        shutil.rmtree(out, ignore_errors=True)  # (with the changed copies made from it)
        generate(papers, out, seed)
    return out


def run_child(args: list[str], env: dict | None = None) -> dict:
    """Run ``python -m benchmarks.<...>`` in a fresh process; it prints one JSON object (with its
    own peak memory), so each measurement starts from a clean interpreter."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})})
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.setdefault("wall_seconds", round(wall, 3))
    return result


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_seconds() -> dict:
    """CPU seconds so far: this process and its waited-for children (user, system), and the
    managed server it talks to (``CITEGRAPH_NEO4J_HOME``), so a report can say where the two
    cores went. Subtract two readings."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    out = {"user": me.ru_utime, "system": me.ru_stime, "children_user": kids.ru_utime,
           "children_system": kids.ru_stime, "server": 0.0}
    try:
        from citegraph.server import ManagedServer

        pid = ManagedServer(os.environ["CITEGRAPH_NEO4J_HOME"]).status().pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        out["server"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except (KeyError, OSError, ValueError, TypeError):
        pass  # not Linux, or no managed server: no server figure
    return out


def cpu_used(before: dict) -> dict:
    after = cpu_seconds()
    return {k: round(after[k] - before[k], 1) for k in after}


def machine() -> dict:
    import multiprocessing
    mem = 0
    try:
        mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpus": multiprocessing.cpu_count(), "memory_gib": mem, "python": platform.python_version(),
            "platform": platform.platform(), "date": time.strftime("%Y-%m-%d")}
