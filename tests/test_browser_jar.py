"""The Browser jar the managed server runs: the original's entries plus citegraph's guide and
style, rebuilt only when one of them changed."""

import os
import zipfile

from citegraph.browser import GUIDE_PATH, STYLE_PATH, build_browser_jar
from conftest import REPO


def original_jar(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("browser/index.html", "<html>the Browser</html>")
        z.writestr("browser/citegraph/old-guide.html", "left over from an older citegraph")
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    return path


def test_the_jar_holds_the_original_the_guide_and_the_style_and_is_rebuilt_only_on_change(tmp_path):
    original = original_jar(tmp_path / "neo4j-browser-5.24.0.jar")
    target = tmp_path / "out" / "neo4j-browser-citegraph.jar"
    build_browser_jar(original, target, 7474)
    with zipfile.ZipFile(target) as z:
        names = set(z.namelist())
        guide = z.read(GUIDE_PATH).decode()
        style = z.read(STYLE_PATH).decode()
    assert names == {"browser/index.html", "META-INF/MANIFEST.MF", GUIDE_PATH, STYLE_PATH}
    assert style == (REPO / "citegraph" / "browser" / "citegraph.grass").read_text(encoding="utf-8")
    for query in (REPO / "queries").glob("*.cypher"):
        assert f"<h3>{query.stem}</h3>" in guide

    # the same inputs: the jar is left as it is
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    build_browser_jar(original, target, 7474)
    assert target.stat().st_mtime_ns == 1_000_000_000

    # a new query in a folder, another port, a newer original: each rebuilds it
    extra = tmp_path / "queries"
    extra.mkdir()
    (extra / "papers-per-type.cypher").write_text("// Papers per type.\n// @columns type, papers\n"
                                                 "MATCH (p:Paper) RETURN p.type AS type, count(*) AS papers\n")
    build_browser_jar(original, target, 7474, extra_query_dirs=[extra])
    with zipfile.ZipFile(target) as z:
        assert "<h3>papers-per-type</h3>" in z.read(GUIDE_PATH).decode()
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    build_browser_jar(original, target, 7475, extra_query_dirs=[extra])
    assert target.stat().st_mtime_ns != 1_000_000_000
    with zipfile.ZipFile(target) as z:
        assert "7475" in z.read(GUIDE_PATH).decode()
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    with zipfile.ZipFile(original, "a") as z:
        z.writestr("browser/new.js", "// a newer Browser")
    build_browser_jar(original, target, 7475, extra_query_dirs=[extra])
    with zipfile.ZipFile(target) as z:
        assert "browser/new.js" in z.namelist()
