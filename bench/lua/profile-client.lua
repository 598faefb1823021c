-- Where plugin/machine-learning-client.lua spends its CPU per call, outside ModSecurity, measured
-- with os.clock() (process CPU time, so other load on the machine matters less than with a wall
-- clock). Run by bench/waf.bench.ts (BENCH_WAF_PROFILE=1), or by hand:
--   lua5.1 bench/lua/profile-client.lua plugin/machine-learning-client.lua [tcp-url] [unix-url]
-- A mock `m` (Lua functions, so m.getvar costs less than ModSecurity's C version) holds a typical
-- benign GET: 3 args, 8 headers, 3 cookies, 15 CRS scores. Prints "<step> <microseconds per call>".

local client_path, tcp_url, unix_url = arg[1], arg[2], arg[3]
local N = tonumber(os.getenv("PROFILE_N") or "2000")

local vars = {
  REQUEST_METHOD = "GET", REQUEST_FILENAME = "/index.html", TIME_HOUR = "7", TIME_DAY = "29",
  REQBODY_PROCESSOR = "", REQUEST_BODY_LENGTH = "0", QUERY_STRING = "q=blue+running+shoes&page=2&sort=price",
}
local collections = {
  ARGS = { { name = "ARGS:q", value = "blue running shoes" }, { name = "ARGS:page", value = "2" }, { name = "ARGS:sort", value = "price" } },
  FILES = {}, FILES_SIZES = {},
  REQUEST_HEADERS = {
    { name = "REQUEST_HEADERS:Host", value = "shop.example" },
    { name = "REQUEST_HEADERS:User-Agent", value = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0" },
    { name = "REQUEST_HEADERS:Accept", value = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
    { name = "REQUEST_HEADERS:Accept-Language", value = "en-US,en;q=0.5" },
    { name = "REQUEST_HEADERS:Accept-Encoding", value = "gzip, deflate, br" },
    { name = "REQUEST_HEADERS:Referer", value = "https://shop.example/search?q=shoes" },
    { name = "REQUEST_HEADERS:Cookie", value = "lang=en; PHPSESSID=abc123; theme=dark" },
    { name = "REQUEST_HEADERS:Connection", value = "keep-alive" },
  },
  REQUEST_COOKIES = {
    { name = "REQUEST_COOKIES:lang", value = "en" }, { name = "REQUEST_COOKIES:PHPSESSID", value = "abc123" },
    { name = "REQUEST_COOKIES:theme", value = "dark" },
  },
}
local crs = { "inbound_anomaly_score_pl1", "inbound_anomaly_score_pl2", "inbound_anomaly_score_pl3", "inbound_anomaly_score_pl4",
  "blocking_inbound_anomaly_score", "detection_inbound_anomaly_score", "anomaly_score", "sql_injection_score", "xss_score",
  "rce_score", "lfi_score", "rfi_score", "php_injection_score", "http_violation_score", "session_fixation_score" }
local settings = {
  ["machine-learning-plugin_mode"] = "2", ["machine-learning-plugin_timeout_ms"] = "300", ["machine-learning-plugin_fail_policy"] = "crs",
  ["machine-learning-plugin_breaker_failures"] = "0", ["machine-learning-plugin_crs_score"] = "0",
  ["machine-learning-plugin_inbound_anomaly_score_threshold"] = "5",
}
local tx
m = {
  getvar = function(name)
    if name:sub(1, 3) == "tx." then return tx[name:sub(4)] end
    return vars[name]
  end,
  getvars = function(name) return collections[name] end,
  -- ModSecurity 2 expands macros in m.setvar values (the client tells the engines apart by it).
  setvar = function(name, value) tx[name:sub(4)] = (tostring(value):gsub("%%{[^}]*}", function(macro) return tx[macro:match("^%%{tx%.(.*)}$") or ""] or "" end)) end,
  log = function() end,
}

-- Rules 9516590/9516591 (machine-learning-after.conf) join the settings and CRS's scores into one
-- TX variable each before the script runs; done here as ModSecurity would.
local after = assert(io.open((client_path:gsub("[^/]*$", "")) .. "machine-learning-after.conf")):read("*a")
local function joined(name)
  local text = assert(after:match("setvar:'tx%.machine%-learning%-plugin_" .. name .. "=(.-)'\""))
  text = text:gsub("%%{tx%.([^}]+)}", function(n) return tx[n] or "" end)
  return (text:gsub("%%{([%u_]+)}", function(n) return vars[n] or "" end))
end

-- Joined once per URL: what ModSecurity does in C is not the client's cost.
local joined_for = {}
local function reset(url)
  tx = {}
  for name, value in pairs(settings) do tx[name] = value end
  for _, name in ipairs(crs) do tx[name] = "0" end
  tx["machine-learning-plugin_ml_server_url"] = url
  joined_for[url] = joined_for[url] or { joined("settings"), joined("crs_scores") }
  tx["machine-learning-plugin_settings"], tx["machine-learning-plugin_crs_scores"] = joined_for[url][1], joined_for[url][2]
end

local function per_call(label, n, f)
  f() -- warm
  local started = os.clock()
  for _ = 1, n do f() end
  print(string.format("%s %.1f", label, (os.clock() - started) * 1e6 / n))
end

-- What ModSecurity does per run: load the script's bytecode into a fresh state and run its chunk.
local bytecode = string.dump(assert(loadfile(client_path)))
per_call("load_script", N, function() assert(loadstring or load)(bytecode)() end)

-- require "socket.core" in a fresh state: dlopen, relocate, luaopen; closing the state dlcloses.
-- A fresh state is simulated by dropping the module and its library handle and collecting.
local function forget_socket()
  package.loaded["socket.core"] = nil
  local registry = debug.getregistry()
  for key, value in pairs(registry) do
    if type(key) == "string" and key:find("^LOADLIB: .*socket") then registry[key] = nil end -- Lua 5.1
    if type(value) == "table" and value ~= registry then                                   -- Lua 5.2+
      for name in pairs(value) do
        if type(name) == "string" and name:find("socket[/\\]core") then value[name] = nil end
      end
    end
  end
  collectgarbage("collect")
end
per_call("require_socket_fresh", math.floor(N / 4), function() forget_socket(); require("socket.core") end)

-- main() with every step but the network: an ml_server_url that is not a URL stops at parse_url.
dofile(client_path)
per_call("main_no_network", N, function() reset("none"); main() end)
if tcp_url then per_call("main_tcp", math.floor(N / 4), function() reset(tcp_url); main() end) end
if unix_url then per_call("main_unix", math.floor(N / 4), function() reset(unix_url); main() end) end
