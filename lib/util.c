/* util: allocation wrappers and small helpers. */
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "lib/log.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatal("malloc %zu", n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		fatal("calloc %zu x %zu", nmemb, size);
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void *q;

	if (size && nmemb > SIZE_MAX / size)
		fatalx("reallocarray overflow %zu x %zu", nmemb, size);
	q = realloc(p, (nmemb * size) != 0 ? nmemb * size : 1);
	if (q == NULL)
		fatal("realloc %zu x %zu", nmemb, size);
	return q;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("strdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		fatal("strndup");
	return p;
}

char *
str_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
fd_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	fl = fcntl(fd, F_GETFD);
	if (fl == -1 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

/* xorshift128+ seeded once from getrandom(2): cheap enough to call per probe check. */
static uint64_t rng_s[2];

static void
rng_seed(void)
{
	if (getrandom(rng_s, sizeof(rng_s), 0) != (ssize_t)sizeof(rng_s) ||
	    (rng_s[0] | rng_s[1]) == 0) {
		rng_s[0] = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
		rng_s[1] = 0xbf58476d1ce4e5b9ULL;
	}
}

static uint64_t
rng_next(void)
{
	uint64_t s1 = rng_s[0];
	const uint64_t s0 = rng_s[1];

	if ((rng_s[0] | rng_s[1]) == 0)
		rng_seed();
	s1 = rng_s[0];
	rng_s[0] = s0;
	s1 ^= s1 << 23;
	rng_s[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return rng_s[1] + s0;
}

uint32_t
rand_u32(void)
{
	return (uint32_t)(rng_next() >> 32);
}

uint64_t
rand_range(uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return lo;
	if (hi - lo == UINT64_MAX)
		return rng_next();
	return lo + rng_next() % (hi - lo + 1);
}
