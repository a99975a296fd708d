"""Time kompass.atlas.queries.edition_cross_section for one edition (called by bench/scale.py
with the benchmark's DATABASE_URL and data directory), then store the figures as a first page
request would and time reading them back. Prints one JSON object."""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def main() -> int:
    edition_slug = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kompass.settings")
    import django

    django.setup()
    from kompass.atlas.models import Edition
    from kompass.atlas.queries import cross_section_figures, edition_cross_section

    edition = Edition.objects.get(slug=edition_slug)
    seconds = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = edition_cross_section(edition)
        seconds.append(time.perf_counter() - started)
    figures = dict(result) if isinstance(result, dict) else {}
    # Store the figures as the first page request would (then every request reads one row),
    # and time a read of the stored figures.
    stored = cross_section_figures(edition)
    started = time.perf_counter()
    cross_section_figures(edition)
    stored_read_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "store_s": stored.seconds,
                "stored_read_s": stored_read_s,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "profiles_total": figures.get("profiles_total"),
                "projects_total": figures.get("projects_total"),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
