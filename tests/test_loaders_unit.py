"""Loaders on in-memory data (no server): what each format module makes of a row."""

from __future__ import annotations

import json

import pytest

from graph.papers import PaperRef
from graph.records import Citation, Edge, Node, ReplaceEdges
from loaders import edge_list, openalex, semantic_scholar
from loaders.registry import LoadOptions
from loaders.rows import RawRow
from loaders.bibtex import parse_bibtex
from loaders.works import work_records


def nodes(records, label):
    return [r for r in records if isinstance(r, Node) and r.label == label]


def edges(records, rel):
    return [r for r in records if isinstance(r, Edge) and r.type == rel]


def test_openalex_old_and_new_venues_and_institutions():
    old = {"id": "https://openalex.org/W1", "title": "T", "publication_year": 2020,
           "host_venue": {"display_name": "PeerJ", "type": "journal"},
           "authorships": [{"author": {"display_name": "A B"},
                            "institutions": [{"id": "https://openalex.org/I9", "display_name": "U",
                                              "ror": "https://ror.org/0abc", "country_code": "CA"}]}]}
    new = dict(old, host_venue=None, primary_location={"source": {"display_name": "PeerJ", "type": "journal"}})
    for work in (old, new):
        records = work_records(openalex.work_from(work))
        assert [n.props.get("name") for n in nodes(records, "Venue")] == ["PeerJ"]
        assert [(n.key, n.props["country_code"]) for n in nodes(records, "Institution")] == [("ror:0abc", "CA")]
        assert edges(records, "AUTHORED")[0].props == {"position": 1, "institutions": ["ror:0abc"]}


def test_openalex_repository_is_not_a_venue_and_the_abstract_is_put_back_in_order():
    work = {"id": "W2", "title": "T", "primary_location": {"source": {"display_name": "arXiv", "type": "repository"}},
            "abstract_inverted_index": {"world": [1], "hello": [0], "again": [3, 2]}}
    w = openalex.work_from(work)
    assert w.venue is None and w.abstract == "hello world again again"


@pytest.mark.parametrize("bad, reason", [
    ({"id": "W3", "authorships": "x"}, "authorships should be a list"),
    ({"id": "W3", "publication_year": "2020"}, "publication_year should be an integer"),
    ({"id": "not-an-id"}, "is not an OpenAlex work id"),
    ({"title": "no id"}, "no identifier"),
])
def test_openalex_malformed_works_say_why(bad, reason):
    with pytest.raises(openalex.WorkError, match=reason):
        openalex.work_from(bad)


def test_semantic_scholar_nested_papers_and_citation_properties():
    paper = {"paperId": "a" * 40, "title": "Citing", "references": [
        {"citedPaper": {"paperId": "b" * 40, "title": "Cited", "year": 1999, "authors": [{"name": "X Y"}]},
         "contexts": ["as shown [1]", "as shown [1]"], "intents": ["background"], "isInfluential": True},
        {"citedPaper": {"paperId": None, "title": None}},  # no identifier: said, left out
    ]}
    warnings: list = []
    work = semantic_scholar.work_from(paper, warnings=warnings)
    records = work_records(work)
    cites = edges(records, "CITES")
    assert len(cites) == 1 and cites[0].props == {"contexts": ["as shown [1]"], "intents": ["background"],
                                                  "is_influential": True}
    cited = [n for n in nodes(records, "Paper") if n.props.get("title") == "Cited"]
    assert cited and cited[0].props["year"] == 1999
    assert [n.create_props["name"] for n in nodes(records, "Author")] == ["X Y"]
    assert any("no identifier" in w for w in warnings)


@pytest.mark.parametrize("text, ref", [
    ("https://doi.org/10.1234/ABC", PaperRef(doi="10.1234/abc")),
    ("arXiv:2301.00001v2", PaperRef(arxiv="2301.00001")),
    ("https://openalex.org/W123", PaperRef(openalex="W123")),
    ("https://openreview.net/forum?id=rD62RkufYo", PaperRef(openreview="rD62RkufYo")),
    ("12345", PaperRef(corpus="12345")),
    ("a" * 40, PaperRef(s2="a" * 40)),
    # one paper's identifiers listed apart by spaces (the OpenCitations Index): those citegraph
    # matches on, the first of each kind; else the first one names it
    ("omid:br/06101801781 doi:10.7717/PeerJ-CS.421 pmid:33817056", PaperRef(doi="10.7717/peerj-cs.421")),
    ("omid:br/06101802023 doi:10.7717/peerj-cs.163 pmid:33816816 doi:10.7287/peerj.preprints.26727v1",
     PaperRef(doi="10.7717/peerj-cs.163")),
    ("omid:br/0612 arxiv:2601.17238 openalex:W2611339666", PaperRef(arxiv="2601.17238", openalex="W2611339666")),
    ("omid:br/0611 pmid:78", PaperRef(openreview="omid:br/0611")),
])
def test_edge_list_identifiers(text, ref):
    assert edge_list.ref_for(text) == ref


