"""An edge list read for the bulk writer (in blocks, the clean ones split on columns) says what
the line-by-line read says about every line: the same citations at the same lines, the same
rejects and warnings. Blocks here are a few hundred bytes, so every kind of line falls into
both clean and unclean blocks."""

import random

import pytest

from graph.records import Citation, Citations
from loaders import LoadOptions, edge_list, read


def _file(path, delimiter: str, seed: int, named: bool = False) -> None:
    """``named``: a first column before the citing and cited ones, which the header names (as an
    OpenCitations CSV's ``oci,citing,cited,...``)."""
    rng = random.Random(seed)
    papers = [f"10.1000/p{i}" for i in range(40)] + ["2312.06932", "W12345", "rD62RkufYo"]
    papers += ["https://doi.org/10.1000/P5"]  # a paper above, written another way
    if delimiter != " ":  # a cell listing one paper's identifiers (OpenCitations), one of them a DOI above
        papers += ["omid:br/0610 doi:10.1000/p3 pmid:77", "omid:br/0611 pmid:78", "omid:br/0612 openalex:W12345"]
    odd = [
        lambda a, b: "# a comment",
        lambda a, b: "",
        lambda a, b: f"{a}{delimiter}{a}",                      # cites itself
        lambda a, b: f"{a}{delimiter}doi:xyz",                  # not a DOI
        lambda a, b: f"{a}",                                    # one cell
        lambda a, b: f" {a}{delimiter}{b} ",                    # spaces to strip
        lambda a, b: f"{a}{delimiter}{b}{delimiter}extra",      # an extra column
        lambda a, b: f"{a}{delimiter}10.1000/é{rng.randrange(3)}",  # non-ASCII
        lambda a, b: f"{a}{delimiter}{'1' * 5000}",             # too long to index
        lambda a, b: f'"{a}"{delimiter}{b}',                    # quoted
        lambda a, b: f"rD62RkufYo\t{b}{delimiter}{b}",          # a tab inside (an OpenReview id before it)
        lambda a, b: f"{a}{delimiter}{delimiter}{b}",           # an empty cell (or two spaces)
        lambda a, b: f"{a}{delimiter}omid:br/0613 not-an-id",   # a list with a word in it
    ]
    lines = ["citing" + delimiter + "cited"]
    for _ in range(3000):
        a, b = rng.choice(papers), rng.choice(papers)
        if rng.random() < 0.02:
            lines.append(rng.choice(odd)(a, b))
        elif a != b:
            lines.append(f"{a}{delimiter}{b}")
    if named:
        # (a line's leading space stays first: before the new column, it moves every cell)
        lines = [f"oci{delimiter}{lines[0]}"] + [
            line if not line or line.startswith("#") else
            " " * line.startswith(" ") + f"0200{i}-0200{i + 1}{delimiter}{line.lstrip(' ')}"
            for i, line in enumerate(lines[1:])]
    data = "\n".join(lines).encode() + b"\n"
    data = data.replace(b"10.1000/p7\t", b"10.1000/p7\r\t", 1)  # one carriage return, one bad byte
    data = data.replace(b"10.1000/p9\n", b"10.1000/\xff9\n", 1)
    path.write_bytes(data)


def _said(path, batched: bool):
    """(citations by line, rejects, warnings, lines read). A repeated citation is left out of the
    citations (the line-by-line read leaves it out; the rows of many write it once)."""
    rows = list(read(str(path), "edges", LoadOptions(batched=batched)))
    repeats = {r.line for r in rows for w in r.warnings if w.startswith("the same citation")}
    citations = []
    known, first_named = {}, {}  # paper number -> its reference, the line that first named it
    for row in rows:
        for rec in row.records:
            if isinstance(rec, Citations):
                assert not known.keys() & rec.refs.keys()  # each reference given once
                for number, (ref, line) in rec.refs.items():
                    known[number], first_named[ref] = ref, line
                citations += [(line, known[p >> 32], known[p & 0xFFFFFFFF]) for p, line in zip(rec.numbers, rec.lines)]
            elif isinstance(rec, Citation):
                citations.append((row.line, rec.citing, rec.cited))
    if batched:  # the line given with a reference is the first clean line that names its paper
        for ref, line in first_named.items():
            assert line == min(c[0] for c in citations if ref in c[1:])
    return (sorted(c for c in citations if c[0] not in repeats), sorted((r.line, r.reject.reason) for r in rows if r.reject),
            sorted((r.line, w) for r in rows for w in r.warnings), sum(r.lines for r in rows))


