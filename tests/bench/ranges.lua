-- wrk: random 4 KB ranges of one image at URL_PATH (size IMAGE_SIZE), same for both servers.
local path = os.getenv("URL_PATH")
local size = tonumber(os.getenv("IMAGE_SIZE"))
local chunk = 4096

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8), 16) or 0))
end

function request()
  local first = math.random(0, size - chunk)
  return wrk.format("GET", path, {["Range"] = "bytes=" .. first .. "-" .. (first + chunk - 1)})
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
