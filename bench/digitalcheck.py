"""Digitalcheck benchmark: evaluations per second (in-process and through the API of the
production server) and the peer benchmark over 10,000 stored submissions, once on SQLite and
once on PostgreSQL.

For each database the benchmark starts a fresh production server (``kompass run``: migrations,
shipped data, gunicorn) on an empty database, exactly like bench/run.py, then

1. in a separate process with the same database (``--inner``): stores ``--submissions``
   released, submitted checks (default 10,000, all in the size class of the evaluated
   municipality, the worst case for the peer query) with ``bulk_create``, and times
   ``evaluate(..., peers=False)`` (the bare evaluation), ``evaluate(..., peers=True)`` and
   ``peer_benchmark`` alone, ``--repeat`` times each (p50, p95, per second);
2. loads ``POST /api/v1/digitalcheck/evaluate`` (a full answer set, with the peer benchmark)
   with wrk and a Lua POST script (``--duration`` seconds after ``--warmup``), reporting
   requests/s and latency percentiles; errors (non-2xx, socket errors) invalidate the run.

Ratios, not absolute numbers, are what carries over between machines: the peer benchmark's
p95 divided by the bare evaluation's p95, and the in-process evaluations per second divided by
the API's requests per second.

Usage (Makefile target to add)::

    bench-digitalcheck: setup
        $(BIN)/python bench/digitalcheck.py $(BENCH_ARGS)

    python bench/digitalcheck.py                                # sqlite and postgresql
    python bench/digitalcheck.py --databases sqlite --duration 5 --json /tmp/dc.json

Requirements as for bench/run.py: the virtualenv, wrk, and for PostgreSQL a server on
127.0.0.1:5432 that lets the user ``postgres`` in without a password.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 - bench/run.py: server start, databases, wrk parsing

EVALUATE_PATH = "/api/v1/digitalcheck/evaluate"
POPULATION = 42_318  # a medium town (size class medium_town, 20,000-99,999)
LAND = "NW"
#: A full answer set (the hand-computed example of tests/test_digitalcheck_scoring.py).
ANSWERS: dict[str, Any] = {
    "strategy_stage": "implementing",
    "strategy_components": ["goals", "measures", "timeline", "monitoring"],
    "strategy_anchoring": ["council_decision", "published"],
    "strategy_alignment": "no",
    "digital_lead": "cdo",
    "digital_unit": "working_group",
    "reports_to_top": "yes",
    "digital_budget": "dont_know",
    "funding_sources": ["own_budget", "land", "federal", "eu"],
    "efile_stage": "partly",
    "online_services": "dont_know",
    "eservice_components": ["service_search", "epayment", "chatbot"],
    "fim_use": "known",
    "process_kpis": "occasional",
    "process_redesign": "keine_angabe",
    "data_inventory": "medium",
    "data_central": "low",
    "open_data": "none",
    "urban_data": "keine_angabe",
    "training_offers": ["applications", "leadership"],
    "training_share": "from_20_to_30",
    "citizen_skills": ["library_adult_education", "volunteer_meetings", "hackathons"],
    "broadband_rating": 2,
    "mobile_rating": 4,
    "fibre_involvement": ["funding", "other_municipalities"],
    "public_wifi": "no",
    "it_operations": "municipal_provider",
    "fields_addressed": ["administration", "mobility", "education"],
    "cross_sector_projects": "no",
    "strategy_partners": ["administration", "other_municipalities"],
    "intermunicipal": "exchange",
    "partner_network": "yes",
    "participation_offers": ["issue_reporting"],
    "outreach": ["none"],
    "challenges": ["ageing", "finances"],
    "barriers": ["lack_expertise"],
    "support_wanted": ["checklists"],
    "self_rating_strategy": 4,
    "self_rating_services": 5,
    "self_rating_staff": 2,
    "self_rating_civil_society": 3,
    "self_rating_infrastructure": 4,
}
LUA_POST = """-- POST the body in BENCH_BODY, then report like bench/report.lua
local file = io.open(os.getenv("BENCH_BODY"), "r")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
dofile(os.getenv("BENCH_REPORT"))
"""
INNER_TIMEOUT_S = 1800


@dataclass(frozen=True)
class Options:
    databases: tuple[str, ...]
    submissions: int
    repeat: int
    duration: int
    warmup: int
    connections: int
    threads: int
    json_file: Path | None


@dataclass
class Measured:
    database: str
    submissions: int
    inner: dict[str, Any]
    api: dict[str, Any]


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/digitalcheck.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--databases", type=run.database_list, default=run.DATABASES)
    parser.add_argument("--submissions", type=run.positive_int, default=10_000)
    parser.add_argument("--repeat", type=run.positive_int, default=200, help="timed calls each")
    parser.add_argument("--duration", type=run.positive_int, default=10, help="wrk seconds")
    parser.add_argument("--warmup", type=run.non_negative_int, default=2)
    parser.add_argument("--connections", type=run.positive_int, default=4)
    parser.add_argument("--threads", type=run.positive_int, default=2)
    parser.add_argument("--json", type=Path, default=None, metavar="FILE")
    args = parser.parse_args(argv)
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    return Options(
        databases=args.databases,
        submissions=args.submissions,
        repeat=args.repeat,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        json_file=args.json,
    )


# --- Inner process: store submissions and time the functions --------------------------------------
def percentiles(timings_ms: list[float]) -> dict[str, float]:
    ordered = sorted(timings_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    total_s = sum(ordered) / 1000
    return {
        "p50_ms": statistics.median(ordered),
        "p95_ms": p95,
        "per_s": len(ordered) / total_s if total_s > 0 else 0.0,
    }


def timed(call: Any, repeat: int) -> dict[str, float]:
    call()  # warm: definition cache, YAML content, query plans
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


def inner(submissions: int, repeat: int) -> dict[str, Any]:
    """Runs in a child process with the benchmark's database (DATABASE_URL and data dir)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kompass.settings")
    import django

    django.setup()
    from django.utils import timezone

    from kompass.analysis.size_classes import size_class
    from kompass.core.models import Land
    from kompass.digitalcheck import services
    from kompass.digitalcheck.models import Submission

    version = services.questionnaire_version()
    generator = random.Random(2026)  # noqa: S311 - test data, not security
    now = timezone.now()
    lands = list(Land.values)
    started = time.perf_counter()
    batch = []
    for index in range(submissions):
        population = generator.randint(20_000, 99_999)
        batch.append(
            Submission(
                questionnaire=version,
                population=population,
                size_class=size_class(population) or "",
                land=generator.choice(lands),
                token_hash=secrets.token_hex(32),
                status=Submission.Status.SUBMITTED,
                submitted_at=now,
                released_for_comparison=True,
                is_peer=True,
                overall_score=round(generator.uniform(0, 100), 1),
                level=1 + index % 5,
            )
        )
    Submission.objects.bulk_create(batch, batch_size=1000)
    stored_s = time.perf_counter() - started
    assert Submission.objects.peers().filter(size_class="medium_town").count() >= submissions

    def bare() -> Any:
        return services.evaluate(version, ANSWERS, population=POPULATION, land=LAND, peers=False)

    def full() -> Any:
        return services.evaluate(version, ANSWERS, population=POPULATION, land=LAND)

    def peers() -> Any:
        return services.peer_benchmark(54.2, POPULATION, LAND)

    result = full()
    assert result["peers"]["n"] >= submissions, result["peers"]
    return {
        "stored_s": stored_s,
        "peers_n": result["peers"]["n"],
        "evaluate": timed(bare, repeat),
        "evaluate_with_peers": timed(full, repeat),
        "peer_benchmark": timed(peers, repeat),
    }


