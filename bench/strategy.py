"""The strategy workspace at 1x and 10x a large real workspace, on SQLite and PostgreSQL
(see bench/README.md, "Strategy workspace").

For each database and scale: a fresh database (PostgreSQL: created here and dropped after;
SQLite: a file in a temporary data directory), migrations and shipped data, then
``kompass manage generate_workspace_data --scale N --user EMAIL`` (timed), the production
server (``kompass run``), a login through the login form (the session cookie is kept and sent
by wrk), and each page loaded alone with wrk: dashboard, portfolio, roadmap, risk heat map and
monitoring overview. Every page must answer 200 with the cookie first (a redirect to the
login means the session failed: the benchmark stops). After the server is stopped the strategy
document is exported with ``kompass strategy export`` as DOCX, PDF and JSON, several runs each
(median; a slow export gets fewer runs, see ``--export-budget``).

Prints one table: rows = pages and exports, columns = p50/p95/req/s per database and scale,
the growth (p95 at the largest scale / p95 at the smallest) per database and the
PostgreSQL/SQLite ratio of the p95 per scale, all measured in the same run.

    python bench/strategy.py                                  # sqlite and postgresql, 1 and 10
    python bench/strategy.py --duration 5 --databases sqlite --json /tmp/strategy.json
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 - bench/run.py: databases, server, wrk parsing

SCALES = (1.0, 10.0)
BENCH_USER = "kernteam@benchstadt.invalid"
LOGIN_PATH = "/konto/anmelden/"
#: (label, path below the workspace): each loaded alone.
PAGES = (
    ("dashboard", ""),
    ("portfolio", "projekte/"),
    ("roadmap", "roadmap/"),
    ("risk heat map", "risiken/matrix/"),
    ("monitoring", "monitoring/"),
)
EXPORTS = ("docx", "pdf", "json")
GENERATE_TIMEOUT_S = 3600
EXPORT_TIMEOUT_S = 1800
#: A large database on a busy machine starts slower than bench/run.py allows.
run.STARTUP_TIMEOUT_S = 600.0
LUA_COOKIE = """-- send the session cookie in BENCH_COOKIE, then report like bench/report.lua
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
dofile(os.getenv("BENCH_REPORT"))
"""


@dataclass(frozen=True)
class Options:
    scales: tuple[float, ...]
    databases: tuple[str, ...]
    duration: int
    warmup: int
    connections: int
    threads: int
    export_runs: int
    export_budget: float
    json_file: Path | None
    report_file: Path | None = None


@dataclass
class Measured:
    database: str
    scale: float
    workspace: str = ""
    generate_s: float = 0.0
    generate_output: str = ""
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    exports: dict[str, dict[str, Any]] = field(default_factory=dict)


def scale_list(value: str) -> tuple[float, ...]:
    try:
        scales = tuple(sorted({float(v) for v in value.split(",") if v.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError("comma-separated numbers, e.g. 1,10") from None
    if not scales or min(scales) <= 0:
        raise argparse.ArgumentTypeError("scales must be greater than 0")
    return scales


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/strategy.py", description="The strategy workspace at 1x and 10x."
    )
    parser.add_argument("--scales", type=scale_list, default=SCALES, help="default 1,10")
    parser.add_argument("--databases", type=run.database_list, default=run.DATABASES)
    parser.add_argument("--duration", type=run.positive_int, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=run.non_negative_int, default=2)
    parser.add_argument("--connections", type=run.positive_int, default=4)
    parser.add_argument("--threads", type=run.positive_int, default=2)
    parser.add_argument(
        "--export-runs", type=run.positive_int, default=3, help="runs per export format"
    )
    parser.add_argument(
        "--export-budget",
        type=float,
        default=120.0,
        help="seconds per format after which no further run starts (at least one run)",
    )
    parser.add_argument("--json", type=Path, default=None, metavar="FILE")
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        metavar="FILE",
        help="print the table of an earlier run's --json file and stop",
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
        export_runs=args.export_runs,
        export_budget=args.export_budget,
        json_file=args.json,
        report_file=args.report,
    )


# --- Commands -----------------------------------------------------------------------------------
def kompass(env: dict[str, str], cwd: str, *args: str, timeout: float = 600) -> str:
    completed = subprocess.run(
        [str(run.KOMPASS), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise run.BenchError(f"kompass {' '.join(args)} failed:\n{completed.stderr[-5000:]}")
    return completed.stdout


def generated_line(output: str, prefix: str) -> str:
    for line in output.splitlines():
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    raise run.BenchError(f"generate_workspace_data printed no {prefix!r} line:\n{output}")


# --- Login --------------------------------------------------------------------------------------
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def login(base_url: str, email: str, password: str) -> str:
    """Sign in through the login form; return the Cookie header for the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
    )
    with opener.open(base_url + LOGIN_PATH, timeout=run.HTTP_TIMEOUT_S) as response:
        html = response.read().decode("utf-8", errors="replace")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise run.BenchError(f"{LOGIN_PATH} has no CSRF token")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1), "username": email, "password": password}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback URL built by the benchmark
        base_url + LOGIN_PATH, data=body, headers={"Referer": base_url + LOGIN_PATH}
    )
    try:
        opener.open(request, timeout=run.HTTP_TIMEOUT_S)
        raise run.BenchError("the login form answered 200: wrong e-mail or password")
    except urllib.error.HTTPError as exc:
        if exc.code != 302:
            raise run.BenchError(f"the login answered {exc.code}") from None
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise run.BenchError(f"the login set no session cookie (cookies: {sorted(cookies)})")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def expect_page(base_url: str, path: str, cookie: str) -> int:
    """GET with the cookie, no redirects: 200 or a BenchError (a redirect to the login means
    the cookie failed). Returns the size of the page in bytes."""
    request = urllib.request.Request(base_url + path, headers={"Cookie": cookie})  # noqa: S310
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    try:
        with opener.open(request, timeout=120) as response:
            return len(response.read())
    except urllib.error.HTTPError as exc:
        where = exc.headers.get("Location", "")
        hint = " (redirect to the login: the session cookie failed)" if "anmelden" in where else ""
        raise run.BenchError(f"GET {path} answered {exc.code} {where}{hint}") from None


