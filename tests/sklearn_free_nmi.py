"""Normalised mutual information of two partitions ({node: group}), for comparing community detections."""

import math
from collections import Counter


def nmi(a: dict, b: dict) -> float:
    nodes = list(a)
    n = len(nodes)
    ca, cb = Counter(a[x] for x in nodes), Counter(b[x] for x in nodes)
    joint = Counter((a[x], b[x]) for x in nodes)
    mi = sum(c / n * math.log(c * n / (ca[i] * cb[j])) for (i, j), c in joint.items())
    ha = -sum(c / n * math.log(c / n) for c in ca.values())
    hb = -sum(c / n * math.log(c / n) for c in cb.values())
    return 1.0 if ha + hb == 0 else 2 * mi / (ha + hb)
