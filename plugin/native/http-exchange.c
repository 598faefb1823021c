/*
 * One HTTP/1.1 exchange over a connection, by one deadline: connect, send the
 * request, read the answer (Content-Length, chunked, or until close), and say
 * what went wrong in the client's terms (ml_status, detail).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crs_ml_native.h"

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

enum outcome fail(struct call *call, const char *ml_status, const char *format, const char *what) {
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
int open_connection(struct endpoint *endpoint, struct call *call) {
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
  count_connect();
  return fd;
}

enum outcome send_all(int fd, struct iovec *parts, int count, int reused, struct call *call) {
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

enum outcome receive_answer(int fd, int reused, struct answer *answer, struct call *call) {
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

void free_answer(struct answer *answer) {
  if (answer->chunked && answer->body != NULL) free(answer->body);
  free(answer->data);
}
