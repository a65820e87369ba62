"""Unit tests: author name keys and identifier normalisation."""

import pytest

from graph.identity import display_name, name_key, normalize_arxiv, normalize_doi, normalize_openalex, openreview_id


@pytest.mark.parametrize("a, b", [
    ("Gowda, Thamme", "Thamme Gowda"),
    ("Thamme  Gowda", "Thamme Gowda"),
    ("Tilman R{\\\"a}uker", "Tilman Räuker"),
    ('Tilman R\\"auker', "Tilman Räuker"),
    ("Tilman Ra\u0308uker", "Tilman Räuker"),  # combining diaeresis (NFD) vs precomposed
    ("Zorah L{\\\"a}hner", "Zorah Lähner"),
    ("Ond{\\v{r}}ej Du{\\v{s}}ek", "Ondřej Dušek"),
    ("Tatiana A. Engel", "Tatiana A Engel"),
    ("TATIANA A ENGEL", "Tatiana A Engel"),
    ("Jean-Pierre  Dupont", "Jean - Pierre Dupont"),
    ("Tatiana\u00a0Engel", "Tatiana Engel"),
])
def test_same_person(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [
    ("J. Smith", "Jane Smith"),
    ("Jane Smith", "John Smith"),
    ("Ondřej Dušek", "Ondrej Dusek"),  # accents are part of the name
    ("Wei Zhang", "Wei Zheng"),
])
def test_different_people(a, b):
    assert name_key(a) != name_key(b)


def test_display_name_keeps_accents_and_turns_last_first_round():
    assert display_name("Dušek, Ondřej") == "Ondřej Dušek"
    assert display_name("Ond{\\v{r}}ej Du{\\v{s}}ek") == "Ondřej Dušek"
    assert display_name("Smith, Jr., John") == "John Smith Jr."


@pytest.mark.parametrize("raw, doi", [
    ("https://doi.org/10.18653/V1/2020.ACL-main.1", "10.18653/v1/2020.acl-main.1"),
    ("doi:10.1000/XYZ123", "10.1000/xyz123"),
    ("10.1000/a\\_b", "10.1000/a_b"),
    ("http://dx.doi.org/10.1000%2Fabc", "10.1000/abc"),
    ("not a doi", None),
    ("", None),
])
def test_doi(raw, doi):
    assert normalize_doi(raw) == doi


@pytest.mark.parametrize("raw, arxiv", [
    ("2312.06932", "2312.06932"),
    ("arXiv:2312.06932v3", "2312.06932"),
    ("https://arxiv.org/abs/2312.06932v1", "2312.06932"),
    ("abs/1905.12345", "1905.12345"),
    ("arXiv preprint arXiv:1706.03762", "1706.03762"),
    ("hep-th/9901001v2", "hep-th/9901001"),
    ("12345", None),
])
def test_arxiv(raw, arxiv):
    assert normalize_arxiv(raw) == arxiv


def test_openreview_and_openalex():
    assert openreview_id("https://openreview.net/forum?id=rD62RkufYo") == "rD62RkufYo"
    assert openreview_id("https://openreview.net/pdf?id=rD62RkufYo") == "rD62RkufYo"
    assert openreview_id("https://openreview.net/forum") is None
    assert normalize_openalex("https://openalex.org/W2741809807") == "W2741809807"
    assert normalize_openalex("w123") == "W123"
    assert normalize_openalex("https://openalex.org/X1") is None


@pytest.mark.parametrize("value, names, et_al", [
    # dblp: one author per line
    ("Carole H. Sudre and\n               Wenqi Li and\n               Tom Vercauteren",
     ["Carole H. Sudre", "Wenqi Li", "Tom Vercauteren"], False),
    # ACL Anthology: Last, First with two spaces before `and` and a line break after
    ("Libovick{\\'y}, Jind{\\v{r}}ich  and\n      Helcl, Jind{\\v{r}}ich",
     ["Libovick{\\'y}, Jind{\\v{r}}ich", "Helcl, Jind{\\v{r}}ich"], False),
    # Springer: `and` at the start of each line
    ("Neef, Sebastian\nand Oudeh, Maath", ["Neef, Sebastian", "Oudeh, Maath"], False),
    # tabs, upper case, and others
    ("A. Alpha\tAND\tB. Beta and others", ["A. Alpha", "B. Beta"], True),
    ("Smith, J. et al.", ["Smith, J."], True),
    # braces protect: a corporate name, and BibTeX's count of escaped braces
    ("{Barnes and Noble} and Doe, Jane", ["{Barnes and Noble}", "Doe, Jane"], False),
    ("Canada, Environment \\{and\\} Climate Change", ["Canada, Environment \\{and\\} Climate Change"], False),
    # `and` inside a word is not a separator
    ("Alexander Andrews and Sandra Anderson", ["Alexander Andrews", "Sandra Anderson"], False),
    ("", [], False),
])
def test_person_lists_as_exporters_write_them(value, names, et_al):
    from graph.identity import split_person_list
    assert split_person_list(value) == (names, et_al)


@pytest.mark.parametrize("raw, shown", [
    ("Libovick{\\'y}, Jind{\\v{r}}ich", "Jindřich Libovický"),
    ("van der Geest, Rob J.", "Rob J. van der Geest"),
    ("{McLachlan}, Paul", "Paul McLachlan"),
    ("{Google Brain}", "Google Brain"),
    ("{Barnes and Noble, Inc.}", "Barnes and Noble, Inc."),
    ("Gonz{\\'a}lez-Santamarta, Miguel {\\'A}.", "Miguel Á. González-Santamarta"),
    ("John Smith, Jr.", "John Smith, Jr."),
])
def test_display_names_by_bibtex_name_parts(raw, shown):
    assert display_name(raw) == shown


def test_citation_key_needs_all_four_parts():
    from graph.papers import citation_key
    assert citation_key("Phys. Rev. Lett.", "77", "3865--3868", 1996) == "phys-rev-lett/77/3865/1996"
    assert citation_key("Phys. Rev. Lett.", "77", None, 1996) is None
    assert citation_key(None, "77", "3865", 1996) is None


def test_the_name_shown_does_not_depend_on_which_spelling_came_first(graph, tmp_path):
    """Two papers spell one author two ways: in either order, and by either load path, the
    author is shown with the fuller spelling (and mixed case over capitals)."""
    import json

    from conftest import SAMPLES, run
    base = json.loads((SAMPLES / "hub-artifacts.jsonl").read_text(encoding="utf-8").splitlines()[0])
    spellings = [["Dean A Pospisil", "JOSÉ NÚÑEZ"], ["Dean A. Pospisil", "José Núñez"]]
    files = []
    for i, authors in enumerate(spellings):
        path = tmp_path / f"p{i}.jsonl"
        row = dict(base, proceedings=f"https://openreview.net/forum?id=Spell{i}", arxiv_id="", authors=authors,
                   Models=[], Datasets=[], Spaces=[], GitHub=[""], title=f"Paper {i}")
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        files.append(path)
    shown = []
    for order, bulk in ((files, False), (files[::-1], False), (files[::-1], True), ([tmp_path], False)):
        graph.reset()
        if bulk:
            graph.load(order, bulk=True)
        else:
            for path in order:
                graph.load([path])
        shown.append(sorted(r["n"] for r in run(graph, "MATCH (a:Author) RETURN a.name AS n")))
    assert shown == [["Dean A. Pospisil", "José Núñez"]] * 4
