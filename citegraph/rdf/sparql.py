"""Running the SPARQL twins of the canned queries on an embedded pyoxigraph store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from citegraph.rdf import format_for, ox_format
from graph.errors import QueryError
from queries import CannedQuery, bind

LIST_SEPARATOR = "\u001f"  # between GROUP_CONCAT items of an @lists column
SORT_SEPARATOR = "\u001e"  # "sortkey<RS>value" items are ordered by sortkey (numeric when it is a number)


def _term(value):
    xsd = "http://www.w3.org/2001/XMLSchema#"
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(xsd + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(xsd + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(xsd + "double"))
    return ox.Literal(str(value))


def _python(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
            return int(term.value)
        if dt in ("double", "float", "decimal"):
            return float(term.value)
        if dt == "boolean":
            return term.value in ("true", "1")
        return term.value
    return term.value


def _split_list(text):
    if text is None or text == "":
        return []
    items = text.split(LIST_SEPARATOR)
    if not any(SORT_SEPARATOR in i for i in items):
        return sorted(items)
    pairs = [i.split(SORT_SEPARATOR, 1) for i in items]

    def key(pair):
        try:
            return (0, float(pair[0]), "")
        except ValueError:
            return (1, 0.0, pair[0])
    return [v for _, v in sorted(pairs, key=key)]


def run_sparql(store, query: CannedQuery, params: dict) -> list[dict]:
    """Run a SPARQL twin on an embedded pyoxigraph store; parameters are bound as values."""
    bound = bind(query, params)
    paging = (query.limit_param, query.skip_param, query.cut[0])
    substitutions = {ox.Variable(k): _term(v) for k, v in bound.items() if v is not None and k not in paging}
    try:
        solutions = store.query(query.text, substitutions=substitutions, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"query {query.name} ({query.path}) is not valid SPARQL: {exc}") from None
    spec = list(query.column_vars) or [(v.value, v.value) for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = {column: _python(solution[var]) for column, var in spec}
        for c in query.list_columns:
            row[c] = _split_list(row.get(c))
        cut_param, cut_columns = query.cut
        for c in cut_columns:
            row[c] = row[c][:bound.get(cut_param)]
        rows.append(row)
    total = len(rows)
    if query.skip_param and bound.get(query.skip_param):
        rows = rows[bound[query.skip_param]:]
    if query.limit_param and bound.get(query.limit_param) is not None:
        rows = rows[:bound[query.limit_param]]
    if query.total_column:
        for row in rows:
            row[query.total_column] = total
    return rows


def open_store(paths) -> "object":
    """An embedded store holding the given RDF files (format from each file's extension)."""
    store = ox.Store()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise QueryError(f"{path}: no such file")
        try:
            store.bulk_load(path=str(path), format=ox_format(format_for(str(path))))
        except SyntaxError as exc:
            raise QueryError(f"{path}: not valid RDF ({exc})") from None
    return store
