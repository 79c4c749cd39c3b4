/* addr: IPv4/IPv6 addresses, prefixes and endpoints: parsing, printing, comparing. */
#ifndef PHAROS_ADDR_H
#define PHAROS_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* Large enough for "[ffff:...:ffff]:65535" and "ffff:...:ffff/128". */
#define ADDR_STRLEN 64

struct addr {
	sa_family_t af; /* AF_INET, AF_INET6, or AF_UNSPEC when unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t b[16];
	} u;
};

struct prefix {
	struct addr addr;
	uint8_t len;
};

struct endpoint {
	struct addr addr;
	uint16_t port;
};

/* addr_parse: a plain IPv4 or IPv6 address (no brackets, no scope); 0 or -1. */
int addr_parse(const char *s, struct addr *a);

/* prefix_parse: "A/LEN" or a bare address (a host prefix). Host bits must be zero: on
 * error returns -1 and sets *why to a static reason. */
int prefix_parse(const char *s, struct prefix *p, const char **why);

/* endpoint_parse: "192.0.2.1", "192.0.2.1:53", "2001:db8::1", "[2001:db8::1]:53";
 * the port defaults to defport. 0, or -1 with *why set. */
int endpoint_parse(const char *s, uint16_t defport, struct endpoint *e, const char **why);

/* *_ntop: print into buf (ADDR_STRLEN bytes) and return it. */
const char *addr_ntop(const struct addr *a, char *buf);
const char *prefix_ntop(const struct prefix *p, char *buf);
const char *endpoint_ntop(const struct endpoint *e, char *buf);

bool addr_eq(const struct addr *a, const struct addr *b);
bool prefix_eq(const struct prefix *a, const struct prefix *b);

/* prefix_cmp: total order (family, address, length) for sorting and searching. */
int prefix_cmp(const struct prefix *a, const struct prefix *b);

/* prefix_is_host: a /32 IPv4 or /128 IPv6 prefix. */
bool prefix_is_host(const struct prefix *p);

/* addr_maxlen: 32 or 128 for the family of a. */
unsigned addr_maxlen(const struct addr *a);

/* addr_is_linklocal: an IPv6 fe80::/10 address. */
bool addr_is_linklocal(const struct addr *a);

/* endpoint_to_sa / addr_from_sa: convert to and from socket addresses. */
socklen_t endpoint_to_sa(const struct endpoint *e, struct sockaddr_storage *ss);
int endpoint_from_sa(const struct sockaddr *sa, struct endpoint *e);

#endif