@pytest.mark.parametrize("text, reason", [
    ("omid:br/0613 not-an-id", "a prefix on each"),
    ("10.1000/a 10.1000/b", "a prefix on each"),
    ("omid:br/0614 doi:xyz", "not a DOI"),
])
def test_a_list_of_identifiers_that_is_not_one_is_rejected(text, reason):
    with pytest.raises(edge_list.IdError, match=reason):
        edge_list.ref_for(text)


@pytest.mark.parametrize("batched", [False, True])  # (line by line, and in rows of many for --bulk)
@pytest.mark.parametrize("text", ["arxiv:", "title:", "openalex:", "s2:", "corpus:"])
def test_an_identifier_prefix_with_nothing_after_it_is_rejected_on_its_line(tmp_path, text, batched):
    path = tmp_path / "c.tsv"
    path.write_text(f"{text}\t10.1000/x\n10.1000/y\t10.1000/z\n", encoding="utf-8")
    rows = list(edge_list.read(path, "c.tsv", LoadOptions(batched=batched)))
    assert rows[0].reject is not None and rows[0].reject.line == 1 and "names no paper" in rows[0].reject.reason
    assert rows[1].reject is None and rows[1].records


def test_bibtex_entries_keep_their_keys_and_report_broken_ones():
    parsed = parse_bibtex("@article{l{\\\"a}hner2023, title={T}}\n@article{broken, title={T}\n")
    assert [e.key for e in parsed.entries] == ['l{\\"a}hner2023']
    assert parsed.failures and parsed.failures[0][0] == 2


def test_replace_edges_withdraw_what_a_source_no_longer_says():
    work = openalex.work_from({"id": "W5", "title": "T", "referenced_works": ["W6", "W7"]})
    replace = [r for r in work_records(work) if isinstance(r, ReplaceEdges) and r.type == "CITES"]
    assert [sorted(k.openalex for k in r.keep) for r in replace] == [["W6", "W7"]]


@pytest.mark.parametrize("batched", [False, True])  # (line by line, and for --bulk)
def test_an_opencitations_json_answer_is_an_edge_list_each_object_said_at_its_line(tmp_path, batched):
    """The OpenCitations API answers in JSON by default: found by its shape whatever the file is
    called, each object a citation; an object without both papers, or with a bad identifier, is
    rejected at the line it starts on and the others load."""
    import json

    from loaders import detect_format, read
    objects = [
        {"oci": "1-2", "citing": "omid:br/1 doi:10.1000/a pmid:5", "cited": "omid:br/2 doi:10.1000/b", "creation": "2021"},
        {"oci": "1-3", "citing": "omid:br/1 doi:10.1000/a pmid:5"},
        {"oci": "1-4", "citing": "omid:br/1 doi:10.1000/a pmid:5", "cited": "omid:br/4 doi:nothing"},
        {"oci": "5-2", "citing": "omid:br/5", "cited": "omid:br/2 doi:10.1000/b"},
    ]
    path = tmp_path / "references.json"
    path.write_text(json.dumps(objects, indent=4), encoding="utf-8")
    assert detect_format(str(path)) == "edges"
    starts = [i + 1 for i, line in enumerate(path.read_text().splitlines()) if line.strip() == "{"]
    rows = list(read(str(path), options=LoadOptions(batched=batched)))
    rejects = [(r.line, r.reject.reason) for r in rows if r.reject]
    assert [line for line, _ in rejects] == [starts[1], starts[2]]
    assert "citing" in rejects[0][1] and "not a DOI" in rejects[1][1]
    cites = [(r.line, rec.citing, rec.cited) for r in rows for rec in r.records if isinstance(rec, Citation)]
    assert cites == [(starts[0], PaperRef(doi="10.1000/a"), PaperRef(doi="10.1000/b")),
                     (starts[3], PaperRef(openreview="omid:br/5"), PaperRef(doi="10.1000/b"))]


