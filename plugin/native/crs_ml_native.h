/*
 * crs_ml_native's parts (see crs_ml_native.c for what the module is):
 *   connection-pool.c  the servers' addresses and their kept connections
 *   http-exchange.c    one request and its answer over a connection, by a deadline
 *   json-object.c      the client's url-encoded JSON objects, written in C
 * Everything here is hidden from the host process (-fvisibility=hidden) but
 * luaopen_crs_ml_native.
 */
#ifndef CRS_ML_NATIVE_H
#define CRS_ML_NATIVE_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>

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

/* A server: its address, resolved once per process, and its idle connections. */
struct endpoint {
  char key[320];
  struct sockaddr_storage address;
  socklen_t address_length;
  int idle_fd[MAX_IDLE_PER_ENDPOINT];
  double idle_since[MAX_IDLE_PER_ENDPOINT];
  int idle_count; /* -1: a one-off endpoint, never pooled */
};

/* connection-pool.c */
double monotonic_now(void);
void guard_pool_against_fork(void);
struct endpoint *find_endpoint(const char *host, int port, const char *unix_path, const char *where,
                               struct endpoint *scratch, char *detail);
int take_idle(struct endpoint *endpoint, double now);
void give_back(struct endpoint *endpoint, int fd);
void count_connect(void);
void count_reuse(void);
void count_retry(void);
void pool_counts(unsigned long *connects, unsigned long *reuses, unsigned long *retries);

/* http-exchange.c */
enum outcome { DONE, FAILED, STALE };

/* One call: its deadline, and what went wrong (ml_status and detail) when it fails. */
struct call {
  const char *where;
  double deadline;
  int timeout_ms;
  char detail[DETAIL_BYTES];
  const char *ml_status;
};

struct answer {
  char *data; /* what was received: head, then body */
  size_t length;
  size_t capacity;
  int status;
  size_t body_start;
  long content_length; /* -1: none given */
  int chunked;
  int keep_alive;
  char *body; /* the decoded body (chunked) or a pointer into data */
  size_t body_length;
};

enum outcome fail(struct call *call, const char *ml_status, const char *format, const char *what);
int open_connection(struct endpoint *endpoint, struct call *call);
enum outcome send_all(int fd, struct iovec *parts, int count, int reused, struct call *call);
enum outcome receive_answer(int fd, int reused, struct answer *answer, struct call *call);
void free_answer(struct answer *answer);

/* json-object.c */
int json_object(lua_State *L);

#endif
