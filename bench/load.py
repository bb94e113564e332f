"""`make bench` (second part): availability under load and faults, on the real corpus over real HTTP.

1. **Load**: wrk sends distinct, never-cached search queries (every query text is new: 1-4 index words, a third
   of them misspelt) over 32 connections for a bounded time, while a prober asks for ``/api/v1/health`` and a
   static page every 0.2 s (2 s timeout). Reported: search req/s, p50/p99, errors; each probe's p50/p99/max
   and failures. Goal (issue 11): both probes answer every time with p99 under 200 ms, search makes no errors.
2. **Faults**: a server started on a corrupt index and on a truncated catalog; the index corrupted under a
   warm server. Reported: what /health, a page, entries and search answer.

Usage: python bench/load.py [--duration 20] [--connections 32] [--out bench/out]
"""

from __future__ import annotations

import argparse
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


class Prober(threading.Thread):
    """GETs ``path`` every ``every`` seconds until stopped; records latency (ms) and failures."""

    def __init__(self, base: str, path: str, every: float = 0.2, timeout: float = 2.0) -> None:
        super().__init__(daemon=True)
        self.url, self.every, self.timeout = base + path, every, timeout
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=self.timeout) as r:
                    r.read()
                    if r.status != 200:
                        self.failures.append(str(r.status))
            except (OSError, urllib.error.URLError) as exc:
                self.failures.append(type(exc).__name__)
            self.latencies.append((time.perf_counter() - started) * 1000)
            self.stop.wait(max(0.0, self.every - (time.perf_counter() - started)))


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
        probes = [Prober(server.base, "/api/v1/health"), Prober(server.base, PAGE)]
        for p in probes:
            p.start()
        log(f"load: wrk {connections} connections of distinct uncached searches for {duration} s, probes every 0.2 s")
        result = wrk(f"{server.base}/api/v1/search", script, duration, connections)
        for p in probes:
            p.stop.set()
            p.join()
        rss = server.rss_mb()
    finally:
        server.stop()
    return {"search": result, "health": vars_of(probes[0]), "page": vars_of(probes[1]), "rss_mb": rss}


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
            rows.append([name, *(_status(server, p) for p in paths)])
        finally:
            server.stop()
    shutil.rmtree(out / "fault-build", ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=int, default=20, help="seconds of load (default 20)")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    build_dir = args.out / "load-build"
    if publish.current(build_dir) is None:
        log("load: building the real corpus")
        publish.build(ROOT / "guidelines", build_dir, ROOT / "mkdocs.yml")

    r = load(build_dir, args.out, args.duration, args.connections)
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
    ok = s["errors"] == 0
    for label, probe in (("/api/v1/health probe", r["health"]), (f"{PAGE} probe", r["page"])):
        lat = probe["latencies"]
        rows.append(
            [
                label,
                probe["n"],
                "-",
                f"{pct(lat, 50):.0f}",
                f"{pct(lat, 99):.0f}",
                f"{max(lat):.0f}",
                f"{len(probe['failures'])} {sorted(set(probe['failures']))}" if probe["failures"] else "0",
            ]
        )
        ok = ok and not probe["failures"] and pct(lat, 99) < GOAL_P99_MS
    print(
        table(
            f"Load: {args.connections} connections of distinct uncached searches for {args.duration} s "
            f"(server RSS at the end {r['rss_mb']:.0f} MB)",
            ["traffic", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors"],
            rows,
        )
    )
    print(
        f"goal: probes never fail, probe p99 under {GOAL_P99_MS:.0f} ms, search makes no errors: "
        f"{'met' if ok else 'NOT MET'}\n"
    )
    fault_rows = faults(build_dir, args.out)
    print(
        table(
            "Faults: what each URL answers",
            ["fault", "/api/v1/health", "/index.html", "entry page", "/entries/{id}", "/search"],
            fault_rows,
        )
    )
    (args.out / "load-results.json").write_text(json.dumps({"load": r, "faults": fault_rows}, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
