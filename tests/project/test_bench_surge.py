"""The surge's load clients (bench/lua/surge.lua run by bench.surge) against a tiny server on loopback.

The server answers one connection at a time and closes each, as gunicorn's sync workers do, so a client that left an
idle connection open would hold it as it held a sync worker. No database: the clients' bookkeeping only.
"""

import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bench import surge

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")

SLOW_S = 1.5


class _Handler(BaseHTTPRequestHandler):
    """POST /u/<n>/ and /s/<n>/ answer 302; /s/slow/ after SLOW_S; /s/drop/ closes the connection unanswered."""

    def do_GET(self):
        self._answer(200)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/s/drop/":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if self.path == "/s/slow/":
            time.sleep(SLOW_S)
        self._answer(302)

    def _answer(self, status):
        self.send_response(status)
        self.send_header("Location", "/done/")
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)  # one connection at a time, like a sync worker
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _manifest(tmp_path, entries_per_client, submit_path=lambda client, entry: f"/s/{client}-{entry}/"):
    lines = []
    for index in range(max(entries_per_client) * len(entries_per_client)):
        client, entry = index % len(entries_per_client), index // len(entries_per_client)
        if entry < entries_per_client[client]:
            prefix = surge._upload_prefix(1, "x" * 32).replace("\r\n", "\\r\\n")
            lines.append(f"{client}\t/u/{client}-{entry}/\t{submit_path(client, entry)}\tc=1\t{prefix}\ta=1\n")
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text("".join(lines))
    template = tmp_path / "template.pdf"
    template.write_bytes(b"%PDF-1.4\n% BENCHID-0000000\n" + b"x" * 200_000)
    return manifest, template


def test_a_finished_client_does_not_hold_the_server(server, tmp_path):
    # Client 0 finishes after one entry while client 1 has three to go. With one wrk for both, client 0's next
    # connection stayed open and idle, and this one-at-a-time server (like a sync worker) waited on it for good.
    manifest, template = _manifest(tmp_path, [1, 3])

    outputs = surge._run_clients(server, manifest, template, clients=2, time_limit=20)

    assert [out.finished for out in outputs] == [True, True]
    assert [(e, k, s) for e, k, s, _m in outputs[0].requests] == [(1, "u", 302), (1, "s", 302)]
    assert [(e, k, s) for e, k, s, _m in outputs[1].requests] == [
        (1, "u", 302),
        (1, "s", 302),
        (2, "u", 302),
        (2, "s", 302),
        (3, "u", 302),
        (3, "s", 302),
    ]


def test_every_request_is_reported_once_with_its_own_latency(server, tmp_path):
    special = {(0, 0): "/s/slow/", (0, 1): "/s/drop/"}
    manifest, template = _manifest(
        tmp_path, [3], submit_path=lambda client, entry: special.get((client, entry), f"/s/{client}-{entry}/")
    )

    [out] = surge._run_clients(server, manifest, template, clients=1, time_limit=20)

    assert out.finished
    assert [(e, k, s) for e, k, s, _m in out.requests] == [
        (1, "u", 302),
        (1, "s", 302),
        (2, "u", 302),
        (2, "s", 0),  # the dropped connection: one failed request, reported once
        (3, "u", 302),
        (3, "s", 302),
    ]
    slow = out.requests[1][3]
    assert slow >= SLOW_S * 1_000_000  # measured per request, whatever wrk's own timeout


def test_latency_figures_are_nearest_rank_over_every_latency():
    figures = surge.latency_figures([1000 * ms for ms in range(1, 101)] + [95_000_000])

    assert figures["p50_ms"] == 51.0
    assert figures["p99_ms"] == 100.0
    assert figures["max_ms"] == 95_000.0
    assert surge.latency_figures([])["p95_ms"] is None
