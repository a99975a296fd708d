-- wrk script for bench/scale.py: requests the paths listed in the file named by BENCH_PATHS
-- in turn (each thread starts at a different one), then reports like report.lua.

local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if line ~= "" then
    table.insert(paths, line)
  end
end

local next_path = nil

request = function()
  if next_path == nil then
    next_path = math.random(#paths)
  end
  next_path = (next_path % #paths) + 1
  return wrk.format("GET", paths[next_path])
end

dofile(os.getenv("BENCH_REPORT"))
