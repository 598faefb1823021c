-- ------------------------------------------------------------------------
-- OWASP CRS Plugin: machine-learning-integration (crs-ml-server edition)
-- Copyright (c) 2021-2026 the plugin's authors. Apache License 2.0.
--
-- Called once per request by rule 9516600 (machine-learning-after.conf).
-- POSTs the parsed request to the model server and stores the verdict in TX.
-- Needs Lua 5.1+ and LuaSocket (Debian: lua-socket).
--
-- The body it sends is application/x-www-form-urlencoded; every value is
-- percent-encoded, and args/files/sizes are strict JSON objects:
--
--   field   ModSecurity variable   example (before url-encoding)
--   method  REQUEST_METHOD         POST
--   path    REQUEST_FILENAME       /search.php
--   args    ARGS                   {"ARGS:q":"fish & \"chips\""}
--   files   FILES                  {"FILES:upload":"cv.pdf"}
--   sizes   FILES_SIZES            {"FILES_SIZES:upload":1024}
--   hour    TIME_HOUR              7
--   day     TIME_DAY               29
--   body    REQUEST_BODY           raw body, only when it is not a form
--
-- It reads (TX, set in machine-learning-config.conf):
--   machine-learning-plugin_ml_server_url   http://host:port/path
--   machine-learning-plugin_timeout_ms      total time for the call
--   machine-learning-plugin_fail_policy     open | closed | crs
--   machine-learning-plugin_crs_score, machine-learning-plugin_inbound_anomaly_score_threshold
-- It sets (TX):
--   machine-learning-plugin_ml_status   pass | anomaly | unreachable | timeout |
--                                       http-<status> | bad-response | config-error |
--                                       client-error
--   machine-learning-plugin_ml_score    the server's score as it printed it, or none
--   machine-learning-plugin_ml_latency_ms
--   machine-learning-plugin_action      pass | block (fail policy applied)
--   machine-learning-plugin_detail      why, in words (errors, false positives)
--   machine-learning-plugin_engine      modsecurity2 | libmodsecurity3
--   machine-learning-plugin_inbound_ml_status   1 = pass, 0 = block (the original
--                                       plugin's variable, kept for custom rules)
-- ------------------------------------------------------------------------

-- TX variables are named "tx.name" both for m.setvar and for m.getvar
-- (ModSecurity 2 knows no "TX:name" form in Lua).
local P = "tx.machine-learning-plugin_"
local DEFAULT_URL = "http://127.0.0.1:5000/"
local DEFAULT_TIMEOUT_MS = 300
local MAX_RESPONSE_BYTES = 65536

local function tx(name, default)
  local value = m.getvar(P .. name, "none")
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

local function url_encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

-- A JSON string: bytes >= 0x80 go as they are (the server decodes UTF-8 and
-- keeps invalid bytes), so only quote, backslash and control bytes need escapes.
local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- Entries ({name=, value=}) -> ordered JSON object; repeated names are kept
-- as repeated keys (the server reads them in order). Numeric values may go as
-- JSON numbers (sizes), everything else as strings.
local function json_object(entries, numeric)
  local parts = {}
  for _, entry in ipairs(entries) do
    local value = tostring(entry.value or "")
    if not (numeric and value:match("^%d+$")) then value = json_string(value) end
    parts[#parts + 1] = json_string(tostring(entry.name)) .. ":" .. value
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

-- libmodsecurity 3 stores m.setvar values as given, without macro expansion;
-- ModSecurity 2 expands them. That tells the engines apart without touching
-- a variable libmodsecurity 3 might not know (it aborts the worker then).
local function is_libmodsecurity3()
  m.setvar(P .. "engine_probe", "%{" .. P .. "no_such_variable}3")
  return m.getvar(P .. "engine_probe", "none") ~= "3"
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

-- The request as ModSecurity parsed it. libmodsecurity 3.0.x aborts on
-- m.getvars("ARGS") and m.getvar("TIME_HOUR"), so there the client parses the
-- query string and a url-encoded body itself, takes the time from the OS, and
-- sends any other body (multipart included) raw.
local function request_fields(v3)
  local processor = m.getvar("REQBODY_PROCESSOR", "none") or ""
  local raw = m.getvar("REQUEST_BODY", "none")
  local args, files, sizes, hour, day
  if v3 then
    args = form_entries(m.getvar("QUERY_STRING", "none"), {})
    if processor == "URLENCODED" then form_entries(raw, args) end
    files, sizes = {}, {}
    hour, day = os.date("%H"), os.date("%d")
  else
    args = m.getvars("ARGS", "none") or {}
    files = m.getvars("FILES", "none") or {}
    sizes = m.getvars("FILES_SIZES", "none") or {}
    hour, day = m.getvar("TIME_HOUR", "none") or "", m.getvar("TIME_DAY", "none") or ""
  end
  local fields = {
    { "method", m.getvar("REQUEST_METHOD", "none") or "" },
    { "path", m.getvar("REQUEST_FILENAME", "none") or "" },
    { "args", json_object(args, false) },
    { "files", json_object(files, false) },
    { "sizes", json_object(sizes, true) },
    { "hour", hour },
    { "day", day },
  }
  -- Forms arrive as ARGS already; any other body is sent raw.
  local parsed = processor == "URLENCODED" or (processor == "MULTIPART" and not v3)
  if not parsed and raw ~= nil and raw ~= "" then fields[#fields + 1] = { "body", raw } end
  return fields
end

local function build_body(v3)
  local out = {}
  for i, field in ipairs(request_fields(v3)) do out[i] = field[1] .. "=" .. url_encode(field[2]) end
  return table.concat(out, "&")
end

-- "http://host[:port][/path]" -> host, port, path; nil for anything else.
local function parse_url(url)
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

-- One POST with a total deadline over connect, send and receive. Returns
-- status, body, or nil, ml_status, detail.
local function post(url, body, timeout)
  local socket = require("socket")
  local host, port, path = parse_url(url)
  if host == nil then return nil, "config-error", "ml_server_url must be http://host[:port]/path, got " .. url end
  local deadline = socket.gettime() + timeout
  local function left() return deadline - socket.gettime() end
  local ipv6 = host:find(":", 1, true) ~= nil
  local where = (ipv6 and "[" .. host .. "]" or host) .. ":" .. port

  local conn = ipv6 and socket.tcp6() or socket.tcp()
  conn:settimeout(timeout)
  local ok, err = conn:connect(host, port)
  if not ok then
    conn:close()
    if err == "timeout" then return nil, "timeout", "connect to " .. where .. " timed out" end
    return nil, "unreachable", "connect to " .. where .. " failed: " .. tostring(err)
  end
  local request = "POST " .. path .. " HTTP/1.1\r\nHost: " .. where ..
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

-- "score=-0.35" -> "-0.35"; a bare number (older servers) is accepted too.
local function parse_score(body)
  local text = body:match("^%s*score=(%S+)%s*$") or body:match("^%s*(%S+)%s*$")
  if text == nil then return nil end
  if text == "nan" or text == "inf" or text == "-inf" then return text end
  if text:match("^[-+]?%d*%.?%d+[eE][-+]?%d+$") or text:match("^[-+]?%d+%.?%d*$") or text:match("^[-+]?%.%d+$") then
    return text
  end
  return nil
end

local function fail_action(policy)
  if policy == "open" then return "pass" end
  if policy == "closed" then return "block" end
  -- "crs" (the default, also for unknown values): what CRS alone would do.
  local score = tonumber(tx("crs_score", "0")) or 0
  local threshold = tonumber(tx("inbound_anomaly_score_threshold", "5")) or 5
  if score >= threshold then return "block" end
  return "pass"
end

function main()
  local v3 = is_libmodsecurity3()
  -- The rules log passes differently per engine (see rule 9516621).
  set("engine", v3 and "libmodsecurity3" or "modsecurity2")
  local has_socket, socket = pcall(require, "socket")
  local clock = has_socket and socket.gettime or os.time
  local started = clock()
  local url = tx("ml_server_url", DEFAULT_URL)
  local timeout_ms = tonumber(tx("timeout_ms", "")) or DEFAULT_TIMEOUT_MS
  if timeout_ms <= 0 then timeout_ms = DEFAULT_TIMEOUT_MS end
  local policy = tx("fail_policy", "crs")

  local ok, status, answer, detail = false, "LuaSocket is missing (apt-get install lua-socket): " .. tostring(socket)
  if has_socket then
    ok, status, answer, detail = pcall(function() return post(url, build_body(v3), timeout_ms / 1000) end)
  end
  if not ok then status, answer, detail = nil, "client-error", tostring(status):sub(1, 300) end

  local ml_status, action, score = nil, nil, nil
  if status == 200 or status == 401 then
    ml_status = status == 200 and "pass" or "anomaly"
    action = status == 200 and "pass" or "block"
    score = parse_score(answer)
    detail = ""
    if score == nil then detail = "the server's answer holds no score=<number>" end
  elseif status ~= nil then
    ml_status = "http-" .. status
    detail = "the server answered HTTP " .. status .. ": " .. tostring(answer):sub(1, 200)
  else
    ml_status = answer
  end
  if action == nil then
    action = fail_action(policy)
    detail = detail .. "; fail_policy=" .. policy .. " -> " .. action
    m.log(2, "ML plugin: " .. detail)
  elseif tx("mode", "2") == "1" and action == "pass" then
    detail = "false positive: CRS would block, the model lets it pass"
  end

  set("ml_status", ml_status)
  set("ml_score", score or "none")
  set("ml_latency_ms", string.format("%d", math.floor((clock() - started) * 1000 + 0.5)))
  set("action", action)
  set("detail", (detail:gsub("[\r\n]", " ")))
  set("inbound_ml_status", action == "pass" and 1 or 0)
  return nil
end
