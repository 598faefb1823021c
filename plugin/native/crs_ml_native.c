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
 * Copyright (c) 2026 the plugin's authors. Apache License 2.0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#define MAX_ENDPOINTS 8
#define MAX_IDLE_PER_ENDPOINT 64
/* A connection idle longer than this is closed rather than reused: Node's
 * default keep-alive timeout is 5 s, and a server closing it while we send
 * costs a retry. */
#define IDLE_LIMIT_S 4.0
#define MAX_ANSWER_BYTES 65536
#define MAX_HEAD_BYTES 16384
#define DETAIL_BYTES 512

struct endpoint {
  char key[320];
  struct sockaddr_storage address;
  socklen_t address_length;
  int idle_fd[MAX_IDLE_PER_ENDPOINT];
  double idle_since[MAX_IDLE_PER_ENDPOINT];
  int idle_count;
};

static struct endpoint endpoints[MAX_ENDPOINTS];
static int endpoint_count;
static unsigned long connects, reuses, retries;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_guard_once = PTHREAD_ONCE_INIT;

static double monotonic_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* A child process (Apache forks its workers) must never share a parent's
 * connection: it forgets the pool and closes its copies. */
static void forget_pool_in_child(void) {
  pthread_mutex_init(&pool_lock, NULL);
  for (int e = 0; e < endpoint_count; e++) {
    for (int i = 0; i < endpoints[e].idle_count; i++) close(endpoints[e].idle_fd[i]);
    endpoints[e].idle_count = 0;
  }
  connects = reuses = retries = 0;
}

static void install_fork_guard(void) { pthread_atfork(NULL, NULL, forget_pool_in_child); }

/* The address of host:port or unix_path, resolved once per process and kept
 * with its idle connections. Returns NULL with `detail` set when it cannot be
 * resolved. When every slot is taken, `scratch` serves (no pooling). */
static struct endpoint *find_endpoint(const char *host, int port, const char *unix_path, const char *where,
                                      struct endpoint *scratch, char *detail) {
  char key[sizeof scratch->key];
  if (unix_path != NULL) snprintf(key, sizeof key, "unix %s", unix_path);
  else snprintf(key, sizeof key, "tcp %s %d", host, port);

  pthread_mutex_lock(&pool_lock);
  for (int e = 0; e < endpoint_count; e++) {
    if (strcmp(endpoints[e].key, key) == 0) {
      pthread_mutex_unlock(&pool_lock);
      return &endpoints[e];
    }
  }
  pthread_mutex_unlock(&pool_lock);

  struct endpoint found;
  memset(&found, 0, sizeof found);
  snprintf(found.key, sizeof found.key, "%s", key);
  if (unix_path != NULL) {
    struct sockaddr_un *un = (struct sockaddr_un *)&found.address;
    if (strlen(unix_path) >= sizeof un->sun_path) {
      snprintf(detail, DETAIL_BYTES, "connect to %s failed: socket path too long", where);
      return NULL;
    }
    un->sun_family = AF_UNIX;
    strcpy(un->sun_path, unix_path);
    found.address_length = sizeof *un;
  } else {
    struct sockaddr_in *in4 = (struct sockaddr_in *)&found.address;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&found.address;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
      in4->sin_family = AF_INET;
      in4->sin_port = htons((uint16_t)port);
      found.address_length = sizeof *in4;
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons((uint16_t)port);
      found.address_length = sizeof *in6;
    } else {
      struct addrinfo hints, *result = NULL;
      memset(&hints, 0, sizeof hints);
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      int failed = getaddrinfo(host, NULL, &hints, &result);
      if (failed != 0 || result == NULL) {
        snprintf(detail, DETAIL_BYTES, "connect to %s failed: %s", where, gai_strerror(failed));
        return NULL;
      }
      memcpy(&found.address, result->ai_addr, result->ai_addrlen);
      found.address_length = result->ai_addrlen;
      if (result->ai_family == AF_INET) in4->sin_port = htons((uint16_t)port);
      else in6->sin6_port = htons((uint16_t)port);
      freeaddrinfo(result);
    }
  }

  pthread_mutex_lock(&pool_lock);
  for (int e = 0; e < endpoint_count; e++) {
    if (strcmp(endpoints[e].key, key) == 0) {
      pthread_mutex_unlock(&pool_lock);
      return &endpoints[e];
    }
  }
  if (endpoint_count < MAX_ENDPOINTS) {
    endpoints[endpoint_count] = found;
    struct endpoint *kept = &endpoints[endpoint_count++];
    pthread_mutex_unlock(&pool_lock);
    return kept;
  }
  pthread_mutex_unlock(&pool_lock);
  *scratch = found;
  scratch->idle_count = -1; /* never pooled */
  return scratch;
}

