"""Time kompass.atlas.search.search in-process (no HTTP, no template) for the benchmark's
queries (called by bench/scale.py with the benchmark's database). Prints one JSON object:
per query the median and 95th percentile in milliseconds, the total and whether it was capped.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time


def main() -> int:
    repeat = int(sys.argv[1])
    queries = json.loads(sys.argv[2])  # [[label, text, {filters}], ...]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kompass.settings")
    import django

    django.setup()
    from kompass.atlas.search import search

    result = {}
    for label, text, filters in queries:
        search(text, **filters)  # warm: stems, plans, caches
        timings = []
        found = None
        for _ in range(repeat):
            started = time.perf_counter()
            found = search(text, **filters)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        result[label] = {
            "p50_ms": statistics.median(timings),
            "p95_ms": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
            "total": found.total if found else 0,
            "capped": found.capped if found else False,
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
