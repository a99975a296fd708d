-- wrk script for bench/run.py: prints machine-readable "BENCH <key> <value>" lines at the end.
-- wrk reports durations and latencies in microseconds.

function done(summary, latency, requests)
  local errors = summary.errors
  local lines = {
    { "requests", summary.requests },
    { "duration_us", summary.duration },
    { "bytes", summary.bytes },
    { "errors_connect", errors.connect },
    { "errors_read", errors.read },
    { "errors_write", errors.write },
    { "errors_status", errors.status },
    { "errors_timeout", errors.timeout },
    { "latency_mean_us", latency.mean },
    { "latency_max_us", latency.max },
    { "latency_p50_us", latency:percentile(50) },
    { "latency_p95_us", latency:percentile(95) },
    { "latency_p99_us", latency:percentile(99) },
  }
  for _, line in ipairs(lines) do
    io.write(string.format("BENCH %s %.0f\n", line[1], line[2]))
  end
end
