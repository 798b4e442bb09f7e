-- A forum-like mix for wrk, counting nginx's X-Cache-Status per answer:
--   60 % anonymous GET /api/topics, 10 % anonymous GET / (both micro-cached),
--   20 % anonymous GET /topics/<1..50> (never cached), 10 % signed-in GET / (cookie: BYPASS).
-- Usage: wrk -t2 -c32 -d10s -s sample-app/wrk/mixed.lua http://127.0.0.1:8080
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local r = math.random(100)
  if r <= 60 then
    return wrk.format("GET", "/api/topics")
  elseif r <= 70 then
    return wrk.format("GET", "/")
  elseif r <= 90 then
    return wrk.format("GET", "/topics/" .. math.random(50))
  else
    return wrk.format("GET", "/", {["Cookie"] = "forum-user=wrk-user"})
  end
end

function response(status, headers, body)
  local s = headers["X-Cache-Status"] or "none"
  if status >= 400 then s = "error-" .. status end
  counts[s] = (counts[s] or 0) + 1
end

function done(summary, latency, requests)
  local total, merged = 0, {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do
      merged[k] = (merged[k] or 0) + v
      total = total + v
    end
  end
  local keys = {}
  for k in pairs(merged) do table.insert(keys, k) end
  table.sort(keys)
  for _, k in ipairs(keys) do
    io.write(string.format("cache-status %-10s %8d  %5.1f %%\n", k, merged[k], 100 * merged[k] / total))
  end
  local hits = merged["HIT"] or 0
  local cacheable = hits + (merged["MISS"] or 0) + (merged["EXPIRED"] or 0) + (merged["UPDATING"] or 0)
    + (merged["STALE"] or 0)
  io.write(string.format("hit ratio: %.1f %% of all answers, %.2f %% of the cacheable ones (%d of %d)\n",
    100 * hits / math.max(total, 1), 100 * hits / math.max(cacheable, 1), hits, cacheable))
end