# --- wrk ----------------------------------------------------------------------------------------
def load(url: str, cookie: str, seconds: int, options: Options, script: Path) -> run.WrkResult:
    command = [
        run.ensure_wrk(),
        "--threads",
        str(options.threads),
        "--connections",
        str(options.connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "60s",
        "--script",
        str(script),
        url,
    ]
    env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_REPORT": str(run.LUA_SCRIPT)}
    completed = subprocess.run(
        command, capture_output=True, text=True, env=env, check=False, timeout=seconds + 120
    )
    if completed.returncode != 0:
        raise run.BenchError(f"wrk failed ({completed.returncode}):\n{completed.stderr}")
    return run.parse_wrk_output(completed.stdout)


# --- Exports ------------------------------------------------------------------------------------
def time_exports(env: dict[str, str], cwd: str, workspace: str, options: Options) -> dict:
    found: dict[str, dict[str, Any]] = {}
    for kind in EXPORTS:
        output = Path(cwd) / f"export.{kind}"
        timings: list[float] = []
        spent = 0.0
        while len(timings) < options.export_runs and (not timings or spent < options.export_budget):
            started = time.monotonic()
            kompass(
                env,
                cwd,
                "strategy",
                "export",
                "--workspace",
                workspace,
                "--format",
                kind,
                "--output",
                str(output),
                "--quiet",
                timeout=EXPORT_TIMEOUT_S,
            )
            timings.append(time.monotonic() - started)
            spent += timings[-1]
        found[kind] = {
            "median_s": statistics.median(timings),
            "max_s": max(timings),
            "runs": len(timings),
            "bytes": output.stat().st_size,
        }
        print(
            f"    export {kind}: median {found[kind]['median_s']:.1f} s over {len(timings)}"
            f" run(s), {found[kind]['bytes']:,} bytes",
            flush=True,
        )
    return found


# --- One database at one scale ------------------------------------------------------------------
def bench_one(database: str, scale: float, options: Options) -> Measured:
    measured = Measured(database=database, scale=scale)
    print(f"[{database} x{scale:g}] fresh database ...", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="kompass-strategy-") as tmp,
        run.fresh_database(database) as database_url,
    ):
        env = run.server_environment(Path(tmp) / "data", database_url)
        password = secrets.token_urlsafe(18)
        kompass(env, tmp, "manage", "migrate", "-v0")
        kompass(env, tmp, "manage", "load_shipped_data", "-v0")
        print(f"    generating the workspace at scale {scale:g} ...", flush=True)
        started = time.monotonic()
        output = kompass(
            {**env, "BENCH_PASSWORD": password},
            tmp,
            "manage",
            "generate_workspace_data",
            "--scale",
            f"{scale:g}",
            "--user",
            BENCH_USER,
            timeout=GENERATE_TIMEOUT_S,
        )
        measured.generate_s = time.monotonic() - started
        measured.generate_output = generated_line(output, "Angelegt in ")
        measured.workspace = generated_line(output, "Kurzname:")
        workspace_path = generated_line(output, "Arbeitsraum:")
        print(f"    generated in {measured.generate_s:.1f} s: {measured.generate_output}")
        script = Path(tmp) / "cookie.lua"
        script.write_text(LUA_COOKIE, encoding="utf-8")
        with run.serving(env, tmp, database) as base_url:
            cookie = login(base_url, BENCH_USER, password)
            sizes = {
                label: expect_page(base_url, workspace_path + path, cookie) for label, path in PAGES
            }
            # Every worker process renders every page once or twice before wrk measures, so
            # that no page (the first one above all) pays the workers' cold start.
            workers = run.server_workers()
            for _ in range(2 * (workers if isinstance(workers, int) else 9)):
                for _label, path in PAGES:
                    expect_page(base_url, workspace_path + path, cookie)
            for label, path in PAGES:
                url = base_url + workspace_path + path
                if options.warmup:
                    load(url, cookie, options.warmup, options, script)
                result = load(url, cookie, options.duration, options, script)
                measured.pages[label] = {
                    "path": workspace_path + path,
                    "bytes": sizes[label],
                    "requests_per_s": result.requests_per_s,
                    "p50_ms": result.p50_ms,
                    "p95_ms": result.p95_ms,
                    "p99_ms": result.p99_ms,
                    # a run in which no request completed is not a measurement
                    "errors": result.error_count or (0 if result.requests else 1),
                }
                print(
                    f"    {label:<14} {result.requests_per_s:7.1f} req/s  p50 {result.p50_ms:8.1f}"
                    f"  p95 {result.p95_ms:8.1f} ms  {sizes[label] / 1024:6.0f} KiB"
                    f"  errors {result.error_count}",
                    flush=True,
                )
        measured.exports = time_exports(env, tmp, measured.workspace, options)
    return measured