@pytest.mark.parametrize("batched", [False, True])
def test_a_snap_arxiv_network_is_read_as_arxiv_ids_only_when_its_header_says_so(tmp_path, batched):
    """SNAP's cit-HepTh header makes its numbers hep-th ids; a line that is no such number is
    rejected at its line; the same numbers without the header are what --id-scheme says."""
    head = ("# Directed graph (each unordered pair of nodes is saved once): Cit-HepTh.txt \n"
            "# Paper citation network of Arxiv High Energy Physics Theory category\n"
            "# Nodes: 27770 Edges: 352807\n# FromNodeId\tToNodeId\n")
    path = tmp_path / "Cit-HepTh.txt"
    path.write_text(head + "1001\t9304045\n1001\tW123\n9304045\t11\n", encoding="utf-8")
    rows = list(edge_list.read(path, "Cit-HepTh.txt", LoadOptions(batched=batched)))
    assert [r.reject.line for r in rows if r.reject] == [6]
    assert any("hep-th ids" in w for r in rows for w in r.warnings)
    refs = set()
    for row in rows:
        for rec in row.records:
            refs |= {rec.citing, rec.cited} if isinstance(rec, Citation) else {ref for ref, _ in rec.refs.values()}
    assert refs == {PaperRef(arxiv="hep-th/0001001"), PaperRef(arxiv="hep-th/9304045"), PaperRef(arxiv="hep-th/0000011")}
    plain = tmp_path / "plain.txt"
    plain.write_text("1001\t9304045\n", encoding="utf-8")
    rows = list(edge_list.read(plain, "plain.txt", LoadOptions(id_scheme="s2")))
    assert [(rec.citing, rec.cited) for r in rows for rec in r.records] == [(PaperRef(corpus="1001"), PaperRef(corpus="9304045"))]


def _paper_jsonl_files():
    from conftest import DATA, SAMPLES
    return [SAMPLES / "neurips2023-workshops.jsonl", *sorted((DATA / "malformed" / "paper-jsonl").glob("*.jsonl"))]


def test_a_paper_row_is_looked_up_by_the_identifiers_its_text_gives_before_it_is_parsed():
    # the fingerprint read from a line's text (the reload's look-up, before any parse) is the
    # one of the parsed row, on the sample and the malformed corpus' rows that parse
    from loaders import jsonl
    from loaders.paper_dataset import row_hash, row_id

    options, compared = LoadOptions(), 0
    for path in _paper_jsonl_files():
        for text_row in jsonl.read_lines(path):
            if text_row.error:
                continue
            parsed = jsonl.parse(RawRow(text_row.line, raw=text_row.raw))
            if parsed.error or not isinstance(parsed.value, dict):
                continue
            expected_id = (openreview_id_of(parsed.value) or
                           (f"arxiv:{parsed.value['arxiv_id']}" if parsed.value.get("arxiv_id") else None))
            assert (row_id(text_row), row_hash(text_row, options)) == (expected_id, row_hash(parsed, options))
            # the same row as pandas' to_json writes it (slashes escaped), and with \u escapes
            for text in (json.dumps(parsed.value).replace("/", "\\/"), json.dumps(parsed.value, ensure_ascii=True)):
                assert row_id(RawRow(1, raw=text)) == expected_id
            compared += 1
    assert compared > 100


def openreview_id_of(value: dict) -> str | None:
    url = value.get("proceedings") or ""
    return url.split("forum?id=", 1)[1] if "forum?id=" in url else None


def test_only_the_rows_the_graph_does_not_hold_are_parsed(tmp_path):
    from loaders import jsonl
    from loaders.paper_dataset import paper_rows

    rows = (_paper_jsonl_files()[0]).read_text(encoding="utf-8").splitlines()[:6]
    # escaped URLs (as pandas writes them) are read from the text too
    escaped = json.loads(rows[4])
    rows[4] = json.dumps(escaped).replace("/", "\\/")
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join([*rows, "{broken"]) + "\n", encoding="utf-8")
    held = {openreview_id_of(json.loads(r)) for r in rows[:6:2]}  # rows 1, 3 and 5 are in the graph
    parsed = []

    def counting(row):
        parsed.append(row.line)
        return jsonl.parse(row)

    options = LoadOptions(unchanged=lambda prints: {pid for pid, _ in prints if pid in held})
    out = list(paper_rows(jsonl.read_lines(path), "papers.jsonl", options, counting))
    assert [r.line for r in out if r.unchanged] == [1, 3, 5]
    assert parsed == [2, 4, 6, 7]
    assert [r.line for r in out if r.reject] == [7]
    assert out[1].records and out[1].records[0].key.openreview == openreview_id_of(json.loads(rows[1]))
