"""gunicorn on 127.0.0.1 and wrk against it: throughput and latency of pages, as ratios to the bare Django view.

wrk (Debian package) is the load tool: written in C with an event loop, it takes little of the machine's two cores,
so the figures measure the portal rather than the load generator (a Python generator such as locust would use a core
of its own at these rates). Logged-in pages are loaded with a session created in the database for the user, sent as
the session cookie.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from bench.config import LOOPBACK, ROOT

LUA = ROOT / "bench" / "lua"
TIMEOUT_S = 10  # wrk gives up on a response after this long and counts a timeout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with sync workers (one request per process at a time, the recommended set-up behind a proxy)."""

    def __init__(self, workers: int = 5, log_path=None):
        self.workers = workers
        self.port = free_port()
        self.proc = None
        self.log_path = log_path or ROOT / "bench" / "results" / "gunicorn.log"

    @property
    def base(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> Gunicorn:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - open for the server's lifetime
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kovablik.wsgi:application",
                "--bind",
                f"{LOOPBACK}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--backlog",
                "2048",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}")
            try:
                status, _ = fetch(self.base + "/healthz/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz/ within 60 s")

    def stop(self):
        if self.proc:
            stop_group(self.proc)
            self._log.close()


def stop_group(proc: subprocess.Popen, timeout: float = 30):
    """End a process started with start_new_session=True and its children: SIGTERM to the group, SIGKILL if it has
    not exited within `timeout` seconds."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, *, cookie: str | None = None, data: bytes | None = None, content_type: str | None = None):
    """(status, body) of one request on loopback, redirects not followed."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError(f"bench only talks to {LOOPBACK}")
    request = urllib.request.Request(url, data=data)
    if cookie:
        request.add_header("Cookie", cookie)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with _opener.open(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def login_cookie(user_id: int, csrf_secret: str | None = None) -> str:
    """A Cookie header for a session of the user created straight in the database (no login form, no throttling)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = _session_backend()
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if csrf_secret:
        session["_csrftoken"] = csrf_secret  # where the token lives if CSRF_USE_SESSIONS is on
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    if csrf_secret:
        cookie += f"; {settings.CSRF_COOKIE_NAME}={csrf_secret}"
    return cookie


def _session_backend() -> str:
    """The first configured backend that can load a user from a session (a throttling backend may come first)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    for path in settings.AUTHENTICATION_BACKENDS:
        if hasattr(import_string(path), "get_user"):
            return path
    raise RuntimeError("no authentication backend can load users from a session")


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is not installed: apt-get install wrk (make bench installs it when it can)")
    return path


def run_wrk(url: str, *, cookie: str | None = None, seconds: int = 10, connections: int = 20, threads: int = 2):
    """One wrk run; the parsed BENCH_JSON line of bench/lua/report.lua plus requests per second."""
    command = [ensure_wrk(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--timeout", f"{TIMEOUT_S}s", "-s", str(LUA / "report.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return _parse(done.stdout)


def _parse(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            seconds = data["duration_us"] / 1e6
            data["rps"] = round(data["requests"] / seconds, 1) if seconds else 0.0
            return data
    raise RuntimeError(f"wrk printed no result:\n{stdout}")


def measure_page(base: str, path: str, *, cookie: str | None, expect: bytes | None, seconds: int, warmup: int = 2):
    """Check the page answers 200 for that user (and shows what is expected), warm it up, then load it with wrk."""
    status, body = fetch(base + path, cookie=cookie)
    result = {"path": path, "check_status": status, "bytes": len(body)}
    if status != 200:
        result["error"] = f"the page answered {status}, not 200: not measured"
        return result
    if expect and expect not in body:
        result["error"] = f"the page does not contain {expect.decode()!r}: not measured"
        return result
    if warmup:
        run_wrk(base + path, cookie=cookie, seconds=warmup)
    data = run_wrk(base + path, cookie=cookie, seconds=seconds)
    lat = data["latency_us"]
    completed = data["requests"] > 0
    result.update(
        {
            "rps": data["rps"],
            "requests": data["requests"],
            "p50_ms": round(lat["p50"] / 1000, 2) if completed else None,
            "p99_ms": round(lat["p99"] / 1000, 2) if completed else None,
            "max_ms": round(lat["max"] / 1000, 2) if completed else None,
            "errors": data["errors"],
            "statuses": data["statuses"],
        }
    )
    if not completed:
        result["error"] = f"no request completed within wrk's {TIMEOUT_S} s timeout"
    return result
