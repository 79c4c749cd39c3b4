/* util: allocation that cannot fail silently, and small helpers every module uses. */
#ifndef PHAROS_UTIL_H
#define PHAROS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define nitems(a)                     (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)                     ((a) < (b) ? (a) : (b))
#define MAX(a, b)                     ((a) > (b) ? (a) : (b))
#define UNUSED(x)                     ((void)(x))
#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

/* xmalloc/xcalloc/xrealloc/xstrdup: like the libc calls, but abort the process with a
 * message on exhaustion; the caller owns and frees the result. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* str_trim: strip blanks at both ends of s in place; returns the new start. */
char *str_trim(char *s);

/* fd_nonblock_cloexec: put O_NONBLOCK and FD_CLOEXEC on fd; 0 or -1 with errno. */
int fd_nonblock_cloexec(int fd);

/* rand_u32: a uniformly random 32-bit value from getrandom(2) (falls back to a PRNG
 * seeded from it); not for keys, good for ids, ports and jitter. */
uint32_t rand_u32(void);

/* rand_range: a random value in [lo, hi]. */
uint64_t rand_range(uint64_t lo, uint64_t hi);

#endif
