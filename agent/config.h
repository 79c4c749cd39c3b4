/* config: the pharosd.ini schema: parse, validate and print one immutable configuration.
 *
 * cfg_load() reads the main file and every `include = GLOB` of [agent], checks the whole
 * schema and every cross reference, and returns a fully validated value or NULL after
 * printing every problem as `FILE:LINE: [section] key: what is wrong`. Nothing in a
 * struct cfg changes after cfg_load(); a reload builds a new one and swaps it in. */
#ifndef PHAROS_CONFIG_H
#define PHAROS_CONFIG_H

#include <ifaddrs.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/addr.h"
#include "lib/log.h"
#include "lib/mono.h"

#define CFG_DEFAULT_PATH "/etc/pharos/pharosd.ini"

/* RFC 1997 and RFC 8326 / RFC 7999 well-known communities. */
#define CFG_COMM_NO_EXPORT           0xFFFFFF01u
#define CFG_COMM_NO_ADVERTISE        0xFFFFFF02u
#define CFG_COMM_NO_EXPORT_SUBCONFED 0xFFFFFF03u
#define CFG_COMM_GRACEFUL_SHUTDOWN   0xFFFF0000u
#define CFG_COMM_BLACKHOLE           0xFFFF029Au

#define CFG_PREPEND_MAX   10
#define CFG_INCLUDE_DEPTH 8

enum cfg_require {
	CFG_REQUIRE_ALL,
	CFG_REQUIRE_ANY,
	CFG_REQUIRE_N,
};

enum cfg_down_action {
	CFG_DOWN_WITHDRAW,
	CFG_DOWN_ANNOUNCE,
};

enum cfg_probe_type {
	CFG_PROBE_DNS,
	CFG_PROBE_TCP,
	CFG_PROBE_HTTP,
	CFG_PROBE_EXEC,
};

enum cfg_transport {
	CFG_TRANSPORT_UDP,
	CFG_TRANSPORT_TCP,
};

/* RFC 8092 large community. */
struct cfg_large_community {
	uint32_t global;
	uint32_t local1;
	uint32_t local2;
};

/* An inclusive range of HTTP status codes; "200" is {200, 200}. */
struct cfg_range {
	unsigned lo;
	unsigned hi;
};

/* A command line split into words; argv[argc] is NULL. */
struct cfg_argv {
	char **argv;
	size_t argc;
};

struct cfg_agent {
	uint32_t asn;
	struct in_addr router_id;
	bool router_id_derived; /* not set in the file: taken from a local address */
	char *interface;
	bool keep_addresses;
	char *control_socket;
	char *state_dir;
	struct endpoint metrics_listen; /* addr.af == AF_UNSPEC: metrics off */
	enum log_level log_level;
	usec_t drain_time;
	char *user; /* switch to this user after start-up; NULL: stay as started */
};

struct cfg_peer {
	char *name;
	struct addr address;
	uint32_t asn;
	uint16_t port;
	struct addr local_address; /* AF_UNSPEC: chosen by the kernel */
	bool passive;
	usec_t hold_time; /* 0 or 3..65535 s, whole seconds */
	usec_t connect_retry;
	char *password;      /* TCP-MD5 key, from password or password_file; NULL: none */
	char *password_file; /* NULL when the key was given inline */
	bool ttl_security;
	unsigned ebgp_multihop;    /* 1..255 */
	struct addr next_hop_ipv4; /* AF_UNSPEC: the session's own IPv4 address */
	struct addr next_hop_ipv6; /* AF_UNSPEC: the session's own IPv6 address */
	bool family_ipv4;
	bool family_ipv6;
	bool shutdown;
};

struct cfg_probe {
	char *name;
	enum cfg_probe_type type;
	usec_t interval;
	usec_t timeout;
	unsigned rise;
	unsigned fall;
	/* dns */
	struct endpoint server;
	enum cfg_transport transport;
	char *qname;
	uint16_t qtype;
	uint8_t expect_rcode;
	bool expect_aa;
	char *expect_answer; /* NULL: any answer */
	/* tcp */
	struct endpoint target;
	/* http */
	char *url;
	char *method;
	struct cfg_range *expect_status;
	size_t n_expect_status;
	char *expect_body; /* NULL: any body */
	bool tls_verify;
	/* exec */
	struct cfg_argv command;
};

struct cfg_service {
	char *name;
	struct prefix *prefixes;
	size_t n_prefixes;
	const struct cfg_probe **probes; /* point into cfg->probes */
	size_t n_probes;
	enum cfg_require require;
	unsigned require_n; /* for CFG_REQUIRE_N */
	bool peers_all;
	const struct cfg_peer **peers; /* point into cfg->peers; all of them if peers_all */
	size_t n_peers;
	uint32_t *communities;
	size_t n_communities;
	struct cfg_large_community *large_communities;
	size_t n_large_communities;
	bool med_set;
	uint32_t med;
	unsigned as_path_prepend;
	char *drain_file; /* NULL: none */
	enum cfg_down_action down_action;
	bool down_med_set;
	uint32_t down_med;
	unsigned down_as_path_prepend;
	uint32_t *down_communities;
	size_t n_down_communities;
	usec_t hold_down;
	struct cfg_argv on_change; /* argc 0: none */
};