# --- Report -------------------------------------------------------------------------------------
def _ratio(top: float | None, bottom: float | None) -> str:
    if not top or not bottom:
        return "-"
    return f"{top / bottom:.2f}"


def report(results: list[Measured], options: Options) -> str:
    databases = [d for d in options.databases if any(m.database == d for m in results)]
    scales = sorted({m.scale for m in results})
    by_key = {(m.database, m.scale): m for m in results}
    low, high = scales[0], scales[-1]
    header = ["what"]
    for database in databases:
        for scale in scales:
            header += [f"{database} x{scale:g} p50", "p95", "req/s"]
    if len(scales) > 1:
        header += [f"{database} p95 x{high:g}/x{low:g}" for database in databases]
    if {"sqlite", "postgresql"} <= set(databases):
        header += [f"p95 pg/sqlite x{scale:g}" for scale in scales]

    def page_row(label: str) -> list[str]:
        row = [label]
        p95: dict[tuple[str, float], float] = {}
        for database in databases:
            for scale in scales:
                m = by_key.get((database, scale))
                page = m.pages.get(label) if m else None
                if page is None:
                    row += ["-", "-", "-"]
                    continue
                mark = " !" if page["errors"] or not page["requests_per_s"] else ""
                p95[(database, scale)] = page["p95_ms"]
                row += [
                    f"{page['p50_ms']:.0f}",
                    f"{page['p95_ms']:.0f}{mark}",
                    f"{page['requests_per_s']:.1f}",
                ]
        return _tail(row, p95)

    def export_row(kind: str) -> list[str]:
        row = [f"export {kind} (s)"]
        p95: dict[tuple[str, float], float] = {}
        for database in databases:
            for scale in scales:
                m = by_key.get((database, scale))
                export = m.exports.get(kind) if m else None
                if export is None:
                    row += ["-", "-", "-"]
                    continue
                p95[(database, scale)] = export["median_s"]
                row += [f"{export['median_s']:.1f}", f"{export['max_s']:.1f}", ""]
        return _tail(row, p95)

    def generate_row() -> list[str]:
        row = ["generate (s)"]
        values: dict[tuple[str, float], float] = {}
        for database in databases:
            for scale in scales:
                m = by_key.get((database, scale))
                if m is None:
                    row += ["-", "", ""]
                    continue
                values[(database, scale)] = m.generate_s
                row += [f"{m.generate_s:.1f}", "", ""]
        return _tail(row, values)

    def _tail(row: list[str], values: dict[tuple[str, float], float]) -> list[str]:
        if len(scales) > 1:
            row += [_ratio(values.get((d, high)), values.get((d, low))) for d in databases]
        if {"sqlite", "postgresql"} <= set(databases):
            row += [
                _ratio(values.get(("postgresql", s)), values.get(("sqlite", s))) for s in scales
            ]
        return row

    rows = [page_row(label) for label, _ in PAGES]
    rows += [export_row(kind) for kind in EXPORTS]
    rows.append(generate_row())
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    lines.append(
        "Pages: ms under load (wrk, "
        f"{options.connections} connections, {options.duration} s after {options.warmup} s"
        " warm-up); exports: seconds of `kompass strategy export` (p50 column = median, p95"
        " column = slowest run, process start included). Growth: the value at the largest"
        " scale divided by the value at the smallest (exports: medians); pg/sqlite: PostgreSQL's"
        " value divided by SQLite's at the same scale. `!`: the run had errors."
    )
    return "\n".join(lines)


