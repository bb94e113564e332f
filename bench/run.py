"""PainGuide speed and memory report: index build, query latency in process, HTTP throughput.

    .venv/bin/python bench/run.py                       # everything (real corpus, 1k, 10k, 100k)
    .venv/bin/python bench/run.py --sizes 1000,10000 --skip-http --duration 5

Corpora: the real one in guidelines/ (built exactly like `painguide build`) and synthetic ones from
bench/synth.py. Every build and every in-process query run happens in its own subprocess, so build
times, CPU seconds and peak memory belong to that job alone: peak RSS is sampled from /proc over the
job's whole process tree (Whoosh's ``procs=2`` writer forks) and the largest single process's
ru_maxrss is reported too.

Output (corpora, indexes, the real build, wrk scripts, results JSON) goes to bench/out/ (git-ignored).
HTTP runs serve on 127.0.0.1 only. The report is printed as tables; goals from the issue are checked
at the end. Nothing here fails on a missed goal: this is a report, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# A run can take an hour; painguide/ and api/ may be edited meanwhile. main() copies them to
# bench/out/code-<hash>/ and re-runs itself with this variable set, so the parent, every job and the
# server import that one snapshot (it comes before ROOT and before the editable install's finder).
CODE = os.environ.get("PAINGUIDE_BENCH_CODE")
if CODE:
    sys.path.insert(0, CODE)

from bench import synth  # noqa: E402

PY = sys.executable
CORPUS_VERSION = 1  # bump when synth.py's output changes, so cached corpora are regenerated
PAGE = os.sysconf("SC_PAGE_SIZE")

# Targets from the issue (naive Whoosh) and the goals.
ISSUE = {
    1000: {"p50": 7.4},
    10000: {"p50": 18.0, "p99": 203.0, "build": 82.0, "http_rps": "20-25", "health_rps": 6800},
    100000: {"p50": 188.0, "p99": 2000.0, "build": 15 * 60.0, "rss_mb": 1150.0},
}
GOALS = {"http_ratio": 0.5, "http_p99": 50.0, "p50_10k": 10.0, "p99_10k": 60.0, "build_10k": 60.0}


# --- small helpers -------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [title, line.replace("+", "-")]
    for n, row in enumerate(cells):
        out.append(
            " | ".join(c.rjust(w) if n and i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        )
        if n == 0:
            out.append(line)
    return "\n".join(out)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:  # nan
            return "-"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# --- process-tree memory sampling ----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(pid: int) -> int:
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss(p)
        todo += _children(p)
    return total


class TreeSampler(threading.Thread):
    """Peak summed RSS of a process and its descendants, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def run_job(args: list[str], timeout: float | None = None) -> dict[str, Any]:
    """Run ``bench/run.py _job …`` in a subprocess; return its JSON result plus wall, CPU and RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([PY, __file__, "_job", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        stdout, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        sampler.stop()
        raise
    peak = sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise RuntimeError(f"job {args[0]} failed with exit status {proc.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["job_wall_s"] = time.perf_counter() - start
    result["job_cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["tree_peak_rss_mb"] = peak / 2**20
    return result


# --- jobs (run in subprocesses) ------------------------------------------------------------------


def _self_rss() -> dict[str, float]:
    return {
        "self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def job_build_real(out: str) -> dict[str, Any]:
    """`painguide build` into ``out`` (site + index + catalog), timed as a whole."""
    from painguide import publish

    start = time.perf_counter()
    release = publish.build(ROOT / "guidelines", Path(out), ROOT / "mkdocs.yml")
    return {"seconds": time.perf_counter() - start, "release": str(release), **_self_rss()}


def job_index_real(out: str, procs: int, limitmb: int) -> dict[str, Any]:
    """Only the search index of the real corpus (what `painguide build` does after MkDocs)."""
    from painguide import search
    from painguide.content import validate as catalog_mod

    start = time.perf_counter()
    catalog = catalog_mod.load(ROOT / "guidelines")
    loaded = time.perf_counter()
    directory = Path(out)
    shutil.rmtree(directory, ignore_errors=True)
    count = search.build_index(
        search.catalog_documents(catalog),
        directory,
        synonyms=search.synonym_groups(catalog),
        procs=procs,
        limitmb=limitmb,
    )
    end = time.perf_counter()
    return {
        "seconds": end - loaded,
        "load_seconds": loaded - start,
        "documents": count,
        "bytes": du(directory),
        **_self_rss(),
    }


def _generate_chunk(task: tuple[int, int, int]) -> list[str]:
    start, stop, seed = task
    vocab = _vocab(seed)
    return [json.dumps(synth.document(i, vocab, seed), separators=(",", ":")) for i in range(start, stop)]


_VOCAB: dict[int, synth.Vocabulary] = {}


def _vocab(seed: int) -> synth.Vocabulary:
    if seed not in _VOCAB:
        _VOCAB[seed] = synth.Vocabulary.from_guidelines(ROOT / "guidelines", seed=seed)
    return _VOCAB[seed]


def job_generate(path: str, n: int, seed: int) -> dict[str, Any]:
    """Write a synthetic corpus as JSON lines (two processes; the order is deterministic)."""
    import multiprocessing

    start = time.perf_counter()
    target = Path(path)
    tmp = target.with_suffix(".part")
    chunk = 500
    tasks = [(i, min(i + chunk, n), seed) for i in range(0, n, chunk)]
    with tmp.open("w", encoding="utf-8") as f, multiprocessing.get_context("fork").Pool(2) as pool:
        for lines in pool.imap(_generate_chunk, tasks):
            f.write("\n".join(lines) + "\n")
    tmp.rename(target)
    return {"seconds": time.perf_counter() - start, "bytes": target.stat().st_size}


def _read_corpus(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


VARIANTS = {
    "compound": "ix.writer(..., compound=True): each segment in one .seg file, memory-mapped when opened "
    "(Whoosh's default; build_index writes separate files)",
}


def apply_variant(variant: str) -> None:
    """What-if builds for the report's recommendations, patched in from outside painguide/search/
    (this process only): see VARIANTS."""
    from whoosh import index as whoosh_index

    for name in filter(None, variant.split("+")):
        if name == "compound":
            original = whoosh_index.FileIndex.writer

            def writer(self: Any, procs: int = 1, _original: Any = original, **kwargs: Any) -> Any:
                kwargs["compound"] = True
                return _original(self, procs=procs, **kwargs)

            whoosh_index.FileIndex.writer = writer  # type: ignore[method-assign]
        else:
            raise ValueError(f"unknown variant {name!r}; known: {', '.join(VARIANTS)}")


def job_build_synth(
    corpus: str, build_dir: str, procs: int, limitmb: int, seed: int, variant: str = ""
) -> dict[str, Any]:
    """build_index over a JSON-lines corpus (read as it is indexed), then lay the index out as a
    release `painguide serve` can open: build/current -> releases/<id>/{index,catalog.json}."""
    from painguide import publish, search

    apply_variant(variant)
    out = Path(build_dir)
    shutil.rmtree(out, ignore_errors=True)
    release = out / publish.RELEASES / f"synthetic-{procs}p{limitmb}m"
    release.mkdir(parents=True)
    start = time.perf_counter()
    count = search.build_index(
        _read_corpus(Path(corpus)), release / "index", synonyms=_vocab(seed).synonyms, procs=procs, limitmb=limitmb
    )
    seconds = time.perf_counter() - start
    (release / "catalog.json").write_text(json.dumps({"entries": [], "modules": [], "sources": [], "glossary": []}))
    publish.publish(out, release)
    segments = len(list((release / "index").glob("*.seg"))) or len(
        {p.name.split(".")[0] for p in (release / "index").glob("*.trm")}
    )
    return {"seconds": seconds, "documents": count, "bytes": du(release / "index"), "segments": segments, **_self_rss()}


def job_query(index_dir: str, queries_file: str, budget: float) -> dict[str, Any]:
    """Open the index like the server does and time every query: first pass all distinct (cache
    misses), second pass the same queries again (cache hits). Warm-up queries are not timed."""
    from painguide import search

    items = json.loads(Path(queries_file).read_text())
    warmup, measured = items["warmup"], items["queries"]
    start = time.perf_counter()
    ix = search.SearchIndex(Path(index_dir))
    opened = time.perf_counter() - start
    rss_open = _rss(os.getpid()) / 2**20
    for q in warmup:
        ix.search(q)
    uncached, cpu, kinds, totals, slow = [], [], [], [], []
    t_budget = time.perf_counter() + budget
    for kind, q in measured:
        if time.perf_counter() > t_budget:
            break
        c0, t0 = time.thread_time(), time.perf_counter()
        res = ix.search(q)
        uncached.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        kinds.append(kind)
        totals.append(res.total)
        slow.append((cpu[-1], uncached[-1], kind, q, res.total))
    cached = []
    for _, q in measured[: len(uncached)]:
        t0 = time.perf_counter()
        ix.search(q)
        cached.append((time.perf_counter() - t0) * 1000)
    return {
        "open_seconds": opened,
        "rss_open_mb": rss_open,
        "n": len(uncached),
        "of": len(measured),
        "uncached": uncached,
        "cpu": cpu,
        "kinds": kinds,
        "totals": totals,
        "cached": cached,
        "slowest": sorted(slow, reverse=True)[:5],
        "documents": ix.documents,
        **_self_rss(),
    }


JOBS: dict[str, Callable[..., dict[str, Any]]] = {
    "build-real": job_build_real,
    "index-real": job_index_real,
    "generate": job_generate,
    "build-synth": job_build_synth,
    "query": job_query,
}


def job_main(argv: list[str]) -> None:
    name, *params = argv
    fn = JOBS[name]
    kwargs = json.loads(params[0]) if params else {}
    result = fn(**kwargs)
    print(json.dumps(result))


# --- HTTP ----------------------------------------------------------------------------------------

WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, '
    .. '"p99_us": %d, "max_us": %d, "mean_us": %f, "err_connect": %d, "err_read": %d, '
    .. '"err_write": %d, "err_status": %d, "err_timeout": %d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""

WRK_SEARCH = """
local queries = {}
for line in io.lines("%(file)s") do queries[#queries + 1] = line end
local counter = 0
local threads = 0
setup = function(thread)
  thread:set("start", threads * %(offset)s)
  threads = threads + 1
end
init = function(args)
  counter = tonumber(start) or 0
end
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/search?q=" .. queries[(counter %% #queries) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`painguide serve` without the build step: uvicorn, one worker, on 127.0.0.1 only."""

    def __init__(
        self,
        build_dir: Path,
        caches: dict[str, int] | None = None,
        access_log: bool = False,
        wait_for_health: bool = True,
    ) -> None:
        """``caches``: PAINGUIDE_* cache settings to override, e.g. {"RESPONSE_CACHE_SIZE": 0}."""
        self.port = free_port()
        env = {**os.environ, "PAINGUIDE_BUILD_DIR": str(build_dir), "PYTHONUNBUFFERED": "1"}
        env.update({f"PAINGUIDE_{name}": str(value) for name, value in (caches or {}).items()})
        code = (
            f"import sys; sys.path.insert(0, {CODE or str(ROOT)!r}); "
            "import uvicorn\ntry:\n from painguide.serve.server import OPTIONS\n"
            " APP = 'painguide.serve.app:create_app'\n"
            "except ImportError:  # a snapshot of the code from before painguide/serve\n OPTIONS = {}\n"
            " APP = 'api.app:create_app'\n"
            "uvicorn.run(APP, factory=True, "
            f"host='127.0.0.1', port={self.port}, workers=1, log_level={'info' if access_log else 'warning'!r}, "
            "**OPTIONS)"
        )
        self.proc = subprocess.Popen([PY, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("uvicorn exited during start-up")
            try:
                with urllib.request.urlopen(f"{self.base}/api/v1/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except urllib.error.HTTPError:
                if not wait_for_health:  # it answers, even if not "ok": enough for the fault runs
                    break
            except OSError:
                pass
            if time.time() > deadline:
                self.stop()
                raise RuntimeError("uvicorn did not answer /api/v1/health within 120 s")
            time.sleep(0.2)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=120) as r:
            return r.read()

    def rss_mb(self) -> float:
        return _rss(self.proc.pid) / 2**20

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wrk(url: str, script: Path, duration: int, connections: int, threads: int = 2) -> dict[str, Any]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON ") :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = sum(v for k, v in data.items() if k.startswith("err_"))
    return data


def http_bench(
    label: str, build_dir: Path, queries: list[str], out: Path, duration: int, connections: int, access_log: bool
) -> list[dict[str, Any]]:
    """/health and /search on one server per cache setup: both caches on as shipped (warmed up), the
    search-result cache alone (warmed up: what a response costs when only routing, validation and
    rendering are left), and no cache at all. Every row carries the /health of its own server."""
    qfile = out / "wrk-queries.txt"
    qfile.write_text("\n".join(urllib.parse.quote(q) for q in queries) + "\n")
    health_lua, search_lua = out / "wrk-health.lua", out / "wrk-search.lua"
    health_lua.write_text(WRK_DONE)
    search_lua.write_text(WRK_SEARCH % {"file": qfile, "offset": "997"} + WRK_DONE)
    rows = []
    setups = [
        ("cache on (warm)", {}),
        ("results cache only (warm)", {"RESPONSE_CACHE_SIZE": 0}),
        ("cache off", {"RESPONSE_CACHE_SIZE": 0, "SEARCH_CACHE_SIZE": 0}),
    ]
    for name, caches in setups:
        server = Server(build_dir, caches=caches, access_log=access_log)
        try:
            log(f"HTTP {label}, {name}: warming up")
            start = time.perf_counter()
            for q in queries if "warm" in name else queries[:20]:
                server.get(f"/api/v1/search?q={urllib.parse.quote(q)}")
            warm = time.perf_counter() - start
            wrk(f"{server.base}/api/v1/health", health_lua, 2, connections)  # connection warm-up
            log(f"HTTP {label}, {name}: wrk /health for {duration} s")
            health = wrk(f"{server.base}/api/v1/health", health_lua, duration, connections)
            log(f"HTTP {label}, {name}: wrk /search for {duration} s")
            found = wrk(f"{server.base}/api/v1/search", search_lua, duration, connections)
            rows.append(
                {
                    "corpus": label,
                    "cache": name,
                    "health": health,
                    "search": found,
                    "warmup_s": warm,
                    "server_rss_mb": server.rss_mb(),
                }
            )
        finally:
            server.stop()
    return rows


# --- the report ----------------------------------------------------------------------------------


def corpus_path(out: Path, n: int, seed: int) -> Path:
    return out / "corpora" / f"synth-v{CORPUS_VERSION}-s{seed}-{n}.jsonl"


def query_summary(label: str, r: dict[str, Any]) -> dict[str, Any]:
    u, c = r["uncached"], r["cached"]
    by_kind: dict[str, list[float]] = {}
    for kind, ms in zip(r["kinds"], u, strict=True):
        by_kind.setdefault(kind, []).append(ms)
    return {
        "corpus": label,
        "docs": r["documents"],
        "n": r["n"],
        "of": r["of"],
        "p50": pct(u, 50),
        "p90": pct(u, 90),
        "p99": pct(u, 99),
        "max": max(u),
        "mean": statistics.mean(u),
        "cpu_p50": pct(r["cpu"], 50),
        "cpu_p99": pct(r["cpu"], 99),
        "cached_p50": pct(c, 50),
        "cached_p99": pct(c, 99),
        "by_kind": {k: (pct(v, 50), pct(v, 99), len(v)) for k, v in sorted(by_kind.items())},
        "open_s": r["open_seconds"],
        "rss_open_mb": r["rss_open_mb"],
        "rss_peak_mb": r["self_maxrss_mb"],
        "mean_hits": statistics.mean(r["totals"]),
    }


def measure_queries(label: str, index_dir: Path, queries_file: Path, args: argparse.Namespace) -> dict[str, Any]:
    job = {"index_dir": str(index_dir), "queries_file": str(queries_file), "budget": args.query_budget}
    log(f"{label}: in-process queries")
    current = run_job(["query", json.dumps(job)])
    summary = query_summary(label, current)
    summary["slowest"] = current["slowest"]
    return summary


def code_hash(base: Path) -> str:
    digest = hashlib.md5()
    for package in ("painguide", "api"):  # (api/ only in snapshots of the code from before painguide/serve)
        for path in sorted((base / package).rglob("*.py")):
            digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def take_snapshot(out: Path) -> Path:
    """painguide/ and api/ as they are now, under out/code-<hash>/ (reused when unchanged)."""
    target = out / f"code-{code_hash(ROOT)[:12]}"
    if not target.exists():
        tmp = out / f".code-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        for package in ("painguide", "api"):
            if (ROOT / package).is_dir():
                shutil.copytree(ROOT / package, tmp / package, ignore=shutil.ignore_patterns("__pycache__"))
        tmp.rename(target)
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_job":
        job_main(argv[1:])
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000,100000", help="synthetic corpus sizes (comma-separated)")
    p.add_argument("--skip-http", action="store_true", help="no uvicorn/wrk runs")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--http-sizes", default="10000", help="synthetic sizes also load-tested over HTTP")
    p.add_argument("--queries", type=int, default=400, help="distinct queries per in-process run")
    p.add_argument("--query-budget", type=float, default=240, help="max seconds of uncached queries per corpus")
    p.add_argument("--procs", type=int, default=2, help="build_index(procs=) for synthetic corpora")
    p.add_argument("--limitmb", type=int, default=256, help="build_index(limitmb=) for synthetic corpora")
    p.add_argument(
        "--baseline-max",
        type=int,
        default=10000,
        help="also build sizes up to this with publish.py's defaults (procs=1, limitmb=128); 0: never",
    )
    p.add_argument("--build-timeout", type=float, default=40 * 60, help="seconds before a build is abandoned")
    p.add_argument(
        "--variants",
        default="compound",
        help=f"what-if builds (patched in this tool only); 'a+b' combines, 'a@N' only for size N: {VARIANTS}",
    )
    p.add_argument("--variant-sizes", default="10000", help="sizes that also get the --variants builds")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--live-code",
        action="store_true",
        help="import painguide/ and api/ from the working tree instead of a snapshot taken at start",
    )
    p.add_argument("--access-log", action="store_true", help="uvicorn access log on (`painguide serve` default)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    p.add_argument(
        "--render",
        type=Path,
        metavar="RESULTS_JSON",
        help="print the report of an earlier run's results-*.json (no measuring)",
    )
    args = p.parse_args(argv)
    if args.render:
        saved = json.loads(args.render.read_text())
        print(render(saved["builds"], saved["latency"], saved["http"], args, saved["env"], saved["errors"]))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    http_sizes = [int(s) for s in args.http_sizes.split(",") if s.strip()]
    variant_sizes = [int(s) for s in args.variant_sizes.split(",") if s.strip()]
    variants = [v for v in args.variants.split(",") if v.strip()]
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpora").mkdir(exist_ok=True)

    if not args.live_code and not CODE:
        snapshot = take_snapshot(out)
        log(f"code snapshot: {snapshot}")
        os.execve(PY, [PY, __file__, *argv], {**os.environ, "PAINGUIDE_BENCH_CODE": str(snapshot)})
    code_dir = Path(CODE) if CODE else ROOT
    search_files = sorted((code_dir / "painguide" / "search").glob("*.py")) or [code_dir / "painguide" / "search.py"]
    search_py = b"".join(p.read_bytes() for p in search_files)
    env_info = {
        "code": str(code_dir),
        "code_hash": code_hash(code_dir),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "search_md5": hashlib.md5(search_py).hexdigest(),
        "mem_gb": round(os.sysconf("SC_PHYS_PAGES") * PAGE / 2**30, 1),
    }
    log(f"environment: {env_info}")
    vocab = synth.Vocabulary.from_guidelines(ROOT / "guidelines", seed=args.seed)
    measured = synth.queries_with_kind(vocab, args.queries, seed=7)
    warmup = [q for _, q in synth.queries_with_kind(vocab, 30, seed=99) if q not in {m for _, m in measured}][:20]
    queries_file = out / "queries.json"
    queries_file.write_text(json.dumps({"warmup": warmup, "queries": measured}))

    builds: list[dict[str, Any]] = []
    latencies: list[dict[str, Any]] = []
    http: list[dict[str, Any]] = []
    started = time.perf_counter()

    errors: list[str] = []
    stamp = time.strftime("%Y%m%dT%H%M%S")

    def save() -> None:
        (out / f"results-{stamp}.json").write_text(
            json.dumps(
                {"env": env_info, "builds": builds, "latency": latencies, "http": http, "errors": errors},
                indent=1,
                default=str,
            )
        )

    def guarded(name: str, fn: Callable[..., None], *fn_args: Any) -> None:
        try:
            fn(*fn_args)
        except Exception as exc:  # a failed job must not lose the rest of the report
            log(f"{name} FAILED: {exc!r}")
            errors.append(f"{name}: {exc!r}")
        save()

    # -- the real corpus ------------------------------------------------------------------------
    def real() -> None:
        real_build = out / "real-build"
        log("real corpus: painguide build (site + index + catalog)")
        full = run_job(["build-real", json.dumps({"out": str(real_build)})], timeout=args.build_timeout)
        log("real corpus: index only")
        idx = run_job(["index-real", json.dumps({"out": str(out / "real-index"), "procs": 1, "limitmb": 128})])
        builds.append(
            {
                "corpus": "real (full `painguide build`)",
                "docs": idx["documents"],
                "config": "1p/128MB",
                "seconds": full["seconds"],
                "cpu_s": full["job_cpu_s"],
                "bytes": None,
                "tree_rss_mb": full["tree_peak_rss_mb"],
                "maxrss_mb": full["self_maxrss_mb"],
            }
        )
        builds.append(
            {
                "corpus": "real (index only)",
                "docs": idx["documents"],
                "config": "1p/128MB",
                "seconds": idx["seconds"],
                "cpu_s": idx["job_cpu_s"],
                "bytes": idx["bytes"],
                "tree_rss_mb": idx["tree_peak_rss_mb"],
                "maxrss_mb": idx["self_maxrss_mb"],
            }
        )
        latencies.append(measure_queries("real", Path(full["release"]) / "index", queries_file, args))
        if not args.skip_http:
            http.extend(
                http_bench(
                    "real", real_build, [q for _, q in measured], out, args.duration, args.connections, args.access_log
                )
            )

    guarded("real corpus", real)

    # -- synthetic corpora ----------------------------------------------------------------------
    def synthetic(n: int, procs: int, limitmb: int, variant: str) -> Path:
        corpus = corpus_path(out, n, args.seed)
        if not corpus.exists():
            log(f"{n:,} docs: generating the corpus")
            g = run_job(["generate", json.dumps({"path": str(corpus), "n": n, "seed": args.seed})])
            log(f"{n:,} docs: generated in {g['seconds']:.0f} s ({g['bytes'] / 2**20:.0f} MB)")
        label = f"{procs}p/{limitmb}MB" + (f"+{variant}" if variant else "")
        bdir = out / (f"synth-{n}-{procs}p{limitmb}m" + (f"-{variant}" if variant else ""))
        log(f"{n:,} docs: building the index ({label})")
        try:
            b = run_job(
                [
                    "build-synth",
                    json.dumps(
                        {
                            "corpus": str(corpus),
                            "build_dir": str(bdir),
                            "procs": procs,
                            "limitmb": limitmb,
                            "seed": args.seed,
                            "variant": variant,
                        }
                    ),
                ],
                timeout=args.build_timeout,
            )
        except subprocess.TimeoutExpired:
            builds.append(
                {
                    "corpus": f"synthetic {n:,}",
                    "docs": n,
                    "config": label,
                    "seconds": None,
                    "note": f"timeout {args.build_timeout:.0f} s",
                }
            )
            raise RuntimeError(f"build abandoned after {args.build_timeout:.0f} s") from None
        log(f"{n:,} docs: built in {b['seconds']:.1f} s")
        builds.append(
            {
                "corpus": f"synthetic {n:,}",
                "docs": b["documents"],
                "config": label,
                "seconds": b["seconds"],
                "cpu_s": b["job_cpu_s"],
                "bytes": b["bytes"],
                "tree_rss_mb": b["tree_peak_rss_mb"],
                "maxrss_mb": max(b["self_maxrss_mb"], b["children_maxrss_mb"]),
                "segments": b["segments"],
            }
        )
        latencies.append(
            measure_queries(
                f"synthetic {n:,} ({label}, {b['segments']} seg)", bdir / "current" / "index", queries_file, args
            )
        )
        log(f"{n:,} docs: p50 {latencies[-1]['p50']:.1f} ms, p99 {latencies[-1]['p99']:.1f} ms")
        return bdir

    for n in sizes:
        configs = [(args.procs, args.limitmb, "")]
        if n <= args.baseline_max:
            configs.insert(0, (1, 128, ""))
        if n in variant_sizes:
            for item in variants:  # "name" (every --variant-sizes size) or "name@size"
                name, _, only = item.partition("@")
                if not only or int(only) == n:
                    configs.append((args.procs, args.limitmb, name))
        for procs, limitmb, variant in configs:
            guarded(f"synthetic {n:,} {procs}p/{limitmb}MB {variant}".strip(), synthetic, n, procs, limitmb, variant)
        build_dir = out / f"synth-{n}-{args.procs}p{args.limitmb}m"
        if not args.skip_http and n in http_sizes and (build_dir / "current").exists():
            guarded(
                f"HTTP synthetic {n:,}",
                lambda n=n, d=build_dir: http.extend(
                    http_bench(
                        f"synthetic {n:,}",
                        d,
                        [q for _, q in measured],
                        out,
                        args.duration,
                        args.connections,
                        args.access_log,
                    )
                ),
            )

    env_info["loadavg_end"] = os.getloadavg()
    env_info["total_minutes"] = (time.perf_counter() - started) / 60
    env_info["working_tree_hash_end"] = code_hash(ROOT)
    report = render(builds, latencies, http, args, env_info, errors)
    print(report)
    save()
    (out / f"report-{stamp}.txt").write_text(report + "\n")
    return 0


def render(
    builds: list[dict[str, Any]],
    lat: list[dict[str, Any]],
    http: list[dict[str, Any]],
    args: argparse.Namespace,
    env: dict[str, Any],
    errors: Sequence[str] = (),
) -> str:
    parts = [
        f"PainGuide benchmark: {env['cpus']} CPUs, {env['mem_gb']} GB, Python {env['python']}, "
        f"search/*.py md5 {env['search_md5'][:12]} (code {env['code_hash'][:12]}"
        f"{'' if env['code_hash'] == env.get('working_tree_hash_end') else ', working tree changed since'}), "
        "load average at start "
        f"{env['loadavg_start'][0]:.2f}, at end {env['loadavg_end'][0]:.2f}, {env['total_minutes']:.1f} min",
        "",
        table(
            "Index build (seconds = build_index/painguide build wall time; CPU s include child processes; "
            "RSS peak = whole process tree, sampled)",
            [
                "corpus",
                "docs",
                "procs/limitmb",
                "build s",
                "CPU s",
                "index MB",
                "segments",
                "RSS peak MB",
                "max single-proc RSS MB",
            ],
            [
                [
                    b["corpus"],
                    b["docs"],
                    b["config"],
                    b.get("seconds"),
                    b.get("cpu_s"),
                    b["bytes"] / 2**20 if b.get("bytes") else None,
                    b.get("segments"),
                    b.get("tree_rss_mb"),
                    b.get("maxrss_mb"),
                ]
                for b in builds
            ],
        ),
        "",
        table(
            f"In-process SearchIndex.search latency, ms ({args.queries} distinct realistic queries; uncached = "
            "first time each query is seen; cached = the same queries again)",
            [
                "corpus",
                "queries",
                "p50",
                "p90",
                "p99",
                "max",
                "mean",
                "CPU p50",
                "CPU p99",
                "cached p50",
                "cached p99",
                "mean hits",
                "open s",
                "RSS open MB",
                "RSS peak MB",
            ],
            [
                [
                    r["corpus"],
                    f"{r['n']}/{r['of']}",
                    r["p50"],
                    r["p90"],
                    r["p99"],
                    r["max"],
                    r["mean"],
                    r["cpu_p50"],
                    r["cpu_p99"],
                    r["cached_p50"],
                    r["cached_p99"],
                    r["mean_hits"],
                    r["open_s"],
                    r["rss_open_mb"],
                    r["rss_peak_mb"],
                ]
                for r in lat
            ],
        ),
        "",
        table(
            "Uncached latency by query kind, ms: p50 / p99 (count)",
            ["corpus", *sorted({k for r in lat for k in r["by_kind"]})],
            [
                [
                    r["corpus"],
                    *[
                        ("{:.1f} / {:.1f} ({:d})".format(*r["by_kind"][k])) if k in r["by_kind"] else "-"
                        for k in sorted({k for r in lat for k in r["by_kind"]})
                    ],
                ]
                for r in lat
            ],
        ),
    ]
    slow_rows = [
        [r["corpus"], f"{cpu:.0f}", f"{wall:.0f}", kind, q[:60], total]
        for r in lat
        for cpu, wall, kind, q, total in r.get("slowest", [])[:3]
    ]
    if slow_rows:
        parts += [
            "",
            table("Slowest uncached queries, ms", ["corpus", "CPU", "wall", "kind", "query", "hits"], slow_rows),
        ]
    if http:
        rows = []
        for h in http:
            hh, s = h["health"], h["search"]
            rows.append(
                [
                    h["corpus"],
                    h["cache"],
                    hh["rps"],
                    hh["p50_us"] / 1000,
                    hh["p99_us"] / 1000,
                    s["rps"],
                    s["p50_us"] / 1000,
                    s["p99_us"] / 1000,
                    s["rps"] / hh["rps"],
                    f"{hh['errors']}/{s['errors']}",
                    h["server_rss_mb"],
                ]
            )
        parts += [
            "",
            table(
                f"HTTP, uvicorn 1 worker on 127.0.0.1, wrk {args.connections} connections, {args.duration} s per run "
                f"(access log {'on' if args.access_log else 'off'}); latency ms",
                [
                    "corpus",
                    "search cache",
                    "health req/s",
                    "health p50",
                    "health p99",
                    "search req/s",
                    "search p50",
                    "search p99",
                    "search/health",
                    "errors h/s",
                    "server RSS MB",
                ],
                rows,
            ),
        ]
    if any("+" in b["config"] for b in builds):
        parts += ["", "What-if build variants (patched in by bench/run.py only, painguide/ untouched):"]
        parts += [f"  +{name}: {text}" for name, text in VARIANTS.items()]
    parts += ["", goals(builds, lat, http)]
    if errors:
        parts += ["", "Failed parts of this run:", *(f"  {e}" for e in errors)]
    return "\n".join(parts)


def goals(builds: list[dict[str, Any]], lat: list[dict[str, Any]], http: list[dict[str, Any]]) -> str:
    rows = []

    def row(goal: str, measured: str, ok: bool | None, issue: str = "") -> None:
        rows.append([goal, measured, issue, "-" if ok is None else "MET" if ok else "NOT MET"])

    for h in http:
        if h["corpus"] != "real":
            continue
        ratio = h["search"]["rps"] / h["health"]["rps"]
        p99 = h["search"]["p99_us"] / 1000
        # The goal's setup is the server as shipped: the result cache is one of the issue's levers.
        # With the cache off, the rows say what every first-time query costs (information, not a goal).
        goal = h["cache"].startswith("cache on")
        row(
            f"(a) real, HTTP, {h['cache']}: search req/s >= 50% of /health",
            f"{h['search']['rps']:.0f} / {h['health']['rps']:.0f} = {ratio:.0%}",
            ratio >= GOALS["http_ratio"] if goal else None,
        )
        row(
            f"(a) real, HTTP, {h['cache']}: search p99 < 50 ms",
            f"{p99:.1f} ms",
            p99 < GOALS["http_p99"] if goal else None,
        )
    for r in lat:
        if r["docs"] == 10000:
            row(
                f"(b) 10k in-process p50 <= 10 ms [{r['corpus']}]",
                f"{r['p50']:.1f} ms",
                r["p50"] <= GOALS["p50_10k"],
                "18 ms",
            )
            row(
                f"(b) 10k in-process p99 <= 60 ms [{r['corpus']}]",
                f"{r['p99']:.1f} ms",
                r["p99"] <= GOALS["p99_10k"],
                "203 ms",
            )
    for b in builds:
        if b["docs"] == 10000 and b["corpus"].startswith("synthetic"):
            sec = b.get("seconds")
            # single-process builds are the baseline; the multi-process writer is the issue's lever
            baseline = b["config"].startswith("1p/")
            row(
                f"(b) 10k build <= 60 s [{b['config']}{', baseline' if baseline else ''}]",
                "timeout" if sec is None else f"{sec:.0f} s",
                None if sec is None or baseline else sec <= GOALS["build_10k"],
                "82 s",
            )
        if b["docs"] == 100000:
            sec = b.get("seconds")
            row(
                f"(c) 100k builds with bounded memory [{b['config']}]",
                "timeout"
                if sec is None
                else f"{sec / 60:.1f} min, RSS peak {b['tree_rss_mb']:.0f} MB "
                f"(largest process {b['maxrss_mb']:.0f} MB)",
                sec is not None,
                "15 min, 1,150 MB",
            )
    for r in lat:
        if r["docs"] == 100000:
            row(
                f"(c) 100k answers [{r['corpus']}]",
                f"p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms, RSS {r['rss_peak_mb']:.0f} MB",
                None,
                "p50 188 ms, p99 2 s",
            )
        if r["docs"] == 1000:
            row(f"1k in-process p50 (issue: naive 7.4 ms) [{r['corpus']}]", f"{r['p50']:.1f} ms", None, "7.4 ms")
    for h in http:
        if h["corpus"].startswith("synthetic"):
            row(
                f"{h['corpus']} over HTTP, {h['cache']} (issue: 20-25 req/s vs ~6,800 /health)",
                f"{h['search']['rps']:.0f} req/s vs {h['health']['rps']:.0f} /health, "
                f"p99 {h['search']['p99_us'] / 1000:.0f} ms",
                None,
                "20-25 req/s",
            )
    return table("Goals", ["goal", "measured", "issue (naive)", "status"], rows)


if __name__ == "__main__":
    sys.exit(main())
