"""Load the production server over loopback with wrk, once on SQLite and once on PostgreSQL.

Each database gets a fresh server (``kompass run``) with its own temporary data directory and,
for PostgreSQL, its own throw-away database. Three URLs are loaded in turn: the health check,
the home page and the hashed stylesheet. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KOMPASS = ROOT / ".venv" / "bin" / "kompass"
LUA_SCRIPT = Path(__file__).resolve().parent / "report.lua"

HOST = "127.0.0.1"
HEALTH_PATH = "/api/v1/health"
HOME_PATH = "/"
STYLESHEET_MARKER = "kompass/css/site"
DATABASES = ("sqlite", "postgresql")
#: What /api/v1/health reports as "database" for each benchmarked database.
VENDORS = {"sqlite": "sqlite", "postgresql": "postgresql"}
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"

STARTUP_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
HTTP_TIMEOUT_S = 10.0
WRK_TIMEOUT = "10s"

#: The only KOMPASS_* variables taken over from the caller's environment.
PASSED_THROUGH = ("KOMPASS_WORKERS", "KOMPASS_THREADS")
#: Other settings the platform reads from the environment; the benchmark sets its own.
APP_VARIABLES = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
DEFAULT_THREADS_PER_WORKER = 4

#: wrk's error counters; "status" counts responses >= 400 only.
ERROR_KINDS = ("connect", "read", "write", "status", "timeout")
#: Errors that add up to the total: socket errors plus every response outside 200-299
#: (counted by report.lua; it includes wrk's "status" count).
COUNTED_ERRORS = ("connect", "read", "write", "timeout", "non2xx")


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    databases: tuple[str, ...]
    json_file: Path | None


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    errors: dict[str, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors[kind] for kind in COUNTED_ERRORS)


@dataclass(frozen=True)
class Row:
    database: str
    page: str
    path: str
    result: WrkResult
    ratio_to_static: float | None


# --- Options ---------------------------------------------------------------------------------


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def non_negative_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def database_list(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    unknown = [name for name in names if name not in DATABASES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {','.join(DATABASES)}")
    return names


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Load the production server with wrk over loopback."
    )
    parser.add_argument("--duration", type=positive_int, default=10, help="seconds per URL")
    parser.add_argument("--warmup", type=non_negative_int, default=2, help="discarded seconds")
    parser.add_argument("--connections", type=positive_int, default=16, help="open connections")
    parser.add_argument("--threads", type=positive_int, default=2, help="wrk threads")
    parser.add_argument(
        "--databases",
        type=database_list,
        default=DATABASES,
        help="comma-separated, default sqlite,postgresql",
    )
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="write JSON too")
    args = parser.parse_args(argv)
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    return Options(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        databases=args.databases,
        json_file=args.json,
    )


# --- Machine facts ---------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed; install it with: sudo apt-get install -y wrk")
    print("wrk is missing, installing it with apt-get ...", flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("apt-get install wrk did not provide a wrk command")
    return found


def wrk_version(wrk: str) -> str:
    # `wrk -v` prints the version, then the usage, and exits with status 1.
    completed = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    first_line = (completed.stdout or completed.stderr).splitlines()[0]
    return first_line.split(" Copyright")[0].strip()


def configured_number(name: str, default: int) -> int | str:
    """The server's setting as the platform will read it (an invalid value is shown as is)."""
    configured = os.environ.get(name)
    if not configured:
        return default
    try:
        return int(configured)
    except ValueError:
        return configured


def server_workers() -> int | str:
    return configured_number("KOMPASS_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 9))


def server_threads() -> int | str:
    return configured_number("KOMPASS_THREADS", DEFAULT_THREADS_PER_WORKER)


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


@contextlib.contextmanager
def postgres_admin() -> Iterator[Any]:
    """An autocommit connection to the `postgres` database; failures become a BenchError."""
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
            yield conn
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {PG_SERVER}: {exc}") from exc


def postgres_version() -> str:
    with postgres_admin() as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def machine_facts(wrk: str, options: Options) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "server_workers": server_workers(),
        "server_threads_per_worker": server_threads(),
        "wrk": wrk_version(wrk),
    }
    if "postgresql" in options.databases:
        facts["postgresql"] = postgres_version()
    return facts