/* The whole configuration; arrays sorted by name. */
struct cfg {
	char *path;
	struct cfg_agent agent;
	struct cfg_peer *peers;
	size_t n_peers;
	struct cfg_service *services;
	size_t n_services;
	struct cfg_probe *probes;
	size_t n_probes;
};

/* cfg_load: parse and validate path and its includes. Every error and warning goes to errs
 * as `FILE:LINE: ...`; returns NULL if there was any error. The caller owns the result. */
struct cfg *cfg_load(const char *path, FILE *errs);

/* cfg_load_buf: cfg_load() of the text[0..len) (borrowed), named name in diagnostics and
 * as the base of relative includes (the fuzzer's and tests' entry point). */
struct cfg *cfg_load_buf(const char *name, const void *text, size_t len, FILE *errs);

/* cfg_free: free a configuration (NULL is fine), wiping TCP-MD5 keys first. */
void cfg_free(struct cfg *cfg);

/* cfg_print: the effective configuration, every key with its value and sections sorted
 * by name, as an INI file that cfg_load accepts again (inline passwords are redacted). */
void cfg_print(const struct cfg *cfg, FILE *f);

/* cfg_summary: a few lines counting services, prefixes, peers and probes (pharosd -t). */
void cfg_summary(const struct cfg *cfg, FILE *f);

/* cfg_*_find: the section called name, borrowed from cfg, or NULL. */
const struct cfg_peer *cfg_peer_find(const struct cfg *cfg, const char *name);
const struct cfg_service *cfg_service_find(const struct cfg *cfg, const char *name);
const struct cfg_probe *cfg_probe_find(const struct cfg *cfg, const char *name);

/* cfg_service_equal / cfg_probe_equal: whether two sections have the same effective
 * settings (probes and peers compared by name); reload keeps what did not change. */
bool cfg_service_equal(const struct cfg_service *a, const struct cfg_service *b);
bool cfg_probe_equal(const struct cfg_probe *a, const struct cfg_probe *b);

/* cfg_router_id_pick: the lowest non-loopback IPv4 address in ifa (a getifaddrs list)
 * into *out; 0, or -1 when there is none. */
int cfg_router_id_pick(const struct ifaddrs *ifa, struct in_addr *out);

/* cfg_router_id_derive: cfg_router_id_pick over this host's interfaces; 0 or -1. */
int cfg_router_id_derive(struct in_addr *out);

/* Value parsers, shared with pharosctl and the tests. Each returns 0, or -1 with *why set
 * to a static reason. */

/* cfg_parse_bool: yes/no, true/false, on/off, 1/0. */
int cfg_parse_bool(const char *s, bool *out, const char **why);

/* cfg_parse_asn: 1..4294967295 as asplain ("65551") or asdot ("1.10"). */
int cfg_parse_asn(const char *s, uint32_t *out, const char **why);

/* cfg_parse_community: "A:B" (16-bit halves) or a well-known name. */
int cfg_parse_community(const char *s, uint32_t *out, const char **why);

/* cfg_parse_large_community: "A:B:C" with 32-bit parts. */
int cfg_parse_large_community(const char *s, struct cfg_large_community *out, const char **why);

/* cfg_parse_status_ranges: "200", "200-299, 301" into a new array the caller frees. */
int cfg_parse_status_ranges(const char *s, struct cfg_range **out, size_t *n, const char **why);

/* cfg_split_argv: split a command line into words: blanks separate, '...' is literal,
 * "..." honours \" and \\, a backslash outside quotes escapes the next character; no
 * shell. The caller frees the result with cfg_argv_free(). */
int cfg_split_argv(const char *s, struct cfg_argv *out, const char **why);

/* cfg_argv_free: free the words of a (NULL-tolerant). */
void cfg_argv_free(struct cfg_argv *a);

/* cfg_parse_qtype: a query type name (A, AAAA, SOA, ...) or RFC 3597 TYPEnnn. */
int cfg_parse_qtype(const char *s, uint16_t *out, const char **why);

/* cfg_qtype_fmt: the name of a query type, or TYPEnnn written into buf (16 bytes). */
const char *cfg_qtype_fmt(uint16_t t, char *buf, size_t len);

/* cfg_parse_rcode: an RFC 1035/2136 rcode name (NOERROR, NXDOMAIN, ...). */
int cfg_parse_rcode(const char *s, uint8_t *out, const char **why);

/* cfg_rcode_name: the name of an rcode ("NXDOMAIN"), or RCODEnnn. */
const char *cfg_rcode_name(uint8_t rcode);

/* cfg_community_fmt: a community as its well-known name or "A:B"; buf holds 24 bytes. */
const char *cfg_community_fmt(uint32_t c, char *buf, size_t len);

/* cfg_probe_type_name: "dns", "tcp", "http" or "exec". */
const char *cfg_probe_type_name(enum cfg_probe_type t);

#endif
