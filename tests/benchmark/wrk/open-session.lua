-- Opens unlock sessions: GET <path>?latch_code=<code> on a Session route, one code per request, each code once.
-- Thread i reads the codes that issue.lua's thread i wrote to $BENCH_CODES/codes-<i>.txt (run with as many threads).
-- The gateway answers 303 with the session's cookie (no backend is involved). Once a thread has used all its
-- codes it asks for $BENCH_SPENT_PATH (a path no route matches), so the run opens no more sessions.
-- Prints one line: SESSIONS opened=<303 responses> other=<any other status> duration_us=<run time>.

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

function init(args)
  opened, other = 0, 0
  codes = {}
  for line in io.lines(os.getenv("BENCH_CODES") .. "/codes-" .. id .. ".txt") do
    codes[#codes + 1] = line
  end
  next_code = 1
  path = os.getenv("BENCH_SESSION_PATH") or "/session/x"
  spent = wrk.format("GET", os.getenv("BENCH_SPENT_PATH") or "/no-such-route")
end

function request()
  local code = codes[next_code]
  if code == nil then
    return spent
  end
  next_code = next_code + 1
  return wrk.format("GET", path .. "?latch_code=" .. code)
end

function response(status, headers, body)
  if status == 303 then
    opened = opened + 1
  elseif status ~= 404 then -- 404: the spent path
    other = other + 1
  end
end

function done(summary, latency, requests)
  local o, x = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("opened")
    x = x + t:get("other")
  end
  io.write(string.format("SESSIONS opened=%d other=%d duration_us=%d\n", o, x, summary.duration))
end
