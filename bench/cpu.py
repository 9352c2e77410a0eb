"""Server CPU over a load run, from the processes' own accounting (psutil): the web server (the process listening on
the port under test, e.g. gunicorn's master, and its workers) and PostgreSQL (the postmaster's children that work
for the benchmark's database, its backends and autovacuum workers, and its background processes: WAL writer,
checkpointer, background writer).

The load generator's processes are left out, and so are other databases' backends on a shared server: the figure
is what serving these requests cost, whatever else the machine does. The processes are sampled during the run, so
one that starts in the middle (a new database connection) counts from zero and one that ends keeps its last sample.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psutil
from django.db import connection

SAMPLE_SECONDS = 0.25
# PostgreSQL's background processes, by their process titles: they work for every database, this one included.
BACKGROUND = {"checkpointer", "background writer", "walwriter", "autovacuum launcher", "stats collector"}
_TITLE = re.compile(r"^postgres: (?:[\w.-]+/[\w.-]+: )?(?P<rest>.*?)\s*$")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def server_pids(url: str) -> set[int]:
    """The topmost processes listening on the URL's port on this machine (gunicorn's master; with a test's live
    server, the test's own process)."""
    port = urlsplit(url).port or 80
    listening = {
        c.pid
        for c in psutil.net_connections(kind="tcp")
        if c.status == psutil.CONN_LISTEN and c.laddr.port == port and c.pid is not None
    }
    if not listening:
        raise LookupError(f"No process on this machine listens on port {port}: start the server first.")
    return {pid for pid in listening if psutil.Process(pid).ppid() not in listening}


def postmaster() -> tuple[psutil.Process, str] | None:
    """The PostgreSQL server process and the database's name, or None when it is not on this machine (or not
    PostgreSQL): its backend pids would then be another machine's."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), current_database()")
        pid, database = cursor.fetchone()
    try:
        backend = psutil.Process(pid)
        if "postgres" not in " ".join(backend.cmdline()):
            return None
        return backend.parent(), database
    except psutil.Error:
        return None


def works_for(title: str, database: str) -> bool:
    """Whether a postmaster child, by its process title, works for `database`: "postgres: 15/main: user db
    127.0.0.1(5432) idle", "postgres: autovacuum worker db", or a background process."""
    match = _TITLE.match(title)
    if match is None:
        return False
    rest = match["rest"]
    return rest in BACKGROUND or database in rest.split()[:3]


@dataclass
class CpuMeter:
    """`with CpuMeter(url) as meter: run()`, then `meter.web_seconds`, `meter.db_seconds`; `exclude(pid)` leaves out
    a process (and its children) started during the run, e.g. the load generator when the server is this process."""

    url: str
    web_seconds: float = 0.0
    db_seconds: float = 0.0
    _excluded: set[int] = field(default_factory=set)
    _first: dict[int, float] = field(default_factory=dict)
    _last: dict[int, float] = field(default_factory=dict)
    _kind: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._servers = server_pids(self.url)
        self._database = postmaster()

    @property
    def seconds(self) -> float:
        return self.web_seconds + self.db_seconds

    @property
    def measures_database(self) -> bool:
        return self._database is not None

    def exclude(self, pid: int) -> None:
        self._excluded.add(pid)

    def _processes(self) -> dict[int, psutil.Process]:
        found: dict[int, psutil.Process] = {}
        for pid in self._servers:
            try:
                server = psutil.Process(pid)
                found[pid] = server
                found.update({child.pid: child for child in server.children(recursive=True)})
            except psutil.Error:
                continue
        for pid in list(self._excluded):
            try:
                self._excluded.update(child.pid for child in psutil.Process(pid).children(recursive=True))
            except psutil.Error:
                continue
        for pid in set(self._excluded):  # a copy: exclude() may add to it meanwhile
            found.pop(pid, None)
        for process in found.values():
            self._kind.setdefault(process.pid, "web")
        if self._database is not None:
            postmaster_process, database = self._database
            for child in postmaster_process.children():
                try:
                    if works_for(" ".join(child.cmdline()), database):
                        found[child.pid] = child
                        self._kind.setdefault(child.pid, "db")
                except psutil.Error:
                    continue
        return found

    def _sample(self, first: bool = False) -> None:
        for pid, process in self._processes().items():
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue  # ended: its last sample stands
            used = times.user + times.system  # not children_*: those are reaped processes, e.g. a test's locust
            if pid not in self._first:
                self._first[pid] = used if first else 0.0
            self._last[pid] = used

    def _sampler(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample()

    def __enter__(self) -> CpuMeter:
        self._sample(first=True)
        self._thread = threading.Thread(target=self._sampler, name="cpu-meter", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()
        for pid, first in self._first.items():
            if pid in self._excluded:  # seen before exclude() was called
                continue
            used = self._last[pid] - first
            if self._kind[pid] == "web":
                self.web_seconds += used
            else:
                self.db_seconds += used
