-- GET /connections/:id over the seeded connections, a random one per request (credentials opened every time).
local count = tonumber(os.getenv("LK_CONNECTIONS"))
local key = os.getenv("LK_SECRET_KEY")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local id = math.random(count)
  return wrk.format("GET", "/connections/conn-" .. id .. "?provider_config_key=github", { ["Authorization"] = "Bearer " .. key })
end
