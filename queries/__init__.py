"""Canned queries: one file per query, named by its file name.

A ``.cypher`` file (or a ``.rq`` SPARQL file) is a query; adding one needs no
Python. An optional comment block at the top declares it::

    // Authors ranked by their number of papers.
    // @param limit integer = 10  how many authors to return
    // @columns author, papers
    MATCH ...

``@param NAME TYPE [= DEFAULT] [{A|B|C}] description``: types are ``string``,
``integer``, ``float``, ``boolean``, ``list`` and ``author`` (a person's name,
turned into the normalised author key before it is sent, so ``Faghri, Fartash``
finds Fartash Faghri). A parameter without a default is required; ``= null``
makes it optional. ``{A|B|C}`` limits the values. ``@columns`` names the
output columns (the contract the tests and the SPARQL twins keep).

SPARQL twins (``.rq``) use ``#`` comments and bind parameters as variables of
the same name (``?name``); the embedded engine requires a bound variable to be
in the SELECT projection (and in GROUP BY when the query aggregates). Two more
annotations serve SPARQL: ``@limit PARAM`` cuts the rows to that parameter
(LIMIT takes no variables), ``@skip PARAM`` passes over that many rows first, ``@total COLUMN``
fills that column with the number of rows before paging, ``@lists a, b`` splits GROUP_CONCAT columns on
U+001F into lists (items ``key<U+001E>value`` are ordered by key), ``@cut PARAM: a, b`` cuts
those lists to that parameter after ordering them, and
``@columns id:pid`` reads column ``id`` from variable ``?pid``.

Folders are searched in order: ``--queries-dir`` folders, then those in the
``CITEGRAPH_QUERIES_PATH`` environment variable (``:``-separated), then the
built-in ones in this package; the first file of a name wins.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import QueryError
from graph.identity import name_key

BUILTIN_DIR = Path(__file__).resolve().parent
LANGUAGES = {".cypher": "cypher", ".rq": "sparql", ".sparql": "sparql"}
TYPES = ("string", "integer", "float", "boolean", "list", "author")
PAGING = ("limit", "skip")  # count rows: never negative (a negative slice would count from the end)

_PARAM = re.compile(r"@param\s+([A-Za-z_]\w*)\s+(\w+)(?:\s*=\s*(\"[^\"]*\"|\S+))?(?:\s*\{([^}]*)\})?\s*(.*)$")
_USED_CYPHER = re.compile(r"\$([A-Za-z_]\w*)")
_USED_SPARQL = re.compile(r"[?$]([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any = None
    required: bool = True
    choices: tuple = ()
    description: str = ""

    def as_dict(self) -> dict:
        d = {"name": self.name, "type": self.type, "required": self.required, "description": self.description}
        if not self.required:
            d["default"] = self.default
        if self.choices:
            d["choices"] = list(self.choices)
        return d


@dataclass(frozen=True)
class CannedQuery:
    name: str
    path: Path
    language: str
    text: str
    description: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    examples: tuple[str, ...] = field(default=())
    column_vars: tuple[tuple[str, str], ...] = ()  # SPARQL: "@columns id:pid" reads column id from ?pid
    limit_param: str | None = None  # SPARQL: rows are cut to this parameter (LIMIT takes no variables)
    skip_param: str | None = None  # SPARQL: rows passed over first (OFFSET takes no variables either)
    total_column: str | None = None  # SPARQL: the number of rows before paging
    list_columns: tuple[str, ...] = ()  # SPARQL: GROUP_CONCAT columns split into lists
    cut: tuple[str | None, tuple[str, ...]] = (None, ())  # SPARQL: lists cut to this parameter (after ordering)

    def as_dict(self) -> dict:
        return {"name": self.name, "language": self.language, "description": self.description,
                "params": [p.as_dict() for p in self.params], "columns": list(self.columns),
                "path": str(self.path)}


def parse_query_file(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    language = LANGUAGES[path.suffix.lower()]
    prefix = "//" if language == "cypher" else "#"
    description, params, columns, examples = [], [], (), []
    column_vars, limit_param, list_columns = (), None, ()
    skip_param = total_column = None
    cut = (None, ())
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith(prefix):
            break
        body = stripped[len(prefix):].strip()
        if body.startswith("@param"):
            match = _PARAM.match(body)
            if not match:
                raise QueryError(f"{path}:{number}: cannot read {body!r}; "
                                 f"write `@param NAME TYPE [= DEFAULT] [{{A|B}}] description`")
            name, ptype, default, choices, desc = match.groups()
            if ptype not in TYPES:
                raise QueryError(f"{path}:{number}: unknown parameter type {ptype!r} (known: {', '.join(TYPES)})")
            required = default is None
            value = None if required or default == "null" else convert(ptype, default.strip('"'), name)
            params.append(Param(name, ptype, value, required,
                                tuple(c.strip() for c in choices.split("|")) if choices else (), desc.strip()))
        elif body.startswith("@columns"):
            specs = [c.strip() for c in body[len("@columns"):].split(",") if c.strip()]
            columns = tuple(c.split(":", 1)[0].strip() for c in specs)
            column_vars = tuple((c.split(":", 1)[0].strip(), c.split(":", 1)[-1].strip()) for c in specs)
        elif body.startswith("@example"):
            examples.append(body[len("@example"):].strip())
        elif body.startswith("@limit"):
            limit_param = body[len("@limit"):].strip()
        elif body.startswith("@skip"):
            skip_param = body[len("@skip"):].strip()
        elif body.startswith("@total"):
            total_column = body[len("@total"):].strip()
        elif body.startswith("@lists"):
            list_columns = tuple(c.strip() for c in body[len("@lists"):].split(",") if c.strip())
        elif body.startswith("@cut"):
            param, _, listed = body[len("@cut"):].partition(":")
            cut = (param.strip(), tuple(c.strip() for c in listed.split(",") if c.strip()))
        elif body.startswith("@"):
            continue  # room for future annotations
        elif not params and not columns:
            description.append(body)
    return CannedQuery(name=path.stem, path=path, language=language, text=text,
                       description=" ".join(d for d in description if d).strip(),
                       params=tuple(params), columns=columns, examples=tuple(examples),
                       column_vars=column_vars, limit_param=limit_param, list_columns=list_columns,
                       skip_param=skip_param, total_column=total_column, cut=cut)


def query_dirs(extra_dirs=()) -> list[Path]:
    dirs = [Path(d).expanduser() for d in extra_dirs]
    env = os.environ.get("CITEGRAPH_QUERIES_PATH", "")
    dirs += [Path(d).expanduser() for d in env.split(os.pathsep) if d]
    for d in dirs:
        if not d.is_dir():
            raise QueryError(f"queries folder {d} does not exist")
    return [*dirs, BUILTIN_DIR]


_PARSED: dict[Path, tuple[tuple[int, ...], CannedQuery]] = {}


def _parsed(path: Path) -> CannedQuery:
    """``parse_query_file``, kept while the file is unchanged: the same times, size and inode
    (a query runs many times in a process; parsing every file of every folder each time cost
    milliseconds per query)."""
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
    kept = _PARSED.get(path)
    if kept is None or kept[0] != version:
        kept = _PARSED[path] = (version, parse_query_file(path))
    return kept[1]


def _files(extra_dirs, language: str):
    """(name, path) of every query file of one language, the first folder's first."""
    for folder in query_dirs(extra_dirs):
        for path in sorted(folder.iterdir()):
            if LANGUAGES.get(path.suffix.lower()) == language and path.is_file():
                yield path.stem, path


