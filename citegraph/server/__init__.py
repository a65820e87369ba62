"""A managed local Neo4j Community server, provisioned from Maven Central.

No Docker and no tarball: the jars come from Maven Central through the small
Maven project in ``pom.xml`` (cached outside the repository), and the server is
started as a plain ``java`` process with a ``neo4j.conf`` generated here.

Layout of a server *home* (default: the user's data directory)::

    home/conf/neo4j.conf       generated on every start (ports, memory, paths)
    home/data, logs, run, ...  Neo4j's own directories
    home/password              the generated password of user neo4j, mode 0600
    home/server.json           ports, pid and version of the running process

Everything here is idempotent: ``start`` leaves a running server alone,
``stop`` of a stopped server is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import platformdirs

from citegraph.browser import post_connect_cmd
from citegraph.errors import ServerError
from citegraph.server import class_archive
from graph import killpoints

NEO4J_USER = "neo4j"
DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
# Sized for a 2-core, 24 GiB machine: heap + page cache + OS cache must fit,
# and the analytics/export processes need room of their own.
DEFAULT_HEAP = "4g"
DEFAULT_PAGECACHE = "4g"
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"

JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Dfile.encoding=UTF-8",
]


def default_home() -> Path:
    """Where the managed server lives unless ``--home`` or ``CITEGRAPH_NEO4J_HOME`` says otherwise."""
    env = os.environ.get("CITEGRAPH_NEO4J_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("citegraph")) / "neo4j"


def cache_dir() -> Path:
    """Where the Neo4j jars are cached (shared by every home)."""
    env = os.environ.get("CITEGRAPH_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("citegraph"))


def _pom_text() -> str:
    return resources.files("citegraph.server").joinpath("pom.xml").read_text(encoding="utf-8")


def neo4j_version() -> str:
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", _pom_text())
    assert match, "pom.xml names no neo4j.version"
    return match.group(1)


def provision(log=None) -> Path:
    """Resolve the server's jars with Maven once; return the ``lib`` folder.

    The cache key is the pom's content, so a version bump provisions afresh.
    """
    pom = _pom_text()
    digest = hashlib.sha256(pom.encode()).hexdigest()[:12]
    target = cache_dir() / f"neo4j-{neo4j_version()}-{digest}"
    lib = target / "lib"
    marker = target / ".complete"
    if marker.exists():
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServerError(
            "Maven (mvn) is needed once to download Neo4j from Maven Central; install it "
            "(Debian: apt-get install maven) or point citegraph at a server with --uri/NEO4J_URI."
        )
    target.mkdir(parents=True, exist_ok=True)
    (target / "pom.xml").write_text(pom, encoding="utf-8")
    if lib.exists():
        shutil.rmtree(lib)
    if log:
        log(f"Downloading Neo4j {neo4j_version()} from Maven Central into {target} (once) ...")
    proc = subprocess.run(
        [mvn, "-q", "-B", "-f", str(target / "pom.xml"), "dependency:copy-dependencies",
         f"-DoutputDirectory={lib}", "-DincludeScope=runtime"],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise ServerError(f"Maven could not resolve Neo4j {neo4j_version()}:\n{tail}")
    marker.write_text(neo4j_version())
    return lib


def find_java() -> str:
    """A Java 17 or 21 runtime: 5.26 runs on both (JAVA_HOME first, then PATH)."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    which = shutil.which("java")
    if which:
        candidates.append(which)
    for java in candidates:
        if Path(java).exists():
            major = _java_major(java)
            if major in (17, 21):
                return java
    raise ServerError(
        "Neo4j 5.26 needs Java 17 or 21; none found on JAVA_HOME or PATH "
        "(Debian: apt-get install openjdk-17-jre-headless)."
    )


def _java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)', out)
    return int(match.group(1)) if match else None


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServerStatus:
    home: Path
    running: bool
    pid: int | None
    bolt_port: int | None
    http_port: int | None
    version: str | None
    password: str | None = field(repr=False)  # a logged or printed status never shows it

    @property
    def uri(self) -> str | None:
        return f"neo4j://127.0.0.1:{self.bolt_port}" if self.bolt_port else None

    @property
    def browser_url(self) -> str | None:
        if not self.http_port:
            return None
        # The Browser pre-fills the connection form from ``dbms``; the password
        # is never put in a URL.
        return (f"http://127.0.0.1:{self.http_port}/browser/"
                f"?dbms=neo4j://{NEO4J_USER}@127.0.0.1:{self.bolt_port}&db=neo4j")

    def as_dict(self) -> dict:
        return {
            "home": str(self.home), "running": self.running, "pid": self.pid,
            "uri": self.uri, "user": NEO4J_USER, "bolt_port": self.bolt_port,
            "http_port": self.http_port, "browser_url": self.browser_url,
            "version": self.version,
        }


