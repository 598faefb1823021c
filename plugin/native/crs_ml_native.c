/*
 * crs_ml_native: the plugin's call to the model server, in C, over connections
 * kept open between requests. Optional: machine-learning-client.lua uses it when
 * `require "crs_ml_native"` finds it, and LuaSocket otherwise (docs/plugin.md).
 *
 * Why: ModSecurity runs the client in a fresh Lua state for every request, so a
 * Lua socket cannot outlive the request, and loading LuaSocket into each state
 * costs more than the call. This library is linked with -z nodelete: closing a
 * Lua state leaves it mapped, so the idle connections below survive from one
 * request to the next (per process, shared by its threads).
 *
 * Lua API (5.1 and 5.2+):
 *   post(host, port, unix_path, path, body, timeout_s, where)
 *     -> status, answer_body | nil, ml_status, detail
 *     host/port for TCP (unix_path nil), or unix_path (host, port ignored);
 *     `where` names the server in details. One total deadline over connect,
 *     send and receive. ml_status: unreachable | timeout | bad-response.
 *   json_object(entries, numeric) -> the JSON object of entries ({name=, value=}),
 *     url-encoded, byte for byte what the client's put_object writes in Lua
 *   engine([name]) -> the engine this process runs, as the client found it
 *     (modsecurity2 | libmodsecurity3), or nil before; with `name`, records it
 *   clock() -> seconds from a monotonic clock
 *   stats() -> { connects =, reuses =, retries = } of this process
 *
 * The parts: crs_ml_native.h.
 *
 * Copyright (c) 2026 the plugin's authors. Apache License 2.0.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "crs_ml_native.h"

static int post(lua_State *L) {
  const char *host = luaL_optstring(L, 1, "localhost");
  int port = (int)luaL_optinteger(L, 2, 80);
  const char *unix_path = luaL_optstring(L, 3, NULL);
  const char *path = luaL_checkstring(L, 4);
  size_t body_length;
  const char *body = luaL_checklstring(L, 5, &body_length);
  double timeout = luaL_checknumber(L, 6);
  const char *where = luaL_checkstring(L, 7);
  guard_pool_against_fork();

  struct call call;
  memset(&call, 0, sizeof call);
  call.where = where;
  call.deadline = monotonic_now() + timeout;
  call.timeout_ms = (int)(timeout * 1000.0 + 0.5);

  struct endpoint scratch;
  struct endpoint *endpoint = find_endpoint(host, port, unix_path, where, &scratch, call.detail);
  if (endpoint == NULL) {
    lua_pushnil(L);
    lua_pushstring(L, "unreachable");
    lua_pushstring(L, call.detail);
    return 3;
  }

  char head[1024];
  int head_length = snprintf(head, sizeof head,
                             "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                             "Content-Length: %zu\r\n\r\n",
                             path, unix_path != NULL ? "localhost" : where, body_length);
  if (head_length < 0 || (size_t)head_length >= sizeof head) {
    lua_pushnil(L);
    lua_pushstring(L, "config-error");
    lua_pushstring(L, "ml_server_url is too long");
    return 3;
  }

  enum outcome outcome = FAILED;
  struct answer answer;
  for (int attempt = 0; attempt < 2; attempt++) {
    /* A retry always opens a new connection: the kept ones may all be stale. */
    int fd = attempt == 0 ? take_idle(endpoint, monotonic_now()) : -1;
    int reused = fd >= 0;
    if (!reused) {
      fd = open_connection(endpoint, &call);
      if (fd < 0) break;
    }
    struct iovec parts[2] = { { head, (size_t)head_length }, { (void *)body, body_length } };
    memset(&answer, 0, sizeof answer);
    outcome = send_all(fd, parts, 2, reused, &call);
    if (outcome == DONE) {
      answer.capacity = 4096;
      answer.data = malloc(answer.capacity);
      outcome = answer.data == NULL ? fail(&call, "bad-response", "answer from %s: %s", "out of memory")
                                    : receive_answer(fd, reused, &answer, &call);
    }
    if (outcome == DONE) {
      lua_pushinteger(L, answer.status);
      lua_pushlstring(L, answer.body, answer.body_length);
      if (answer.keep_alive) give_back(endpoint, fd);
      else close(fd);
      free_answer(&answer);
      if (reused) count_reuse();
      return 2;
    }
    close(fd);
    free_answer(&answer);
    /* The server closed an idle connection as we reused it: once more, on a new one. */
    if (outcome == STALE) {
      count_retry();
      continue;
    }
    break;
  }
  if (outcome == STALE) fail(&call, "bad-response", "answer from %s: %s", "closed");
  lua_pushnil(L);
  lua_pushstring(L, call.ml_status);
  lua_pushstring(L, call.detail);
  return 3;
}

/* One process runs one engine: the client detects it once and records it here. */
static const char *known_engine;

static int engine(lua_State *L) {
  const char *name = luaL_optstring(L, 1, NULL);
  if (name != NULL) {
    if (strcmp(name, "modsecurity2") == 0) __atomic_store_n(&known_engine, "modsecurity2", __ATOMIC_RELAXED);
    else if (strcmp(name, "libmodsecurity3") == 0) __atomic_store_n(&known_engine, "libmodsecurity3", __ATOMIC_RELAXED);
    else return luaL_error(L, "engine: unknown engine %s", name);
  }
  const char *known = __atomic_load_n(&known_engine, __ATOMIC_RELAXED);
  if (known == NULL) lua_pushnil(L);
  else lua_pushstring(L, known);
  return 1;
}

static int clock_seconds(lua_State *L) {
  lua_pushnumber(L, monotonic_now());
  return 1;
}

static int stats(lua_State *L) {
  unsigned long connects, reuses, retries;
  pool_counts(&connects, &reuses, &retries);
  lua_newtable(L);
  lua_pushnumber(L, (lua_Number)connects);
  lua_setfield(L, -2, "connects");
  lua_pushnumber(L, (lua_Number)reuses);
  lua_setfield(L, -2, "reuses");
  lua_pushnumber(L, (lua_Number)retries);
  lua_setfield(L, -2, "retries");
  return 1;
}

static const luaL_Reg functions[] = {
  { "post", post },
  { "json_object", json_object },
  { "engine", engine },
  { "clock", clock_seconds },
  { "stats", stats },
  { NULL, NULL },
};

__attribute__((visibility("default"))) int luaopen_crs_ml_native(lua_State *L) {
#if LUA_VERSION_NUM >= 502
  luaL_newlib(L, functions);
#else
  lua_newtable(L);
  luaL_register(L, NULL, functions);
#endif
  return 1;
}
