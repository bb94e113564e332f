"""`make bench` (second part): availability under load and faults, on the real corpus over real HTTP.

1. **Load**: wrk sends distinct, never-cached search queries (every query text is new: 1-4 index words, a third
   of them misspelt) over 32 and then 128 connections for a bounded time, while a prober asks for
   ``/api/v1/health`` and a static page every 0.2 s (2 s timeout) from another address (127.0.0.2: the server
   counts connections and API work per client address, and a reader is not the one hammering it). Reported:
   search req/s, p50/p99, errors; each probe's p50/p99/max and failures. Goal (issues 11, 21): both probes
   answer every time with p99 under 200 ms.
2. **Slow clients** (security review 2, F3): 600 connections held open by slow request bodies (1 byte every
   5 s, each reopened 0.1 s after the server closes it), from one address and spread over 12 addresses (50
   each: under the per-client cap, so only the global accounting protects the server); then 600 slow request
   heads over 12 addresses. The same probes run meanwhile. Goal: every probe answered, max under 1 s.
3. **Faults**: a server started on a corrupt index and on a truncated catalog; the index corrupted under a
   warm server. Reported: what /health, a page, entries and search answer.

The attackers are Python asyncio (600 mostly idle sockets need no speed); the search load is wrk, which
saturates the server from one core where a Python generator would compete with it for the two CPUs.
``PAINGUIDE_BENCH_CODE=/path/to/other/clone`` serves another copy of the code (a "before" run) under the same
load.

Usage: python bench/load.py [--duration 20] [--connections 32 128] [--attack-duration 20] [--out bench/out]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import random
import shutil
import string
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import WRK_DONE, WRK_SEARCH, Server, log, pct, table, wrk  # noqa: E402
from painguide import publish  # noqa: E402

PAGE = "/treatments/medications/acetaminophen.html"
GOAL_P99_MS = 200.0
GOAL_ATTACK_MAX_MS = 1000.0


def _probe_row(label: str, probe: dict[str, Any]) -> list[Any]:
    lat = probe["latencies"]
    fails = probe["failures"]
    return [
        label,
        probe["n"],
        "-",
        f"{pct(lat, 50):.0f}",
        f"{pct(lat, 99):.0f}",
        f"{max(lat):.0f}",
        f"{len(fails)} {sorted(set(fails))}" if fails else "0",
    ]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def distinct_queries(words: list[str], n: int, seed: int = 7) -> list[str]:
    """``n`` different query texts, each as a reader might type it (some words misspelt)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        chosen = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        text = " ".join(_typo(w, rng) if rng.random() < 0.33 else w for w in chosen)
        if text not in seen:
            seen.add(text)
            out.append(urllib.parse.quote(text))
    return out


PROBE_SOURCE = "127.0.0.2"  # the probes' own client address (Linux answers on all of 127.0.0.0/8)


class Prober(threading.Thread):
    """GETs ``path`` every ``every`` seconds until stopped, on a new connection each time, from
    ``PROBE_SOURCE``; records latency (ms) and failures."""

    def __init__(self, base: str, path: str, every: float = 0.2, timeout: float = 2.0) -> None:
        super().__init__(daemon=True)
        self.port = int(base.rsplit(":", 1)[1])
        self.path, self.every, self.timeout = path, every, timeout
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, self.timeout, (PROBE_SOURCE, 0))
            try:
                conn.request("GET", self.path)
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    self.failures.append(str(r.status))
            except OSError as exc:
                self.failures.append(type(exc).__name__)
            finally:
                conn.close()
            self.latencies.append((time.perf_counter() - started) * 1000)
            self.stop.wait(max(0.0, self.every - (time.perf_counter() - started)))


def _probes(base: str) -> list[Prober]:
    probes = [Prober(base, "/api/v1/health"), Prober(base, PAGE)]
    for p in probes:
        p.start()
    return probes


def _stop(probes: list[Prober]) -> None:
    for p in probes:
        p.stop.set()
        p.join()


