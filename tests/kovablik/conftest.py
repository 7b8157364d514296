"""Fixtures of the security and resilience tests: a Redis server of our own that a test may stop."""

import shutil
import socket
import subprocess
import time

import pytest


class RedisServer:
    """A throwaway redis-server on a free port (never the shared one on 6379), started and stopped at will."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return self
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (apt-get install redis-server)")
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def broker_on(redis_server, settings):
    """Point Celery (and the cache) of this process at the throwaway Redis, as production points at its own."""
    from kovablik.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    settings.CELERY_BROKER_URL = f"{redis_server.url}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"{redis_server.url}/1"}
    }
    app.conf.update(broker_url=f"{redis_server.url}/0", task_always_eager=False, result_backend=None)
    _drop_connections(app)
    yield redis_server
    app.conf.update(saved)
    _drop_connections(app)


def _drop_connections(app):
    # Celery and kombu keep pools of broker connections; a new URL needs new pools (see tests.services).
    from tests.services import reset_broker_connections

    reset_broker_connections(app)