def print_facts(facts: dict[str, Any], options: Options) -> None:
    print("Kommunalkompass benchmark (wrk over loopback, production server)")
    print(f"  nproc:    {facts['nproc']} ({facts['cpu']})")
    print(f"  python:   {facts['python']}")
    print(
        f"  server:   gunicorn gthread, {facts['server_workers']} workers"
        f" x {facts['server_threads_per_worker']} threads"
        " (KOMPASS_WORKERS / KOMPASS_THREADS)"
    )
    print(f"  wrk:      {facts['wrk']}")
    if "postgresql" in facts:
        print(f"  postgres: {facts['postgresql']}")
    print(
        f"  load:     {options.threads} threads, {options.connections} connections,"
        f" {options.warmup} s warm-up (discarded) + {options.duration} s measured per URL"
    )
    print(
        "  note:     wrk and the server share this machine; on a small, noisy machine the"
        " absolute numbers mean little. Compare the ratios."
    )
    print(flush=True)


# --- Databases and server ----------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(database: str) -> Iterator[str | None]:
    """Yield a DATABASE_URL for an empty database (None: the default SQLite file)."""
    if database == "sqlite":
        yield None
        return
    from psycopg import sql

    name = f"kompass_bench_{os.getpid()}_{secrets.token_hex(4)}"
    with postgres_admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with postgres_admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("KOMPASS_") and name not in APP_VARIABLES
    }
    env.update({name: os.environ[name] for name in PASSED_THROUGH if os.environ.get(name)})
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    env["KOMPASS_HTTPS"] = "false"
    env["KOMPASS_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


#: No proxies (loopback only) and no redirects (a redirect is not a 200).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def get(url: str) -> tuple[int, bytes]:
    """Status and body of a GET; HTTP errors and redirects are returned, not raised."""
    try:
        with _OPENER.open(url, timeout=HTTP_TIMEOUT_S) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def server_output(log_path: Path, limit: int = 20_000) -> str:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return text[-limit:]


def wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], log_path: Path, database: str
) -> float:
    """Poll the health check until it answers 200; return the seconds that took."""
    started = time.monotonic()
    while time.monotonic() - started < STARTUP_TIMEOUT_S:
        if process.poll() is not None:
            raise BenchError(
                f"the server exited with status {process.returncode} before it was healthy;"
                f" its output:\n{server_output(log_path)}"
            )
        with contextlib.suppress(OSError):
            status, body = get(base_url + HEALTH_PATH)
            if status == 200:
                check_vendor(body, database)
                return time.monotonic() - started
        time.sleep(0.5)
    raise BenchError(
        f"the server did not answer 200 on {HEALTH_PATH} within {STARTUP_TIMEOUT_S:.0f} s;"
        f" its output:\n{server_output(log_path)}"
    )


def check_vendor(body: bytes, database: str) -> None:
    vendor = json.loads(body).get("database")
    if vendor != VENDORS[database]:
        raise BenchError(f"the server runs on {vendor!r}, expected {VENDORS[database]!r}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print("  the server ignored SIGTERM; killing it", file=sys.stderr)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def running_server(database: str) -> Iterator[str]:
    """Start `kompass run` on a fresh database and data directory; yield its base URL."""
    with (
        tempfile.TemporaryDirectory(prefix="kompass-bench-") as tmp,
        fresh_database(database) as database_url,
    ):
        data_dir = Path(tmp) / "data"
        log_path = Path(tmp) / "server.log"
        port = free_port()
        base_url = f"http://{HOST}:{port}"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(KOMPASS), "run", "--host", HOST, "--port", str(port)],
                env=server_environment(data_dir, database_url),
                cwd=tmp,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                seconds = wait_until_healthy(base_url, process, log_path, database)
                print(f"  server healthy on {base_url} after {seconds:.1f} s", flush=True)
                yield base_url
            finally:
                stop_server(process)


