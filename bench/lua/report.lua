-- wrk script: counts the response statuses of every thread and prints one machine-readable line at the end.
local here = debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./"
local summary_line = dofile(here .. "summary.lua")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(summary_line(threads, summary, latency))
end
