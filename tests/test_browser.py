"""The Neo4j Browser of the managed server, driven in Debian's headless Chromium.

Connect with the generated credentials; the guide opens by itself and the
style is applied; one click on a canned query of the guide draws its graph.
"""

import re
import shutil
from pathlib import Path

import pytest

import sample_truth as truth
from conftest import REPO, SAMPLES, run

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = REPO / ".cache" / "browser-e2e.png"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def grass_colours() -> dict:
    text = (REPO / "citegraph" / "browser" / "citegraph.grass").read_text()
    return {m.group(1): m.group(2).upper() for m in re.finditer(r"node\.(\w+)\s*\{[^}]*?color:\s*(#[0-9A-Fa-f]{6})", text)}


def test_guide_runs_a_canned_query_and_the_graph_is_drawn(neo4j_server, graph):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser-deps` (make test does)")
    from playwright.sync_api import sync_playwright

    graph.load([SAMPLES / "neurips2023-workshops.jsonl"], conference="NeurIPS 2023")
    graph.analyze_coauthorship(write=True)
    rows = truth.rows()
    mine = [r for r in rows if "Shih-Chii Liu" in r["authors"]]
    expected_names = {a for r in mine for a in r["authors"]}
    expected_nodes = len(expected_names) + len(mine)
    community = {r["name"]: r["c"] for r in run(graph, "MATCH (a:Author) RETURN a.name AS name, a.community AS c")}
    colours = grass_colours()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 950})
            page.goto(neo4j_server.browser_url)
            page.fill('[data-testid="password"]', neo4j_server.password)
            page.click('[data-testid="connect"]')
            page.wait_for_selector("text=You are connected as user", timeout=60_000)
            # browser.post_connect_cmd opened the citegraph guide
            page.wait_for_selector('h3:text-is("citegraph")', timeout=60_000)
            for _ in range(60):
                if page.locator('h3:text-is("coauthor-network")').count():
                    break
                page.get_by_text("Next", exact=True).click()
            assert page.locator('h3:text-is("coauthor-network")').count() == 1
            page.locator("pre.runnable i.fa-play-circle-o").first.click()  # one click runs it
            page.wait_for_function("(n) => document.querySelectorAll('svg g.node').length >= n",
                                   arg=expected_nodes, timeout=60_000)
            page.wait_for_timeout(1500)  # let the layout settle for the picture
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
            drawn = page.evaluate("""() => Array.from(document.querySelectorAll('svg g.node')).map(g => ({
                fill: (g.querySelector('circle.b-outline') || g.querySelector('circle')).getAttribute('fill'),
                text: g.textContent.trim()}))""")
        finally:
            browser.close()

    assert len(drawn) == expected_nodes
    papers = [d for d in drawn if d["fill"].upper() == colours["Paper"]]
    authors = [d for d in drawn if d not in papers]
    assert len(papers) == len(mine) and len(authors) == len(expected_names)
    # authors are coloured by their community (the style's CommunityN colours)
    for d in authors:
        caption = d["text"].rstrip("…")
        name = next(n for n in expected_names if n.startswith(caption) or n.replace(" ", "").startswith(caption.replace(" ", "")))
        assert d["fill"].upper() == colours[f"Community{community[name]}"], (name, d)
    assert SCREENSHOT.stat().st_size > 30_000


def test_guide_and_style_are_served(neo4j_server):
    import urllib.request
    base = f"http://127.0.0.1:{neo4j_server.http_port}/browser/citegraph/"
    guide = urllib.request.urlopen(base + "guide.html").read().decode()
    import queries
    for name in queries.catalogue():
        assert f"<h3>{name}</h3>" in guide
    style = urllib.request.urlopen(base + "citegraph.grass").read().decode()
    assert "node.Paper" in style and "node.Community0" in style


def test_untitled_papers_are_captioned_by_their_id(neo4j_server, graph, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser-deps` (make test does)")
    import urllib.parse

    from playwright.sync_api import sync_playwright

    (tmp_path / "cites.csv").write_text("10.1234/a,10.1234/b\n10.1234/c,10.1234/b\n", encoding="utf-8")
    (tmp_path / "titled.bib").write_text("@article{x, title = {A Titled Paper}, doi = {10.1234/a}}\n", encoding="utf-8")
    graph.load([tmp_path / "cites.csv", tmp_path / "titled.bib"])
    query = "MATCH (p:Paper)-[r:CITES]->(q:Paper) RETURN p, r, q"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 850})
            page.goto(neo4j_server.browser_url + "&cmd=edit&arg=" + urllib.parse.quote(query))
            page.fill('[data-testid="password"]', neo4j_server.password)
            page.click('[data-testid="connect"]')
            page.wait_for_selector("text=You are connected as user", timeout=60_000)
            page.wait_for_timeout(2000)  # the style is applied on connect
            page.keyboard.press("Control+Enter")
            page.wait_for_function("() => document.querySelectorAll('svg g.node').length >= 3", timeout=60_000)
            captions = page.evaluate("() => Array.from(document.querySelectorAll('svg g.node'))"
                                     ".map(g => g.textContent.trim())")
        finally:
            browser.close()
    # the titled paper by its title; the two known only by a DOI by their id (the Browser cuts it short)
    assert "A Titled Paper" in captions and len(captions) == 3
    assert all(c.startswith("doi:10.1") for c in captions if c != "A Titled Paper")