# --- URLs --------------------------------------------------------------------------------------


class _StylesheetFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").lower().split()
        href = attributes.get("href") or ""
        if tag == "link" and "stylesheet" in rel and STYLESHEET_MARKER in href:
            self.hrefs.append(href)


def expect_ok(url: str) -> bytes:
    status, body = get(url)
    if status != 200:
        raise BenchError(f"GET {url} answered {status}, expected 200")
    return body


def stylesheet_path(base_url: str) -> str:
    html = expect_ok(base_url + HOME_PATH).decode("utf-8", errors="replace")
    finder = _StylesheetFinder()
    finder.feed(html)
    if not finder.hrefs:
        raise BenchError(f"the home page has no stylesheet link containing {STYLESHEET_MARKER!r}")
    return urllib.parse.urlparse(finder.hrefs[0]).path


def pages(base_url: str) -> list[tuple[str, str]]:
    """(page, path) pairs; each answers 200 once before it is loaded."""
    chosen = [("health", HEALTH_PATH), ("home", HOME_PATH), ("static", stylesheet_path(base_url))]
    for _, path in chosen:
        expect_ok(base_url + path)
    return chosen


# --- wrk ---------------------------------------------------------------------------------------


def run_wrk(wrk: str, url: str, seconds: int, options: Options) -> WrkResult:
    command = [
        wrk,
        "--threads",
        str(options.threads),
        "--connections",
        str(options.connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        WRK_TIMEOUT,
        "--script",
        str(LUA_SCRIPT),
        url,
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    if completed.returncode != 0:
        raise BenchError(f"wrk failed ({completed.returncode}):\n{completed.stderr}")
    return parse_wrk_output(completed.stdout)


def parse_wrk_output(output: str) -> WrkResult:
    values: dict[str, float] = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "BENCH":
            values[parts[1]] = float(parts[2])
    try:
        return WrkResult(
            requests=int(values["requests"]),
            duration_s=values["duration_us"] / 1_000_000,
            errors={
                **{kind: int(values[f"errors_{kind}"]) for kind in ERROR_KINDS},
                "non2xx": int(values["non2xx"]),
            },
            p50_ms=values["latency_p50_us"] / 1000,
            p95_ms=values["latency_p95_us"] / 1000,
            p99_ms=values["latency_p99_us"] / 1000,
        )
    except KeyError as exc:
        raise BenchError(f"wrk printed no {exc.args[0]} line; its output:\n{output}") from None


def measure(wrk: str, url: str, options: Options) -> WrkResult:
    if options.warmup:
        run_wrk(wrk, url, options.warmup, options)
    return run_wrk(wrk, url, options.duration, options)


def bench_database(wrk: str, database: str, options: Options) -> list[Row]:
    print(f"[{database}] starting a fresh server ...", flush=True)
    with running_server(database) as base_url:
        results: list[tuple[str, str, WrkResult]] = []
        for page, path in pages(base_url):
            result = measure(wrk, base_url + path, options)
            print(
                f"  {page:<7} {path}: {result.requests_per_s:,.0f} requests/s,"
                f" {result.error_count} errors",
                flush=True,
            )
            results.append((page, path, result))
    static_rate = next(r.requests_per_s for page, _, r in results if page == "static")
    return [
        Row(database, page, path, result, ratio(static_rate, result.requests_per_s))
        for page, path, result in results
    ]


def ratio(static_rate: float, page_rate: float) -> float | None:
    return static_rate / page_rate if page_rate > 0 else None


# --- Output ------------------------------------------------------------------------------------

HEADERS = ("database", "page", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors", "ratio")


def table_cells(row: Row) -> tuple[str, ...]:
    result = row.result
    errors = f"{result.error_count} !" if result.error_count else "0"
    shown_ratio = "n/a" if row.ratio_to_static is None else f"{row.ratio_to_static:.2f}"
    return (
        row.database,
        row.page,
        f"{result.requests_per_s:,.0f}",
        f"{result.p50_ms:.2f}",
        f"{result.p95_ms:.2f}",
        f"{result.p99_ms:.2f}",
        errors,
        shown_ratio,
    )


def format_table(rows: Sequence[Row]) -> str:
    headers = (*HEADERS[:-1], "ratio to static")
    cells = [headers, *(table_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        left = [values[0].ljust(widths[0]), values[1].ljust(widths[1])]
        right = [value.rjust(width) for value, width in zip(values[2:], widths[2:], strict=True)]
        return "  ".join(left + right).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(values) for values in cells[1:])])


def error_notes(rows: Sequence[Row]) -> list[str]:
    notes = []
    for row in rows:
        if row.result.error_count:
            detail = ", ".join(f"{kind} {count}" for kind, count in row.result.errors.items())
            notes.append(f"! {row.database} {row.page} ({row.path}): {detail}")
    return notes


def print_report(rows: Sequence[Row]) -> None:
    print()
    print(format_table(rows))
    print()
    print("pages: health = /api/v1/health, home = /, static = " + static_paths(rows))
    print(
        "ratio to static = static requests/s / page requests/s in the same run"
        " (1.00 for the static file; 3.2 = the page serves 3.2x fewer requests)"
    )
    notes = error_notes(rows)
    if notes:
        print()
        print("ERRORS: these runs had failed requests; their numbers are not valid:")
        print("\n".join(notes))
        print("(non2xx = responses outside 200-299; status = wrk's count of those >= 400)")


def static_paths(rows: Sequence[Row]) -> str:
    return ", ".join(sorted({row.path for row in rows if row.page == "static"}))


def write_json(path: Path, facts: dict[str, Any], options: Options, rows: Sequence[Row]) -> None:
    document = {
        "machine": facts,
        "options": {
            "duration_s": options.duration,
            "warmup_s": options.warmup,
            "connections": options.connections,
            "threads": options.threads,
            "databases": list(options.databases),
        },
        "valid": not error_notes(rows),
        "results": [
            {
                "database": row.database,
                "page": row.page,
                "path": row.path,
                "requests": row.result.requests,
                "duration_s": round(row.result.duration_s, 3),
                "requests_per_s": round(row.result.requests_per_s, 1),
                "latency_ms": {
                    "p50": round(row.result.p50_ms, 3),
                    "p95": round(row.result.p95_ms, 3),
                    "p99": round(row.result.p99_ms, 3),
                },
                "errors": row.result.errors,
                "errors_total": row.result.error_count,
                "ratio_to_static": (
                    None if row.ratio_to_static is None else round(row.ratio_to_static, 3)
                ),
            }
            for row in rows
        ],
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nJSON written to {path}")


# --- Entry point -------------------------------------------------------------------------------


def bench(options: Options) -> int:
    if not KOMPASS.exists():
        raise BenchError(f"{KOMPASS} is missing; run `make setup` first")
    wrk = ensure_wrk()
    facts = machine_facts(wrk, options)
    print_facts(facts, options)
    rows: list[Row] = []
    for database in options.databases:
        rows.extend(bench_database(wrk, database, options))
    print_report(rows)
    if options.json_file:
        write_json(options.json_file, facts, options, rows)
    return 1 if error_notes(rows) else 0


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds the with-blocks: server, database, temp dir


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return bench(options)
    except BenchError as exc:
        print(f"\nbench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\nbench interrupted; the server, database and temp dir are cleaned up", file=sys.stderr
        )
        return 130


@contextlib.contextmanager
def serving(env: dict[str, str], cwd: str, database: str) -> Iterator[str]:
    """`kompass run` on a free port in ``cwd`` with ``env``; yields its base URL once healthy
    and stops it afterwards (bench/scale.py, bench/digitalcheck.py)."""
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    log_path = Path(cwd) / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(KOMPASS), "run", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            seconds = wait_until_healthy(base_url, process, log_path, database)
            print(f"    server healthy after {seconds:.1f} s", flush=True)
            yield base_url
        finally:
            stop_server(process)


if __name__ == "__main__":
    sys.exit(main())
