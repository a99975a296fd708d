"""The atlas at 1x, 10x and 100x Germany's size: search, list and analysis, on SQLite and
PostgreSQL, in one run (see bench/README.md, "Scale").

For each database and scale: a fresh database (PostgreSQL: created here and dropped after;
SQLite: a file in a temporary data directory), migrations and shipped data, then
``kompass manage generate_scale_data --scale N`` (timed), the analysis computation (timed in
its own process), then the production server (``kompass run``) loaded with wrk: a mix of
search requests on the page and the API, and profile list requests with facets. Prints one
table with p50/p95 and requests/s per scale and their growth (value at 10x and 100x divided
by the value at 1x).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 - bench/run.py, the HTTP benchmark this one builds on

BENCH = Path(__file__).resolve().parent
MIX_SCRIPT = BENCH / "mix.lua"
EDITION = "synthetisch"
SCALES = (1.0, 10.0, 100.0)
GENERATE_TIMEOUT_S = 4 * 3600
#: A large database on a busy machine starts slower than bench/run.py allows.
run.STARTUP_TIMEOUT_S = 900.0
ANALYSIS_TIMEOUT_S = 1800

#: Search queries: (label, query string of the page, query string of the API).
SEARCH_QUERIES = [
    ("common word", "q=Digitalisierung", "q=Digitalisierung"),
    ("rare word (a town)", "q=Ingolstadt", "q=Ingolstadt"),
    ("umlaut spelled out", "q=Buergerbeteiligung", "q=Buergerbeteiligung"),
    ("typo", "q=Digitalisirung", "q=Digitalisirung"),
    ("typo in a name", "q=Wupertal", "q=Wupertal"),
    ("compound part", "q=Plattform", "q=Plattform"),
    ("hyphenated compound", "q=Daten-Plattform", "q=Daten-Plattform"),
    ("two words", "q=Mobilit%C3%A4t+Verwaltung", "q=Mobilit%C3%A4t+Verwaltung"),
    ("word + Land", "q=Mobilit%C3%A4t&land=BY", "q=Mobilit%C3%A4t&land=BY"),
    (
        "word + size + kind",
        "q=Verwaltung&size_class=large_city&art=project",
        "q=Verwaltung&size_class=large_city&kind=project",
    ),
    ("word + field", "q=Daten&field=data_platform", "q=Daten&field=data_platform"),
]
#: The same searches as calls of kompass.atlas.search.search: (label, text, filters).
ENGINE_QUERIES = [
    ("common word", "Digitalisierung", {}),
    ("rare word (a town)", "Ingolstadt", {}),
    ("umlaut spelled out", "Buergerbeteiligung", {}),
    ("typo", "Digitalisirung", {}),
    ("typo in a name", "Wupertal", {}),
    ("compound part", "Plattform", {}),
    ("hyphenated compound", "Daten-Plattform", {}),
    ("two words", "Mobilität Verwaltung", {}),
    ("word + Land", "Mobilität", {"land": "BY"}),
    ("word + size + kind", "Verwaltung", {"size": "large_city", "kind": "project"}),
    ("word + field", "Daten", {"field_slug": "data_platform"}),
]
LIST_QUERIES = [
    f"ausgabe={EDITION}&land=BY&size_class=small_town",
    f"ausgabe={EDITION}&land=NW&field=mobility",
    f"ausgabe={EDITION}&size_class=large_city",
]
API_LIST_QUERIES = [
    f"edition={EDITION}&land=BY&size_class=small_town&limit=50",
    f"edition={EDITION}&land=NW&field=mobility&limit=50",
    f"edition={EDITION}&size_class=large_city&limit=50",
]


def groups() -> dict[str, list[str]]:
    """The request mixes, each loaded by one wrk run."""
    return {
        "search page": [f"/atlas/suche/?{page}" for _, page, _ in SEARCH_QUERIES],
        "search API": [f"/api/v1/atlas/search?{api}" for _, _, api in SEARCH_QUERIES],
        "list page": [f"/atlas/?{q}" for q in LIST_QUERIES],
        "list API": [f"/api/v1/atlas/profiles?{q}" for q in API_LIST_QUERIES],
        "analysis API": [f"/api/v1/atlas/analysis?edition={EDITION}"],
    }


@dataclass(frozen=True)
class Options:
    scales: tuple[float, ...]
    databases: tuple[str, ...]
    duration: int
    warmup: int
    connections: int
    threads: int
    samples: int
    json_file: Path | None
    index_only: tuple[float, ...] = ()
    skip: tuple[tuple[str, float], ...] = ()
    #: Prepared databases to measure instead of generating: (database, scale) -> DATABASE_URL.
    existing: tuple[tuple[str, float, str], ...] = ()


@dataclass
class Measured:
    database: str
    scale: float
    generate_s: float = 0.0
    generate_output: str = ""
    analysis: dict[str, Any] = field(default_factory=dict)
    load: dict[str, dict[str, Any]] = field(default_factory=dict)
    single: dict[str, float] = field(default_factory=dict)  # per search query, p50 ms
    engine: dict[str, Any] = field(default_factory=dict)  # search.search in-process


def scale_list(value: str) -> tuple[float, ...]:
    try:
        scales = tuple(sorted({float(v) for v in value.split(",") if v.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError("comma-separated numbers, e.g. 1,10,100") from None
    if not scales or min(scales) <= 0:
        raise argparse.ArgumentTypeError("scales must be greater than 0")
    return scales


def skip_list(value: str) -> tuple[tuple[str, float], ...]:
    pairs = []
    for item in value.split(","):
        database, _, scale = item.partition(":")
        if database not in run.DATABASES:
            raise argparse.ArgumentTypeError(f"unknown database {database!r}")
        try:
            pairs.append((database, float(scale)))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a scale: {scale!r}") from None
    return tuple(pairs)


def existing_list(value: str) -> tuple[tuple[str, float, str], ...]:
    """``postgresql:100=postgresql://…/scale100,sqlite:100=sqlite:////path/scale100.sqlite3``:
    measure these prepared databases (made with ``kompass manage generate_scale_data --scale
    N``) instead of generating them."""
    found = []
    for item in value.split(","):
        key, sep, url = item.partition("=")
        database, _, scale = key.partition(":")
        if not sep or database not in run.DATABASES or not url.startswith(f"{database}://"):
            raise argparse.ArgumentTypeError(
                f"expected postgresql:SCALE=postgresql://... or sqlite:SCALE=sqlite:////FILE, "
                f"not {item!r}"
            )
        try:
            found.append((database, float(scale), url))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a scale: {scale!r}") from None
    return tuple(found)


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/scale.py", description="Search, list and analysis at 1x, 10x, 100x."
    )
    parser.add_argument("--scales", type=scale_list, default=SCALES, help="default 1,10,100")
    parser.add_argument("--databases", type=run.database_list, default=run.DATABASES)
    parser.add_argument("--duration", type=run.positive_int, default=10, help="seconds per mix")
    parser.add_argument("--warmup", type=run.non_negative_int, default=2)
    parser.add_argument("--connections", type=run.positive_int, default=4)
    parser.add_argument("--threads", type=run.positive_int, default=2)
    parser.add_argument(
        "--samples", type=run.positive_int, default=5, help="sequential requests per query"
    )
    parser.add_argument("--json", type=Path, default=None, metavar="FILE")
    parser.add_argument(
        "--index-only",
        type=scale_list,
        default=(),
        metavar="SCALES",
        help="scales at which only the search index is generated (search rows only)",
    )
    parser.add_argument(
        "--skip",
        type=skip_list,
        default=(),
        metavar="DB:SCALE,...",
        help="combinations not to run, e.g. sqlite:100",
    )
    parser.add_argument(
        "--existing",
        type=existing_list,
        default=(),
        metavar="DB:SCALE=URL,...",
        help="measure a prepared database at that scale instead of generating one "
        "(it is neither changed nor dropped, except that the analysis figures are stored)",
    )
    args = parser.parse_args(argv)
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads")
    return Options(
        scales=args.scales,
        databases=args.databases,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        samples=args.samples,
        json_file=args.json,
        index_only=args.index_only,
        skip=args.skip,
        existing=args.existing,
    )


# --- One database at one scale ------------------------------------------------------------------
def manage(env: dict[str, str], cwd: str, *args: str, timeout: float = 600) -> str:
    completed = subprocess.run(
        [str(run.KOMPASS), "manage", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise run.BenchError(f"kompass manage {' '.join(args)} failed:\n{completed.stderr[-5000:]}")
    return completed.stdout


def run_mix(base_url: str, paths: list[str], seconds: int, options: Options) -> run.WrkResult:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths) + "\n")
        paths_file = handle.name
    try:
        command = [
            run.ensure_wrk(),
            "--threads",
            str(options.threads),
            "--connections",
            str(options.connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            run.WRK_TIMEOUT,
            "--script",
            str(MIX_SCRIPT),
            base_url,
        ]
        env = {**os.environ, "BENCH_PATHS": paths_file, "BENCH_REPORT": str(run.LUA_SCRIPT)}
        completed = subprocess.run(
            command, capture_output=True, text=True, env=env, check=False, timeout=seconds + 60
        )
        if completed.returncode != 0:
            raise run.BenchError(f"wrk failed ({completed.returncode}):\n{completed.stderr}")
        return run.parse_wrk_output(completed.stdout)
    finally:
        os.unlink(paths_file)


def single_p50(base_url: str, path: str, samples: int) -> float:
    """Median milliseconds of ``samples`` sequential requests (no other load)."""
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        status, _body = run.get(base_url + path)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise run.BenchError(f"GET {path} answered {status}")
    return statistics.median(timings)


def bench_one(database: str, scale: float, options: Options) -> Measured:
    measured = Measured(database=database, scale=scale)
    prepared = {(d, s): url for d, s, url in options.existing}.get((database, scale))
    index_only = scale in options.index_only
    print(f"[{database} x{scale:g}] {'prepared' if prepared else 'fresh'} database ...", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="kompass-scale-") as tmp,
        contextlib.nullcontext(prepared)
        if prepared
        else run.fresh_database(database) as database_url,
    ):
        env = run.server_environment(Path(tmp) / "data", database_url)
        if prepared:
            measured.generate_output = "prepared beforehand (--existing), not timed here"
        else:
            manage(env, tmp, "migrate", "-v0")
            manage(env, tmp, "load_shipped_data", "-v0")
            print(f"    generating scale {scale:g} ...", flush=True)
            started = time.monotonic()
            output = manage(
                env,
                tmp,
                "generate_scale_data",
                "--scale",
                f"{scale:g}",
                *(["--index-only"] if index_only else []),
                timeout=GENERATE_TIMEOUT_S,
            )
            measured.generate_s = time.monotonic() - started
            measured.generate_output = output.strip().splitlines()[-1] if output.strip() else ""
        print(f"    generated in {measured.generate_s:.0f} s: {measured.generate_output}")
        measured.analysis = {} if index_only else time_analysis(env, tmp)
        measured.engine = time_engine(env, tmp, options.samples * 4)
        print(
            "    search.search p95 ms: "
            + ", ".join(
                f"{k} {v['p95_ms']:.1f}" for k, v in measured.engine.items() if "p95_ms" in v
            ),
            flush=True,
        )
        print(f"    analysis: {measured.analysis}", flush=True)
        with run.serving(env, tmp, database) as base_url:
            mixes = {
                name: paths
                for name, paths in groups().items()
                if not (index_only and name.startswith(("list", "analysis")))
            }
            for paths in mixes.values():
                for path in paths:  # every path answers 200 before it is loaded
                    run.expect_ok(base_url + path)
            for label, page, _ in SEARCH_QUERIES:
                measured.single[label] = single_p50(
                    base_url, f"/atlas/suche/?{page}", options.samples
                )
            print(
                "    sequential search page p50 ms: "
                + ", ".join(f"{k} {v:.0f}" for k, v in measured.single.items()),
                flush=True,
            )
            for name, paths in mixes.items():
                if options.warmup:
                    run_mix(base_url, paths, options.warmup, options)
                result = run_mix(base_url, paths, options.duration, options)
                measured.load[name] = {
                    "requests_per_s": result.requests_per_s,
                    "p50_ms": result.p50_ms,
                    "p95_ms": result.p95_ms,
                    "p99_ms": result.p99_ms,
                    "errors": result.error_count,
                }
                print(
                    f"    {name:<12} {result.requests_per_s:8.1f} req/s  p50 {result.p50_ms:8.1f}"
                    f"  p95 {result.p95_ms:8.1f} ms  errors {result.error_count}",
                    flush=True,
                )
    return measured


def time_engine(env: dict[str, str], cwd: str, repeat: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(BENCH / "time_search.py"), str(repeat), json.dumps(ENGINE_QUERIES)],
        env={**env, "DJANGO_SETTINGS_MODULE": "kompass.settings"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=ANALYSIS_TIMEOUT_S,
        check=False,
    )
    if completed.returncode != 0:
        return {"error": {"message": completed.stderr[-2000:]}}
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def time_analysis(env: dict[str, str], cwd: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(BENCH / "time_analysis.py"), EDITION],
        env={**env, "DJANGO_SETTINGS_MODULE": "kompass.settings"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=ANALYSIS_TIMEOUT_S,
        check=False,
    )
    if completed.returncode != 0:
        return {"error": completed.stderr[-2000:]}
    data: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    data["median_s"] = statistics.median(data["seconds"])
    return data


# --- Report -------------------------------------------------------------------------------------
def growth(values: dict[float, float], scale: float) -> str:
    base = values.get(1.0)
    value = values.get(scale)
    if not base or value is None:
        return "n/a"
    return f"{value / base:.2f}"


def report(results: list[Measured], options: Options) -> str:
    scales = options.scales
    header = ["database", "what"]
    for scale in scales:
        header += [f"p50 x{scale:g}", f"p95 x{scale:g}", f"req/s x{scale:g}"]
    grown = [s for s in scales if s != 1.0] if 1.0 in scales else []
    header += [f"p95 growth x{s:g}" for s in grown] + [f"req/s growth x{s:g}" for s in grown]
    lines = [header]
    for database in options.databases:
        by_scale = {m.scale: m for m in results if m.database == database}
        for name in groups():
            row = [database, name]
            p95: dict[float, float] = {}
            rate: dict[float, float] = {}
            for scale in scales:
                load = by_scale[scale].load.get(name) if scale in by_scale else None
                if load is None:
                    row += ["-", "-", "-"]
                    continue
                p95[scale] = load["p95_ms"]
                rate[scale] = load["requests_per_s"]
                mark = " !" if load["errors"] else ""
                row += [
                    f"{load['p50_ms']:.1f}",
                    f"{load['p95_ms']:.1f}{mark}",
                    f"{rate[scale]:.1f}",
                ]
            row += [growth(p95, s) for s in grown] + [growth(rate, s) for s in grown]
            lines.append(row)
        analysis: dict[float, float] = {}
        generated: dict[float, float] = {}
        row_a = [database, "analysis s"]
        row_g = [database, "generate s"]
        for scale in scales:
            m = by_scale.get(scale)
            seconds = m.analysis.get("median_s") if m else None
            if seconds is not None:
                analysis[scale] = seconds
            if m:
                generated[scale] = m.generate_s
            row_a += ["", f"{seconds:.3f}" if seconds is not None else "-", ""]
            row_g += ["", f"{m.generate_s:.0f}" if m else "-", ""]
        lines.append(row_a + [growth(analysis, s) for s in grown] + ["" for _ in grown])
        lines.append(row_g + [growth(generated, s) for s in grown] + ["" for _ in grown])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = []
    for index, line in enumerate(lines):
        text.append(
            "  ".join(
                cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i])
                for i, cell in enumerate(line)
            ).rstrip()
        )
        if index == 0:
            text.append("  ".join("-" * w for w in widths))
    return "\n".join(text)


def single_report(results: list[Measured]) -> str:
    labels = [label for label, _, _ in SEARCH_QUERIES]
    header = ["query: page p50 ms / search.search p95 ms (total)"]
    header += [f"{m.database} x{m.scale:g}" for m in results]

    def cell(m: Measured, label: str) -> str:
        engine = m.engine.get(label, {})
        total = f"{engine.get('total', '?')}{'+' if engine.get('capped') else ''}"
        return f"{m.single.get(label, 0):.0f} / {engine.get('p95_ms', 0):.1f} ({total})"

    lines = [header] + [[label, *(cell(m, label) for m in results)] for label in labels]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(line))
        for line in lines
    )


def write_json(
    options: Options, facts: dict[str, Any], results: list[Measured], total: float
) -> None:
    assert options.json_file is not None
    document = {
        "machine": facts,
        "options": {**asdict(options), "json_file": None},
        "total_s": total,
        "results": [asdict(m) for m in results],
    }
    options.json_file.write_text(json.dumps(document, indent=2) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    try:
        wrk = run.ensure_wrk()
        facts = {
            "nproc": len(os.sched_getaffinity(0)),
            "cpu": run.cpu_model(),
            "python": platform.python_version(),
            "wrk": run.wrk_version(wrk),
            "server_workers": run.server_workers(),
            "server_threads_per_worker": run.server_threads(),
        }
        if "postgresql" in options.databases:
            facts["postgresql"] = run.postgres_version()
        print(f"Kommunalkompass scale benchmark: {facts}")
        print(
            f"load: {options.threads} threads, {options.connections} connections, "
            f"{options.warmup} s warm-up + {options.duration} s per mix; scales {options.scales}"
        )
        results = []
        for database in options.databases:
            for scale in options.scales:
                if (database, scale) in options.skip:
                    continue
                results.append(bench_one(database, scale, options))
                if options.json_file:
                    write_json(options, facts, results, time.monotonic() - started)
    except run.BenchError as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        return 1
    total = time.monotonic() - started
    print()
    print(report(results, options))
    print()
    print(single_report(results))
    for scale in options.index_only:
        print(
            f"x{scale:g}: search index only (no municipalities, profiles or projects were "
            "written), so the list and the analysis were not measured there"
        )
    print(f"\ntotal run time: {total / 60:.1f} min")
    if options.json_file:
        write_json(options, facts, results, total)
        print(f"JSON written to {options.json_file}")
    return 1 if any(load["errors"] for m in results for load in m.load.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
