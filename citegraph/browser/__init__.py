"""The Neo4j Browser, dressed for citegraph: a guide and a style.

The managed server serves both from its own HTTP port, next to the Browser:
``/browser/citegraph/guide.html`` (open with ``:guide <url>``; generated from
the graph model and the canned queries, one slide per query, each runnable
with one click) and ``/browser/citegraph/citegraph.grass`` (captions and
colours per label, and per coauthorship community once ``analyze coauthorship
--write`` has labelled the communities). ``browser.post_connect_cmd`` applies
the style and opens the guide as soon as someone connects.

They are served by putting them into a copy of the Browser's jar (the server
serves the Browser from that jar's ``browser/`` folder).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shlex
import zipfile
from importlib import resources
from pathlib import Path

import queries as canned
from graph.model import NODE_TYPES, REL_TYPES

GUIDE_PATH = "browser/citegraph/guide.html"
STYLE_PATH = "browser/citegraph/citegraph.grass"


def style_text() -> str:
    return resources.files("citegraph.browser").joinpath("citegraph.grass").read_text(encoding="utf-8")


def guide_url(http_port: int) -> str:
    return f"http://127.0.0.1:{http_port}/{GUIDE_PATH}"


def style_url(http_port: int) -> str:
    return f"http://127.0.0.1:{http_port}/{STYLE_PATH}"


def post_connect_cmd(http_port: int) -> str:
    return f"style {style_url(http_port)}; guide {guide_url(http_port)}"


def example_params(query) -> dict:
    """Parameter values of a query's first ``@example`` line, typed as the query declares them."""
    given: dict = {}
    for example in query.examples[:1]:
        words = shlex.split(example)
        for flag, value in zip(words, words[1:]):
            if flag in ("-p", "--param"):
                name, _, raw = value.partition("=")
                given[name] = raw
    bound = {}
    for p in query.params:
        if p.name in given:
            bound[p.name] = canned.convert(p.type, given[p.name], p.name)
        elif not p.required:
            bound[p.name] = p.default
    return bound


def _body(query) -> str:
    """The query without its comment header."""
    lines = query.text.splitlines()
    while lines and (not lines[0].strip() or lines[0].strip().startswith("//")):
        lines.pop(0)
    return "\n".join(lines).strip().rstrip(";")


def cypher_literal(value) -> str:
    """A Cypher literal for one of our own example values (the guide shows runnable text;
    the command line and the API always send values as parameters)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def runnable_text(query) -> str:
    """The query with its example values written in: one statement, so one click runs it
    and the Browser draws its result."""
    params = example_params(query)
    body = _body(query)
    for name in sorted(params, key=len, reverse=True):
        body = re.sub(r"\$" + re.escape(name) + r"\b", lambda _m, n=name: cypher_literal(params[n]), body)
    return body


def paging_note(query) -> str:
    """How to page through a query that answers a page at a time (``limit`` and ``skip``)."""
    declared = {p.name: p for p in query.params}
    if not {"limit", "skip"} <= set(declared):
        return ""
    limit = declared["limit"].default
    window = html.escape(f"ranked[0..0 + {limit}]")
    return (f"<p>One page at a time: the block shows the first {limit} rows, and <code>total</code> says how many "
            f"there are. For the next page, edit <code>{window}</code> to <code>ranked[{limit}..{limit} + {limit}]</code>, "
            f"or run <code>citegraph query {html.escape(query.name)} … -p skip={limit}</code>.</p>")


def guide_html(queries: dict, http_port: int) -> str:
    e = html.escape
    slides = []
    labels = ", ".join(f"<code>:{n.label}</code>" for n in NODE_TYPES)
    slides.append(f"""
<h3>citegraph</h3>
<p class="lead">Conference papers, their authors, venues, citations, and the Hugging Face Hub
models, datasets and Spaces that link them.</p>
<p>Nodes: {labels}. Every node and relationship has <code>sources</code>: the inputs that asserted it.</p>
<p>Click a grey block to run it. Start with the shape of the graph:</p>
<pre class="runnable">CALL db.schema.visualization()</pre>
<p>The style (captions, colours per label and per community) is applied on connect; apply it again with
<a exec-topic="style {e(style_url(http_port))}">:style</a>.</p>""")
    rel_items = "".join(
        f"<h4>{e(r.type)}</h4><p>{e(r.description)}.</p><pre class=\"runnable\">{e(r.example)}</pre>"
        for r in REL_TYPES if r.example)
    slides.append(f"<h3>The relationships</h3><p>One query per relationship type.</p>{rel_items}")
    for q in queries.values():
        params = "".join(
            f"<li><code>{e(p.name)}</code> ({e(p.type)}{', default ' + e(json.dumps(p.default)) if not p.required else ''})"
            f"{': ' + e(p.description) if p.description else ''}</li>" for p in q.params)
        cols = f"<p>Columns: {', '.join(f'<code>{e(c)}</code>' for c in q.columns)}</p>" if q.columns else ""
        cols += paging_note(q)
        slides.append(f"""
<h3>{e(q.name)}</h3>
<p class="lead">{e(q.description)}</p>
{'<ul>' + params + '</ul>' if params else ''}{cols}
<pre class="runnable">{e(runnable_text(q))}</pre>
<p>With other values: <code>citegraph query {e(q.name)}{''.join(f' -p {p.name}=…' for p in q.params)}</code>
(values travel as parameters there).</p>""")
    body = "\n".join(f'<slide class="row-fluid">{s}\n</slide>' for s in slides)
    return (f"<title>citegraph</title>\n<article class=\"guide\">\n<carousel class=\"deck container-fluid\">\n"
            f"{body}\n</carousel>\n</article>\n")


def build_browser_jar(original: Path, target: Path, http_port: int, extra_query_dirs=()) -> Path:
    """A copy of the Browser jar with citegraph's guide and style added under ``browser/citegraph/``.

    Rewriting the 15 MB jar takes about 2 s of every server start; it is rewritten only when
    the guide, the style or the original jar changed (a stamp beside it says what it holds)."""
    guide = guide_html(canned.catalogue(extra_query_dirs), http_port)
    style = style_text()
    source = original.stat()
    stamp = target.with_suffix(".stamp")
    holds = hashlib.sha256(json.dumps([str(original), source.st_size, source.st_mtime_ns, guide, style])
                           .encode("utf-8")).hexdigest()
    if target.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == holds:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(original) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if not item.filename.startswith("browser/citegraph/"):
                zout.writestr(item, zin.read(item.filename))
        zout.writestr(GUIDE_PATH, guide)
        zout.writestr(STYLE_PATH, style)
    stamp.unlink(missing_ok=True)  # (a jar replaced without its stamp is rebuilt next time)
    tmp.replace(target)
    stamp.write_text(holds, encoding="utf-8")
    return target
