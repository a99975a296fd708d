-- wrk script for bench/run.py: prints machine-readable "BENCH <key> <value>" lines at the end.
-- wrk reports durations and latencies in microseconds.
--
-- wrk's own summary.errors.status counts only responses >= 400, so every thread also counts
-- the responses outside 200-299 (redirects included) and done() adds them up as "non2xx".

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
  end
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
    { "non2xx", non2xx_total },
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
