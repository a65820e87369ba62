"""The identity engine on its own (no server): plans computed by hand from the rules in
docs/identity.md."""

from __future__ import annotations

from graph.paper_identity import best_id, lookups, resolve
from graph.papers import PaperRef

R = PaperRef.make


def test_references_sharing_an_identifier_are_one_paper_with_the_best_id():
    a, b, c = R(doi="10.1234/x"), R(doi="10.1234/x", arxiv="2301.00001"), R(openalex="W7", arxiv="2301.00001")
    plan = resolve([a, b, c], existing={}, title_only={})
    assert {plan.ids[a], plan.ids[b], plan.ids[c]} == {"arxiv:2301.00001"}
    assert plan.new == {"arxiv:2301.00001"} and plan.merges == [] and plan.renames == []


def test_existing_papers_found_to_be_one_are_merged_and_renamed():
    ref = R(doi="10.1234/x", arxiv="2301.00001")
    existing = {("doi", "10.1234/x"): "doi:10.1234/x", ("arxiv", "2301.00001"): "arxiv:2301.00001"}
    plan = resolve([ref], existing, {})
    # matched in the order DOI, arXiv: the DOI's paper keeps, the arXiv one folds into it,
    # and the kept paper takes the better id
    assert plan.merges == [("doi:10.1234/x", "arxiv:2301.00001")]
    assert plan.renames == [("doi:10.1234/x", "arxiv:2301.00001")]
    assert plan.ids[ref] == "arxiv:2301.00001" and plan.new == set()
    assert plan.stale == {"doi:10.1234/x": "arxiv:2301.00001"}


def test_an_openreview_id_is_never_given_up():
    ref = R(doi="10.1234/x")
    plan = resolve([ref], {("doi", "10.1234/x"): "rD62RkufYo"}, {})
    assert plan.ids[ref] == "rD62RkufYo" and plan.renames == []
    assert best_id(["doi:10.1/a", "rD62RkufYo", "arxiv:2301.00001"]) == "rD62RkufYo"


def test_a_title_only_entry_joins_the_one_group_that_claims_its_title():
    plain = R(title="Deep Learning for Cats", bibkey="smith2020")
    with_doi = R(doi="10.1234/cats", title="Deep Learning for Cats", bibkey="smith2020")
    plan = resolve([plain, with_doi], {}, {})
    assert plan.ids[plain] == plan.ids[with_doi] == "doi:10.1234/cats"


def test_another_key_or_a_second_claimant_keeps_it_apart():
    plain = R(title="Deep Learning for Cats", bibkey="smith2020")
    other_key = R(doi="10.1234/cats", title="Deep Learning for Cats", bibkey="jones2021")
    plan = resolve([plain, other_key], {}, {})
    assert plan.ids[plain] == "title:deep-learning-for-cats" != plan.ids[other_key]
    # two papers with identifiers claim the title: the title-only entry cannot tell which
    preprint, published = R(arxiv="2301.00001", title="Deep Learning for Cats"), R(doi="10.1234/cats",
                                                                                  title="Deep Learning for Cats")
    plan = resolve([R(title="Deep Learning for Cats"), preprint, published], {}, {})
    assert len(set(plan.ids.values())) == 3


def test_a_title_only_paper_in_the_graph_is_taken_in():
    ref = R(doi="10.1234/cats", title="Deep Learning for Cats", bibkey="smith2020")
    title_only = {"deep-learning-for-cats": ("title:deep-learning-for-cats", "smith2020")}
    plan = resolve([ref], {}, title_only)
    assert plan.renames == [("title:deep-learning-for-cats", "doi:10.1234/cats")]
    assert plan.ids[ref] == "doi:10.1234/cats"
    other = resolve([ref], {}, {"deep-learning-for-cats": ("title:deep-learning-for-cats", "jones2021")})
    assert other.renames == [] and other.new == {"doi:10.1234/cats"}


def test_weak_identifiers_only_stand_in_for_missing_strong_ones():
    cite_only = R(cite="z-phys-sov/2/46/1932")
    with_doi = R(doi="10.1234/landau", cite="z-phys-sov/2/46/1932")
    assert cite_only.pairs() == [("cite", "z-phys-sov/2/46/1932")]
    assert with_doi.pairs() == [("doi", "10.1234/landau")]  # a page range is no identity for it
    plan = resolve([cite_only], {("cite", "z-phys-sov/2/46/1932"): "doi:10.1234/landau"}, {})
    assert plan.ids[cite_only] == "doi:10.1234/landau"


def test_lookups_ask_for_every_identifier_and_the_claimable_titles():
    refs = [R(doi="10.1234/x", title="A"), R(title="B"), R(arxiv="2301.00001")]
    pairs, titles = lookups(refs)
    assert pairs == {("doi", "10.1234/x"), ("title", "b"), ("arxiv", "2301.00001")}
    assert titles == {"a"}


def test_a_reference_that_finds_no_paper_gets_the_id_the_full_plan_gives_it():
    """The bulk writer's shortcut for a paper met the first time agrees with ``resolve``."""
    from hypothesis import given, strategies as st

    from graph.paper_identity import new_paper_id

    value = st.none() | st.text("ab1./", min_size=1, max_size=6)
    refs = st.builds(PaperRef, openreview=value, arxiv=value, doi=value, openalex=value, s2=value, corpus=value,
                     cite=value, title=value, bibkey=value).filter(bool)

    @given(refs)
    def check(ref):
        assert new_paper_id(ref) == resolve([ref], existing={}, title_only={}).ids[ref]

    check()


def test_a_known_paper_given_a_strong_identifier_no_paper_had_is_noted():
    # (the writer looks such papers up again after its commit: another load may have created
    # a paper for that identifier meanwhile)
    ref = PaperRef.make(doi="10.1234/x", openalex="W1", cite="key1")
    assert resolve([ref], {("doi", "10.1234/x"): "doi:10.1234/x"}, {}).gained == {"doi:10.1234/x"}
    both = {("doi", "10.1234/x"): "doi:10.1234/x", ("openalex", "W1"): "doi:10.1234/x"}
    assert resolve([ref], both, {}).gained == set()  # a cite key is not looked up again
    assert resolve([ref], {}, {}).gained == set()  # new: looked up as new
