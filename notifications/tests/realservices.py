"""Real processes for fault tests: a throwaway Redis and Celery workers, started and killed by the test."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="ohwb-fault-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("throwaway redis-server did not start")

    def freeze(self) -> None:
        """SIGSTOP: the server keeps its port open (connections are accepted by the kernel) but answers nothing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Worker:
    """A real `celery worker` process on the test database, in its own process group."""

    command = "worker"

    def __init__(
        self,
        broker: str,
        mail_dir: Path,
        *,
        delay: float = 0,
        concurrency: int = 1,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
    ) -> None:
        db = connection.settings_dict
        self.log = tempfile.NamedTemporaryFile(prefix=f"ohwb-{self.command}-", suffix=".log", delete=False)  # noqa: SIM115
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ohwb_portal.settings.dev",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": broker,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "OHWB_TEST_DELIVERY_DELAY": str(delay),
            "CELERY_VISIBILITY_TIMEOUT": "3",
            **(env or {}),
        }
        worker_args = ["--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(os.sys.executable)),
                "-m",
                "celery",
                "-A",
                "ohwb_portal",
                self.command,
                "--loglevel",
                "INFO",
                *(worker_args if args is None else args),
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_for_log(self.ready_text)

    ready_text = "ready"

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log_text():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.log_text()[-3000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"worker log never said {text!r}:\n{self.log_text()[-3000:]}")

    def kill_hard(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        Path(self.log.name).unlink(missing_ok=True)


class Beat(Worker):
    """A real `celery beat` process, with its schedule file in a directory of its own."""

    command = "beat"
    ready_text = "beat: Starting"

    def __init__(self, broker: str, mail_dir: Path, *, env: dict[str, str] | None = None) -> None:
        self.schedule_dir = tempfile.mkdtemp(prefix="ohwb-beat-")
        super().__init__(broker, mail_dir, env=env, args=["--schedule", str(Path(self.schedule_dir) / "schedule")])

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.schedule_dir, ignore_errors=True)


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker, dropping pooled connections to the old one."""
    from ohwb_portal.celery import app

    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def wait_until(predicate, timeout: float = 60, interval: float = 0.2) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    raise TimeoutError("condition not met in time")
