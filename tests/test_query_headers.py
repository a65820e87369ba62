"""The query catalogue without a server: headers read, parameters typed and bound, errors that
name the file and line."""

import pytest

import queries
from citegraph.errors import QueryError

HEADER = """// People who wrote with an author.
// More lines of description.
// @param name author  the author's name
// @param limit integer = 10  how many rows
// @param kind string = "Model" {Model|Dataset|Space}  which artifacts
// @param since integer = null  first year, if any
// @columns coauthor, joint_papers
// @example citegraph query q -p name=Ada
MATCH (a:Author {key: $name}) RETURN $limit, $kind, $since, $other
"""


def write(tmp_path, text, name="q.cypher"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_header_is_read_into_description_parameters_columns_and_examples(tmp_path):
    q = queries.parse_query_file(write(tmp_path, HEADER))
    assert q.name == "q" and q.language == "cypher"
    assert q.description == "People who wrote with an author. More lines of description."
    assert [(p.name, p.type, p.required, p.default) for p in q.params] == [
        ("name", "author", True, None), ("limit", "integer", False, 10), ("kind", "string", False, "Model"),
        ("since", "integer", False, None)]
    assert q.params[2].choices == ("Model", "Dataset", "Space")
    assert q.columns == ("coauthor", "joint_papers")
    assert q.examples == ("citegraph query q -p name=Ada",)


def test_binding_types_defaults_choices_and_undeclared_values(tmp_path):
    q = queries.parse_query_file(write(tmp_path, HEADER))
    bound = queries.bind(q, {"name": "Lovelace, Ada", "limit": "3", "other": "7"})
    assert bound["limit"] == 3 and bound["kind"] == "Model" and bound["since"] is None
    assert bound["other"] == 7  # undeclared: integers stay integers
    assert bound["name"] == queries.convert("author", "Ada Lovelace", "name")  # any spelling, one key
    with pytest.raises(QueryError, match="must be one of Model, Dataset, Space"):
        queries.bind(q, {"name": "Ada", "kind": "Paper", "other": 1})
    with pytest.raises(QueryError, match="'limit' should be an integer"):
        queries.bind(q, {"name": "Ada", "limit": "ten", "other": 1})


def test_missing_parameters_are_all_named_declared_or_not(tmp_path):
    q = queries.parse_query_file(write(tmp_path, HEADER))
    with pytest.raises(QueryError) as err:
        queries.bind(q, {})
    assert "name (author)" in str(err.value) and "other (string): (used by the query, not declared)" in str(err.value)


@pytest.mark.parametrize("line, message", [
    ("// @param limit", "cannot read"),
    ("// @param limit number = 3", "unknown parameter type 'number'"),
])
def test_a_bad_header_line_is_named_with_its_file_and_line(tmp_path, line, message):
    path = write(tmp_path, f"// A query.\n{line}\nRETURN 1\n")
    with pytest.raises(QueryError, match=message) as err:
        queries.parse_query_file(path)
    assert f"{path}:2:" in str(err.value)


def test_assignments_and_values_from_the_command_line():
    assert queries.parse_assignments(["limit=5", "name=Ada = Lovelace"]) == {"limit": "5", "name": "Ada = Lovelace"}
    assert [queries.infer(v) for v in ("5", "-2.5", "true", "null", "[1, 2]", "Ada")] == [5, -2.5, True, None, [1, 2], "Ada"]
    assert queries.convert("list", "a, b", "x") == ["a", "b"] and queries.convert("boolean", "off", "x") is False
    with pytest.raises(QueryError):
        queries.convert("integer", True, "x")  # a boolean is not a count


def test_a_folder_of_ones_own_queries_comes_before_the_built_in_ones(tmp_path):
    write(tmp_path, "// My top authors.\nRETURN 1 AS n\n", name="top-authors.cypher")
    found = queries.catalogue([tmp_path])
    assert found["top-authors"].description == "My top authors."
    assert "coauthors" in found  # the built-in ones stay
    with pytest.raises(QueryError, match="no cypher query named 'nope'"):
        queries.find("nope", [tmp_path])
    with pytest.raises(QueryError, match="does not exist"):
        queries.catalogue([tmp_path / "missing"])