def run_inner(env: dict[str, str], cwd: str, options: Options) -> dict[str, Any]:
    completed = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--inner",
            str(options.submissions),
            str(options.repeat),
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "kompass.settings"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=INNER_TIMEOUT_S,
        check=False,
    )
    if completed.returncode != 0:
        raise run.BenchError(f"the timing process failed:\n{completed.stderr[-5000:]}")
    data: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return data


# --- API through the production server ------------------------------------------------------
def load_api(base_url: str, options: Options, tmp: str) -> dict[str, Any]:
    body = json.dumps({"answers": ANSWERS, "population": POPULATION, "land": LAND})
    status, answer = post(base_url + EVALUATE_PATH, body)
    if status != 200:
        raise run.BenchError(f"POST {EVALUATE_PATH} answered {status}: {answer[:500]!r}")
    body_path = Path(tmp) / "body.json"
    body_path.write_text(body, encoding="utf-8")
    script = Path(tmp) / "post.lua"
    script.write_text(LUA_POST, encoding="utf-8")
    env = {**os.environ, "BENCH_BODY": str(body_path), "BENCH_REPORT": str(run.LUA_SCRIPT)}
    result = None
    for seconds in ([options.warmup] if options.warmup else []) + [options.duration]:
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
            str(script),
            base_url + EVALUATE_PATH,
        ]
        completed = subprocess.run(
            command, capture_output=True, text=True, env=env, check=False, timeout=seconds + 60
        )
        if completed.returncode != 0:
            raise run.BenchError(f"wrk failed ({completed.returncode}):\n{completed.stderr}")
        result = run.parse_wrk_output(completed.stdout)
    assert result is not None
    return {
        "requests_per_s": result.requests_per_s,
        "p50_ms": result.p50_ms,
        "p95_ms": result.p95_ms,
        "p99_ms": result.p99_ms,
        "errors": result.error_count,
    }


