/*
 * json_object(entries, numeric): the client's url-encoded JSON objects, written
 * in C, byte for byte what put_object in machine-learning-client.lua writes.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "crs_ml_native.h"

/* A growing byte buffer in C memory: luaL_Buffer cannot be used while each
 * entry's name and value sit on the Lua stack. */
struct bytes {
  char *data;
  size_t length, capacity;
  int failed;
};

static void add(struct bytes *out, const char *text, size_t length) {
  if (out->failed) return;
  if (out->length + length > out->capacity) {
    size_t capacity = out->capacity == 0 ? 1024 : out->capacity;
    while (capacity < out->length + length) capacity *= 2;
    char *grown = realloc(out->data, capacity);
    if (grown == NULL) {
      out->failed = 1;
      return;
    }
    out->data = grown;
    out->capacity = capacity;
  }
  memcpy(out->data + out->length, text, length);
  out->length += length;
}

/* Appends `text` as the client's gsub("[^%w%-%._~]", JSON_URL) does: unreserved
 * bytes as they are, '"' and '\\' JSON-escaped, control bytes as \u00xx, every
 * escape and other byte percent-encoded. */
static void add_json_url(struct bytes *out, const char *text, size_t length) {
  static const char HEX[] = "0123456789ABCDEF";
  static const char hex[] = "0123456789abcdef";
  size_t plain = 0; /* start of the current run of unreserved bytes */
  for (size_t i = 0; i < length; i++) {
    unsigned char c = (unsigned char)text[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') continue;
    add(out, text + plain, i - plain);
    plain = i + 1;
    if (c == '"') {
      add(out, "%5C%22", 6);
    } else if (c == '\\') {
      add(out, "%5C%5C", 6);
    } else if (c < 32 || c == 127) {
      char escape[8] = { '%', '5', 'C', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
      add(out, escape, 8);
    } else {
      char escape[3] = { '%', HEX[c >> 4], HEX[c & 15] };
      add(out, escape, 3);
    }
  }
  add(out, text + plain, length - plain);
}

/* An entry's field as the client's tostring() reads it: `absent` for nil and
 * false, NULL for a type the client never gets from the engine. */
static const char *field_text(lua_State *L, int index, const char *absent, size_t *length) {
  int type = lua_type(L, index);
  if (type == LUA_TSTRING || type == LUA_TNUMBER) return lua_tolstring(L, index, length);
  if (type == LUA_TNIL || (type == LUA_TBOOLEAN && !lua_toboolean(L, index))) {
    *length = strlen(absent);
    return absent;
  }
  if (type == LUA_TBOOLEAN) {
    *length = 4;
    return "true";
  }
  return NULL;
}

/* "-12", "7" and "0" are JSON integers (sent as numbers with `numeric`); "+1",
 * "1.5" and "007" are not. */
static int is_integer_text(const char *text, size_t length) {
  size_t i = length > 0 && text[0] == '-' ? 1 : 0;
  if (i == length || (text[i] == '0' && length - i > 1)) return 0;
  for (; i < length; i++) {
    if (text[i] < '0' || text[i] > '9') return 0;
  }
  return 1;
}

int json_object(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int numeric = lua_toboolean(L, 2);
  struct bytes out = { NULL, 0, 0, 0 };
  const char *bad = NULL;
  add(&out, "%7B", 3);
  for (int i = 1; bad == NULL; i++) {
    lua_rawgeti(L, 1, i);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    if (!lua_istable(L, -1)) {
      bad = lua_typename(L, lua_type(L, -1));
      lua_pop(L, 1);
      break;
    }
    lua_getfield(L, -1, "name");
    lua_getfield(L, -2, "value");
    size_t name_length = 0, value_length = 0;
    const char *name = field_text(L, -2, "nil", &name_length);
    const char *value = field_text(L, -1, "", &value_length);
    if (name == NULL || value == NULL) {
      bad = lua_typename(L, lua_type(L, name == NULL ? -2 : -1));
    } else {
      if (i > 1) add(&out, "%2C", 3);
      add(&out, "%22", 3);
      add_json_url(&out, name, name_length);
      if (numeric && is_integer_text(value, value_length)) {
        add(&out, "%22%3A", 6);
        add(&out, value, value_length);
      } else {
        add(&out, "%22%3A%22", 9);
        add_json_url(&out, value, value_length);
        add(&out, "%22", 3);
      }
    }
    lua_pop(L, 3);
  }
  add(&out, "%7D", 3);
  if (bad == NULL && !out.failed) lua_pushlstring(L, out.data, out.length);
  free(out.data);
  if (bad != NULL) return luaL_error(L, "json_object: an entry or its name or value is a %s", bad);
  if (out.failed) return luaL_error(L, "json_object: out of memory");
  return 1;
}
