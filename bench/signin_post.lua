-- wrk script: sign in (POST /api/v1/sessions) with one fixed account, as fast
-- as the server answers; run beside diary_get.lua to see what sign-ins (a
-- deliberately slow password hash) do to the latency of reads.
-- The account: $BENCH_EMAIL and $BENCH_PASSWORD (defaults below). At the end
-- prints "signin statuses: 201=N 429=N 401=N other=N" (429: the sign-in
-- limiter answered instead of checking the password).
local email = os.getenv("BENCH_EMAIL") or "bench@example.com"
local password = os.getenv("BENCH_PASSWORD") or "bench-password-123"

wrk.method = "POST"
wrk.path = "/api/v1/sessions"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email": "%s", "password": "%s"}', email, password)

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  created, limited, refused, other = 0, 0, 0, 0
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 429 then
    limited = limited + 1
  elseif status == 401 then
    refused = refused + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, l, r, o = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    l = l + thread:get("limited")
    r = r + thread:get("refused")
    o = o + thread:get("other")
  end
  io.write(string.format("signin statuses: 201=%d 429=%d 401=%d other=%d\n", c, l, r, o))
end
