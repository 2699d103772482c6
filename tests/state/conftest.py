"""State stores under test: SQLite in a temporary file, PostgreSQL in a fresh schema of a
server from $ROLLOVER_TEST_POSTGRES_URL or of a throwaway cluster started for the session."""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.abc import StateStore
from tests.state.stores import StoreSpec

URL_VARIABLE = "ROLLOVER_TEST_POSTGRES_URL"
ROLE = "rollover"
DATABASE = "rollover_test"
INITDB_OPTIONS = ("--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")


def binaries() -> tuple[str, str] | None:
    """``initdb`` and ``pg_ctl``: on PATH, else the newest under /usr/lib/postgresql."""

    def version(path: str) -> float:
        with contextlib.suppress(ValueError):
            return float(Path(path).parents[1].name)
        return 0.0

    found = shutil.which("initdb")
    candidates = [found] if found else []
    installed = [str(p) for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    candidates += sorted(installed, key=version, reverse=True)
    for initdb in candidates:
        pg_ctl = Path(initdb).with_name("pg_ctl")
        if pg_ctl.is_file():
            return initdb, str(pg_ctl)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary directory, run as ``postgres`` when the
    tests run as root (PostgreSQL refuses root)."""

    def __init__(self, initdb: str, pg_ctl: str) -> None:
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            self.prefix = self.as_postgres()
        self.home = Path(tempfile.mkdtemp(prefix="rollover-pg-"))
        self.data = self.home / "data"
        self.port = 0
        if self.prefix:
            entry = pwd.getpwnam("postgres")
            os.chown(self.home, entry.pw_uid, entry.pw_gid)

    @staticmethod
    def as_postgres() -> list[str]:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", "postgres", "--"]
        su = shutil.which("su")
        if su:
            return [su, "postgres", "-s", "/bin/sh", "-c"]
        pytest.skip("running as root with neither runuser nor su to become postgres")

    def run(self, *args: str) -> None:
        command = [*args]
        if self.prefix and self.prefix[-1] == "-c":
            command = [*self.prefix, shlex.join(command)]
        elif self.prefix:
            command = [*self.prefix, *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = self.home / "server.log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr[-800:]} {tail}")

    def start(self) -> str:
        """initdb, then pg_ctl start on 127.0.0.1 at a free port; the URL of a new database."""
        self.run(self.initdb, "-D", str(self.data), "-U", ROLE, *INITDB_OPTIONS)
        for attempt in range(3):
            self.port = free_port()
            options = f"-h 127.0.0.1 -p {self.port} -k {self.home} -F -c max_connections=40"
            log = str(self.home / "server.log")
            try:
                self.run(self.pg_ctl, "-D", str(self.data), "-l", log, "-w", "-o", options, "start")
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres", autocommit=True
        ) as admin:
            admin.execute(f"CREATE DATABASE {DATABASE}")
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            if (self.data / "postmaster.pid").exists():
                self.run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """$ROLLOVER_TEST_POSTGRES_URL, else a throwaway cluster's; skips when neither exists."""
    if os.environ.get(URL_VARIABLE):
        yield os.environ[URL_VARIABLE]
        return
    found = binaries()
    if found is None:
        pytest.skip(f"no PostgreSQL server: set {URL_VARIABLE} or install initdb/pg_ctl")
    cluster = Cluster(*found)
    try:
        url = cluster.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        cluster.stop()
        pytest.skip(f"could not start a throwaway PostgreSQL server: {exc}")
    try:
        yield url
    finally:
        cluster.stop()


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture
def fresh_schema(postgres_url: str) -> Iterator[str]:
    """A random schema name, dropped after the test."""
    schema = f"test_{secrets.token_hex(6)}"
    yield schema
    drop_schema(postgres_url, schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    if request.param == "sqlite":
        return StoreSpec("sqlite", str(tmp_path / "state.sqlite"))
    url = request.getfixturevalue("postgres_url")
    return StoreSpec("postgresql", url, request.getfixturevalue("fresh_schema"))


@pytest.fixture
def store(store_spec: StoreSpec) -> Iterator[StateStore]:
    opened = store_spec.open()
    yield opened
    opened.close()
