"""The graph `load --bulk` builds against the one the Cypher loads build from the same files,
element by element: every node's labels and properties, every relationship's type, ends and
properties (``--steps same``; not timed).

Nodes are named by their key in the model (a paper's id, an author's key, a repository's url,
a Hub account's name); what a load may leave differently without the graph being different is
left out: merge evidence (``merged_from``: which merges a load needs depends on how its rows
were batched) and the marks a load leaves for the statistics to pick up (``stats_pending``);
``sources`` lists are compared as sets.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

IGNORED = {"merged_from", "stats_pending"}
KEY = "coalesce({v}.id, {v}.key, {v}.url, {v}.name)"


def _fingerprint(*parts) -> bytes:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).digest()


def _props(props: dict) -> tuple:
    # ``sources`` is a set (its order is the order the sources were loaded in: a bulk load reads
    # its files together)
    return tuple(sorted((k, sorted(v) if k == "sources" else v) for k, v in props.items() if k not in IGNORED))


def _add(kind: dict, key, props: dict) -> None:
    # a key met twice folds the first fingerprint into the second: not what one element gives
    kind[key] = _fingerprint(_props(props), kind.get(key))


def digest(driver, database: str | None = None) -> dict:
    """{("node", its labels) or ("rel", its type): {key: fingerprint}} for the whole graph (keys of
    relationships: (start key, end key); a key met twice folds both fingerprints into one, so that
    two nodes under one key, or two parallel relationships, show as a difference)."""
    out: dict = defaultdict(dict)
    with driver.session(database=database) as session:
        for r in session.run(f"MATCH (n) RETURN labels(n) AS labels, {KEY.format(v='n')} AS key, "
                             "properties(n) AS props"):
            _add(out[("node", " ".join(sorted(r["labels"])))], r["key"], r["props"])
        for r in session.run(f"MATCH (a)-[r]->(b) RETURN type(r) AS type, {KEY.format(v='a')} AS a, "
                             f"{KEY.format(v='b')} AS b, properties(r) AS props"):
            _add(out[("rel", r["type"])], (r["a"], r["b"]), r["props"])
    return dict(out)


def differences(one: dict, other: dict, show: int = 10) -> dict:
    """How the two digests differ: per kind, the keys only in one, only in the other, or with
    other labels or properties (the first ``show`` of each); empty when the graphs are equal."""
    found = {}
    for kind in sorted(set(one) | set(other)):
        a, b = one.get(kind, {}), other.get(kind, {})
        only_a = [k for k in a if k not in b]
        only_b = [k for k in b if k not in a]
        changed = [k for k in a if k in b and a[k] != b[k]]
        if only_a or only_b or changed:
            found[" ".join(kind)] = {
                "only_first": len(only_a), "only_second": len(only_b), "different": len(changed),
                "examples": [repr(k) for k in (only_a + only_b + changed)[:show]]}
    return found


def sizes(one: dict) -> tuple[int, int]:
    """(nodes, relationships) of a digest."""
    nodes = sum(len(v) for k, v in one.items() if k[0] == "node")
    return nodes, sum(len(v) for k, v in one.items() if k[0] == "rel")