def catalogue(extra_dirs=(), language: str = "cypher") -> dict[str, CannedQuery]:
    """Every query of one language, by name (the first folder that has a name wins)."""
    found: dict[str, CannedQuery] = {}
    for stem, path in _files(extra_dirs, language):
        if stem not in found:
            found[stem] = _parsed(path)
    return dict(sorted(found.items()))


def find(name: str, extra_dirs=(), language: str = "cypher") -> CannedQuery:
    path = Path(name)
    if path.suffix.lower() in LANGUAGES and path.is_file():
        return parse_query_file(path)
    for stem, path in _files(extra_dirs, language):
        if stem == name:  # only the file asked for is read
            return _parsed(path)
    known = ", ".join(catalogue(extra_dirs, language)) or "(none)"
    raise QueryError(f"no {language} query named {name!r}; known: {known}")


# -- parameters ----------------------------------------------------------------------

def convert(ptype: str, value: Any, name: str) -> Any:
    """A value of the declared type; strings (from the command line) are parsed."""
    if value is None:
        return None
    try:
        if ptype == "integer":
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, str):
                value = int(value.strip())
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, int):
                raise ValueError
            return value
        if ptype == "float":
            return float(value)
        if ptype == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "yes", "1", "on"):
                return True
            if text in ("false", "no", "0", "off"):
                return False
            raise ValueError
        if ptype == "list":
            if isinstance(value, str):
                value = json.loads(value) if value.strip().startswith("[") else [v.strip() for v in value.split(",")]
            return list(value)
        if ptype == "author":
            return name_key(str(value))
        return str(value)
    except (ValueError, TypeError):
        raise QueryError(f"parameter {name!r} should be {'an' if ptype[0] in 'aeiou' else 'a'} {ptype}, "
                         f"got {value!r}") from None


def infer(value: str) -> Any:
    """Type a command-line value of an undeclared parameter: integers stay integers."""
    text = value.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d*(?:[eE][-+]?\d+)?", text):
        return float(text)
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            pass
    return value


def bind(query: CannedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """Parameters to send: declared ones typed and defaulted, missing ones reported."""
    declared = {p.name: p for p in query.params}
    bound: dict[str, Any] = {}
    missing = []
    for p in query.params:
        if p.name in given:
            value = convert(p.type, given[p.name], p.name)
            if p.choices and value is not None and value not in p.choices:
                raise QueryError(f"parameter {p.name!r} of {query.name} must be one of "
                                 f"{', '.join(p.choices)}; got {value!r}")
            if p.name in PAGING and p.type == "integer" and value is not None and value < 0:
                raise QueryError(f"parameter {p.name!r} of {query.name} counts rows: 0 or more, got {value}")
            bound[p.name] = value
        elif p.required:
            missing.append(p)
        else:
            bound[p.name] = p.default
    for name, value in given.items():
        if name not in declared:
            bound[name] = infer(value) if isinstance(value, str) else value
    pattern = _USED_CYPHER if query.language == "cypher" else None
    if pattern:
        body = "\n".join(line for line in query.text.splitlines() if not line.strip().startswith("//"))
        for name in sorted(set(pattern.findall(body)) - set(bound)):
            if name not in declared:
                missing.append(Param(name, "string", description="(used by the query, not declared)"))
    if missing:
        needed = "; ".join(f"{p.name} ({p.type}){': ' + p.description if p.description else ''}" for p in missing)
        raise QueryError(f"query {query.name} needs parameter(s): {needed}. "
                         f"Give them as -p name=value")
    return bound


def parse_assignments(pairs) -> dict[str, str]:
    """``["limit=5", "name=Ada Lovelace"]`` -> dict (values stay strings until bound)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"parameters are name=value, got {pair!r}")
        out[name.strip()] = value
    return out
