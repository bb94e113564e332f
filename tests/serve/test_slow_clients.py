"""Slow and greedy clients against the real server (uvicorn with `painguide serve`'s protocol), over real
sockets: body deadlines, connections and API work counted per client, idle connections never deciding the
503s, big heads read at once, Host and HTTP/0.9 (security review 2: F3, N4, HTTP leftovers)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from painguide.serve import server
from tests.helpers import read_until_closed, serving

HEALTH = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
SLOW_POST = (
    b"POST /cds-services/painguide-patient-view HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100000\r\n\r\n{"
)


def _connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))


def _ask(port: int, data: bytes, source: str = "127.0.0.1") -> bytes:
    with _connect(port, source) as s:
        s.sendall(data)
        return read_until_closed(s, wait=1.0)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def _json(answer: bytes) -> dict[str, object]:
    body: dict[str, object] = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    return body


def _health_status(port: int, source: str = "127.0.0.1") -> int:
    return _status(_ask(port, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", source))


@pytest.fixture(autouse=True, scope="module")
def _quick_refusals() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(server, "REFUSAL_DELAY", 0.05)
        yield


@pytest.fixture(scope="module")
def port(built: Path) -> Iterator[int]:
    """A server with short deadlines and small per-client caps (every test client is 127.0.0.1)."""
    with serving(
        built, head_timeout=1.0, body_timeout=0.5, max_connections_per_client=6, max_api_requests_per_client=2
    ) as base:
        yield int(base.rsplit(":", 1)[1])


def test_refusals_wait_so_a_retrying_client_cannot_spin_the_event_loop(port, monkeypatch):
    monkeypatch.setattr(server, "REFUSAL_DELAY", 0.4)
    held = [_connect(port) for _ in range(2)]
    try:
        for s in held:
            s.sendall(SLOW_POST)
        time.sleep(0.1)
        started = time.monotonic()
        answer = _ask(port, b"GET /api/v1/entries HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _status(answer) == 503 and time.monotonic() - started >= 0.4
    finally:
        for s in held:
            s.close()


def test_a_slow_body_gets_408(port):
    with _connect(port) as s:
        s.sendall(SLOW_POST)
        started = time.monotonic()
        answer = read_until_closed(s, wait=5)
    assert _status(answer) == 408 and _json(answer)["error"] == {
        "code": "timeout",
        "message": "the request body arrived too slowly",
    }
    assert time.monotonic() - started < 4


def test_a_body_that_keeps_coming_is_read(port):
    # 256 KB in 8 pieces over ~1.2 s: past the 0.5 s grace, but at more than the minimum rate
    body = b'{"hook": "patient-view", "padding": "' + b"x" * 262_000 + b'"}'
    head = (
        b"POST /cds-services/painguide-patient-view HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with _connect(port) as s:
        s.sendall(head)
        step = len(body) // 8 + 1
        for i in range(0, len(body), step):
            s.sendall(body[i : i + step])
            time.sleep(0.15)
        answer = read_until_closed(s)
    assert _status(answer) == 400, answer[:200]  # read whole, then refused as not a CDS Hooks call


def test_connections_per_client_are_capped_and_others_get_in(port):
    held = [_connect(port) for _ in range(6)]
    try:
        for s in held:
            s.sendall(b"GET /api/v1/he")  # unfinished heads: not idle, not evictable by their own client
        time.sleep(0.2)
        answer = _ask(port, HEALTH)
        assert _status(answer) == 429 and _json(answer)["error"]["code"] == "too_many_connections"  # type: ignore[index]
        assert _health_status(port, source="127.0.0.2") == 200  # another address is not affected
    finally:
        for s in held:
            s.close()


def test_a_client_at_its_cap_loses_its_idle_connections_first(port):
    held = [_connect(port) for _ in range(6)]
    try:
        for s in held:
            s.sendall(HEALTH)  # answered, then idle on keep-alive
            assert s.recv(65536).startswith(b"HTTP/1.1 200")
        assert _health_status(port) == 200  # the oldest idle one was closed for it
        assert sum(read_until_closed(s, wait=0.05) == b"" for s in held) >= 1
    finally:
        for s in held:
            s.close()


def test_api_work_per_client_is_capped_before_routing(port):
    held = [_connect(port) for _ in range(2)]
    try:
        for s in held:
            s.sendall(SLOW_POST)  # two API requests in flight (their bodies still coming)
        time.sleep(0.1)
        answer = _ask(port, b"GET /api/v1/entries HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _status(answer) == 503 and _json(answer)["error"]["code"] == "busy"  # type: ignore[index]
        assert b"retry-after: 1" in answer.lower()
        assert _health_status(port) == 200  # /health and pages are never refused for it
        page = _ask(port, b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _status(page) == 200
        other = b"GET /api/v1/entries HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        assert _status(_ask(port, other, source="127.0.0.2")) == 200
    finally:
        for s in held:
            s.close()


def test_idle_and_unfinished_connections_do_not_decide_the_503s(built, monkeypatch):
    monkeypatch.setattr(server, "MAX_CONNECTIONS", 8)
    monkeypatch.setattr(server, "RESERVE", 2)
    with serving(built, head_timeout=5.0, max_connections_per_client=0) as base:
        port = int(base.rsplit(":", 1)[1])
        held = [_connect(port) for _ in range(10)]
        try:
            for s in held:
                s.sendall(b"GET /api/v1/he")
            time.sleep(0.2)
            # all 10 places are taken by unfinished heads: the oldest is closed for each newcomer
            assert _health_status(port) == 200
            assert _status(_ask(port, b"GET /api/v1/entries HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            assert sum(read_until_closed(s, wait=0.05) == b"" for s in held) >= 2
        finally:
            for s in held:
                s.close()


def test_connections_beyond_the_api_cap_serve_health_and_pages_only(built, monkeypatch):
    monkeypatch.setattr(server, "MAX_CONNECTIONS", 4)
    monkeypatch.setattr(server, "RESERVE", 4)
    with serving(built, body_timeout=5.0, max_connections_per_client=0, max_api_requests_per_client=0) as base:
        port = int(base.rsplit(":", 1)[1])
        held = [_connect(port) for _ in range(4)]
        try:
            for s in held:
                s.sendall(SLOW_POST)  # busy with a request: never evicted
            time.sleep(0.2)
            answer = _ask(port, b"GET /api/v1/entries HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert _status(answer) == 503 and _json(answer)["error"]["code"] == "busy"  # type: ignore[index]
            assert _health_status(port) == 200
            assert _status(_ask(port, b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 200
        finally:
            for s in held:
                s.close()


# --- request heads ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",  # 70 KB in one read
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 10_000 + b"\r\n",  # 10,000 headers
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 200 + b"\r\n",  # 200 small headers
        b"GET /api/v1/health?" + b"q" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # a 70 KB URL
    ],
)
def test_a_big_head_read_at_once_gets_431(port, head):
    answer = _ask(port, head)
    assert _status(answer) == 431 and _json(answer)["error"]["code"] == "headers_too_large"  # type: ignore[index]


@pytest.mark.parametrize(
    "head",
    [
        b"GET /api/v1/health HTTP/1.1\r\n\r\n",  # no Host
        b"GET /api/v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  # two
        b"GET /index.html HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n",
        b"GET /\r\n\r\n",  # HTTP/0.9
        b"GET /\r\nHost: x\r\n\r\n",
        b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # TLS to a plain port
    ],
)
def test_bad_request_lines_and_hosts_get_400_json(port, head):
    answer = _ask(port, head)
    assert _status(answer) == 400, answer[:100]
    assert _json(answer)["error"]["code"] == "bad_request"  # type: ignore[index]
    assert b"connection: close" in answer


def test_http_1_0_may_omit_host(port):
    assert _status(_ask(port, b"GET /api/v1/health HTTP/1.0\r\n\r\n")) == 200


def test_the_protocol_checks_the_uvicorn_names_it_relies_on(monkeypatch):
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    server.check_uvicorn()
    monkeypatch.delattr(HttpToolsProtocol, "send_400_response")
    with pytest.raises(RuntimeError, match=r"HttpToolsProtocol\.send_400_response"):
        server.check_uvicorn()
