-- The 200-client mixed write test: each thread alternates POST /connect/sessions with POST /connections imports
-- (session, API_KEY import, session, OAUTH2 import, ...). Every import has a connection_id no other request uses:
-- the run's name (LK_RUN), the thread's number given in setup() and the thread's own request counter.
local key = os.getenv("LK_SECRET_KEY")
local run = os.getenv("LK_RUN") or "run"
local threads = 0

-- setup() runs once per thread in wrk's main Lua state, before the thread starts.
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
local session = '{"end_user":{"id":"mixed-user","email":"mixed@example.com","display_name":"Mixed Load"},"tags":{"source":"wrk-mixed"}}'

function request()
  counter = counter + 1
  local kind = counter % 4
  if kind == 1 or kind == 3 then
    return wrk.format("POST", "/connect/sessions", headers, session)
  end

  local id = string.format("mixed-%s-%d-%d", run, thread_number, counter)
  local body
  if kind == 2 then
    body = '{"provider_config_key":"bench-api-key","connection_id":"' .. id
      .. '","credentials":{"type":"API_KEY","apiKey":"sk_' .. id .. '"}}'
  else
    body = '{"provider_config_key":"github","connection_id":"' .. id
      .. '","end_user":{"id":"user-' .. id .. '"},"credentials":{"type":"OAUTH2","access_token":"gho_' .. id
      .. '","refresh_token":"ghr_' .. id .. '"}}'
  end
  return wrk.format("POST", "/connections", headers, body)
end