class ManagedServer:
    """One Neo4j home on this machine: provision, start, stop, inspect."""

    def __init__(self, home: Path | str | None = None):
        self.home = Path(home).expanduser().resolve() if home else default_home().resolve()

    # -- files of the home ------------------------------------------------
    @property
    def state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    def _state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def password(self) -> str | None:
        try:
            return self.password_file.read_text().strip()
        except OSError:
            return None

    # -- process ------------------------------------------------------------
    def _pid_alive(self, pid: int | None) -> bool:
        if not pid:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        try:  # guard against a recycled pid
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return True
        if cmdline and MAIN_CLASS not in cmdline:
            return False
        # zombies (a child we started and nobody reaped) are not running
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] == "Z":
                return False
        except OSError:
            pass
        return True

    def status(self) -> ServerStatus:
        state = self._state()
        pid = state.get("pid")
        running = self._pid_alive(pid)
        return ServerStatus(
            home=self.home, running=running, pid=pid if running else None,
            bolt_port=state.get("bolt_port"), http_port=state.get("http_port"),
            version=state.get("version"), password=self.password(),
        )

    def _write_conf(self, bolt_port: int, http_port: int, pagecache: str) -> None:
        conf_dir = self.home / "conf"
        conf_dir.mkdir(parents=True, exist_ok=True)
        dirs = {name: self.home / name for name in ("data", "logs", "run", "plugins", "import")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        lines = [
            "# Generated by `citegraph neo4j start` on every start; edit neo4j.extra.conf instead.",
            "server.default_listen_address=127.0.0.1",
            "server.default_advertised_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{bolt_port}",
            f"server.bolt.advertised_address=127.0.0.1:{bolt_port}",
            f"server.http.listen_address=127.0.0.1:{http_port}",
            f"server.http.advertised_address=127.0.0.1:{http_port}",
            "server.https.enabled=false",
            "server.bolt.tls_level=DISABLED",
            "dbms.security.auth_enabled=true",
            "dbms.usage_report.enabled=false",
            f"server.memory.pagecache.size={pagecache}",
            "db.tx_log.rotation.retention_policy=1G size",
            "server.directories.data=" + str(dirs["data"]),
            "server.directories.logs=" + str(dirs["logs"]),
            "server.directories.run=" + str(dirs["run"]),
            "server.directories.plugins=" + str(dirs["plugins"]),
            "server.directories.import=" + str(dirs["import"]),
            "dbms.security.allow_csv_import_from_file_urls=true",
            # the Browser may fetch guides served by this machine
            "browser.remote_content_hostname_whitelist=*",
            "client.allow_telemetry=false",
            # a stop otherwise waits Netty's quiet period (5 s) twice for Bolt's network threads;
            # by then the databases are stopped and nothing is in flight (load --bulk stops and
            # starts the server: this is 10 of its seconds)
            "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
            # style and guide on connect (served from this server: see citegraph.browser)
            f"browser.post_connect_cmd={post_connect_cmd(http_port)}",
        ]
        extra = conf_dir / "neo4j.extra.conf"
        if extra.exists():
            lines += ["", f"# from {extra.name}", extra.read_text()]
        (conf_dir / "neo4j.conf").write_text("\n".join(lines) + "\n")

    def _classpath(self, lib: Path, http_port: int) -> str:
        """Neo4j's jars, with the Browser jar swapped for a copy that also holds citegraph's
        guide and style (rebuilt on every start, so it follows the canned queries)."""
        from citegraph.browser import build_browser_jar

        jars = sorted(lib.glob("*.jar"))
        browser = [j for j in jars if j.name.startswith("neo4j-browser-")]
        others = [j for j in jars if j not in browser]
        if browser:
            others.append(build_browser_jar(browser[0], self.home / "browser" / "neo4j-browser-citegraph.jar",
                                            http_port))
        return os.pathsep.join(str(j) for j in others)

    def _ensure_password(self, java: str, lib: Path) -> str:
        password = self.password()
        auth_ini = self.home / "data" / "dbms" / "auth.ini"
        if password and auth_ini.exists():
            return password
        while not password or password.startswith("-"):  # the admin tool would read "-…" as an option
            password = secrets.token_urlsafe(18)
            self.home.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(password + "\n")
        os.chmod(self.password_file, 0o600)
        # "@file" (the admin tool's argument file) keeps the password off the command line, which
        # every user of the machine can read in the process list
        proc = subprocess.run(
            [java, "-cp", f"{lib}/*", ADMIN_CLASS, "dbms", "set-initial-password", f"@{self.password_file}"],
            capture_output=True, text=True, env=self._env(),
        )
        if proc.returncode != 0:
            raise ServerError(f"could not set the initial password in {self.home}:\n{proc.stderr.strip()[-2000:]}")
        return password

    def _env(self) -> dict:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.home)
        env["NEO4J_CONF"] = str(self.home / "conf")
        return env

    def start(self, bolt_port: int | None = None, http_port: int | None = None,
              heap: str | None = None, pagecache: str | None = None,
              timeout: float = 240, log=None) -> ServerStatus:
        """Provision on first use, start, and wait until Bolt answers ``RETURN 1``."""
        current = self.status()
        if current.running:
            wanted = [(bolt_port, current.bolt_port, "Bolt"), (http_port, current.http_port, "HTTP")]
            for asked, actual, what in wanted:
                if asked and asked != actual:
                    raise ServerError(
                        f"the server in {self.home} is already running with {what} port {actual}; "
                        f"stop it first (citegraph neo4j stop --home {self.home}) to change ports")
            self.wait_until_ready(timeout=timeout)
            return self.status()

        state = self._state()
        bolt_port = bolt_port or state.get("bolt_port") or DEFAULT_BOLT_PORT
        http_port = http_port or state.get("http_port") or DEFAULT_HTTP_PORT
        for port, what, flag in ((bolt_port, "Bolt", "--bolt-port"), (http_port, "HTTP", "--http-port")):
            if not port_is_free(port):
                raise ServerError(
                    f"{what} port {port} on 127.0.0.1 is taken by another program; "
                    f"choose another with {flag} N")
        heap = heap or state.get("heap") or DEFAULT_HEAP
        pagecache = pagecache or state.get("pagecache") or DEFAULT_PAGECACHE

        java = find_java()
        lib = provision(log=log)
        self.home.mkdir(parents=True, exist_ok=True)
        self._write_conf(bolt_port, http_port, pagecache)
        self._ensure_password(java, lib)

        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        classpath = self._classpath(lib, http_port)
        archive_flags, archive, archived = class_archive.flags(self.home, java, classpath)
        cmd = [java, f"-Xms{heap}", f"-Xmx{heap}", *JVM_FLAGS, *archive_flags, "-cp", classpath, MAIN_CLASS,
               f"--home-dir={self.home}", f"--config-dir={self.home / 'conf'}", "--console-mode"]
        with open(self.console_log, "ab") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    cwd=self.home, env=self._env(), start_new_session=True)
        self.state_file.write_text(json.dumps({
            "pid": proc.pid, "bolt_port": bolt_port, "http_port": http_port,
            "heap": heap, "pagecache": pagecache, "version": neo4j_version(),
            "started_at": time.time(), "java": java, "class_archive": str(archive),
        }, indent=2))
        if log:
            log(f"Starting Neo4j {neo4j_version()} (pid {proc.pid}, Bolt 127.0.0.1:{bolt_port}, "
                f"HTTP 127.0.0.1:{http_port}) ...")
        try:
            killpoints.point("server.start")
            self.wait_until_ready(timeout=timeout, proc=proc)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM while it starts: a half-started server is stopped
            self.stop()
            raise
        except ServerError:
            if archived and proc.poll() is not None:  # a damaged class archive stops the JVM at once:
                class_archive.discard(archive)        # start once more without it
                return self.start(bolt_port, http_port, heap, pagecache, timeout, log)
            raise
        return self.status()

    def wait_until_ready(self, timeout: float = 240, proc: subprocess.Popen | None = None) -> None:
        import neo4j
        from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

        state = self._state()
        uri = f"bolt://127.0.0.1:{state['bolt_port']}"
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise ServerError(f"Neo4j exited with status {proc.returncode} while starting.\n"
                                  f"{self.log_tail()}")
            if proc is None and not self._pid_alive(state.get("pid")):
                raise ServerError(f"Neo4j in {self.home} is not running.\n{self.log_tail()}")
            if not _port_open(state["bolt_port"]):
                time.sleep(0.5)
                continue
            try:
                with neo4j.GraphDatabase.driver(uri, auth=(NEO4J_USER, self.password() or ""),
                                                connection_timeout=5) as driver:
                    with driver.session() as session:
                        session.run("RETURN 1").consume()
                    return
            except (ServiceUnavailable, SessionExpired, OSError) as exc:
                last_error = exc
            except AuthError as exc:
                raise ServerError(f"Neo4j in {self.home} refused the password in {self.password_file}: {exc}")
            except neo4j.exceptions.Neo4jError as exc:  # e.g. database still starting
                last_error = exc
            time.sleep(0.5)
        raise ServerError(f"Neo4j did not answer on {uri} within {timeout:.0f} s ({last_error}).\n{self.log_tail()}")

    def stop(self, timeout: float = 90) -> bool:
        """Stop the server; return whether it was running."""
        state = self._state()
        pid = state.get("pid")
        if not self._pid_alive(pid):
            return False
        os.killpg(os.getpgid(pid), signal.SIGTERM) if _is_group_leader(pid) else os.kill(pid, signal.SIGTERM)
        archive = Path(state["class_archive"]) if state.get("class_archive") else None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._pid_alive(pid):
                _reap(pid)
                if archive and state.get("java"):  # the first clean stop keeps what the JVM archived
                    class_archive.adopt(archive, state["java"])
                return True
            _reap(pid)
            time.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        _reap(pid)
        if archive:
            class_archive.partial(archive).unlink(missing_ok=True)  # perhaps cut short
        return True

    def log_tail(self, lines: int = 25) -> str:
        for path in (self.console_log, self.home / "logs" / "neo4j.log", self.home / "logs" / "debug.log"):
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                return f"Last lines of {path}:\n" + "\n".join(text)
        return f"(no log in {self.home / 'logs'})"


def _is_group_leader(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except OSError:
        return False


def _reap(pid: int) -> None:
    """Collect the exit status if the server is our own child (avoids zombies)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    except OSError:
        pass