def post(url: str, body: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - loopback URL built by the benchmark
        url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=run.HTTP_TIMEOUT_S) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# --- One database ------------------------------------------------------------------------------
def bench_database(database: str, options: Options) -> Measured:
    print(f"[{database}] fresh database and production server ...", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="kompass-bench-dc-") as tmp,
        run.fresh_database(database) as database_url,
    ):
        env = run.server_environment(Path(tmp) / "data", database_url)
        with run.serving(env, tmp, database) as base_url:
            print(f"  storing {options.submissions:,} checks and timing ...", flush=True)
            timings = run_inner(env, tmp, options)
            print(f"  loading {EVALUATE_PATH} with wrk ...", flush=True)
            api = load_api(base_url, options, tmp)
    return Measured(database, options.submissions, timings, api)


# --- Report ------------------------------------------------------------------------------------
def report(results: list[Measured]) -> str:
    lines = [
        "| database | what | p50 ms | p95 ms | per second | ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for m in results:
        bare = m.inner["evaluate"]
        full = m.inner["evaluate_with_peers"]
        peers = m.inner["peer_benchmark"]
        api = m.api
        rows = [
            ("evaluate (bare, in-process)", bare, "1.00"),
            ("evaluate with peers (in-process)", full, f"{full['p95_ms'] / bare['p95_ms']:.2f}"),
            (
                f"peer benchmark over {m.inner['peers_n']:,} checks",
                peers,
                f"{peers['p95_ms'] / bare['p95_ms']:.2f}",
            ),
        ]
        for label, values, ratio in rows:
            lines.append(
                f"| {m.database} | {label} | {values['p50_ms']:.2f} | {values['p95_ms']:.2f} |"
                f" {values['per_s']:,.0f} | {ratio} |"
            )
        flag = " !" if api["errors"] else ""
        lines.append(
            f"| {m.database} | API POST evaluate (wrk){flag} | {api['p50_ms']:.1f} |"
            f" {api['p95_ms']:.1f} | {api['requests_per_s']:,.1f} |"
            f" {full['per_s'] / api['requests_per_s']:.2f} |"
            if api["requests_per_s"]
            else f"| {m.database} | API POST evaluate (wrk){flag} | – | – | 0 | – |"
        )
    lines.append("")
    lines.append(
        "ratio: p95 divided by the bare evaluation's p95 (in-process rows); for the API row,"
        " in-process evaluations with peers per second divided by API requests per second."
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--inner"]:
        print(json.dumps(inner(int(argv[1]), int(argv[2]))))
        return 0
    options = parse_options(argv)
    try:
        run.ensure_wrk()
        results = [bench_database(database, options) for database in options.databases]
    except run.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print()
    print(report(results))
    if options.json_file:
        options.json_file.write_text(
            json.dumps([asdict(m) for m in results], indent=2), encoding="utf-8"
        )
    return 1 if any(m.api["errors"] for m in results) else 0


if __name__ == "__main__":
    sys.exit(main())
