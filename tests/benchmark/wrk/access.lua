-- One step of the self-service access flow through the admin endpoint (POST /access/requests …), people
-- authenticated by JWT bearer tokens, each wrk thread working through its own files in $BENCH_ACCESS:
--   BENCH_STEP=create   POST /access/requests {"route":"$BENCH_ROUTE","reason":"benchmark"} as the requester;
--                       the id of every 201 is appended to created-<thread>.txt. Runs for the whole -d.
--   BENCH_STEP=approve  POST /access/requests/<id>/approve as the approver, for each id of created-<thread>.txt;
--                       the id of every 200 with state "granted" is appended to granted-<thread>.txt.
--   BENCH_STEP=pickup   POST /access/requests/<id>/code as the requester, for each id of granted-<thread>.txt:
--                       a 201 carrying the code is a pickup.
-- A thread that is through its ids sends GET /healthz on its idle connections (counted apart) until every id it
-- sent is answered, then stops and creates $BENCH_ACCESS/<step>.done-<thread>: run.sh ends wrk (SIGINT) once every
-- thread has. The rate is taken over the time the threads were busy: first request to last counted response, on
-- the monotonic clock.
-- Environment: BENCH_STEP, BENCH_ACCESS (directory), BENCH_ROUTE, BENCH_REQUESTER_TOKEN, BENCH_APPROVER_TOKEN.
-- Prints one line: ACCESS step= ok= other= filler= unanswered= span_us= rps= p50_us= p99_us= socket_errors= timeouts=
-- statuses=<status>x<count>,… (the unexpected answers by status, "none" when there were none)

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

local function bearer(name)
  return "Authorization: Bearer " .. assert(os.getenv(name), name .. " is not set") .. "\r\n"
end

function init(args)
  ok, other, filler, first, last, sent, answered = 0, 0, 0, 0, 0, 0, 0
  statuses = {} -- status -> count, of the unexpected answers
  step = assert(os.getenv("BENCH_STEP"), "BENCH_STEP is not set")
  dir = assert(os.getenv("BENCH_ACCESS"), "BENCH_ACCESS is not set")
  local host = "Host: " .. (wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)) .. "\r\n"
  healthz = "GET /healthz HTTP/1.1\r\n" .. host .. "\r\n"
  if step == "create" then
    local body = '{"route":"' .. (os.getenv("BENCH_ROUTE") or "desk") .. '","reason":"benchmark"}'
    create = "POST /access/requests HTTP/1.1\r\n" .. host .. bearer("BENCH_REQUESTER_TOKEN") ..
        "Content-Type: application/json\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
    out = assert(io.open(dir .. "/created-" .. id .. ".txt", "a"))
  elseif step == "approve" or step == "pickup" then
    local source = step == "approve" and "created" or "granted"
    ids = assert(io.open(dir .. "/" .. source .. "-" .. id .. ".txt", "r"))
    head = host .. bearer(step == "approve" and "BENCH_APPROVER_TOKEN" or "BENCH_REQUESTER_TOKEN") ..
        "Content-Length: 0\r\n\r\n"
    suffix = step == "approve" and "/approve" or "/code"
    if step == "approve" then out = assert(io.open(dir .. "/granted-" .. id .. ".txt", "a")) end
  else
    error("BENCH_STEP must be create, approve or pickup")
  end
  if out then out:setvbuf("full", 65536) end
end

-- Once through its ids, a thread stops when every request it sent is answered, or 2 s later whatever happens (the
-- unanswered ones are reported).
local function finish_when_answered()
  if ids == false and (sent == answered or now_us() - through > 2e6) then
    ids = nil
    local marker = assert(io.open(dir .. "/" .. step .. ".done-" .. id, "w"))
    marker:close()
    wrk.thread:stop()
  end
end

function request()
  -- wrk calls the first thread's request() once before any connection, to check what it returns, and never sends
  -- that request: so every thread's first call takes no id (the other threads send that GET /healthz).
  if not started then
    started = true
    return healthz
  end
  if first == 0 then first = now_us() end
  if create then
    return create
  end
  local next_id = ids and ids:read("*l")
  if next_id then
    sent = sent + 1
    return "POST /access/requests/" .. next_id .. suffix .. " HTTP/1.1\r\n" .. head
  end
  if ids == false then
    finish_when_answered()
  elseif ids then
    ids:close()
    ids = false -- through the ids: stops once every one sent is answered
    through = now_us()
    finish_when_answered()
  end
  return healthz
end

function response(status, headers, body)
  local request_id = body:match('"id"%s*:%s*"([^"]+)"')
  if status == 200 and not request_id then
    filler = filler + 1
    return
  end
  answered = answered + 1
  if step == "create" and status == 201 and request_id then
    out:write(request_id, "\n")
  elseif step == "approve" and status == 200 and request_id and body:find('"state"%s*:%s*"granted"') then
    out:write(request_id, "\n")
  elseif step == "pickup" and status == 201 and body:find('"code"%s*:%s*"[^"]+"') then
    -- the code itself is not kept
  else
    other = other + 1
    statuses[status] = (statuses[status] or 0) + 1
    finish_when_answered()
    return
  end
  ok = ok + 1
  last = now_us()
  if out and ids == false then out:flush() end
  finish_when_answered()
end

-- Output files are flushed when wrk exits (C stdio flushes open streams at exit).
function done(summary, latency, requests)
  local n, o, f, u, from, to, by_status = 0, 0, 0, 0, math.huge, 0, {}
  for _, t in ipairs(threads) do
    n = n + t:get("ok")
    if t:get("step") ~= "create" then u = u + t:get("sent") - t:get("answered") end
    for status, count in pairs(t:get("statuses")) do by_status[status] = (by_status[status] or 0) + count end
    o = o + t:get("other")
    f = f + t:get("filler")
    if t:get("first") > 0 then from = math.min(from, t:get("first")) end
    to = math.max(to, t:get("last"))
  end
  local span = (to > from) and (to - from) or summary.duration
  local unexpected = {}
  for status, count in pairs(by_status) do unexpected[#unexpected + 1] = status .. "x" .. count end
  table.sort(unexpected)
  local e = summary.errors
  io.write(string.format(
    "ACCESS step=%s ok=%d other=%d filler=%d unanswered=%d span_us=%d rps=%.1f p50_us=%.1f p99_us=%.1f socket_errors=%d timeouts=%d statuses=%s\n",
    os.getenv("BENCH_STEP"), n, o, f, u, span, n / span * 1e6, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write, e.timeout, #unexpected > 0 and table.concat(unexpected, ",") or "none"))
end
