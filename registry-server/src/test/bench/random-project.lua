-- GET /simple/bench-project-NNNNN/ for a random one of 10,000 projects
local auth = os.getenv("AUTH")
math.randomseed(42)
request = function()
  local path = string.format("/simple/bench-project-%05d/", math.random(0, 9999))
  local headers = {}
  if auth then headers["Authorization"] = auth end
  return wrk.format("GET", path, headers)
end