/* An idle connection still fit to use (not closed by the server, not idle too
 * long), or -1. */
static int take_idle(struct endpoint *endpoint, double now) {
  for (;;) {
    int fd = -1;
    double since = 0;
    pthread_mutex_lock(&pool_lock);
    if (endpoint->idle_count > 0) {
      endpoint->idle_count--;
      fd = endpoint->idle_fd[endpoint->idle_count];
      since = endpoint->idle_since[endpoint->idle_count];
    }
    pthread_mutex_unlock(&pool_lock);
    if (fd < 0) return -1;
    /* Readable while idle means the server closed it (or sent something
     * unasked): either way it cannot carry our next exchange. */
    struct pollfd check = { .fd = fd, .events = POLLIN };
    if (now - since <= IDLE_LIMIT_S && poll(&check, 1, 0) == 0) return fd;
    close(fd);
  }
}

static void give_back(struct endpoint *endpoint, int fd) {
  pthread_mutex_lock(&pool_lock);
  if (endpoint->idle_count >= 0 && endpoint->idle_count < MAX_IDLE_PER_ENDPOINT) {
    endpoint->idle_fd[endpoint->idle_count] = fd;
    endpoint->idle_since[endpoint->idle_count] = monotonic_now();
    endpoint->idle_count++;
    fd = -1;
  }
  pthread_mutex_unlock(&pool_lock);
  if (fd >= 0) close(fd);
}

static int millis_left(double deadline) {
  double left = deadline - monotonic_now();
  if (left <= 0) return 0;
  return (int)(left * 1000.0) + 1;
}

/* Waits for `events` on fd until the deadline: 1 ready, 0 timed out, -1 error. */
static int wait_for(int fd, short events, double deadline) {
  for (;;) {
    int left = millis_left(deadline);
    if (left == 0) return 0;
    struct pollfd p = { .fd = fd, .events = events };
    int ready = poll(&p, 1, left);
    if (ready > 0) return 1;
    if (ready == 0) {
      if (monotonic_now() >= deadline) return 0;
      continue;
    }
    if (errno != EINTR) return -1;
  }
}

static const char *reason(int error) {
  switch (error) {
    case ECONNREFUSED: return "connection refused";
    case ECONNRESET: return "connection reset by peer";
    case EPIPE: return "closed";
    case ENOENT: return "no such file or directory";
    default: return strerror(error);
  }
}

enum outcome { DONE, FAILED, STALE };

struct call {
  const char *where;
  double deadline;
  int timeout_ms;
  char detail[DETAIL_BYTES];
  const char *ml_status;
};

static enum outcome fail(struct call *call, const char *ml_status, const char *format, const char *what) {
  call->ml_status = ml_status;
  snprintf(call->detail, sizeof call->detail, format, call->where, what);
  return FAILED;
}

static enum outcome timed_out_answer(struct call *call) {
  call->ml_status = "timeout";
  snprintf(call->detail, sizeof call->detail, "no complete answer from %s within %d ms", call->where, call->timeout_ms);
  return FAILED;
}

