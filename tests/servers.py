"""Servers of a test's own: a throwaway PostgreSQL cluster and a throwaway redis-server, each on a free
loopback port, which a test may stop and start again (the shared ones are never touched)."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, seconds=30, what="the server"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(OSError):
            if check():
                return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not come up within {seconds} s")


def as_postgres(*command):
    runuser = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*runuser, *map(str, command)], check=True, capture_output=True, text=True)


class Postgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port."""

    def __init__(self, folder):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        folder.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/knowledgebase"

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", self.folder / "log", "-w", "start")

    def stop(self):
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def query(self, sql, *params):
        with psycopg.connect(self.url.replace("postgres://", "postgresql://"), connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()


class Redis:
    """A redis-server of its own on a free port, keeping nothing on disk."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=1).close() or True, what="Redis")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class StandbyPostgres(Postgres):
    """A streaming replica of ``primary`` (a running ``Postgres``), on a free port of its own.

    Made as docs/deploy.md says a replica is made: ``pg_basebackup -R`` copies the primary and writes
    ``standby.signal`` and ``primary_conninfo``, so the copy starts as a hot standby that streams the
    primary's WAL. A cluster that ``initdb`` made allows replication connections from 127.0.0.1 (its
    ``pg_hba.conf``), and PostgreSQL 15's defaults (``wal_level = replica``, ``max_wal_senders = 10``,
    ``hot_standby = on``) need no change."""

    def __init__(self, folder, primary):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        folder.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        as_postgres(
            PG_BIN / "pg_basebackup",
            *("-h", "127.0.0.1", "-p", primary.port, "-U", "postgres", "-D", self.data),
            *("--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast", "--no-sync"),
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/knowledgebase"
