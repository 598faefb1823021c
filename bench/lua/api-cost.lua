-- What each ModSecurity Lua API call costs inside the engine, in CPU microseconds (os.clock over
-- N calls). Installed by bench/waf.bench.ts (BENCH_WAF_PROFILE=1) as the client script of one WAF
-- instance and run by one request; it writes "<name> <us per call>" lines next to the breaker file
-- the harness configures (the instance's own tmp/ folder), then records a pass so the rules log
-- nothing. libmodsecurity 3 aborts on m.getvars of a whole collection, so those run on
-- ModSecurity 2 only.
function main()
  local N = 2000
  local lines = {}
  local function cost(name, f)
    f()
    local started = os.clock()
    for _ = 1, N do f() end
    lines[#lines + 1] = string.format("%s %.2f", name, (os.clock() - started) * 1e6 / N)
  end
  local P = "tx.machine-learning-plugin_"
  m.setvar(P .. "engine", "%{" .. P .. "no_such_variable}modsecurity2")
  local v3 = m.getvar(P .. "engine", "none") ~= "modsecurity2"
  cost("m.getvar(tx.<setting>)", function() return m.getvar(P .. "mode", "none") end)
  cost("m.getvar(tx.<missing>)", function() return m.getvar(P .. "no_such_variable", "none") end)
  cost("m.getvar(REQUEST_METHOD)", function() return m.getvar("REQUEST_METHOD", "none") end)
  cost("m.setvar(tx.x)", function() return m.setvar(P .. "api_cost_probe", "1") end)
  if not v3 then
    cost("m.getvars(ARGS)", function() return m.getvars("ARGS", "none") end)
    cost("m.getvars(REQUEST_HEADERS)", function() return m.getvars("REQUEST_HEADERS", "none") end)
  end
  cost("io.open(<missing file>)", function() return io.open("/nonexistent-crs-ml/breaker", "r") end)
  local path = package.path
  package.path = ""
  local ok = pcall(require, "socket.core")
  package.path = path
  if ok then
    for dir in package.cpath:gmatch("[^;]+") do
      local open = package.loadlib(dir:gsub("%?", "socket/core"), "luaopen_socket_core")
      if type(open) == "function" then cost("luaopen_socket_core()", open); break end
    end
  end
  local folder = (m.getvar(P .. "breaker_file", "none") or ""):match("^(.*)/[^/]*$")
  local out = folder and io.open(folder .. "/api-cost.txt", "w")
  if out then out:write((v3 and "libmodsecurity3" or "modsecurity2") .. "\n", table.concat(lines, "\n"), "\n"); out:close() end
  m.setvar(P .. "ml_status", "pass")
  m.setvar(P .. "action", "pass")
  return nil
end