def load(build_dir: Path, out: Path, duration: int, connections: int) -> dict[str, Any]:
    index_words = (publish.current(build_dir) / "index" / "words.txt").read_text(encoding="utf-8").split()
    words = [w for w in index_words if w.isalpha() and len(w) > 3]
    queries = distinct_queries(words, 1000 * duration)  # more than the server answers (~500 req/s)
    qfile = out / "load-queries.txt"
    qfile.write_text("\n".join(queries) + "\n", encoding="utf-8")
    script = out / "load-search.lua"
    # each wrk thread takes its own half of the file: no query is ever sent twice (none is cached)
    offset = "math.floor(#queries / 2)"
    script.write_text(WRK_SEARCH % {"file": qfile, "offset": offset} + WRK_DONE, encoding="utf-8")
    server = Server(build_dir)
    try:
        server.get(PAGE)
        probes = _probes(server.base)
        log(f"load: wrk {connections} connections of distinct uncached searches for {duration} s, probes every 0.2 s")
        result = wrk(f"{server.base}/api/v1/search", script, duration, connections)
        _stop(probes)
        rss = server.rss_mb()
    finally:
        server.stop()
    return {"search": result, "health": vars_of(probes[0]), "page": vars_of(probes[1]), "rss_mb": rss}


SLOW_BODY = (
    b"POST /cds-services/painguide-patient-view HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100000\r\n\r\n{"
)
SLOW_HEAD = b"GET /api/v1/health HTTP/1.1\r\nHost: bench\r\n"


async def _hold(port: int, source: str, first: bytes, until: float, counts: dict[str, int]) -> None:
    """One slow client: sends ``first``, then a byte every 5 s; reopens 0.1 s after the server closes."""
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        except OSError:
            counts["refused"] += 1
            await asyncio.sleep(0.1)
            continue
        counts["opened"] += 1
        try:
            writer.write(first)
            while time.monotonic() < until:
                try:
                    data = await asyncio.wait_for(reader.read(4096), 5)
                except TimeoutError:
                    writer.write(b"x" if first is SLOW_HEAD else b" ")  # (a header name grows)
                    await writer.drain()
                    continue
                counts["answered" if data else "closed"] += 1
                break
        except OSError:
            counts["closed"] += 1
        finally:
            writer.close()
        await asyncio.sleep(0.1)


def attack(build_dir: Path, kind: str, connections: int, addresses: int, duration: int) -> dict[str, Any]:
    first = SLOW_BODY if kind == "bodies" else SLOW_HEAD
    sources = [f"127.0.1.{i + 1}" for i in range(addresses)]
    counts = {"opened": 0, "refused": 0, "answered": 0, "closed": 0}
    server = Server(build_dir)
    try:
        server.get(PAGE)
        log(f"slow {kind}: {connections} connections from {addresses} address(es) for {duration} s")

        async def main() -> None:
            until = time.monotonic() + duration
            await asyncio.gather(
                *(_hold(server.port, sources[i % addresses], first, until, counts) for i in range(connections))
            )

        attacker = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
        attacker.start()
        time.sleep(3)  # let the connections pile up first
        probes = _probes(server.base)
        attacker.join()
        _stop(probes)
    finally:
        server.stop()
    return {"health": vars_of(probes[0]), "page": vars_of(probes[1]), "counts": counts}


def vars_of(p: Prober) -> dict[str, Any]:
    return {"n": len(p.latencies), "latencies": p.latencies, "failures": p.failures}


def _status(server: Server, path: str) -> str:
    try:
        with urllib.request.urlopen(server.base + path, timeout=10) as r:
            return str(r.status)
    except urllib.error.HTTPError as exc:
        body = exc.read()[:200].decode("utf-8", "replace")
        code = json.loads(body).get("status") or json.loads(body).get("error", {}).get("code") if body else ""
        return f"{exc.code} {code}"
    except (OSError, ValueError) as exc:
        return type(exc).__name__


