-- wrk: the web UI and the JSON API beside it, for a random one of $BUNDLES bundles written by
-- BundleBenchData (team-TTT-model-NNNN, versions 1.0.0 …). $KIND picks the request:
--   home    GET /                                     (Accept: text/html)
--   bundle  GET /ui/bundles/NAME                      (Accept: text/html)
--   api     GET /api/v1/bundles/NAME/1.0.0            (the JSON record)
-- $AUTH, when set, is sent as the Authorization header.
local auth = os.getenv("AUTH")
local kind = os.getenv("KIND") or "bundle"
local bundles = tonumber(os.getenv("BUNDLES") or "10000")
math.randomseed(42)
request = function()
  local b = math.random(0, bundles - 1)
  local name = string.format("team-%03d-model-%04d", b % 50, b)
  local headers = {}
  if auth then headers["Authorization"] = auth end
  local path
  if kind == "home" then
    path = "/"
    headers["Accept"] = "text/html"
  elseif kind == "bundle" then
    path = "/ui/bundles/" .. name
    headers["Accept"] = "text/html"
  else
    path = "/api/v1/bundles/" .. name .. "/1.0.0"
  end
  return wrk.format("GET", path, headers)
end
