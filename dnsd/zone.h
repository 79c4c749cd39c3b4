/* zone: an authoritative zone in memory, loaded from an RFC 1035 master file, with a hash
 * of owner names so lookups neither allocate nor lock. A loaded zone is immutable. */
#ifndef PHAROS_DNSD_ZONE_H
#define PHAROS_DNSD_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/dnswire.h"

struct zone_rdata {
	uint16_t len;
	uint8_t *data; /* uncompressed wire RDATA */
};

struct zone_rrset {
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	struct zone_rdata *rr;
};

struct zone_node {
	struct zone_node *hnext; /* hash chain */
	uint32_t hash;
	bool cut; /* NS below the apex: a delegation */
	uint16_t nsets;
	struct zone_rrset *sets; /* none for an empty non-terminal */
	uint8_t name[DNS_NAME_MAX];
};

struct zone {
	uint8_t origin[DNS_NAME_MAX];
	size_t originlen;
	unsigned labels;
	char *path;
	struct zone_node *apex;
	const struct zone_rrset *soa;
	uint32_t neg_ttl; /* RFC 2308 5: min(SOA TTL, SOA MINIMUM) */
	struct zone_node **hash;
	size_t hmask;
	struct zone_node **nodes; /* in file order, for AXFR */
	size_t nnodes;
	size_t nrecords;
};

/* A set of zones answered together (a snapshot; replaced whole on reload). */
struct zone_set {
	size_t n;
	struct zone **z;
};

/* zone_err_cb: receives each error as "FILE:LINE: what is wrong". */
typedef void (*zone_err_cb)(void *arg, const char *msg);

/* zone_load: parse the master file path for the zone named origin (presentation form);
 * every error goes to cb (log_warnx when NULL). The caller owns the zone (zone_free);
 * NULL when anything was wrong. */
struct zone *zone_load(const char *origin, const char *path, zone_err_cb cb, void *arg);

/* zone_free: free z and everything it holds; NULL is fine. */
void zone_free(struct zone *z);

/* zone_lookup: the node named name (case-insensitive) or NULL; borrowed from z. */
const struct zone_node *zone_lookup(const struct zone *z, const uint8_t *name);

/* zone_node_rrset: the RRset of type at node, or NULL; borrowed. */
const struct zone_rrset *zone_node_rrset(const struct zone_node *n, uint16_t type);

/* zone_set_find: the zone of zs whose origin is the longest suffix of name, or NULL. */
const struct zone *zone_set_find(const struct zone_set *zs, const uint8_t *name);

/* zone_set_free: free the set and every zone in it; NULL is fine. */
void zone_set_free(struct zone_set *zs);

#endif
