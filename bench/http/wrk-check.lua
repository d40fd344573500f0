-- Per-response check for the HTTP benchmark's wrk runs (bench/http/wrk.ts).
-- Every response must be a 200 whose body has the expected byte length and starts with the
-- expected prefix (script arguments 1 and 2). At the end it prints one line
-- "WRK-RESULT {json}" with the counts and latency percentiles (microseconds), and, when a
-- response failed the check, "WRK-FIRST-BAD <status> <start of body>".
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  want_len = tonumber(args[1])
  prefix = args[2]
  responses = 0
  mismatches = 0
  non2xx = 0
  first_bad = ""
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if status ~= 200 or #body ~= want_len or string.sub(body, 1, #prefix) ~= prefix then
    mismatches = mismatches + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. string.sub(body, 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local r, m, n, bad = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    r = r + t:get("responses")
    m = m + t:get("mismatches")
    n = n + t:get("non2xx")
    if bad == "" then bad = t:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests":%d,"duration_us":%d,"checked":%d,"mismatches":%d,"non2xx":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, r, m, n, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
  if bad ~= "" then
    io.write("WRK-FIRST-BAD " .. string.gsub(bad, "\n", " ") .. "\n")
  end
end
