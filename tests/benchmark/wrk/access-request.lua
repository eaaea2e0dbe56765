-- Asks for access: POST /access/requests {"route":"<BENCH_ROUTE>","reason":"bench"} with a bearer token.
-- Environment: BENCH_TOKEN (a JWT the gateway accepts), BENCH_ROUTE (default "latched").
-- Prints one line: ACCESS created=<201 responses> other=<any other status> duration_us=<run time>.

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  created, other = 0, 0
  wrk.method = "POST"
  wrk.body = '{"route":"' .. (os.getenv("BENCH_ROUTE") or "latched") .. '","reason":"bench"}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set")
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, x = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    x = x + t:get("other")
  end
  io.write(string.format("ACCESS created=%d other=%d duration_us=%d\n", c, x, summary.duration))
end
