-- wrk script for the deadline surge, one client per wrk process (-t 1 -c 1): for each of its entries, upload a 1 MB
-- PDF (multipart) and then submit the proposal form, one request after another.
-- Arguments: manifest file, PDF template, multipart boundary, this client's index. Manifest lines (tab-separated):
--   client index, upload path, submit path, Cookie header, upload form prefix (\r\n escaped), submit body.
--
-- Every request is reported as it ends, on a line of its own, with its latency measured here:
--   BENCH_REQ <entry> <u|s> <status> <microseconds>
-- status 0 is a request that got no answer: the connection failed (wrk then reconnects and asks for the next
-- request) or, reported by done(), it was still waiting when wrk stopped. wrk's own histogram is of no use here:
-- it drops every request slower than --timeout and its timeout counter counts a stuck request again every 2 s.
-- After its last answer the client prints BENCH_THREAD_DONE, so the caller ends this wrk at once: wrk reconnects
-- after every answer (gunicorn's sync workers close each connection), and that idle connection, left open, would
-- hold a sync worker in recv() until wrk exits.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } kvb_timespec;
int clock_gettime(int clock_id, kvb_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("kvb_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
local summary_line = dofile(here .. "summary.lua")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function unescape(s)
  return (s:gsub("\\r\\n", "\r\n"))
end

local function report(entry, kind, status, started)
  io.write(string.format("BENCH_REQ %d %s %d %d\n", entry, kind, status, now_us() - started))
  io.stdout:flush()
end

function init(args)
  local manifest, template, boundary = args[1], args[2], args[3]
  client = tonumber(args[4])
  local f = assert(io.open(template, "rb"))
  pdf = f:read("*a")
  f:close()
  items = {}
  for line in io.lines(manifest) do
    local c, up, sub, cookie, prefix, body = line:match("^(%d+)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if tonumber(c) == client then
      table.insert(items, {up = up, sub = sub, cookie = cookie, prefix = unescape(prefix), body = body})
    end
  end
  suffix = "\r\n--" .. boundary .. "--\r\n"
  upload_type = "multipart/form-data; boundary=" .. boundary
  step = 0        -- requests sent: even = upload of item step/2+1, odd = its submit
  ended = 0       -- requests ended, answered or not
  statuses = {}
  inflight = nil  -- the request on the wire: entry number (1-based, this client's), kind, start (microseconds)
  inflight_kind = nil
  inflight_start = nil
  -- wrk calls request() once on the first thread, before the run, only to check the request: not a real one.
  checked = id ~= 0
end

local function finish_if_done()
  if ended >= 2 * #items then
    io.write("BENCH_THREAD_DONE\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function request()
  if not checked then
    checked = true
    return wrk.format("GET", "/healthz/")
  end
  if inflight ~= nil then
    -- Asked again before an answer: the connection failed and wrk reconnected. That request has failed.
    report(inflight, inflight_kind, 0, inflight_start)
    inflight = nil
    ended = ended + 1
    finish_if_done()
  end
  local i = math.floor(step / 2) + 1
  local item = items[i]
  if item == nil then
    return wrk.format("GET", "/healthz/")
  end
  local upload = step % 2 == 0
  step = step + 1
  inflight, inflight_kind, inflight_start = i, upload and "u" or "s", now_us()
  if upload then
    local marked = pdf:gsub("BENCHID%-0000000", string.format("BENCHID-%07d", i + client * 100000), 1)
    return wrk.format("POST", item.up, {["Cookie"] = item.cookie, ["Content-Type"] = upload_type},
      item.prefix .. marked .. suffix)
  end
  return wrk.format("POST", item.sub, {["Cookie"] = item.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, item.body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if inflight ~= nil then
    report(inflight, inflight_kind, status, inflight_start)
    inflight = nil
    ended = ended + 1
  end
  finish_if_done()
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local entry = thread:get("inflight")
    if entry ~= nil then
      report(entry, thread:get("inflight_kind"), 0, thread:get("inflight_start"))
    end
  end
  io.write(summary_line(threads, summary, latency))
end
