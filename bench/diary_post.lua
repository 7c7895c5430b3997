-- wrk script: POST diary entries with varying pain, context and side, and a
-- note on one in four, with a Bearer token (the first argument after `--`,
-- else $BENCH_TOKEN). `at` is left out: each server stamps the entry now.
--   wrk ... -s bench/diary_post.lua http://127.0.0.1:PORT -- TOKEN
wrk.method = "POST"
wrk.path = "/api/v1/diary"
wrk.headers["Content-Type"] = "application/json"

local contexts = { "rest", "activity" }
local sides = { "left", "right", "both" }
local regions = { "outer_hip", "outer_hip", "buttock", "outer_thigh" }
local counter = 0

function init(args)
  local token = args[1] or os.getenv("BENCH_TOKEN")
  if token == nil or token == "" then
    error("diary_post.lua: give the token after -- or in BENCH_TOKEN")
  end
  wrk.headers["Authorization"] = "Bearer " .. token
  -- Each wrk thread has its own Lua state: seed each differently.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

function request()
  counter = counter + 1
  local note = ""
  if counter % 4 == 0 then note = ', "note": "after the walk"' end
  local body = string.format(
    '{"pain": %d, "context": "%s", "side": "%s", "region": "%s"%s}',
    math.random(0, 10), contexts[math.random(#contexts)], sides[math.random(#sides)],
    regions[math.random(#regions)], note)
  return wrk.format(nil, nil, nil, body)
end
