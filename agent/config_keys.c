/* config_keys: one parser per kind of value, and the table of keys of each section. */
#include "agent/config.h"

#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>

#include "agent/config_impl.h"
#include "lib/util.h"

#define FIELD(obj, kd, type) ((type *)((char *)(obj) + (kd)->off))

static int
p_asn(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	return cfg_parse_asn(v, FIELD(obj, kd, uint32_t), why);
}

static int
p_bool(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	return cfg_parse_bool(v, FIELD(obj, kd, bool), why);
}

static int
p_duration(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	*why = "not a duration (a number with a unit: 250ms, 1s, 2m, 1h)";
	return duration_parse(v, FIELD(obj, kd, usec_t));
}

static int
p_str(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	char **dst = FIELD(obj, kd, char *);

	UNUSED(b);
	UNUSED(why);
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int
p_path(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	if (v[0] != '/') {
		*why = "not an absolute path";
		return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_socket_path(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	if (strlen(v) >= sizeof(((struct sockaddr_un *)NULL)->sun_path)) {
		*why = "path too long for a unix socket";
		return -1;
	}
	return p_path(b, v, obj, kd, why);
}

/* p_user: a user name as useradd(8) accepts it; whether it exists is checked at start. */
static int
p_user(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	const char *c;

	*why = "not a user name (letters, digits, '_', '-' and '.', not starting with '-')";
	if (strlen(v) > 32 || v[0] == '-')
		return -1;
	for (c = v; *c != '\0'; c++) {
		if (!isalnum((unsigned char)*c) && strchr("_-.", *c) == NULL)
			return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_ifname(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	const char *c;

	*why = "not an interface name";
	if (strlen(v) >= IFNAMSIZ || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return -1;
	for (c = v; *c != '\0'; c++) {
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
			return -1;
	}
	return p_str(b, v, obj, kd, why);
}

/* p_addr: an address; kd->a restricts the family (0: either). */
static int
p_addr(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct addr *a = FIELD(obj, kd, struct addr);

	UNUSED(b);
	if (addr_parse(v, a) == -1) {
		*why = kd->a == AF_INET    ? "not an IPv4 address"
		       : kd->a == AF_INET6 ? "not an IPv6 address"
		                           : "not an IPv4 or IPv6 address";
		return -1;
	}
	if (kd->a != 0 && a->af != kd->a) {
		*why = kd->a == AF_INET ? "not an IPv4 address" : "not an IPv6 address";
		a->af = AF_UNSPEC;
		return -1;
	}
	if (addr_is_linklocal(a)) {
		*why = "link-local addresses are not supported";
		a->af = AF_UNSPEC;
		return -1;
	}
	return 0;
}

static int
p_router_id(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct addr a;

	UNUSED(b);
	*why = "not an IPv4 address (router_id has the IPv4 form)";
	if (addr_parse(v, &a) == -1 || a.af != AF_INET)
		return -1;
	if (a.u.v4.s_addr == 0) {
		*why = "0.0.0.0 is not a valid router_id (RFC 6286)";
		return -1;
	}
	*FIELD(obj, kd, struct in_addr) = a.u.v4;
	return 0;
}

/* p_endpoint: address[:port]; kd->a is the default port, kd->b set when the port is
 * required. */
static int
p_endpoint(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct endpoint *e = FIELD(obj, kd, struct endpoint);

	UNUSED(b);
	if (endpoint_parse(v, (uint16_t)kd->a, e, why) == -1)
		return -1;
	if (kd->b && e->port == 0) {
		*why = "a port is required (address:port or [address]:port)";
		e->addr.af = AF_UNSPEC;
		return -1;
	}
	return 0;
}

static int
parse_uint_range(const char *v, long lo, long hi, unsigned *out, const char **why)
{
	static char reason[64];
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno != 0 || n < lo || n > hi) {
		snprintf(reason, sizeof(reason), "not a number from %ld to %ld", lo, hi);
		*why = reason;
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* p_uint: an unsigned between kd->a and kd->b. */
static int
p_uint(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	return parse_uint_range(v, kd->a, kd->b, FIELD(obj, kd, unsigned), why);
}

static int
p_port(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	unsigned n;

	UNUSED(b);
	if (parse_uint_range(v, 1, 65535, &n, why) == -1)
		return -1;
	*FIELD(obj, kd, uint16_t) = (uint16_t)n;
	return 0;
}

static int
p_log_level(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	*why = "not a log level (error, warning, info, debug)";
	return log_level_parse(v, FIELD(obj, kd, enum log_level));
}

/* list_split: call fn on each trimmed item of a comma-separated list; an empty value is
 * an empty list, an empty item an error. */
static int
list_split(const char *v, int (*fn)(const char *item, void *arg, const char **why), void *arg,
    const char **why)
{
	static char reason[256];
	char *copy = xstrdup(v), *p = copy, *item;
	int rc = 0;

	if (*str_trim(copy) == '\0') {
		free(copy);
		return 0;
	}
	while (rc == 0 && (item = strsep(&p, ",")) != NULL) {
		item = str_trim(item);
		if (*item == '\0') {
			*why = "empty item in list";
			rc = -1;
		} else if ((rc = fn(item, arg, why)) == -1) {
			/* name the item: a list can be long */
			snprintf(reason, sizeof(reason), "%s: %s", item, *why);
			*why = reason;
		}
	}
	free(copy);
	return rc;
}

struct namelist {
	char ***v;
	size_t *n;
};

static int
name_item(const char *item, void *arg, const char **why)
{
	struct namelist *l = arg;
	size_t i;

	if (!cfg_name_ok(item)) {
		*why = "bad name (letters, digits, '-', '_' and '.')";
		return -1;
	}
	for (i = 0; i < *l->n; i++) {
		if (strcmp((*l->v)[i], item) == 0) {
			*why = "name listed twice";
			return -1;
		}
	}
	*l->v = xreallocarray(*l->v, *l->n + 1, sizeof(**l->v));
	(*l->v)[(*l->n)++] = xstrdup(item);
	return 0;
}

/* names_split: parse a list of names into l, all or nothing. */
static int
names_split(const char *v, struct namelist *l, const char **why)
{
	size_t old = *l->n;

	if (list_split(v, name_item, l, why) == 0)
		return 0;
	while (*l->n > old)
		free((*l->v)[--*l->n]);
	return -1;
}

static int
p_probe_names(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct namelist l = {&b->cur_refs->probes, &b->cur_refs->n_probes};

	UNUSED(obj);
	UNUSED(kd);
	return names_split(v, &l, why);
}

static int
p_peer_names(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;
	struct namelist l = {&b->cur_refs->peers, &b->cur_refs->n_peers};

	UNUSED(kd);
	svc->peers_all = strcmp(v, "all") == 0;
	if (svc->peers_all)
		return 0;
	return names_split(v, &l, why);
}

static int
prefix_item(const char *item, void *arg, const char **why)
{
	struct cfg_service *svc = arg;
	struct prefix p;
	size_t i;

	if (prefix_parse(item, &p, why) == -1)
		return -1;
	if (addr_is_linklocal(&p.addr)) {
		*why = "link-local prefixes are not supported";
		return -1;
	}
	for (i = 0; i < svc->n_prefixes; i++) {
		if (prefix_eq(&svc->prefixes[i], &p)) {
			*why = "prefix listed twice";
			return -1;
		}
	}
	svc->prefixes = xreallocarray(svc->prefixes, svc->n_prefixes + 1, sizeof(p));
	svc->prefixes[svc->n_prefixes++] = p;
	return 0;
}

static int
p_prefixes(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	UNUSED(kd);
	if (list_split(v, prefix_item, obj, why) == -1) {
		((struct cfg_service *)obj)->n_prefixes = 0; /* all or nothing */
		return -1;
	}
	if (((struct cfg_service *)obj)->n_prefixes == 0) {
		*why = "empty value";
		return -1;
	}
	return 0;
}

struct u32list {
	uint32_t **v;
	size_t *n;
};

static int
community_item(const char *item, void *arg, const char **why)
{
	struct u32list *l = arg;
	uint32_t c;

	if (cfg_parse_community(item, &c, why) == -1)
		return -1;
	*l->v = xreallocarray(*l->v, *l->n + 1, sizeof(c));
	(*l->v)[(*l->n)++] = c;
	return 0;
}

/* u32_split: a list of communities into l, all or nothing. */
static int
u32_split(const char *v, struct u32list *l, const char **why)
{
	if (list_split(v, community_item, l, why) == 0)
		return 0;
	*l->n = 0;
	return -1;
}

static int
p_communities(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;
	struct u32list l = {&svc->communities, &svc->n_communities};

	UNUSED(b);
	UNUSED(kd);
	return u32_split(v, &l, why);
}

static int
p_down_communities(
    struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;
	struct u32list l = {&svc->down_communities, &svc->n_down_communities};

	UNUSED(b);
	UNUSED(kd);
	return u32_split(v, &l, why);
}

static int
large_item(const char *item, void *arg, const char **why)
{
	struct cfg_service *svc = arg;
	struct cfg_large_community c;

	if (cfg_parse_large_community(item, &c, why) == -1)
		return -1;
	svc->large_communities =
	    xreallocarray(svc->large_communities, svc->n_large_communities + 1, sizeof(c));
	svc->large_communities[svc->n_large_communities++] = c;
	return 0;
}

static int
p_large(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	UNUSED(kd);
	if (list_split(v, large_item, obj, why) == 0)
		return 0;
	((struct cfg_service *)obj)->n_large_communities = 0; /* all or nothing */
	return -1;
}

static int
parse_med(const char *v, uint32_t *out, bool *set, const char **why)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno != 0 || n > UINT32_MAX) {
		*why = "not a number from 0 to 4294967295";
		return -1;
	}
	*out = (uint32_t)n;
	*set = true;
	return 0;
}

static int
p_med(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;

	UNUSED(b);
	UNUSED(kd);
	return parse_med(v, &svc->med, &svc->med_set, why);
}

static int
p_down_med(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;

	UNUSED(b);
	UNUSED(kd);
	return parse_med(v, &svc->down_med, &svc->down_med_set, why);
}

static int
p_require(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;

	UNUSED(b);
	UNUSED(kd);
	if (strcasecmp(v, "all") == 0) {
		svc->require = CFG_REQUIRE_ALL;
	} else if (strcasecmp(v, "any") == 0) {
		svc->require = CFG_REQUIRE_ANY;
	} else if (parse_uint_range(v, 1, 1000, &svc->require_n, why) == 0) {
		svc->require = CFG_REQUIRE_N;
	} else {
		*why = "not all, any or a number of probes (at least 1)";
		return -1;
	}
	return 0;
}

static int
p_down_action(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;

	UNUSED(b);
	UNUSED(kd);
	if (strcasecmp(v, "withdraw") == 0)
		svc->down_action = CFG_DOWN_WITHDRAW;
	else if (strcasecmp(v, "announce") == 0)
		svc->down_action = CFG_DOWN_ANNOUNCE;
	else {
		*why = "not withdraw or announce";
		return -1;
	}
	return 0;
}

static int
p_argv(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_argv *a = FIELD(obj, kd, struct cfg_argv);

	UNUSED(b);
	cfg_argv_free(a);
	return cfg_split_argv(v, a, why);
}

static int
family_item(const char *item, void *arg, const char **why)
{
	struct cfg_peer *p = arg;

	if (strcasecmp(item, "ipv4") == 0)
		p->family_ipv4 = true;
	else if (strcasecmp(item, "ipv6") == 0)
		p->family_ipv6 = true;
	else {
		*why = "not a list of ipv4, ipv6";
		return -1;
	}
	return 0;
}

static int
p_families(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_peer *p = obj;

	UNUSED(b);
	UNUSED(kd);
	p->family_ipv4 = p->family_ipv6 = false;
	if (list_split(v, family_item, p, why) == -1)
		return -1;
	if (!p->family_ipv4 && !p->family_ipv6) {
		*why = "empty value";
		return -1;
	}
	return 0;
}

static int
p_password(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	if (strlen(v) > MD5_KEY_MAX) {
		*why = "longer than 80 bytes (the TCP-MD5 key limit)";
		return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_probe_type(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_probe *p = obj;
	enum cfg_probe_type t;

	UNUSED(b);
	UNUSED(kd);
	for (t = CFG_PROBE_DNS; t <= CFG_PROBE_EXEC; t++) {
		if (strcasecmp(v, cfg_probe_type_name(t)) == 0) {
			p->type = t;
			return 0;
		}
	}
	*why = "not a probe type (dns, tcp, http, exec)";
	return -1;
}

static int
p_transport(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_probe *p = obj;

	UNUSED(b);
	UNUSED(kd);
	if (strcasecmp(v, "udp") == 0)
		p->transport = CFG_TRANSPORT_UDP;
	else if (strcasecmp(v, "tcp") == 0)
		p->transport = CFG_TRANSPORT_TCP;
	else {
		*why = "not udp or tcp";
		return -1;
	}
	return 0;
}

/* p_qname: a domain name in presentation form, RFC 1035 limits. */
static int
p_qname(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	size_t len = strlen(v), label = 0, i;

	*why = "not a domain name";
	if (strcmp(v, ".") != 0) {
		if (len == 0 || len > 254 || (len == 254 && v[253] != '.') || v[0] == '.')
			return -1;
		for (i = 0; i < len; i++) {
			if (v[i] == '.') {
				if (label == 0)
					return -1;
				label = 0;
			} else if (isspace((unsigned char)v[i]) || ++label > 63) {
				return -1;
			}
		}
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_qtype(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	UNUSED(kd);
	return cfg_parse_qtype(v, &((struct cfg_probe *)obj)->qtype, why);
}

static int
p_rcode(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	UNUSED(kd);
	return cfg_parse_rcode(v, &((struct cfg_probe *)obj)->expect_rcode, why);
}

static int
p_url(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	const char *host, *c;

	*why = "not an http:// or https:// URL";
	if (strncasecmp(v, "http://", 7) == 0)
		host = v + 7;
	else if (strncasecmp(v, "https://", 8) == 0)
		host = v + 8;
	else
		return -1;
	if (*host == '\0' || *host == '/')
		return -1;
	for (c = v; *c != '\0'; c++) {
		if (isspace((unsigned char)*c) || !isprint((unsigned char)*c))
			return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_method(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	const char *c;

	*why = "not an HTTP method (GET, HEAD, POST, ...)";
	if (*v == '\0' || strlen(v) > 16)
		return -1;
	for (c = v; *c != '\0'; c++) {
		if (!isupper((unsigned char)*c))
			return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_status(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_probe *p = obj;
	struct cfg_range *r;
	size_t n;

	UNUSED(b);
	UNUSED(kd);
	if (cfg_parse_status_ranges(v, &r, &n, why) == -1)
		return -1;
	free(p->expect_status);
	p->expect_status = r;
	p->n_expect_status = n;
	return 0;
}

#define AGENT(f)   offsetof(struct cfg_agent, f)
#define PEER(f)    offsetof(struct cfg_peer, f)
#define SERVICE(f) offsetof(struct cfg_service, f)
#define PROBE(f)   offsetof(struct cfg_probe, f)
#define T(t)       (1u << CFG_PROBE_##t)

const struct keydef cfg_agent_keys[] = {
    {"asn", p_asn, AGENT(asn), K_REQUIRED, 0, 0, 0},
    {"router_id", p_router_id, AGENT(router_id), 0, 0, 0, 0},
    {"interface", p_ifname, AGENT(interface), 0, 0, 0, 0},
    {"keep_addresses", p_bool, AGENT(keep_addresses), 0, 0, 0, 0},
    {"control_socket", p_socket_path, AGENT(control_socket), 0, 0, 0, 0},
    {"state_dir", p_path, AGENT(state_dir), 0, 0, 0, 0},
    {"metrics_listen", p_endpoint, AGENT(metrics_listen), K_EMPTY, 0, 9477, 0},
    {"log_level", p_log_level, AGENT(log_level), 0, 0, 0, 0},
    {"drain_time", p_duration, AGENT(drain_time), 0, 0, 0, 0},
    {"user", p_user, AGENT(user), K_EMPTY, 0, 0, 0},
};

const struct keydef cfg_peer_keys[] = {
    {"address", p_addr, PEER(address), K_REQUIRED, 0, 0, 0},
    {"asn", p_asn, PEER(asn), K_REQUIRED, 0, 0, 0},
    {"port", p_port, PEER(port), 0, 0, 0, 0},
    {"local_address", p_addr, PEER(local_address), K_EMPTY, 0, 0, 0},
    {"passive", p_bool, PEER(passive), 0, 0, 0, 0},
    {"hold_time", p_duration, PEER(hold_time), 0, 0, 0, 0},
    {"connect_retry", p_duration, PEER(connect_retry), 0, 0, 0, 0},
    {"password", p_password, PEER(password), K_EMPTY, 0, 0, 0},
    {"password_file", p_path, PEER(password_file), K_EMPTY, 0, 0, 0},
    {"ttl_security", p_bool, PEER(ttl_security), 0, 0, 0, 0},
    {"ebgp_multihop", p_uint, PEER(ebgp_multihop), 0, 0, 1, 255},
    {"next_hop_ipv4", p_addr, PEER(next_hop_ipv4), K_EMPTY, 0, AF_INET, 0},
    {"next_hop_ipv6", p_addr, PEER(next_hop_ipv6), K_EMPTY, 0, AF_INET6, 0},
    {"families", p_families, 0, 0, 0, 0, 0},
    {"shutdown", p_bool, PEER(shutdown), 0, 0, 0, 0},
};

const struct keydef cfg_service_keys[] = {
    {"prefixes", p_prefixes, 0, K_REQUIRED, 0, 0, 0},
    {"probes", p_probe_names, 0, K_EMPTY, 0, 0, 0},
    {"require", p_require, 0, 0, 0, 0, 0},
    {"peers", p_peer_names, 0, 0, 0, 0, 0},
    {"communities", p_communities, 0, K_EMPTY, 0, 0, 0},
    {"large_communities", p_large, 0, K_EMPTY, 0, 0, 0},
    {"med", p_med, 0, K_EMPTY, 0, 0, 0},
    {"as_path_prepend", p_uint, SERVICE(as_path_prepend), 0, 0, 0, CFG_PREPEND_MAX},
    {"drain_file", p_path, SERVICE(drain_file), K_EMPTY, 0, 0, 0},
    {"down_action", p_down_action, 0, 0, 0, 0, 0},
    {"down_med", p_down_med, 0, K_EMPTY, 0, 0, 0},
    {"down_as_path_prepend", p_uint, SERVICE(down_as_path_prepend), 0, 0, 0, CFG_PREPEND_MAX},
    {"down_communities", p_down_communities, 0, K_EMPTY, 0, 0, 0},
    {"hold_down", p_duration, SERVICE(hold_down), 0, 0, 0, 0},
    {"on_change", p_argv, SERVICE(on_change), K_EMPTY, 0, 0, 0},
};

const struct keydef cfg_probe_keys[] = {
    {"type", p_probe_type, 0, K_REQUIRED, 0, 0, 0},
    {"interval", p_duration, PROBE(interval), 0, 0, 0, 0},
    {"timeout", p_duration, PROBE(timeout), 0, 0, 0, 0},
    {"rise", p_uint, PROBE(rise), 0, 0, 1, 1000},
    {"fall", p_uint, PROBE(fall), 0, 0, 1, 1000},
    {"server", p_endpoint, PROBE(server), K_REQUIRED, T(DNS), 53, 0},
    {"transport", p_transport, 0, 0, T(DNS), 0, 0},
    {"qname", p_qname, PROBE(qname), K_REQUIRED, T(DNS), 0, 0},
    {"qtype", p_qtype, 0, 0, T(DNS), 0, 0},
    {"expect_rcode", p_rcode, 0, 0, T(DNS), 0, 0},
    {"expect_aa", p_bool, PROBE(expect_aa), 0, T(DNS), 0, 0},
    {"expect_answer", p_str, PROBE(expect_answer), K_EMPTY, T(DNS), 0, 0},
    {"target", p_endpoint, PROBE(target), K_REQUIRED, T(TCP), 0, 1},
    {"url", p_url, PROBE(url), K_REQUIRED, T(HTTP), 0, 0},
    {"method", p_method, PROBE(method), 0, T(HTTP), 0, 0},
    {"expect_status", p_status, 0, 0, T(HTTP), 0, 0},
    {"expect_body", p_str, PROBE(expect_body), K_EMPTY, T(HTTP), 0, 0},
    {"tls_verify", p_bool, PROBE(tls_verify), 0, T(HTTP), 0, 0},
    {"command", p_argv, PROBE(command), K_REQUIRED, T(EXEC), 0, 0},
};

const size_t cfg_n_agent_keys = nitems(cfg_agent_keys);
const size_t cfg_n_peer_keys = nitems(cfg_peer_keys);
const size_t cfg_n_service_keys = nitems(cfg_service_keys);
const size_t cfg_n_probe_keys = nitems(cfg_probe_keys);

int
cfg_parse_probe_type_key(const char *v, struct cfg_probe *p, const char **why)
{
	return p_probe_type(NULL, v, p, NULL, why);
}

const struct keydef *
cfg_keydef_find(const struct keydef *defs, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(defs[i].key, key) == 0)
			return &defs[i];
	}
	return NULL;
}
