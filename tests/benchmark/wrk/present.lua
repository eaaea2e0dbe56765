-- The load of every target, so that the load generator does the same work whatever it measures: each request is
-- built by this script with one 11-character header.
--   BENCH_MODE=plain    header "X-Bench-Code: 00000-00000" (a, b, c: nginx, nginx proxy, unlatched gateway route)
--   BENCH_MODE=latched  header "X-Latch-Code: <next unused code>" from this thread's own file
--                       $BENCH_CODES/codes-<thread>.txt, starting after the line saved in $BENCH_OFFSETS
--                       (one line per thread); the new offsets are written back when the run ends.
--   BENCH_MODE=session  header "X-Latch-Session: <token>", the tokens of sessions opened beforehand, one per line
--                       in this thread's own file $BENCH_SESSIONS/tokens-<thread>.txt, taken in turn (one
--                       session per client: the thread's connections share its tokens round-robin).
-- Every response other than 200 is counted. Prints one line:
-- RESULT requests= duration_us= rps= p50_us= p99_us= non200= exhausted= socket_errors= timeouts=

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

local function read_offsets(path)
  local offsets = {}
  local f = path and io.open(path, "r")
  if f then
    for line in f:lines() do offsets[#offsets + 1] = tonumber(line) end
    f:close()
  end
  return offsets
end

function init(args)
  non200, taken, exhausted, offset = 0, 0, 0, 0
  latched = os.getenv("BENCH_MODE") == "latched"
  session = os.getenv("BENCH_MODE") == "session"
  local host = wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
  local name = latched and "X-Latch-Code" or (session and "X-Latch-Session" or "X-Bench-Code")
  prefix = "GET " .. wrk.path .. " HTTP/1.1\r\nHost: " .. host .. "\r\n" .. name .. ": "
  plain = prefix .. "00000-00000\r\n\r\n"
  bare = "GET " .. wrk.path .. " HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
  if latched then
    offset = read_offsets(os.getenv("BENCH_OFFSETS"))[id] or 0
    codes = assert(io.open(os.getenv("BENCH_CODES") .. "/codes-" .. id .. ".txt", "r"))
    for _ = 1, offset do codes:read("*l") end
  end
  if session then
    sessions, turn = {}, 0
    local f = assert(io.open(os.getenv("BENCH_SESSIONS") .. "/tokens-" .. id .. ".txt", "r"))
    for token in f:lines() do sessions[#sessions + 1] = prefix .. token .. "\r\n\r\n" end
    f:close()
    assert(#sessions > 0, "no session token for thread " .. id)
  end
end

function request()
  if session then
    turn = turn % #sessions + 1
    return sessions[turn]
  end
  if not latched then
    return plain
  end
  local code = codes:read("*l")
  if code then
    taken = taken + 1
    return prefix .. code .. "\r\n\r\n"
  end
  -- Out of codes: the request goes without one and is answered 401, which is counted and reported.
  exhausted = exhausted + 1
  return bare
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local non, ex = 0, 0
  local offsets = {}
  for i, t in ipairs(threads) do
    non = non + t:get("non200")
    ex = ex + t:get("exhausted")
    offsets[i] = t:get("offset") + t:get("taken")
  end
  local path = os.getenv("BENCH_OFFSETS")
  if os.getenv("BENCH_MODE") == "latched" and path then
    local f = assert(io.open(path, "w"))
    for _, o in ipairs(offsets) do f:write(o, "\n") end
    f:close()
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%.1f p99_us=%.1f non200=%d exhausted=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(99), non, ex, e.connect + e.read + e.write, e.timeout))
end