/* A new non-blocking connection, or -1 with the failure in `call`. */
static int open_connection(struct endpoint *endpoint, struct call *call) {
  int fd = socket(endpoint->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fail(call, "unreachable", "connect to %s failed: %s", reason(errno));
    return -1;
  }
  if (endpoint->address.ss_family != AF_UNIX) {
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
  if (connect(fd, (struct sockaddr *)&endpoint->address, endpoint->address_length) != 0) {
    /* EAGAIN from a Unix socket means its backlog is full: no connection is under way. */
    if (errno != EINPROGRESS) {
      int error = errno;
      close(fd);
      fail(call, "unreachable", "connect to %s failed: %s", reason(error));
      return -1;
    }
    int ready = wait_for(fd, POLLOUT, call->deadline);
    int error = 0;
    socklen_t length = sizeof error;
    if (ready == 0) {
      close(fd);
      call->ml_status = "timeout";
      snprintf(call->detail, sizeof call->detail, "connect to %s timed out", call->where);
      return -1;
    }
    if (ready < 0) error = errno;
    else getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      close(fd);
      fail(call, "unreachable", "connect to %s failed: %s", reason(error));
      return -1;
    }
  }
  __atomic_fetch_add(&connects, 1, __ATOMIC_RELAXED);
  return fd;
}

static enum outcome send_all(int fd, struct iovec *parts, int count, int reused, struct call *call) {
  struct msghdr message;
  memset(&message, 0, sizeof message);
  message.msg_iov = parts;
  message.msg_iovlen = (size_t)count;
  while (message.msg_iovlen > 0) {
    ssize_t sent = sendmsg(fd, &message, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        int ready = wait_for(fd, POLLOUT, call->deadline);
        if (ready > 0) continue;
        if (ready == 0) {
          call->ml_status = "timeout";
          snprintf(call->detail, sizeof call->detail, "sending to %s timed out", call->where);
          return FAILED;
        }
      }
      if (reused && (errno == EPIPE || errno == ECONNRESET)) return STALE;
      return fail(call, "unreachable", "sending to %s failed: %s", reason(errno));
    }
    while (sent > 0 && message.msg_iovlen > 0) {
      if ((size_t)sent >= message.msg_iov->iov_len) {
        sent -= (ssize_t)message.msg_iov->iov_len;
        message.msg_iov++;
        message.msg_iovlen--;
      } else {
        message.msg_iov->iov_base = (char *)message.msg_iov->iov_base + sent;
        message.msg_iov->iov_len -= (size_t)sent;
        sent = 0;
      }
    }
  }
  return DONE;
}

struct answer {
  char *data;       /* what was received: head, then body */
  size_t length;
  size_t capacity;
  int status;
  size_t body_start;
  long content_length; /* -1: none given */
  int chunked;
  int keep_alive;
  char *body;        /* the decoded body (chunked) or a pointer into data */
  size_t body_length;
};

/* Case-insensitive: does the header value list `token`? */
static int lists_token(const char *value, size_t length, const char *token) {
  size_t token_length = strlen(token);
  for (size_t i = 0; i + token_length <= length; i++) {
    if (strncasecmp(value + i, token, token_length) == 0) return 1;
  }
  return 0;
}

/* Parses the status line and headers once "\r\n\r\n" has arrived. 1 parsed,
 * 0 need more, -1 bad (detail set). */
