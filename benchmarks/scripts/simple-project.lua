-- wrk: GET /simple/bench-project-NNNNN/ for a random one of $PROJECTS (default 10,000) projects,
-- with the Authorization header from $AUTH when it is set
local auth = os.getenv("AUTH")
local projects = tonumber(os.getenv("PROJECTS") or "10000")
math.randomseed(42)
request = function()
  local path = string.format("/simple/bench-project-%05d/", math.random(0, projects - 1))
  local headers = {}
  if auth then headers["Authorization"] = auth end
  return wrk.format("GET", path, headers)
end
