"""The identity engine: which references of a batch are one paper, and which existing papers
they are. Pure (no driver): the live writer asks Neo4j what it needs to know, ``--bulk`` asks
its in-memory index, and both apply the same decisions.

The rules (``docs/identity.md``): references that share an identifier are one paper; a group of
references takes every existing paper that has one of its identifiers (matched in the order of
``MATCH_ORDER``) and those papers become one; a paper known only by its title joins the one group
with identifiers that claims the title, unless their BibTeX keys disagree; the paper's id is the
best identifier anyone gave it (``ID_ORDER``).

>>> a = PaperRef.make(doi="10.1234/x", title="Deep Cats")
>>> b = PaperRef.make(arxiv="2301.00001", doi="10.1234/x")
>>> plan = resolve([a, b], existing={("doi", "10.1234/x"): "doi:10.1234/x"}, title_only={})
>>> plan.ids[a], plan.renames
('arxiv:2301.00001', [('doi:10.1234/x', 'arxiv:2301.00001')])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.papers import MATCH_ORDER, STRONG_PROPS, PaperRef, id_rank


@dataclass
class Plan:
    """What a batch of references means for the graph."""

    ids: dict = field(default_factory=dict)  # PaperRef -> the paper's id after this batch
    merges: list = field(default_factory=list)  # (keep, gone): existing papers found to be one, in order
    renames: list = field(default_factory=list)  # (old, new): an existing paper gets a better id
    new: set = field(default_factory=set)  # ids of papers no one knew before
    gained: set = field(default_factory=set)  # ids of known papers given a strong identifier no paper had
    learned: dict = field(default_factory=dict)  # (kind, value) -> id, every identifier seen
    stale: dict = field(default_factory=dict)  # old id -> new id, for caches
    evidence: dict = field(default_factory=dict)  # id -> why other papers became it (Paper.merged_from)


def lookups(refs) -> tuple[set, set]:
    """What to ask the graph before ``resolve``: every identifier, and the titles that could
    find a paper known only by its title."""
    pairs = {p for r in refs if r for p in r.pairs()}
    titles = {r.weak_title()[1] for r in refs if r and r.weak_title()}
    return pairs, titles


def resolve(refs, existing: dict, title_only: dict) -> Plan:
    """The plan for a batch.

    ``existing``: (kind, value) -> id of the paper that has that identifier now;
    ``title_only``: title slug -> (id, BibTeX key or None) of a paper known only by that title.
    """
    refs = [r for r in dict.fromkeys(refs) if r]
    groups = _groups(refs)
    plan = Plan()
    claimed = _title_claims(refs, groups)
    for members in groups:
        pairs = sorted({p for i in members for p in refs[i].pairs()}, key=lambda p: MATCH_ORDER.index(p[0]))
        matched: list = []
        for pair in pairs:
            node = existing.get(pair)
            if node and node not in matched:
                matched.append(node)
        joined = _title_join(refs, members, claimed, title_only)
        if joined and joined not in matched:
            matched.append(joined)
        why = {}  # existing paper -> the identifier that found it
        for pair in pairs:
            why.setdefault(existing.get(pair), f"same {pair[0]} {pair[1]}")
        if joined:
            why.setdefault(joined, "same title; it had no identifier")
        minted = PaperRef(**{k: v for k, v in reversed(pairs)}).minted_id()
        keep = matched[0] if matched else minted
        if not matched:
            plan.new.add(keep)
        notes = []
        for gone in matched[1:]:
            plan.merges.append((keep, gone))
            notes.append(f"{gone} ({why[gone]})")
        # the best id anyone gave the paper, a merged one's too (most often the paper's own id)
        best = minted if matched == [minted] else best_id([*matched, minted])
        if matched and best != keep:
            plan.renames.append((keep, best))
            notes.append(f"{keep} (renamed: {best} is a better id)")
            keep = best
        if notes:
            plan.evidence.setdefault(keep, []).extend(notes)
        if matched and any(pair[0] in STRONG_PROPS and pair not in existing for pair in pairs):
            plan.gained.add(keep)  # (another load may have just created a paper for it)
        for old in matched:
            if old != keep:
                plan.stale[old] = keep
        for pair in pairs:
            plan.learned[pair] = keep
        for i in members:
            plan.ids[refs[i]] = keep
    return plan


def new_paper_id(ref: PaperRef) -> str:
    """The id ``resolve`` gives a reference alone that finds no paper (by an identifier or by
    its title): its best identifier. (A shortcut for the bulk writer, which meets most papers
    once: the full plan costs it about 30 µs a paper.)"""
    return ref.minted_id()


def best_id(ids) -> str:
    """The id a paper keeps when several name it: the best kind (``ID_ORDER``), then the smallest."""
    return min(ids, key=lambda i: (id_rank(i), i))


def _groups(refs: list) -> list[list[int]]:
    """References that share an identifier, transitively; and a reference known only by its title
    with the one group of identified references that claims the same title (keys agreeing)."""
    parent = list(range(len(refs)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict = {}
    for i, ref in enumerate(refs):
        for pair in ref.pairs():
            if pair in owner:
                parent[root(i)] = root(owner[pair])
            else:
                owner[pair] = i

    def collect() -> dict:
        out: dict = {}
        for i in range(len(refs)):
            out.setdefault(root(i), []).append(i)
        return out

    groups = collect()
    title_groups = {}
    for r, members in groups.items():
        pairs = {p for i in members for p in refs[i].pairs()}
        if len(pairs) == 1 and next(iter(pairs))[0] == "title":
            title_groups[next(iter(pairs))[1]] = r
    if title_groups:
        for title, claimants in _claims(refs, groups).items():
            if title in title_groups and len(claimants) == 1 and _keys_agree(
                    refs, groups[claimants[0]], {refs[i].bibkey for i in groups[title_groups[title]]}):
                parent[root(title_groups[title])] = root(claimants[0])
        groups = collect()
    return list(groups.values())


def _claims(refs: list, groups) -> dict:
    """Title -> the groups with identifiers that carry it."""
    out: dict = {}
    items = groups.items() if isinstance(groups, dict) else enumerate(groups)
    for key, members in items:
        for title in {refs[i].weak_title()[1] for i in members if refs[i].weak_title()}:
            out.setdefault(title, []).append(key)
    return out


def _title_claims(refs: list, groups: list) -> dict:
    """Titles that exactly one group of this batch claims (only those may find a title-only paper)."""
    return {t: c[0] for t, c in _claims(refs, groups).items() if len(c) == 1}


def _title_join(refs: list, members: list, claimed: dict, title_only: dict) -> str | None:
    """The paper known only by its title that this group takes in, if any."""
    for title in {refs[i].weak_title()[1] for i in members if refs[i].weak_title()}:
        if title in claimed and title in title_only:
            node, key = title_only[title]
            if _keys_agree(refs, members, {key}):
                return node
    return None


def _keys_agree(refs: list, members: list, other_keys: set) -> bool:
    """BibTeX keys do not contradict: where both sides have one, they share one."""
    mine = {refs[i].bibkey for i in members} - {None}
    other_keys = set(other_keys) - {None}
    return not mine or not other_keys or bool(mine & other_keys)
