-- wrk script for the deadline surge. Run with one connection per thread (-t N -c N), so each thread's requests go
-- one after another: for each of its entries, upload a 1 MB PDF (multipart) and then submit the proposal form.
-- Arguments: manifest file, PDF template, multipart boundary. Manifest lines (tab-separated):
--   thread index, upload path, submit path, Cookie header, upload form prefix (\r\n escaped), submit body.
-- A thread stops after its last response and prints BENCH_THREAD_DONE, so the caller can end wrk at once.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function unescape(s)
  return (s:gsub("\\r\\n", "\r\n"))
end

function init(args)
  local manifest, template, boundary = args[1], args[2], args[3]
  local f = assert(io.open(template, "rb"))
  pdf = f:read("*a")
  f:close()
  items = {}
  for line in io.lines(manifest) do
    local t, up, sub, cookie, prefix, body = line:match("^(%d+)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if tonumber(t) == index then
      table.insert(items, {up = up, sub = sub, cookie = cookie, prefix = unescape(prefix), body = body})
    end
  end
  suffix = "\r\n--" .. boundary .. "--\r\n"
  upload_type = "multipart/form-data; boundary=" .. boundary
  step = 0       -- requests sent: even = upload of item step/2+1, odd = its submit
  answered = 0
  statuses = {}
  -- wrk calls request() once on the first thread, before the run, only to check the request: not a real one.
  checked = index ~= 0
end

function request()
  if not checked then
    checked = true
    return wrk.format("GET", "/healthz/")
  end
  local i = math.floor(step / 2) + 1
  local item = items[i]
  if item == nil then
    return wrk.format("GET", "/healthz/")
  end
  local upload = step % 2 == 0
  step = step + 1
  if upload then
    local marked = pdf:gsub("BENCHID%-0000000", string.format("BENCHID-%07d", i + index * 100000), 1)
    return wrk.format("POST", item.up, {["Cookie"] = item.cookie, ["Content-Type"] = upload_type},
      item.prefix .. marked .. suffix)
  end
  return wrk.format("POST", item.sub, {["Cookie"] = item.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, item.body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  answered = answered + 1
  if answered >= 2 * #items then
    io.write("BENCH_THREAD_DONE\n")
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      counts[code] = (counts[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ", ")))
end
