-- wrk: replays pre-signed polls from POLLS_FILE. Each wrk thread takes every Nth line so no two
-- threads poll the same device, and a device's counters are used in order.
local threads = {}
local thread_count = tonumber(os.getenv("WRK_THREADS") or "2")
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  targets = {}
  local n = 0
  for line in io.lines(os.getenv("POLLS_FILE")) do
    if n % thread_count == id then table.insert(targets, line) end
    n = n + 1
  end
  pos = 0
end

function request()
  pos = pos + 1
  if pos > #targets then pos = 1 end  -- past the end the server answers 409: counted as errors
  return wrk.format("GET", targets[pos])
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
