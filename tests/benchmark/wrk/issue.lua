-- Issues latch codes through the admin API: POST /admin/codes {"route":"latched"} with the bench API key.
-- Each wrk thread appends the codes it receives, one per line, to its own file $BENCH_CODES/codes-<thread>.txt,
-- so a later latched run can give each of its threads a slice of codes no other thread uses.
-- Environment: BENCH_CODES (directory), BENCH_API_KEY, BENCH_ROUTE (default "latched").
-- Prints one line: ISSUE created=<201 responses with a code> other=<non-201> unparsed=<201 without a code> duration_us=<run time>.

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

function init(args)
  created, other, unparsed = 0, 0, 0
  out = assert(io.open(os.getenv("BENCH_CODES") .. "/codes-" .. id .. ".txt", "a"))
  out:setvbuf("full", 65536)
  wrk.method = "POST"
  wrk.body = '{"route":"' .. (os.getenv("BENCH_ROUTE") or "latched") .. '"}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Api-Key"] = assert(os.getenv("BENCH_API_KEY"), "BENCH_API_KEY is not set")
end

function response(status, headers, body)
  if status == 201 then
    local code = body:match('"code"%s*:%s*"([^"]+)"')
    if code then
      out:write(code, "\n")
      created = created + 1
    else
      unparsed = unparsed + 1
    end
  else
    other = other + 1
  end
end

-- The per-thread files are flushed when wrk exits (C stdio flushes open streams at exit).
function done(summary, latency, requests)
  local c, o, u = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
    u = u + t:get("unparsed")
  end
  local e = summary.errors
  io.write(string.format("ISSUE created=%d other=%d unparsed=%d duration_us=%d socket_errors=%d timeouts=%d\n",
    c, o, u, summary.duration, e.connect + e.read + e.write, e.timeout))
end
