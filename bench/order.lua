-- bench/order.lua — wrk script for bench/4-api.sh: POST an order with a distinct
-- Idempotency-Key per request (thread number + counter + a per-run stamp, so a re-run on the
-- same database never replays). Body and token come from BENCH_ORDER_BODY and
-- BENCH_ORDER_TOKEN.
local threads = 0
local stamp = tostring(os.time())

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  n = 0
  body = os.getenv("BENCH_ORDER_BODY")
  hdrs = {
    ["Authorization"] = "Bearer " .. os.getenv("BENCH_ORDER_TOKEN"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  n = n + 1
  hdrs["Idempotency-Key"] = string.format("bench-%s-%d-%d", stamp, tid, n)
  return wrk.format("POST", nil, hdrs, body)
end
