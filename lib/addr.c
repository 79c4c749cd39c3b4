/* addr: addresses, prefixes and endpoints. */
#include "lib/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
addr_parse(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->af = AF_INET6;
		return 0;
	}
	a->af = AF_UNSPEC;
	return -1;
}

unsigned
addr_maxlen(const struct addr *a)
{
	return a->af == AF_INET ? 32 : 128;
}

static bool
host_bits_zero(const struct addr *a, unsigned len)
{
	unsigned i;

	for (i = 0; i < addr_maxlen(a) / 8; i++) {
		unsigned first = i * 8;
		uint8_t mask = 0;

		if (first >= len)
			mask = 0xff;
		else if (first + 8 > len)
			mask = (uint8_t)(0xff >> (len - first));
		if (a->u.b[i] & mask)
			return false;
	}
	return true;
}

int
prefix_parse(const char *s, struct prefix *p, const char **why)
{
	char tmp[ADDR_STRLEN];
	const char *slash = strchr(s, '/');
	char *end;
	long len;

	memset(p, 0, sizeof(*p));
	*why = "not an IPv4 or IPv6 prefix";
	if (strlen(s) >= sizeof(tmp))
		return -1;
	if (slash == NULL) {
		if (addr_parse(s, &p->addr) == -1)
			return -1;
		p->len = (uint8_t)addr_maxlen(&p->addr);
		return 0;
	}
	memcpy(tmp, s, (size_t)(slash - s));
	tmp[slash - s] = '\0';
	if (addr_parse(tmp, &p->addr) == -1)
		return -1;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (slash[1] < '0' || slash[1] > '9' || *end != '\0' || errno ||
	    len > (long)addr_maxlen(&p->addr)) {
		*why = "bad prefix length";
		return -1;
	}
	p->len = (uint8_t)len;
	if (!host_bits_zero(&p->addr, p->len)) {
		*why = "host bits set";
		return -1;
	}
	return 0;
}

int
endpoint_parse(const char *s, uint16_t defport, struct endpoint *e, const char **why)
{
	char tmp[ADDR_STRLEN];
	const char *host = s, *port = NULL, *colon;
	size_t hlen = strlen(s);
	char *end;
	long v;

	memset(e, 0, sizeof(*e));
	*why = "not an address or address:port";
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || (rb[1] != '\0' && rb[1] != ':'))
			return -1;
		host = s + 1;
		hlen = (size_t)(rb - host);
		if (rb[1] == ':')
			port = rb + 2;
	} else if ((colon = strchr(s, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		hlen = (size_t)(colon - s);
		port = colon + 1;
	}
	if (hlen >= sizeof(tmp))
		return -1;
	memcpy(tmp, host, hlen);
	tmp[hlen] = '\0';
	if (addr_parse(tmp, &e->addr) == -1)
		return -1;
	if (s[0] == '[' && e->addr.af != AF_INET6)
		return -1;
	e->port = defport;
	if (port != NULL) {
		errno = 0;
		v = strtol(port, &end, 10);
		if (*port < '0' || *port > '9' || *end || errno || v < 1 || v > 65535) {
			*why = "bad port";
			return -1;
		}
		e->port = (uint16_t)v;
	}
	return 0;
}

const char *
addr_ntop(const struct addr *a, char *buf)
{
	if (a->af == AF_UNSPEC || inet_ntop(a->af, &a->u, buf, INET6_ADDRSTRLEN) == NULL)
		strcpy(buf, "-");
	return buf;
}

const char *
prefix_ntop(const struct prefix *p, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, ADDR_STRLEN, "%s/%u", addr_ntop(&p->addr, a), p->len);
	return buf;
}

const char *
endpoint_ntop(const struct endpoint *e, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	if (e->addr.af == AF_INET6)
		snprintf(buf, ADDR_STRLEN, "[%s]:%u", addr_ntop(&e->addr, a), e->port);
	else
		snprintf(buf, ADDR_STRLEN, "%s:%u", addr_ntop(&e->addr, a), e->port);
	return buf;
}

bool
addr_eq(const struct addr *a, const struct addr *b)
{
	if (a->af != b->af)
		return false;
	if (a->af == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	if (a->af == AF_INET6)
		return memcmp(&a->u.v6, &b->u.v6, 16) == 0;
	return true;
}

bool
prefix_eq(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && addr_eq(&a->addr, &b->addr);
}

int
prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	int c;

	if (a->addr.af != b->addr.af)
		return a->addr.af < b->addr.af ? -1 : 1;
	c = memcmp(a->addr.u.b, b->addr.u.b, a->addr.af == AF_INET ? 4 : 16);
	if (c)
		return c < 0 ? -1 : 1;
	return (a->len > b->len) - (a->len < b->len);
}

bool
prefix_is_host(const struct prefix *p)
{
	return p->len == addr_maxlen(&p->addr);
}

bool
addr_is_linklocal(const struct addr *a)
{
	return a->af == AF_INET6 && a->u.b[0] == 0xfe && (a->u.b[1] & 0xc0) == 0x80;
}

socklen_t
endpoint_to_sa(const struct endpoint *e, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (e->addr.af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(e->port);
		sin->sin_addr = e->addr.u.v4;
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(e->port);
		sin6->sin6_addr = e->addr.u.v6;
		return sizeof(*sin6);
	}
}

int
endpoint_from_sa(const struct sockaddr *sa, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		e->addr.af = AF_INET;
		e->addr.u.v4 = sin->sin_addr;
		e->port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		e->addr.af = AF_INET6;
		e->addr.u.v6 = sin6->sin6_addr;
		e->port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -1;
}
