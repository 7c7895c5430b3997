-- wrk script: GET the last 30 diary entries with a Bearer token.
-- The token: the first argument after `--`, else $BENCH_TOKEN.
--   wrk ... -s bench/diary_get.lua http://127.0.0.1:PORT -- TOKEN
wrk.method = "GET"
wrk.path = "/api/v1/diary?limit=30"

function init(args)
  local token = args[1] or os.getenv("BENCH_TOKEN")
  if token == nil or token == "" then
    error("diary_get.lua: give the token after -- or in BENCH_TOKEN")
  end
  wrk.headers["Authorization"] = "Bearer " .. token
end
