/* conf: pharos-dnsd configuration: a small INI reader ([dnsd], [zone:NAME]) and the
 * command-line overrides, into one validated struct. */
#ifndef PHAROS_DNSD_CONF_H
#define PHAROS_DNSD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/dnswire.h"
#include "lib/mono.h"

#define DNSD_LISTEN_MAX 32
#define DNSD_ALLOW_MAX  64

struct dnsd_zone_conf {
	char *name; /* presentation form, as configured */
	char *file;
};

struct dnsd_conf {
	struct endpoint listen[DNSD_LISTEN_MAX];
	size_t nlisten;
	unsigned threads; /* 0: one per CPU */
	char *identity;   /* NULL: the host name */
	char *version;    /* NULL: "pharos-dnsd VERSION"; "" hides it */
	uint8_t nsid[DNS_EDNS_NSID_MAX];
	size_t nsidlen;
	bool nsid_set;
	char *user;
	struct prefix allow_transfer[DNSD_ALLOW_MAX];
	size_t nallow;
	unsigned tcp_clients; /* concurrent TCP connections */
	usec_t tcp_timeout;   /* idle TCP connections are closed after this */
	uint16_t max_udp;     /* EDNS payload size we offer */
	struct dnsd_zone_conf *zones;
	size_t nzones;
};

/* dnsd_conf_init: defaults (no listeners, no zones). */
void dnsd_conf_init(struct dnsd_conf *c);

/* dnsd_conf_load: read the INI file path into c, logging every error as "FILE:LINE: what";
 * 0, or -1 when anything was wrong. */
int dnsd_conf_load(struct dnsd_conf *c, const char *path);

/* dnsd_conf_listen: add one "ADDR[:PORT]" (port 53 by default); 0, or -1 with *why. */
int dnsd_conf_listen(struct dnsd_conf *c, const char *s, const char **why);

/* dnsd_conf_zone: add or replace zone name served from file; 0 or -1 with *why. */
int dnsd_conf_zone(struct dnsd_conf *c, const char *name, const char *file, const char **why);

/* dnsd_conf_nsid: set the NSID from "0xHEX" or a plain string; 0, or -1 with *why. */
int dnsd_conf_nsid(struct dnsd_conf *c, const char *s, const char **why);

/* dnsd_conf_set_str: replace *dst with a copy of s (owned by the conf). */
void dnsd_conf_set_str(char **dst, const char *s);

/* dnsd_conf_xfr_allowed: whether a is inside one of allow_transfer. */
bool dnsd_conf_xfr_allowed(const struct dnsd_conf *c, const struct addr *a);

/* dnsd_conf_free: free what c holds (not c itself). */
void dnsd_conf_free(struct dnsd_conf *c);

#endif
