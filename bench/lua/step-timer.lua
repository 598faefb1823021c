-- Appended by bench/waf.bench.ts (BENCH_WAF_PROFILE=1) to a copy of machine-learning-client.lua
-- (so the client's top-level locals are in scope here, and main() sees the wrapped ones):
-- wraps its steps with os.clock() (process CPU time: run it at one connection, so one thread of
-- the process is busy) and writes one line per request, "<step>=<us> ...", next to the breaker
-- file (the WAF instance's own tmp/ folder). Nothing is measured before main() runs (the fresh Lua
-- state, loading this chunk): the "empty main()" profile variant gives that.
local spent = {}
local function timed(name, f)
  return function(...)
    local started = os.clock()
    local a, b, c, d = f(...)
    spent[name] = (spent[name] or 0) + os.clock() - started
    return a, b, c, d
  end
end
load_transport = timed("transport", load_transport)
is_libmodsecurity3 = timed("engine+settings", is_libmodsecurity3)
read_settings = timed("engine+settings", read_settings)
build_body = timed("fields+body", build_body)
post = timed("call", post)
local client_main = main
function main()
  local started = os.clock()
  local result = client_main()
  local total = os.clock() - started
  local line = { string.format("main=%.0f", total * 1e6) }
  local rest = total
  for _, name in ipairs({ "transport", "engine+settings", "fields+body", "call" }) do
    local us = spent[name] or 0
    rest = rest - us
    line[#line + 1] = string.format("%s=%.0f", name, us * 1e6)
  end
  line[#line + 1] = string.format("verdict+TX=%.0f", rest * 1e6)
  local folder = (m.getvar("tx.machine-learning-plugin_breaker_file", "none") or ""):match("^(.*)/[^/]*$")
  local out = folder and io.open(folder .. "/steps.txt", "a")
  if out then out:write(table.concat(line, " "), "\n"); out:close() end
  return result
end
