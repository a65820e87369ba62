"""The command line: every command documents an example; stats and reset work."""

import json
import subprocess
import sys

import click
import pytest

from citegraph.cli import main
import sample_truth as truth
from conftest import SAMPLES


def all_commands(group, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))
        yield prefix + (name,), cmd


@pytest.mark.parametrize("path, cmd", list(all_commands(main)), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_has_an_example(path, cmd):
    assert "Example:" in (cmd.help or ""), f"`citegraph {' '.join(path)}` has no example in its help"


def test_stats_and_reset(cli_env, graph):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "citegraph.cli", *args], capture_output=True, text=True,
                              env=cli_env)
    assert cli("load", str(SAMPLES / "hub-artifacts.jsonl")).returncode == 0
    stats = json.loads(cli("stats", "--json").stdout)
    assert stats["nodes"]["Paper"] == 5 and stats["relationships"]["HAS_ARTIFACT"] == 12
    refused = cli("reset")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert cli("reset", "--yes").returncode == 0
    assert json.loads(cli("stats", "--json").stdout)["total_nodes"] == 0



def test_warm_reads_every_author_authorship_and_paper(cli_env, graph):
    """`citegraph warm` reads what the author and paper queries visit, runs those queries on a
    sample of people and papers, and says how much: the
    sample's papers, people and authorships, counted from its rows."""
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"])
    rows = truth.rows()
    papers = len({truth.paper_id(r) for r in rows})
    people = len({name for r in rows for name in r["authors"]})
    authorships = sum(len(set(r["authors"])) for r in rows)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "citegraph.cli", "warm", *args], capture_output=True,
                              text=True, env=cli_env)
    read = json.loads(cli("--json").stdout)
    assert (read["papers"], read["authors"], read["authorships"]) == (papers, people, authorships)
    assert (read["paper ids"], read["author keys"]) == (papers, people)  # the indexes hold every one
    assert read["seconds"] >= 0
    # four queries about people and three about papers, each on up to 100 of them
    assert read["queries"] == 4 * min(100, people) + 3 * min(100, papers)
    said = cli()
    assert said.returncode == 0
    assert f"read {people:,} authors, {authorships:,} authorships and {papers:,} papers" in said.stdout
    assert f"ran {read['queries']:,} queries" in said.stdout
    records_only = json.loads(cli("--json", "--no-queries").stdout)
    assert records_only["queries"] == 0 and records_only["authorships"] == authorships

@pytest.mark.parametrize("size", ["0", "-5"])
def test_a_batch_size_below_one_is_refused_before_anything_is_read(size, tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["load", "--batch-size", size, str(SAMPLES / "hub-artifacts.jsonl")])
    assert result.exit_code == 2
    assert "--batch-size" in result.output and "x>=1" in result.output