@pytest.mark.parametrize("delimiter", ["\t", ",", " "])
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("odd_share, min_run", [(10**9, 32), (1, 2)])  # a block with an odd line read
@pytest.mark.parametrize("named", [False, True])
def test_blocks_read_on_columns_say_what_the_lines_say(tmp_path, monkeypatch, delimiter, seed, odd_share, min_run,
                                                       named):
    # line by line; or its odd lines alone, the runs between them (of two lines or more) on columns;
    # the citing and cited papers in the first two columns, or in the two a header names
    monkeypatch.setattr(edge_list, "BLOCK_BYTES", 700)
    monkeypatch.setattr(edge_list, "FIRST_BYTES", 100)
    monkeypatch.setattr(edge_list, "ODD_SHARE", odd_share)
    monkeypatch.setattr(edge_list, "MIN_RUN", min_run)
    path = tmp_path / "cites.txt"
    _file(path, delimiter, seed, named)
    blocks = list(edge_list._blocks(path))
    lines = edge_list._Lines("cites.txt")
    lines.delimiter, lines.columns = delimiter if delimiter != " " else None, (1, 2) if named else (0, 1)
    clean = sum(1 for first, block in blocks if first > 1 and edge_list._clean_block(
        block, first, lines, edge_list._references("auto"), bytearray()) is not None)
    assert clean > len(blocks) // 3  # the columns' path is taken, and not for every block
    assert b"".join(block for _, block in blocks) == path.read_bytes()
    by_lines = _said(path, batched=False)
    assert by_lines[1] and by_lines[2]  # the file has rejects and warnings to say
    assert _said(path, batched=True) == by_lines
    if named:  # the same citations and rejected lines as the file without the first column
        plain = _said(_file(tmp_path / "plain.txt", delimiter, seed) or tmp_path / "plain.txt", batched=False)
        assert by_lines[0] == plain[0] and [line for line, _ in by_lines[1]] == [line for line, _ in plain[1]]


def test_one_odd_line_is_read_alone_not_its_block(tmp_path, monkeypatch):
    """A self-citation amid 4,000 clean lines: it is read alone, the lines around it on columns,
    and the file says what the lines say."""
    monkeypatch.setattr(edge_list, "BLOCK_BYTES", 1 << 20)
    monkeypatch.setattr(edge_list, "FIRST_BYTES", 100)
    lines = ["citing\tcited"] + [f"10.1000/p{i}\t10.1000/p{i + 1}" for i in range(4000)]
    lines[2500] = "10.1000/p9\t10.1000/p9"
    path = tmp_path / "cites.tsv"
    path.write_text("\n".join(lines) + "\n")
    one_by_one = []
    line = edge_list._Lines.line
    monkeypatch.setattr(edge_list._Lines, "line", lambda self, number, data: one_by_one.append(number) or line(self, number, data))
    batched = _said(path, batched=True)
    assert one_by_one[-1] == 2501 and len(one_by_one) < 10  # the first block's few lines, and the odd one
    monkeypatch.setattr(edge_list._Lines, "line", line)
    assert batched == _said(path, batched=False)
    assert batched[2] == [(2501, "10.1000/p9 cites itself; not written")]


@pytest.mark.parametrize("known_size", [1, 1 << 18])
def test_papers_numbered_in_earlier_blocks_are_numbered_on_columns(tmp_path, monkeypatch, known_size):
    """A paper a block before numbered is looked up on columns, not made a reference again;
    one numbered but not named yet (its only line before was rejected) is given, with its
    reference, at the first clean line that names it; with the references remembered one at a
    time (``known_size`` 1), the file still says what its lines say."""
    monkeypatch.setattr(edge_list, "BLOCK_BYTES", 300)
    monkeypatch.setattr(edge_list, "FIRST_BYTES", 100)
    monkeypatch.setattr(edge_list, "KNOWN_SIZE", known_size)
    lines = ["citing\tcited"] + [f"10.1000/p{i}\t10.1000/p{i + 1}" for i in range(10)]
    lines += ["10.1000/late\tdoi:xyz"] * 2  # numbered (it is a DOI), not named: its lines are rejected
    lines += [f"10.1000/p{i}\t10.1000/p{i + 3}" for i in range(40)]
    lines += [f"10.1000/p{i}\t10.1000/late" for i in range(20, 40)]
    path = tmp_path / "cites.tsv"
    path.write_text("\n".join(lines) + "\n")
    made = []
    ref_for = edge_list.ref_for
    monkeypatch.setattr(edge_list, "ref_for", lambda value, scheme="auto": made.append(value) or ref_for(value, scheme))
    batched = _said(path, batched=True)
    if known_size > 1:  # each paper made a reference once (the bad cell each time it is met)
        assert sorted(v for v in made if v != "doi:xyz") == sorted(set(made) - {"doi:xyz"})
    assert any(line == 1 + 10 + 2 + 40 + 1 and cited.doi == "10.1000/late" for line, _, cited in batched[0])
    assert [(line, reason.split(" ")[0]) for line, reason in batched[1]] == [(12, "'doi:xyz'"), (13, "'doi:xyz'")]
    assert batched == _said(path, batched=False)