static int parse_head(struct answer *answer, struct call *call) {
  char *end = memmem(answer->data, answer->length, "\r\n\r\n", 4);
  if (end == NULL) {
    if (answer->length > MAX_HEAD_BYTES) {
      fail(call, "bad-response", "answer from %s: %s", "headers over 16384 bytes");
      return -1;
    }
    return 0;
  }
  if (answer->length < 12 || memcmp(answer->data, "HTTP/", 5) != 0 || answer->data[6] != '.' || answer->data[8] != ' ' ||
      answer->data[9] < '0' || answer->data[9] > '9' || answer->data[10] < '0' || answer->data[10] > '9' ||
      answer->data[11] < '0' || answer->data[11] > '9') {
    fail(call, "bad-response", "answer from %s: %s", "no HTTP status line");
    return -1;
  }
  answer->status = (answer->data[9] - '0') * 100 + (answer->data[10] - '0') * 10 + (answer->data[11] - '0');
  /* HTTP/1.1 keeps the connection unless told otherwise; 1.0 closes it. */
  answer->keep_alive = answer->data[7] == '1';
  answer->content_length = -1;
  answer->body_start = (size_t)(end - answer->data) + 4;
  /* The status line ends at the first CRLF, at `end` itself when there are no headers. */
  char *line = (char *)memchr(answer->data, '\n', (size_t)(end - answer->data) + 2) + 1;
  while (line < end) {
    char *line_end = memchr(line, '\r', (size_t)(end - line) + 1);
    char *colon = memchr(line, ':', (size_t)(line_end - line));
    if (colon != NULL) {
      char *value = colon + 1;
      while (value < line_end && (*value == ' ' || *value == '\t')) value++;
      size_t name_length = (size_t)(colon - line), value_length = (size_t)(line_end - value);
      if (name_length == 14 && strncasecmp(line, "content-length", 14) == 0) {
        char *digits_end;
        long length = strtol(value, &digits_end, 10);
        if (digits_end == value || length < 0) {
          fail(call, "bad-response", "answer from %s: %s", "bad Content-Length");
          return -1;
        }
        answer->content_length = length;
      } else if (name_length == 17 && strncasecmp(line, "transfer-encoding", 17) == 0) {
        answer->chunked = lists_token(value, value_length, "chunked");
      } else if (name_length == 10 && strncasecmp(line, "connection", 10) == 0) {
        if (lists_token(value, value_length, "close")) answer->keep_alive = 0;
        else if (lists_token(value, value_length, "keep-alive")) answer->keep_alive = 1;
      }
    }
    line = line_end + 2;
  }
  if (answer->chunked) answer->content_length = -1;
  if (answer->content_length > MAX_ANSWER_BYTES) {
    fail(call, "bad-response", "answer from %s: %s", "answer over 65536 bytes");
    return -1;
  }
  if (!answer->chunked && answer->content_length < 0) answer->keep_alive = 0; /* the body ends at close */
  return 1;
}

/* Decodes a chunked body from data[body_start..]. 1 complete, 0 need more,
 * -1 bad (detail set). */
static int decode_chunked(struct answer *answer, struct call *call) {
  size_t at = answer->body_start, total = 0;
  char *decoded = answer->body;
  for (;;) {
    char *line_end = memmem(answer->data + at, answer->length - at, "\r\n", 2);
    if (line_end == NULL) return 0;
    /* strtoul would also take spaces, a sign or 0x: a chunk size is hex digits only. */
    if (!isxdigit((unsigned char)answer->data[at])) {
      fail(call, "bad-response", "answer from %s: %s", "bad chunk size");
      return -1;
    }
    unsigned long size = strtoul(answer->data + at, NULL, 16);
    at = (size_t)(line_end - answer->data) + 2;
    if (size == 0) {
      /* The last chunk ends with an empty line, after any trailers. */
      int no_trailers = answer->length - at >= 2 && memcmp(answer->data + at, "\r\n", 2) == 0;
      if (!no_trailers && memmem(answer->data + at, answer->length - at, "\r\n\r\n", 4) == NULL) return 0;
      answer->body_length = total;
      return 1;
    }
    if (size > MAX_ANSWER_BYTES || total + size > MAX_ANSWER_BYTES) {
      fail(call, "bad-response", "answer from %s: %s", "answer over 65536 bytes");
      return -1;
    }
    if (answer->length - at < size + 2) return 0;
    memcpy(decoded + total, answer->data + at, size);
    total += size;
    at += size + 2;
  }
}