def faults(build_dir: Path, out: Path) -> list[list[str]]:
    rows = []
    paths = ["/api/v1/health", "/index.html", PAGE, "/api/v1/entries/acetaminophen", "/api/v1/search?q=tylenol"]
    for name in ("corrupt index at start-up", "truncated catalog at start-up", "index corrupted while warm"):
        copy = out / "fault-build"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(build_dir, copy, symlinks=True)
        release = publish.current(copy)
        assert release is not None
        if name.startswith("corrupt index"):
            for f in (release / "index").glob("*.pst"):
                f.write_bytes(b"")
        elif name.startswith("truncated catalog"):
            catalog = release / "catalog.json"
            catalog.write_bytes(catalog.read_bytes()[:1000])
        server = Server(copy, wait_for_health=False)
        try:
            if name.endswith("while warm"):
                server.get("/api/v1/search?q=pain")
                for f in (release / "index").glob("*.pst"):
                    f.write_bytes(b"")
                time.sleep(2.5)  # the health check reads the index at most every 2 s
                _status(server, "/api/v1/health")  # answers with the last result and starts a new check
                time.sleep(0.5)
            rows.append([name, *(_status(server, p) for p in paths)])
        finally:
            server.stop()
    shutil.rmtree(out / "fault-build", ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=int, default=20, help="seconds of load (default 20)")
    p.add_argument("--connections", type=int, nargs="+", default=[32, 128])
    p.add_argument("--attack-duration", type=int, default=20, help="seconds of each slow-client attack")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    build_dir = args.out / "load-build"
    if publish.current(build_dir) is None:
        log("load: building the real corpus")
        publish.build(ROOT / "guidelines", build_dir, ROOT / "mkdocs.yml")

    ok, results = True, {}
    for connections in args.connections:
        r = results[f"load-{connections}"] = load(build_dir, args.out, args.duration, connections)
        s = r["search"]
        rows = [
            [
                "search (distinct, uncached)",
                s["requests"],
                f"{s['rps']:.0f}",
                f"{s['p50_us'] / 1000:.0f}",
                f"{s['p99_us'] / 1000:.0f}",
                f"{s['max_us'] / 1000:.0f}",
                f"{s['errors']} ({s['err_status']} non-2xx)",
            ]
        ]
        met = True
        for label, probe in (("/api/v1/health probe", r["health"]), (f"{PAGE} probe", r["page"])):
            rows.append(_probe_row(label, probe))
            met = met and not probe["failures"] and pct(probe["latencies"], 99) < GOAL_P99_MS
        ok = ok and met
        print(
            table(
                f"Load: {connections} connections of distinct uncached searches for {args.duration} s "
                f"(server RSS at the end {r['rss_mb']:.0f} MB)",
                ["traffic", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors"],
                rows,
            )
        )
        print(f"goal: probes never fail, probe p99 under {GOAL_P99_MS:.0f} ms: {'met' if met else 'NOT MET'}\n")

    rows, met = [], True
    for kind, addresses in (("bodies", 1), ("bodies", 12), ("heads", 12)):
        r = results[f"slow-{kind}-{addresses}"] = attack(build_dir, kind, 600, addresses, args.attack_duration)
        c = r["counts"]
        for label, probe in (("/api/v1/health", r["health"]), ("page", r["page"])):
            row = _probe_row(label, probe)
            seen = f"{c['opened']} opened, {c['refused']} refused, {c['answered']} answered, {c['closed']} closed"
            rows.append([f"600 slow {kind}, {addresses} address(es)", *row[:2], *row[3:], seen])
            met = met and not probe["failures"] and max(probe["latencies"]) < GOAL_ATTACK_MAX_MS
    ok = ok and met
    print(
        table(
            f"Slow clients: 600 connections, 1 byte every 5 s, for {args.attack_duration} s; probes from "
            f"{PROBE_SOURCE} every 0.2 s",
            ["attack", "probe", "probes", "p50 ms", "p99 ms", "max ms", "failures", "attacker connections"],
            rows,
        )
    )
    print(f"goal: every probe answered, max under {GOAL_ATTACK_MAX_MS:.0f} ms: {'met' if met else 'NOT MET'}\n")
    fault_rows = faults(build_dir, args.out)
    print(
        table(
            "Faults: what each URL answers",
            ["fault", "/api/v1/health", "/index.html", "entry page", "/entries/{id}", "/search"],
            fault_rows,
        )
    )
    (args.out / "load-results.json").write_text(json.dumps({**results, "faults": fault_rows}, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
