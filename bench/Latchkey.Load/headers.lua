-- Adds the headers of LK_HEADERS ("name: value" lines) to every request: the proxy's Nango headers, or the upstream's key.
local lines = os.getenv("LK_HEADERS") or ""
for line in lines:gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