static enum outcome receive_answer(int fd, int reused, struct answer *answer, struct call *call) {
  int head_parsed = 0;
  for (;;) {
    if (answer->length == answer->capacity) {
      if (answer->capacity >= MAX_HEAD_BYTES + 2 * MAX_ANSWER_BYTES) {
        return fail(call, "bad-response", "answer from %s: %s", "answer over 65536 bytes");
      }
      size_t capacity = answer->capacity * 2;
      char *grown = realloc(answer->data, capacity);
      if (grown == NULL) return fail(call, "bad-response", "answer from %s: %s", "out of memory");
      answer->data = grown;
      answer->capacity = capacity;
    }
    ssize_t got = recv(fd, answer->data + answer->length, answer->capacity - answer->length, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        int ready = wait_for(fd, POLLIN, call->deadline);
        if (ready > 0) continue;
        if (ready == 0) return timed_out_answer(call);
      }
      if (reused && answer->length == 0 && errno == ECONNRESET) return STALE;
      return fail(call, "bad-response", "answer from %s: %s", reason(errno));
    }
    if (got == 0) {
      if (reused && answer->length == 0) return STALE;
      if (head_parsed && !answer->chunked && answer->content_length < 0) {
        answer->body = answer->data + answer->body_start;
        answer->body_length = answer->length - answer->body_start;
        if (answer->body_length > MAX_ANSWER_BYTES) answer->body_length = MAX_ANSWER_BYTES;
        return DONE;
      }
      return fail(call, "bad-response", "answer from %s: %s", "closed");
    }
    answer->length += (size_t)got;
    if (!head_parsed) {
      int parsed = parse_head(answer, call);
      if (parsed < 0) return FAILED;
      if (parsed == 0) continue;
      head_parsed = 1;
      if (answer->chunked) {
        answer->body = malloc(MAX_ANSWER_BYTES);
        if (answer->body == NULL) return fail(call, "bad-response", "answer from %s: %s", "out of memory");
      }
    }
    if (answer->chunked) {
      int decoded = decode_chunked(answer, call);
      if (decoded < 0) return FAILED;
      if (decoded > 0) return DONE;
    } else if (answer->content_length >= 0 &&
               answer->length - answer->body_start >= (size_t)answer->content_length) {
      answer->body = answer->data + answer->body_start;
      answer->body_length = (size_t)answer->content_length;
      /* More than announced: the connection's framing is off, do not reuse it. */
      if (answer->length - answer->body_start > (size_t)answer->content_length) answer->keep_alive = 0;
      return DONE;
    }
  }
}

static void free_answer(struct answer *answer) {
  if (answer->chunked && answer->body != NULL) free(answer->body);
  free(answer->data);
}

static int post(lua_State *L) {
  const char *host = luaL_optstring(L, 1, "localhost");
  int port = (int)luaL_optinteger(L, 2, 80);
  const char *unix_path = luaL_optstring(L, 3, NULL);
  const char *path = luaL_checkstring(L, 4);
  size_t body_length;
  const char *body = luaL_checklstring(L, 5, &body_length);
  double timeout = luaL_checknumber(L, 6);
  const char *where = luaL_checkstring(L, 7);
  pthread_once(&fork_guard_once, install_fork_guard);

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
      if (reused) __atomic_fetch_add(&reuses, 1, __ATOMIC_RELAXED);
      return 2;
    }
    close(fd);
    free_answer(&answer);
    /* The server closed an idle connection as we reused it: once more, on a new one. */
    if (outcome == STALE) {
      __atomic_fetch_add(&retries, 1, __ATOMIC_RELAXED);
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

static int json_object(lua_State *L) {
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
  pthread_mutex_lock(&pool_lock);
  lua_newtable(L);
  lua_pushnumber(L, (lua_Number)connects);
  lua_setfield(L, -2, "connects");
  lua_pushnumber(L, (lua_Number)reuses);
  lua_setfield(L, -2, "reuses");
  lua_pushnumber(L, (lua_Number)retries);
  lua_setfield(L, -2, "retries");
  pthread_mutex_unlock(&pool_lock);
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

int luaopen_crs_ml_native(lua_State *L) {
#if LUA_VERSION_NUM >= 502
  luaL_newlib(L, functions);
#else
  lua_newtable(L);
  luaL_register(L, NULL, functions);
#endif
  return 1;
}
