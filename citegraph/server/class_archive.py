"""A class-data archive for the managed server's JVM (Java's dynamic CDS): the classes Neo4j
loads while it starts, kept in one file the JVM maps, instead of read from some 300 jars on
every start (measured here: a start took 11-12 s with it against 15-20 s without).

The first start of a home asks the JVM to write the archive when it exits; a clean stop
adopts it, after a trial run shows the file whole (a truncated archive makes the JVM crash,
not fall back). Later starts use it. An archive belongs to one Java and one class path (the
jars' sizes and times are in its name), so another Java, another Neo4j or a rebuilt Browser
jar makes a new one."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

QUIET = "-Xlog:cds*=off"  # the JVM warns about every class it cannot archive (signed jars, ...)


def _path(home: Path, java: str, classpath: str) -> Path:
    entries = [java, *classpath.split(os.pathsep)]
    described = []
    for entry in entries:
        try:
            stat = os.stat(entry)
            described.append(f"{entry}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            described.append(entry)
    key = hashlib.sha256("\n".join(described).encode("utf-8")).hexdigest()[:20]
    return home / "jvm" / f"classes-{key}.jsa"


def flags(home: Path, java: str, classpath: str) -> tuple[list[str], Path, bool]:
    """The JVM flags for a start, the archive's path, and whether the archive is used (else the
    JVM writes it at exit, to the path plus ``.partial``, for ``adopt`` to take)."""
    archive = _path(home, java, classpath)
    if archive.exists():
        return [f"-XX:SharedArchiveFile={archive}", QUIET], archive, True
    archive.parent.mkdir(parents=True, exist_ok=True)
    return [f"-XX:ArchiveClassesAtExit={partial(archive)}", QUIET], archive, False


def partial(archive: Path) -> Path:
    return archive.with_name(archive.name + ".partial")


def adopt(archive: Path, java: str) -> bool:
    """After the JVM that wrote it has exited: keep the archive if Java can map it (and drop the
    archives of earlier class paths); returns whether it was kept."""
    written = partial(archive)
    if not written.exists():
        return False
    crash_log = archive.parent / "trial-crash.log"  # (not an hs_err file in the caller's folder)
    trial = subprocess.run([java, f"-XX:SharedArchiveFile={written}", QUIET, f"-XX:ErrorFile={crash_log}",
                            "-version"], capture_output=True, timeout=60, cwd=archive.parent)
    crash_log.unlink(missing_ok=True)
    if trial.returncode != 0:
        written.unlink(missing_ok=True)
        return False
    for old in archive.parent.glob("classes-*.jsa*"):
        if old != written:
            old.unlink(missing_ok=True)
    written.replace(archive)
    return True


def discard(archive: Path) -> None:
    archive.unlink(missing_ok=True)
    partial(archive).unlink(missing_ok=True)