def write_json(options: Options, facts: dict[str, Any], results: list[Measured]) -> None:
    assert options.json_file is not None
    document = {
        "machine": facts,
        "options": {**asdict(options), "json_file": None},
        "results": [asdict(m) for m in results],
    }
    options.json_file.write_text(json.dumps(document, indent=2) + "\n")


def print_saved(path: Path) -> int:
    """Print the table of a JSON file written by ``--json``."""
    document = json.loads(path.read_text())
    saved = document["options"]
    options = Options(
        scales=tuple(saved["scales"]),
        databases=tuple(saved["databases"]),
        duration=saved["duration"],
        warmup=saved["warmup"],
        connections=saved["connections"],
        threads=saved["threads"],
        export_runs=saved["export_runs"],
        export_budget=saved["export_budget"],
        json_file=None,
    )
    results = []
    for item in document["results"]:
        for page in item["pages"].values():
            if not page["requests_per_s"]:
                page["errors"] = page["errors"] or 1
        results.append(Measured(**item))
    print(f"machine: {document['machine']}")
    print(report(results, options))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    if options.report_file:
        return print_saved(options.report_file)
    started = time.monotonic()
    results: list[Measured] = []
    try:
        wrk = run.ensure_wrk()
        facts: dict[str, Any] = {
            "nproc": len(os.sched_getaffinity(0)),
            "cpu": run.cpu_model(),
            "python": platform.python_version(),
            "wrk": run.wrk_version(wrk),
            "server_workers": run.server_workers(),
            "server_threads_per_worker": run.server_threads(),
            "load_average": os.getloadavg()[0],
        }
        if "postgresql" in options.databases:
            facts["postgresql"] = run.postgres_version()
        print(f"Kommunalkompass strategy workspace benchmark: {facts}")
        print(
            f"load: {options.threads} threads, {options.connections} connections, "
            f"{options.warmup} s warm-up + {options.duration} s per page; scales {options.scales}",
            flush=True,
        )
        for database in options.databases:
            for scale in options.scales:
                results.append(bench_one(database, scale, options))
                if options.json_file:
                    write_json(options, facts, results)
    except run.BenchError as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        return 1
    print()
    print(report(results, options))
    print(f"\ntotal run time: {(time.monotonic() - started) / 60:.1f} min")
    if options.json_file:
        write_json(options, facts, results)
        print(f"JSON written to {options.json_file}")
    return 1 if any(p["errors"] for m in results for p in m.pages.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
