-- Drives plugin/machine-learning-client.lua outside ModSecurity, with a mock `m`
-- that behaves like ModSecurity 2.9's Lua API where it matters:
--   * m.setvar reads a value starting with "+" or "-" as a relative change
--     (integer, like atoi), and expands %{tx.name} macros otherwise;
--   * m.getvar / m.getvars return what the request spec says.
--
-- Usage: lua5.1 drive-client.lua <client.lua> <spec file>
-- The spec file has one entry per line, "<kind> <hex name> <hex value>", where kind is
-- var (a single variable like REQUEST_METHOD or TX.x) or ARGS / FILES /
-- FILES_SIZES / REQUEST_HEADERS / REQUEST_COOKIES (one collection entry). Hex keeps
-- newlines, NUL-free binary and UTF-8 intact.
-- Prints the TX variables after main(), one "<name> <hex value>" per line, then
-- "logs <n>" and "elapsed_ms <n>".

local client_path, spec_path = arg[1], arg[2]
assert(client_path and spec_path, "usage: drive-client.lua <client.lua> <spec file>")

local function unhex(text)
  return (text:gsub("%x%x", function(h) return string.char(tonumber(h, 16)) end))
end
local function hex(text)
  return (text:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

local vars, tx = {}, {}
local collections = { ARGS = {}, FILES = {}, FILES_SIZES = {}, REQUEST_HEADERS = {}, REQUEST_COOKIES = {} }
for line in io.lines(spec_path) do
  local kind, name, value = line:match("^(%S+) (%x*) (%x*)$")
  assert(kind, "bad spec line: " .. line)
  name, value = unhex(name), unhex(value)
  if kind == "var" then
    if name:lower():sub(1, 3) == "tx." then tx[name:lower():sub(4)] = value
    else vars[name] = value end
  else
    assert(collections[kind], "unknown collection " .. kind)
    table.insert(collections[kind], { name = name, value = value })
  end
end

-- ModSecurity's macro expansion: %{tx.name} and %{VARIABLE} (request variables), unset ones empty.
-- ModSecurity always has REQUEST_BODY_LENGTH.
if vars.REQUEST_BODY_LENGTH == nil then vars.REQUEST_BODY_LENGTH = tostring(#(vars.REQUEST_BODY or "")) end

local function expand(value)
  value = value:gsub("%%{[Tt][Xx]%.([^}]+)}", function(name) return tx[name:lower()] or "" end)
  return (value:gsub("%%{([%u_]+)}", function(name) return vars[name] or "" end))
end

-- MOCK_ENGINE=libmodsecurity3 mimics libmodsecurity 3.0.9 instead: setvar stores values as
-- given, and the calls that abort its worker (getvars on a whole collection, getvar of
-- TIME_HOUR / TIME_DAY) raise an error here.
local v3 = os.getenv("MOCK_ENGINE") == "libmodsecurity3"
local V3_ABORTS = { TIME_HOUR = true, TIME_DAY = true }

local logs = 0
m = {
  getvar = function(name, transformation)
    assert(transformation == nil or transformation == "none", "unexpected transformation " .. tostring(transformation))
    -- ModSecurity 2's Lua API knows TX variables as "tx.name" only ("TX:name" is unknown).
    assert(not (v3 and V3_ABORTS[name]), "libmodsecurity 3 aborts the worker on getvar " .. name)
    assert(name:upper():sub(1, 3) ~= "TX:", "ModSecurity 2 does not know " .. name .. "; use tx.name")
    if name:upper():sub(1, 3) == "TX." then return tx[name:lower():sub(4)] end
    return vars[name]
  end,
  getvars = function(name)
    assert(not v3, "libmodsecurity 3 aborts the worker on getvars " .. name)
    local list = collections[name]
    assert(list, "unexpected collection " .. name)
    return list
  end,
  setvar = function(name, value)
    value = tostring(value)
    assert(name:lower():sub(1, 3) == "tx.", "only TX is set: " .. name)
    local key = name:lower():sub(4)
    local first = value:sub(1, 1)
    if v3 then
      tx[key] = value
    elseif first == "+" or first == "-" then
      -- ModSecurity 2: relative change by atoi(value) on the current integer.
      local current = tonumber(tx[key]) or 0
      local delta = tonumber(value:match("^[-+]%d*")) or 0
      tx[key] = tostring(math.floor(current) + delta)
    else
      tx[key] = expand(value)
    end
  end,
  log = function() logs = logs + 1 end,
}

-- What rules 9516590 and 9516591 of machine-learning-after.conf do before the
-- script runs: join the settings and CRS's scores into one TX variable each.
local after = assert(io.open((client_path:gsub("[^/]*$", "")) .. "machine-learning-after.conf")):read("*a")
local function rule_value(name)
  return assert(after:match("setvar:'tx%.machine%-learning%-plugin_" .. name .. "=(.-)'\""), "no setvar of " .. name)
end
-- Rule 9516510's initial values (not-sent, none, ...), set before every call.
local initial = assert(after:match('"id:9516510,(.-)"\n'), "no rule 9516510")
for name, value in initial:gmatch("setvar:'tx%.machine%-learning%-plugin_([%w_]+)=([^']*)'") do
  if name ~= "crs_score" or tx["machine-learning-plugin_crs_score"] == nil then tx["machine-learning-plugin_" .. name] = value end
end
tx["machine-learning-plugin_settings"] = expand(rule_value("settings"))
if tx["machine-learning-plugin_send_crs_scores"] == "1" then
  tx["machine-learning-plugin_crs_scores"] = expand(rule_value("crs_scores"))
end

-- LuaSocket may be hidden on purpose (LUA_CPATH) to test the client without it.
local has_socket, socket = pcall(require, "socket")
local clock = has_socket and socket.gettime or os.clock
dofile(client_path)
local started = clock()
local result = main()
local elapsed = (clock() - started) * 1000
assert(result == nil, "main() must return nil so that rule 9516600 never matches")

local names = {}
for name in pairs(tx) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do print(name .. " " .. hex(tx[name])) end
print("logs " .. logs)
print(string.format("elapsed_ms %d", math.floor(elapsed)))
