-- ------------------------------------------------------------------------
-- OWASP CRS Plugin: machine-learning-integration (crs-ml-server edition)
-- Copyright (c) 2021-2026 the plugin's authors. Apache License 2.0.
--
-- Called once per request by rule 9516600 (machine-learning-after.conf).
-- POSTs the parsed request to the model server and stores the verdict in TX.
-- Needs Lua 5.1+ and either crs_ml_native (plugin/native: the call in C over
-- connections kept between requests, the fast path) or LuaSocket (Debian: lua-socket).
--
-- The body it sends is application/x-www-form-urlencoded (contract v2); every
-- value is percent-encoded, and the objects are strict JSON:
--
--   field    ModSecurity variable   example (before url-encoding)
--   v        -                      2
--   method   REQUEST_METHOD         POST
--   path     REQUEST_FILENAME       /search.php
--   args     ARGS                   {"ARGS:q":"fish & \"chips\""}
--   files    FILES                  {"FILES:upload":"cv.pdf"}
--   sizes    FILES_SIZES            {"FILES_SIZES:upload":1024}
--   hour     TIME_HOUR              7
--   day      TIME_DAY               29
--   body     REQUEST_BODY           raw body, only when it is not a form (capped)
--   headers  REQUEST_HEADERS        {"REQUEST_HEADERS:User-Agent":"curl/8.0"}
--   cookies  REQUEST_COOKIES        {"REQUEST_COOKIES:lang":"en"}
--   crs      TX (CRS's scores)      {"inbound_anomaly_score_pl1":5,"xss_score":5}
--
-- It reads (TX, set in machine-learning-config.conf; docs/plugin.md):
--   ml_server_url, timeout_ms, fail_policy, shadow, breaker_failures,
--   breaker_open_s, breaker_file, send_headers, send_cookies, send_crs_scores,
--   native_client, exclude_headers, redact_cookies, body_max_bytes, crs_score,
--   inbound_anomaly_score_threshold   (all prefixed machine-learning-plugin_)
-- It sets (TX):
--   machine-learning-plugin_ml_status   pass | anomaly | unreachable | timeout |
--                                       http-<status> | bad-response | config-error |
--                                       client-error | breaker-open
--   machine-learning-plugin_ml_score    the server's score as it printed it, or none
--   machine-learning-plugin_ml_latency_ms
--   machine-learning-plugin_action      pass | block (fail policy and shadow applied)
--   machine-learning-plugin_shadow_verdict  the model's verdict in shadow mode, else none
--   machine-learning-plugin_detail      why, in words (errors, false positives)
--   machine-learning-plugin_engine      modsecurity2 | libmodsecurity3
--   machine-learning-plugin_inbound_ml_status   1 = pass, 0 = block (the original
--                                       plugin's variable, kept for custom rules)
-- and, while the server fails, the circuit breaker's state in breaker_file.
-- ------------------------------------------------------------------------

-- TX variables are named "tx.name" both for m.setvar and for m.getvar
-- (ModSecurity 2 knows no "TX:name" form in Lua).
local P = "tx.machine-learning-plugin_"
local DEFAULT_URL = "http://127.0.0.1:5000/"
local DEFAULT_TIMEOUT_MS = 300
local DEFAULT_BODY_MAX_BYTES = 65536
local DEFAULT_BREAKER_FILE = "/run/crs-ml/breaker"
local MAX_RESPONSE_BYTES = 65536
local DEFAULT_EXCLUDE_HEADERS = "authorization proxy-authorization cookie x-api-key"
local DEFAULT_REDACT_COOKIES = "*sess* *sid *token* *auth* *jwt* *csrf* *xsrf*"
-- CRS's scores, as CRS 4 and CRS 3.3 name them, in the order rule 9516591
-- joins them; those a request has are sent.
local CRS_SCORES = {
  "inbound_anomaly_score_pl1", "inbound_anomaly_score_pl2", "inbound_anomaly_score_pl3",
  "inbound_anomaly_score_pl4", "blocking_inbound_anomaly_score", "detection_inbound_anomaly_score",
  "anomaly_score", "anomaly_score_pl1", "anomaly_score_pl2", "anomaly_score_pl3", "anomaly_score_pl4",
  "sql_injection_score", "xss_score", "rce_score", "lfi_score", "rfi_score", "php_injection_score",
  "http_violation_score", "session_fixation_score",
}
-- Failures that say the server is unwell: they count towards the breaker.
-- (http-4xx is about the request, config-error and client-error about this side.)
local BREAKER_FAILURES = { unreachable = true, timeout = true, ["bad-response"] = true }

-- Each m.getvar costs ModSecurity 2 some 5 us (it builds a variable, a
-- transformation list and a table for every call), so rule 9516590 joins the
-- settings into one TX variable, in this order, "|" between them (none may
-- contain "|"; ml_server_url, last, takes the rest), read once. Without it
-- (the client run from another rule) each setting is read on its own.
local SETTINGS = {
  "mode", "timeout_ms", "fail_policy", "shadow", "breaker_failures", "breaker_open_s",
  "send_headers", "send_cookies", "send_crs_scores", "body_max_bytes", "keep_luasocket_loaded",
  "native_client", "exclude_headers", "redact_cookies", "breaker_file",
  -- Request variables the same rule expands, saving the calls that would read them.
  "time_hour", "time_day", "reqbody_processor", "request_body_length",
}
local settings = nil

local function read_settings()
  local text = m.getvar(P .. "settings", "none")
  if text == nil or text == "" then return end
  settings = {}
  local at = 1
  for _, name in ipairs(SETTINGS) do
    local bar = text:find("|", at, true)
    if bar == nil then settings = nil; return end
    settings[name] = text:sub(at, bar - 1)
    at = bar + 1
  end
  settings.ml_server_url = text:sub(at)
end

-- A request variable rule 9516590 joined into the settings, when it has the
-- form `pattern` says; else nil.
local function joined(name, pattern)
  local value = settings ~= nil and settings[name] or nil
  if value ~= nil and value:find(pattern) then return value end
  return nil
end

local function tx(name, default)
  local value
  if settings ~= nil and settings[name] ~= nil then value = settings[name] else value = m.getvar(P .. name, "none") end
  if value == nil or value == "" then return default end
  return value
end

-- m.setvar in ModSecurity 2 reads a value starting with "+" or "-" as an
-- increment or decrement ("-0.35" becomes "0"). The check looks at the text
-- before macro expansion, so an empty macro in front keeps the sign. Engines
-- that store values as given (libmodsecurity 3) are detected by reading back.
local function set(name, value)
  -- ModSecurity expands %{...} in setvar values; text from the server must stay text.
  value = tostring(value):gsub("%%{", "%% {")
  local first = value:sub(1, 1)
  if first == "-" or first == "+" then
    m.setvar(P .. name, "%{" .. P .. "no_such_variable}" .. value)
    if m.getvar(P .. name, "none") == value then return end
  end
  m.setvar(P .. name, value)
end

-- Byte -> its percent-encoding, and byte -> its JSON escape, percent-encoded:
-- one gsub per value writes JSON inside url-encoding in a single pass. Filled
-- on first use (a fresh Lua state per request makes a 256-entry table costly).
local UNRESERVED = "[^%w%-%._~]"
local URL = setmetatable({}, { __index = function(t, c)
  local e = string.format("%%%02X", c:byte()); t[c] = e; return e
end })
local JSON_URL = setmetatable({}, { __index = function(t, c)
  local e
  if c == '"' then e = "%5C%22"
  elseif c == "\\" then e = "%5C%5C"
  elseif c:byte() < 32 or c:byte() == 127 then e = string.format("%%5Cu%04x", c:byte())
  else e = URL[c] end
  t[c] = e
  return e
end })

-- Appends to `out` a JSON object of entries ({name=, value=}), url-encoded;
-- repeated names stay repeated keys, in order. With `numeric`, values that
-- are integers go as JSON numbers (sizes, CRS scores), others as strings.
local function put_object(out, entries, numeric)
  local n = #out
  out[n + 1] = "%7B"
  n = n + 1
  for i, entry in ipairs(entries) do
    local value = tostring(entry.value or "")
    if i > 1 then out[n + 1] = "%2C"; n = n + 1 end
    out[n + 1] = "%22"
    out[n + 2] = (tostring(entry.name):gsub(UNRESERVED, JSON_URL))
    if numeric and (value:match("^%-?[1-9]%d*$") or value == "0" or value == "-0") then
      out[n + 3] = "%22%3A"
      out[n + 4] = value
      n = n + 4
    else
      out[n + 3] = "%22%3A%22"
      out[n + 4] = (value:gsub(UNRESERVED, JSON_URL))
      out[n + 5] = "%22"
      n = n + 5
    end
  end
  out[n + 1] = "%7D"
end

-- libmodsecurity 3 stores m.setvar values as given, without macro expansion;
-- ModSecurity 2 expands them. That tells the engines apart without touching
-- a variable libmodsecurity 3 might not know (it aborts the worker then), and
-- sets tx.machine-learning-plugin_engine (the rules log passes differently per
-- engine, see rule 9516621).
-- crs_ml_native remembers the answer for the process (one process runs one
-- engine), saving the read-back on later requests.
local function is_libmodsecurity3(native)
  local known = native ~= nil and native.engine ~= nil and native.engine() or nil
  if known ~= nil then
    m.setvar(P .. "engine", known)
    return known == "libmodsecurity3"
  end
  m.setvar(P .. "engine", "%{" .. P .. "no_such_variable}modsecurity2")
  local v3 = m.getvar(P .. "engine", "none") ~= "modsecurity2"
  if v3 then m.setvar(P .. "engine", "libmodsecurity3") end
  if native ~= nil and native.engine ~= nil then native.engine(v3 and "libmodsecurity3" or "modsecurity2") end
  return v3
end

-- a=1&b=%22x%22 -> ARGS:a, ARGS:b entries, decoded as ModSecurity does (+ is a space).
local function form_entries(text, entries)
  local function decode(part)
    return (part:gsub("%+", " "):gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
  end
  for part in (text or ""):gmatch("[^&]+") do
    local name, value = part:match("^([^=]*)=?(.*)$")
    entries[#entries + 1] = { name = "ARGS:" .. decode(name), value = decode(value) }
  end
  return entries
end

-- "a b *c* d* *e" -> a test: exact names, *contains*, prefix*, *suffix (lower case).
-- Each pattern is taken apart once, not once per name.
local function name_matcher(list)
  local exact, globs = {}, {}
  for item in list:lower():gmatch("%S+") do
    if item:find("*", 1, true) then
      local head, core, tail = item:match("^(%*?)([^*]*)(%*?)$")
      if core ~= nil then globs[#globs + 1] = { anywhere = head == "*", open_end = tail == "*", core = core, length = #core } end
    else
      exact[item] = true
    end
  end
  return function(name)
    name = name:lower()
    if exact[name] then return true end
    for i = 1, #globs do
      local glob = globs[i]
      local at = name:find(glob.core, 1, true)
      if at ~= nil and (glob.anywhere or at == 1) and (glob.open_end or name:sub(-glob.length) == glob.core) then return true end
    end
    return false
  end
end

-- libmodsecurity 3.0.9 cannot list REQUEST_HEADERS to Lua (getvars gives
-- nothing), but FULL_REQUEST starts with its headers, "Name: value" per line,
-- then an empty line. Cookies are split from the Cookie headers as it does.
local function v3_headers_and_cookies()
  local full = m.getvar("FULL_REQUEST", "none") or ""
  local head = full:match("^(.-)\n\n") or full
  local headers, cookies = {}, {}
  for line in head:gmatch("[^\n]+") do
    local name, value = line:match("^([^:]+): ?(.*)$")
    if name ~= nil then
      headers[#headers + 1] = { name = "REQUEST_HEADERS:" .. name, value = value }
      if name:lower() == "cookie" then
        for pair in value:gmatch("[^;]+") do
          local cname, cvalue = pair:match("^%s*([^=]*)=?(.*)$")
          if cname ~= "" then cookies[#cookies + 1] = { name = "REQUEST_COOKIES:" .. cname, value = cvalue } end
        end
      end
    end
  end
  return headers, cookies
end

-- The request as ModSecurity parsed it, url-encoded in one pass. libmodsecurity
-- 3.0.x aborts on m.getvars("ARGS") and m.getvar("TIME_HOUR"), so there the
-- client parses the query string and a url-encoded body itself, takes the
-- time from the OS, sends any other body (multipart included) raw, and reads
-- headers and cookies from FULL_REQUEST.
-- `put(out, entries, numeric)` appends a JSON object: put_object, or crs_ml_native's
-- json_object (the same bytes, written in C).
local function build_body(v3, put)
  -- Rule 9516590 expanded these into the settings; each is read on its own when
  -- missing or not of its form (the client run from another rule).
  local processor = joined("reqbody_processor", "^%u*$") or m.getvar("REQBODY_PROCESSOR", "none") or ""
  -- Forms arrive as ARGS already; any other body is sent raw, up to body_max_bytes.
  local parsed = processor == "URLENCODED" or (processor == "MULTIPART" and not v3)
  local raw = nil
  if (v3 or not parsed) and joined("request_body_length", "^%d+$") ~= "0" then raw = m.getvar("REQUEST_BODY", "none") end
  local args, files, sizes, hour, day = nil, {}, {}, joined("time_hour", "^%d+$"), joined("time_day", "^%d+$")
  if v3 then
    args = form_entries(m.getvar("QUERY_STRING", "none"), {})
    if processor == "URLENCODED" then form_entries(raw, args) end
    if hour == nil or day == nil then hour, day = os.date("%H"), os.date("%d") end
  else
    args = m.getvars("ARGS", "none") or {}
    -- Only the multipart processor fills FILES.
    if processor == "MULTIPART" then
      files = m.getvars("FILES", "none") or {}
      sizes = m.getvars("FILES_SIZES", "none") or {}
    end
    if hour == nil or day == nil then hour, day = m.getvar("TIME_HOUR", "none") or "", m.getvar("TIME_DAY", "none") or "" end
  end
  local out = {
    "v=2&method=", ((m.getvar("REQUEST_METHOD", "none") or ""):gsub(UNRESERVED, URL)),
    "&path=", ((m.getvar("REQUEST_FILENAME", "none") or ""):gsub(UNRESERVED, URL)),
    "&args=",
  }
  put(out, args, false)
  out[#out + 1] = "&files="
  put(out, files, false)
  out[#out + 1] = "&sizes="
  put(out, sizes, true)
  out[#out + 1] = "&hour=" .. hour:gsub(UNRESERVED, URL) .. "&day=" .. day:gsub(UNRESERVED, URL)
  if not parsed and raw ~= nil and raw ~= "" then
    local max_body = tonumber(tx("body_max_bytes", "")) or DEFAULT_BODY_MAX_BYTES
    if max_body > 0 then out[#out + 1] = "&body=" .. raw:sub(1, max_body):gsub(UNRESERVED, URL) end
  end

  local send_headers, send_cookies = tx("send_headers", "1") == "1", tx("send_cookies", "1") == "1"
  if send_headers or send_cookies then
    local headers, cookies
    if v3 then
      headers, cookies = v3_headers_and_cookies()
    else
      headers = send_headers and m.getvars("REQUEST_HEADERS", "none") or {}
      cookies = send_cookies and m.getvars("REQUEST_COOKIES", "none") or {}
    end
    if send_headers then
      local excluded = name_matcher(tx("exclude_headers", DEFAULT_EXCLUDE_HEADERS))
      local kept = {}
      for _, entry in ipairs(headers) do
        if not excluded(entry.name:sub(17)) then kept[#kept + 1] = entry end -- after "REQUEST_HEADERS:"
      end
      out[#out + 1] = "&headers="
      put(out, kept, false)
    end
    if send_cookies then
      local redacted = name_matcher(tx("redact_cookies", DEFAULT_REDACT_COOKIES))
      for i, entry in ipairs(cookies) do
        if redacted(entry.name:sub(17)) then cookies[i] = { name = entry.name, value = "" } end -- after "REQUEST_COOKIES:"
      end
      out[#out + 1] = "&cookies="
      put(out, cookies, false)
    end
  end
  if tx("send_crs_scores", "1") == "1" then
    -- Rule 9516591 joins their values in CRS_SCORES' order, "|" between;
    -- those a request lacks are empty. Names are ours (letters, digits, "_":
    -- nothing to encode), values integers.
    local scores, i = {}, 0
    for value in ((m.getvar(P .. "crs_scores", "none") or "") .. "|"):gmatch("([^|]*)|") do
      i = i + 1
      if CRS_SCORES[i] ~= nil and value:find("^%-?%d+$") then scores[#scores + 1] = "%22" .. CRS_SCORES[i] .. "%22%3A" .. value end
    end
    out[#out + 1] = "&crs=%7B" .. table.concat(scores, "%2C") .. "%7D"
  end
  return table.concat(out)
end

-- "http://host[:port][/path]" -> host, port, path; "unix:/path/to.sock" ->
-- nil, nil, "/", socket path; nil for anything else.
local function parse_url(url)
  local unix_path = url:match("^[Uu][Nn][Ii][Xx]:(/.+)$")
  if unix_path ~= nil then return "localhost", nil, "/", unix_path end
  local host, port, path = url:match("^[Hh][Tt][Tt][Pp]://([%w%.%-]+):?(%d*)(/?[^#]*)$")
  if host == nil then
    host, port, path = url:match("^[Hh][Tt][Tt][Pp]://%[([%x:%.]+)%]:?(%d*)(/?[^#]*)$")
  end
  if host == nil then return nil end
  if path == "" then path = "/" end
  return host, tonumber(port) or 80, path
end

-- Reads one HTTP/1.x answer through `read` (a deadline-bound conn:receive):
-- the status line, the headers, then a Content-Length, chunked or until-close body.
-- Returns {status, body}, or nil and "timeout" or what was wrong.
local function read_answer(read)
  local line, err = read("*l")
  if line == nil then return nil, err end
  local status = tonumber(line:match("^HTTP/%d%.%d (%d%d%d)"))
  if status == nil then return nil, "no HTTP status line" end
  local length, chunked = nil, false
  repeat
    line, err = read("*l")
    if line == nil then return nil, err end
    local name, value = line:match("^([^:]+):%s*(.-)%s*$")
    if name ~= nil then
      name = name:lower()
      if name == "content-length" then length = tonumber(value) end
      if name == "transfer-encoding" and value:lower():find("chunked", 1, true) then chunked = true end
    end
  until line == ""
  if chunked then
    local parts, total = {}, 0
    while true do
      line, err = read("*l")
      if line == nil then return nil, err end
      local size = tonumber(line:match("^(%x+)"), 16)
      if size == nil then return nil, "bad chunk size" end
      if size == 0 then break end
      total = total + size
      if total > MAX_RESPONSE_BYTES then return nil, "answer over " .. MAX_RESPONSE_BYTES .. " bytes" end
      local part
      part, err = read(size)
      if part == nil then return nil, err end
      parts[#parts + 1] = part
      read("*l")
    end
    return { status = status, body = table.concat(parts) }
  end
  if length ~= nil then
    if length > MAX_RESPONSE_BYTES then return nil, "answer over " .. MAX_RESPONSE_BYTES .. " bytes" end
    if length == 0 then return { status = status, body = "" } end
    local body
    body, err = read(length)
    if body == nil then return nil, err end
    return { status = status, body = body }
  end
  -- No length: the body ends when the server closes (we asked for Connection: close).
  local body
  body, err = read("*a")
  if body == nil then return nil, err end
  return { status = status, body = body:sub(1, MAX_RESPONSE_BYTES) }
end

-- LuaSocket's C core, loaded without socket.lua (which every fresh Lua state
-- would compile again). ModSecurity creates a new Lua state for each run and
-- closing it unloads the shared library (dlclose), so the next request loads
-- and relocates it again. With keep_loaded, the handles' finaliser is dropped:
-- the library stays mapped and the next dlopen only counts a reference.
local function require_c(name)
  -- A C module: skip the search of package.path (some ten failed file opens).
  local path = package.path
  package.path = ""
  local ok, module = pcall(require, name)
  package.path = path
  return ok, module
end

local function load_socket(keep_loaded)
  local ok, core = require_c("socket.core")
  if not ok then return nil, core end
  if keep_loaded and debug ~= nil and debug.getregistry ~= nil then
    local registry = debug.getregistry()
    -- Lua 5.1 / LuaJIT: every library handle has the metatable registry._LOADLIB.
    if type(registry._LOADLIB) == "table" then registry._LOADLIB.__gc = nil end
    -- Lua 5.2+: one table of handles (path -> handle) with a __gc metatable.
    for _, value in pairs(registry) do
      if type(value) == "table" and value ~= registry then
        for name in pairs(value) do
          if type(name) == "string" and name:find("socket[/\\]core%.%w+$") then
            local meta = getmetatable(value)
            if type(meta) == "table" then meta.__gc = nil end
            break
          end
        end
      end
    end
  end
  return core
end

-- One POST with a total deadline over connect, send and receive, through
-- crs_ml_native when loaded, else LuaSocket. Returns status, body, or nil,
-- ml_status, detail.
local function post(transport, url, body, timeout)
  local host, port, path, unix_path = parse_url(url)
  if host == nil then return nil, "config-error", "ml_server_url must be http://host[:port]/path or unix:/path, got " .. url end
  local ipv6 = unix_path == nil and host:find(":", 1, true) ~= nil
  local where = unix_path ~= nil and "unix:" .. unix_path or (ipv6 and "[" .. host .. "]" or host) .. ":" .. port
  if transport.native ~= nil then
    return transport.native.post(host, port, unix_path, path, body, timeout, where)
  end
  local socket = transport.socket
  local deadline = socket.gettime() + timeout
  local function left() return deadline - socket.gettime() end
  local conn
  if unix_path ~= nil then
    local has_unix, unix = require_c("socket.unix")
    if not has_unix then return nil, "config-error", "ml_server_url is unix: but LuaSocket has no socket.unix: " .. tostring(unix) end
    conn = (unix.stream or unix)()
  else
    conn = ipv6 and socket.tcp6() or socket.tcp()
  end
  conn:settimeout(timeout)
  local ok, err
  if unix_path ~= nil then ok, err = conn:connect(unix_path) else ok, err = conn:connect(host, port) end
  if not ok then
    conn:close()
    if err == "timeout" then return nil, "timeout", "connect to " .. where .. " timed out" end
    return nil, "unreachable", "connect to " .. where .. " failed: " .. tostring(err)
  end
  local request = "POST " .. path .. " HTTP/1.1\r\nHost: " .. (unix_path and "localhost" or where) ..
    "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " .. #body ..
    "\r\nConnection: close\r\n\r\n" .. body
  local sent = 0
  while sent < #request do
    if left() <= 0 then conn:close(); return nil, "timeout", "sending to " .. where .. " timed out" end
    conn:settimeout(left())
    local last, send_err, partial = conn:send(request, sent + 1)
    sent = last or partial or sent
    if last == nil and send_err ~= "timeout" then
      conn:close()
      return nil, "unreachable", "sending to " .. where .. " failed: " .. tostring(send_err)
    end
  end
  local function read(pattern)
    local remaining = left()
    if remaining <= 0 then return nil, "timeout" end
    conn:settimeout(remaining)
    local data, read_err = conn:receive(pattern)
    return data, read_err
  end
  local answer, failure = read_answer(read)
  conn:close()
  if answer == nil then
    if failure == "timeout" then return nil, "timeout", "no complete answer from " .. where .. " within " .. string.format("%d", math.floor(timeout * 1000 + 0.5)) .. " ms" end
    return nil, "bad-response", "answer from " .. where .. ": " .. tostring(failure)
  end
  return answer.status, answer.body
end

-- "score=-0.35" -> "-0.35"; a bare number (older servers) is accepted too,
-- and nan/inf as the server spells them.
local function parse_score(body)
  local text = body:match("^%s*score=(%S+)%s*$") or body:match("^%s*(%S+)%s*$")
  if text == nil then return nil end
  if text == "nan" or text == "inf" or text == "-inf" then return text end
  if text:match("^[-+]?%d*%.?%d+[eE][-+]?%d+$") or text:match("^[-+]?%d+%.?%d*$") or text:match("^[-+]?%.%d+$") then
    return text
  end
  return nil
end

-- What CRS alone would do: block when its score is at or over the threshold.
local function crs_action()
  local score = tonumber(tx("crs_score", "0")) or 0
  local threshold = tonumber(tx("inbound_anomaly_score_threshold", "5")) or 5
  if score >= threshold then return "block" end
  return "pass"
end

local function fail_action(policy)
  if policy == "open" then return "pass" end
  if policy == "closed" then return "block" end
  -- "crs" (the default, also for unknown values): what CRS alone would do.
  return crs_action()
end

-- The circuit breaker: after `limit` consecutive server failures, no call for
-- `open_s` seconds (then one trial call; a failure opens it again at once).
-- The state is a small file, "<failures> <open until (epoch s)>", shared by
-- every process and thread of the WAF. It exists only while the server fails:
-- a healthy server costs one failed open() per request. Written only on a
-- failure (a temporary file renamed over it, so a reader never sees half a
-- file) and removed by the first success after one.
local function breaker_read(file)
  local handle = io.open(file, "r")
  if handle == nil then return 0, 0, false end
  local text = handle:read("*a") or ""
  handle:close()
  local failures, open_until = text:match("^(%d+) (%d+)")
  return tonumber(failures) or 0, tonumber(open_until) or 0, true
end

-- Returns a sentence for detail when the breaker opened or its file could not
-- be written, else nil.
local function breaker_record(file, state, failed, limit, open_s, now)
  if not failed then
    if state.exists then os.remove(file) end
    return nil
  end
  local failures = state.failures + 1
  local open_until = failures >= limit and now + open_s or 0
  -- A name no other thread or process uses at the same time: this state's
  -- address (threads) and the clock (processes).
  local temp = file .. "." .. tostring({}):match("%x+$") .. string.format("%.0f", (os.clock() + (state.clock() % 1e4)) * 1e6)
  local handle, err = io.open(temp, "w")
  local ok = handle ~= nil and handle:write(failures, " ", open_until, "\n") ~= nil
  if handle ~= nil then handle:close() end
  if ok then ok, err = os.rename(temp, file) end
  if not ok then
    os.remove(temp)
    return "circuit breaker state not saved (" .. tostring(err) .. "): make breaker_file's folder writable by the WAF's user"
  end
  if open_until > 0 then
    return "circuit breaker opened after " .. failures .. " consecutive failures: no calls for " .. open_s .. " s"
  end
  return nil
end

-- crs_ml_native when it is installed (and native_client is not 0), else
-- LuaSocket. Returns {native=} or {socket=}, or nil and why neither loads.
local function load_transport()
  if tx("native_client", "1") ~= "0" then
    local ok, native = require_c("crs_ml_native")
    if ok then return { native = native, clock = native.clock } end
  end
  local socket, missing = load_socket(tx("keep_luasocket_loaded", "1") == "1")
  if socket == nil then return nil, missing end
  return { socket = socket, clock = socket.gettime }
end

function main()
  -- The engine closes this Lua state after the request, freeing everything at
  -- once: collecting garbage before that is wasted work.
  collectgarbage("stop")
  read_settings()
  local transport, missing = load_transport()
  local v3 = is_libmodsecurity3(transport and transport.native)
  local clock = transport and transport.clock or os.time
  local started = clock()
  local url = tx("ml_server_url", DEFAULT_URL)
  local timeout_ms = tonumber(tx("timeout_ms", "")) or DEFAULT_TIMEOUT_MS
  if timeout_ms <= 0 then timeout_ms = DEFAULT_TIMEOUT_MS end
  local breaker_limit = tonumber(tx("breaker_failures", "0")) or 0
  local now = os.time()
  local breaker = nil
  if breaker_limit > 0 then
    breaker = { file = tx("breaker_file", DEFAULT_BREAKER_FILE), clock = clock }
    breaker.failures, breaker.open_until, breaker.exists = breaker_read(breaker.file)
  end

  local ok, status, answer, detail = false, "LuaSocket is missing (apt-get install lua-socket, or build plugin/native): " .. tostring(missing)
  if breaker ~= nil and now < breaker.open_until then
    ok, status, answer, detail = true, nil, "breaker-open", "circuit breaker open: " .. (breaker.open_until - now) .. " s left, no call"
  elseif transport ~= nil then
    local put = put_object
    if transport.native ~= nil then
      local json_object = transport.native.json_object
      put = function(out, entries, numeric) out[#out + 1] = json_object(entries, numeric) end
    end
    ok, status, answer, detail = pcall(function() return post(transport, url, build_body(v3, put), timeout_ms / 1000) end)
  end
  if not ok then status, answer, detail = nil, "client-error", tostring(status):sub(1, 300) end

  local ml_status, action, score = nil, nil, nil
  if status == 200 or status == 401 then
    score = parse_score(answer)
    if score == nil then
      ml_status = "bad-response"
      detail = "HTTP " .. status .. " without score=<number>: " .. tostring(answer):sub(1, 100)
    else
      ml_status = status == 200 and "pass" or "anomaly"
      action = status == 200 and "pass" or "block"
      detail = ""
    end
  elseif status ~= nil then
    ml_status = "http-" .. status
    detail = "the server answered HTTP " .. status .. ": " .. tostring(answer):sub(1, 200)
  else
    ml_status = answer
  end
  if breaker ~= nil and ml_status ~= "breaker-open" then
    local failed = BREAKER_FAILURES[ml_status] or (status ~= nil and status >= 500)
    local said = breaker_record(breaker.file, breaker, failed, breaker_limit, failed and (tonumber(tx("breaker_open_s", "30")) or 30), now)
    if said ~= nil then detail = detail .. "; " .. said end
  end
  if action == nil then
    local policy = tx("fail_policy", "crs")
    action = fail_action(policy)
    detail = detail .. "; fail_policy=" .. policy .. " -> " .. action
    m.log(2, "ML plugin: " .. detail)
  elseif tx("mode", "2") == "1" and action == "pass" then
    detail = "false positive: CRS would block, the model lets it pass"
  end
  local shadow_verdict = "none"
  if tx("shadow", "0") == "1" then
    -- Shadow mode: the model's verdict is logged, CRS's decision stands.
    shadow_verdict, action = action, crs_action()
    detail = "shadow: the model says " .. shadow_verdict .. ", CRS's verdict applies" .. (detail ~= "" and "; " .. detail or "")
  end

  set("ml_status", ml_status)
  set("ml_score", score or "none")
  set("ml_latency_ms", string.format("%d", math.floor((clock() - started) * 1000 + 0.5)))
  set("action", action)
  -- Rule 9516510 set it to "none" already: one engine call less per request.
  if shadow_verdict ~= "none" then set("shadow_verdict", shadow_verdict) end
  set("detail", (detail:gsub("[\r\n]", " ")))
  set("inbound_ml_status", action == "pass" and 1 or 0)
  return nil
end
