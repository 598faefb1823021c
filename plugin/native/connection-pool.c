/*
 * The servers crs_ml_native calls: each one's address, resolved once per
 * process, and its idle connections, shared by the process's threads.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "crs_ml_native.h"

static struct endpoint endpoints[MAX_ENDPOINTS];
static int endpoint_count;
static unsigned long connects, reuses, retries;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_guard_once = PTHREAD_ONCE_INIT;

double monotonic_now(void) {
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

void guard_pool_against_fork(void) { pthread_once(&fork_guard_once, install_fork_guard); }

/* The address of host:port or unix_path, resolved once per process and kept
 * with its idle connections. Returns NULL with `detail` set when it cannot be
 * resolved. When every slot is taken, `scratch` serves (no pooling). */
/* The kept endpoint named `key`, or NULL; called with pool_lock held. */
static struct endpoint *kept_endpoint(const char *key) {
  for (int e = 0; e < endpoint_count; e++) {
    if (strcmp(endpoints[e].key, key) == 0) return &endpoints[e];
  }
  return NULL;
}

struct endpoint *find_endpoint(const char *host, int port, const char *unix_path, const char *where,
                               struct endpoint *scratch, char *detail) {
  char key[sizeof scratch->key];
  if (unix_path != NULL) snprintf(key, sizeof key, "unix %s", unix_path);
  else snprintf(key, sizeof key, "tcp %s %d", host, port);

  pthread_mutex_lock(&pool_lock);
  struct endpoint *known = kept_endpoint(key);
  pthread_mutex_unlock(&pool_lock);
  if (known != NULL) return known;

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

  /* Another thread may have resolved it meanwhile. */
  pthread_mutex_lock(&pool_lock);
  known = kept_endpoint(key);
  if (known != NULL) {
    pthread_mutex_unlock(&pool_lock);
    return known;
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
int take_idle(struct endpoint *endpoint, double now) {
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

void give_back(struct endpoint *endpoint, int fd) {
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

void count_connect(void) { __atomic_fetch_add(&connects, 1, __ATOMIC_RELAXED); }
void count_reuse(void) { __atomic_fetch_add(&reuses, 1, __ATOMIC_RELAXED); }
void count_retry(void) { __atomic_fetch_add(&retries, 1, __ATOMIC_RELAXED); }

void pool_counts(unsigned long *connect_count, unsigned long *reuse_count, unsigned long *retry_count) {
  *connect_count = __atomic_load_n(&connects, __ATOMIC_RELAXED);
  *reuse_count = __atomic_load_n(&reuses, __ATOMIC_RELAXED);
  *retry_count = __atomic_load_n(&retries, __ATOMIC_RELAXED);
}
