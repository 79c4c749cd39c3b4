/* config_build: passes 2 and 3 of cfg_load(): build each section's struct from its keys,
 * then check what spans sections (probe and peer references, prefixes claimed twice). */
#include "agent/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/config_impl.h"
#include "lib/util.h"

/* types_names: "dns", "tcp and http", ... for messages. */
static const char *
types_names(unsigned mask, char *buf, size_t len)
{
	enum cfg_probe_type t;

	buf[0] = '\0';
	for (t = CFG_PROBE_DNS; t <= CFG_PROBE_EXEC; t++) {
		if (mask & (1u << t))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "",
			    cfg_probe_type_name(t));
	}
	return buf;
}

/* apply_keys: parse every key of s into obj through defs; report unknown, bad, misplaced
 * (probe type) and missing keys. type < 0: no probe type to check against. */
static void
apply_keys(struct build *b, const struct rawsec *s, const struct keydef *defs, size_t n, void *obj,
    int type)
{
	char names[32];
	size_t i;

	for (i = 0; i < s->n_kv; i++) {
		const struct rawkv *kv = &s->kv[i];
		const struct keydef *kd = cfg_keydef_find(defs, n, kv->key);
		const char *why = "bad value";

		if (kd == NULL) {
			cfg_kv_diag(b->ld, false, s, kv, "unknown key");
		} else if (kd->types != 0 && type >= 0 && !(kd->types & (1u << type))) {
			cfg_kv_diag(b->ld, false, s, kv, "not a key of %s probes (only %s)",
			    cfg_probe_type_name((enum cfg_probe_type)type),
			    types_names(kd->types, names, sizeof(names)));
		} else if (kv->value[0] == '\0') {
			if (!(kd->flags & K_EMPTY))
				cfg_kv_diag(b->ld, false, s, kv, "empty value");
		} else if (kd->parse(b, kv->value, obj, kd, &why) == -1) {
			cfg_kv_diag(b->ld, false, s, kv, "%s", why);
		}
	}
	for (i = 0; i < n; i++) {
		const struct keydef *kd = &defs[i];

		if (!(kd->flags & K_REQUIRED) || cfg_kv_lookup(s, kd->key) != NULL)
			continue;
		if (kd->types != 0 && (type < 0 || !(kd->types & (1u << type))))
			continue;
		cfg_diag(b->ld, false, s->file, s->line, "[%s] %s: missing required key", s->name,
		    kd->key);
	}
}

static const char *
sec_name(const struct rawsec *s)
{
	return strchr(s->name, ':') + 1;
}

static void
build_agent(struct build *b, const struct rawsec *s)
{
	struct cfg_agent *a = &b->cfg->agent;

	a->interface = xstrdup("lo");
	a->control_socket = xstrdup("/run/pharos/pharosd.sock");
	a->state_dir = xstrdup("/var/lib/pharos");
	a->log_level = LOG_LVL_INFO;
	a->drain_time = SEC(3);
	if (s == NULL) {
		cfg_diag(b->ld, false, 0, 0, "[agent]: missing section (asn is required)");
		return;
	}
	apply_keys(b, s, cfg_agent_keys, cfg_n_agent_keys, a, -1);
	if (cfg_kv_lookup(s, "router_id") == NULL) {
		a->router_id_derived = true;
		if (cfg_router_id_derive(&a->router_id) == -1)
			cfg_diag(b->ld, false, s->file, s->line,
			    "[agent] router_id: not set and no IPv4 address to derive it from");
	}
}

/* read_secret: the first line of a password file. */
static int
read_secret(const char *path, char **out, const char **why)
{
	static char reason[128];
	char buf[MD5_KEY_MAX + 3];
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL) {
		snprintf(reason, sizeof(reason), "cannot read %s: %s", path, strerror(errno));
		*why = reason;
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	*why = n == 0 ? "password file is empty" : "password longer than 80 bytes";
	if (n == 0 || n > MD5_KEY_MAX) {
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

static void
check_peer(struct build *b, const struct rawsec *s, struct cfg_peer *p)
{
	const struct rawkv *kv;
	const char *why;

	if ((kv = cfg_kv_lookup(s, "hold_time")) != NULL &&
	    (p->hold_time % USEC_PER_SEC != 0 || p->hold_time == SEC(1) || p->hold_time == SEC(2) ||
	        p->hold_time > SEC(65535)))
		cfg_kv_diag(b->ld, false, s, kv,
		    "must be 0 or 3s to 65535s in whole seconds "
		    "(RFC 4271)");
	if ((kv = cfg_kv_lookup(s, "connect_retry")) != NULL && p->connect_retry < SEC(1))
		cfg_kv_diag(b->ld, false, s, kv, "must be at least 1s");
	if ((kv = cfg_kv_lookup(s, "local_address")) != NULL && p->local_address.af != AF_UNSPEC &&
	    p->address.af != AF_UNSPEC && p->local_address.af != p->address.af)
		cfg_kv_diag(b->ld, false, s, kv, "not of the same family as address");
	if (p->password != NULL && p->password_file != NULL) {
		kv = cfg_kv_lookup(s, "password");
		if (cfg_kv_lookup(s, "password_file")->line > kv->line)
			kv = cfg_kv_lookup(s, "password_file");
		cfg_kv_diag(b->ld, false, s, kv, "password and password_file are both set");
	} else if (p->password_file != NULL &&
	           read_secret(p->password_file, &p->password, &why) == -1) {
		cfg_kv_diag(b->ld, false, s, cfg_kv_lookup(s, "password_file"), "%s", why);
	}
	if (p->ttl_security && p->ebgp_multihop > 1)
		cfg_kv_diag(b->ld, false, s, cfg_kv_lookup(s, "ebgp_multihop"),
		    "ttl_security and ebgp_multihop are mutually exclusive");
	if (strcmp(p->name, "all") == 0)
		cfg_diag(b->ld, false, s->file, s->line,
		    "[%s]: the name all is reserved (peers = all)", s->name);
}

static void
build_peer(struct build *b, const struct rawsec *s, struct cfg_peer *p)
{
	p->name = xstrdup(sec_name(s));
	p->port = 179;
	p->hold_time = SEC(9);
	p->connect_retry = SEC(5);
	p->ebgp_multihop = 1;
	p->family_ipv4 = p->family_ipv6 = true;
	apply_keys(b, s, cfg_peer_keys, cfg_n_peer_keys, p, -1);
	check_peer(b, s, p);
}

static void
build_service(struct build *b, const struct rawsec *s, struct cfg_service *svc)
{
	static const char *down_keys[] = {"down_med", "down_as_path_prepend", "down_communities"};
	const struct rawkv *kv;
	size_t i;

	svc->name = xstrdup(sec_name(s));
	svc->require = CFG_REQUIRE_ALL;
	svc->peers_all = true;
	svc->down_action = CFG_DOWN_WITHDRAW;
	apply_keys(b, s, cfg_service_keys, cfg_n_service_keys, svc, -1);
	if (svc->down_action != CFG_DOWN_WITHDRAW)
		return;
	for (i = 0; i < nitems(down_keys); i++) {
		if ((kv = cfg_kv_lookup(s, down_keys[i])) != NULL)
			cfg_kv_diag(
			    b->ld, true, s, kv, "has no effect with down_action = withdraw");
	}
}

/* check_probe: a check must finish before the next one starts. */
static void
check_probe(struct build *b, const struct rawsec *s, const struct cfg_probe *p)
{
	const struct rawkv *ikv = cfg_kv_lookup(s, "interval"), *tkv = cfg_kv_lookup(s, "timeout");

	if (ikv != NULL && p->interval == 0)
		cfg_kv_diag(b->ld, false, s, ikv, "must be more than 0");
	else if (tkv != NULL && p->timeout == 0)
		cfg_kv_diag(b->ld, false, s, tkv, "must be more than 0");
	else if (p->timeout >= p->interval && tkv != NULL)
		cfg_kv_diag(b->ld, false, s, tkv, "must be shorter than interval (%s)",
		    duration_fmt(p->interval, (char[16]){0}, 16));
	else if (p->timeout >= p->interval)
		cfg_kv_diag(b->ld, false, s, ikv, "must be longer than timeout (%s)",
		    duration_fmt(p->timeout, (char[16]){0}, 16));
}

static void
build_probe(struct build *b, const struct rawsec *s, struct cfg_probe *p)
{
	const struct rawkv *kv = cfg_kv_lookup(s, "type");
	const char *why;
	int type = -1;

	p->name = xstrdup(sec_name(s));
	p->interval = SEC(1);
	p->timeout = MSEC(500);
	p->rise = p->fall = 3;
	p->server.port = 53;
	p->transport = CFG_TRANSPORT_UDP;
	p->qtype = 6; /* SOA */
	p->expect_aa = true;
	p->method = xstrdup("GET");
	p->tls_verify = true;
	p->expect_status = xmalloc(sizeof(*p->expect_status));
	p->expect_status[0] = (struct cfg_range){200, 200};
	p->n_expect_status = 1;
	/* the type decides which keys belong, so it is parsed first */
	if (kv != NULL && cfg_parse_probe_type_key(kv->value, p, &why) == 0)
		type = (int)p->type;
	apply_keys(b, s, cfg_probe_keys, cfg_n_probe_keys, p, type);
	check_probe(b, s, p);
}

/* ---- pass 3: cross references ---- */

struct claim {
	struct prefix p;
	size_t svc;
};

static int
claim_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int c = prefix_cmp(&x->p, &y->p);

	return c ? c : (x->svc > y->svc) - (x->svc < y->svc);
}

/* check_prefixes: a prefix may belong to one service only. */
static void
check_prefixes(struct build *b)
{
	struct cfg *cfg = b->cfg;
	struct claim *c = NULL;
	size_t n = 0, i, j;
	char buf[ADDR_STRLEN];

	for (i = 0; i < cfg->n_services; i++) {
		for (j = 0; j < cfg->services[i].n_prefixes; j++) {
			c = xreallocarray(c, n + 1, sizeof(*c));
			c[n].p = cfg->services[i].prefixes[j];
			c[n++].svc = i;
		}
	}
	if (n > 1)
		qsort(c, n, sizeof(*c), claim_cmp);
	for (i = 1; i < n; i++) {
		const struct rawsec *s = b->svc_src[c[i].svc], *first = b->svc_src[c[i - 1].svc];

		if (!prefix_eq(&c[i].p, &c[i - 1].p))
			continue;
		cfg_kv_diag(b->ld, false, s, cfg_kv_lookup(s, "prefixes"),
		    "%s is already claimed by service %s (%s:%u)", prefix_ntop(&c[i].p, buf),
		    sec_name(first), b->ld->files[first->file],
		    cfg_kv_lookup(first, "prefixes")->line);
	}
	free(c);
}

static void
resolve_service(struct build *b, size_t idx)
{
	struct cfg *cfg = b->cfg;
	struct cfg_service *svc = &cfg->services[idx];
	const struct svc_refs *r = &b->refs[idx];
	const struct rawsec *s = b->svc_src[idx];
	size_t i;

	svc->probes = xcalloc(r->n_probes, sizeof(*svc->probes));
	for (i = 0; i < r->n_probes; i++) {
		svc->probes[svc->n_probes] = cfg_probe_find(cfg, r->probes[i]);
		if (svc->probes[svc->n_probes] == NULL)
			cfg_kv_diag(b->ld, false, s, cfg_kv_lookup(s, "probes"),
			    "no probe named %s", r->probes[i]);
		else
			svc->n_probes++;
	}
	if (svc->peers_all) {
		svc->peers = xcalloc(cfg->n_peers, sizeof(*svc->peers));
		for (i = 0; i < cfg->n_peers; i++)
			svc->peers[svc->n_peers++] = &cfg->peers[i];
	} else {
		svc->peers = xcalloc(r->n_peers, sizeof(*svc->peers));
		for (i = 0; i < r->n_peers; i++) {
			svc->peers[svc->n_peers] = cfg_peer_find(cfg, r->peers[i]);
			if (svc->peers[svc->n_peers] == NULL)
				cfg_kv_diag(b->ld, false, s, cfg_kv_lookup(s, "peers"),
				    "no peer named %s", r->peers[i]);
			else
				svc->n_peers++;
		}
	}
	if (svc->n_probes < r->n_probes)
		return; /* already reported */
	if (svc->require == CFG_REQUIRE_ANY && r->n_probes == 0)
		cfg_kv_diag(b->ld, false, s, cfg_kv_lookup(s, "require"),
		    "any of no probes can never be up");
	else if (svc->require == CFG_REQUIRE_N && svc->require_n > r->n_probes)
		cfg_kv_diag(b->ld, false, s, cfg_kv_lookup(s, "require"),
		    "%u probes up needed but only %zu listed", svc->require_n, r->n_probes);
}

/* check_peer_addresses: two sessions to one address and port cannot both exist. */
static void
check_peer_addresses(struct build *b)
{
	const struct cfg *cfg = b->cfg;
	char buf[ADDR_STRLEN];
	size_t i, j;

	for (i = 0; i < cfg->n_peers; i++) {
		for (j = 0; j < i; j++) {
			const struct rawsec *s = b->peer_src[i];

			if (cfg->peers[i].address.af == AF_UNSPEC ||
			    !addr_eq(&cfg->peers[i].address, &cfg->peers[j].address))
				continue;
			cfg_kv_diag(b->ld, false, s, cfg_kv_lookup(s, "address"),
			    "%s is also the address of peer %s",
			    addr_ntop(&cfg->peers[i].address, buf), cfg->peers[j].name);
			break;
		}
	}
}

/* check_unused_probes: a probe no service lists is probably a mistake. */
static void
check_unused_probes(struct build *b)
{
	const struct cfg *cfg = b->cfg;
	size_t i, j, k;

	for (i = 0; i < cfg->n_probes; i++) {
		bool used = false;

		for (j = 0; j < cfg->n_services && !used; j++) {
			for (k = 0; k < b->refs[j].n_probes && !used; k++)
				used = strcmp(b->refs[j].probes[k], cfg->probes[i].name) == 0;
		}
		if (!used)
			cfg_diag(b->ld, true, b->probe_src[i]->file, b->probe_src[i]->line,
			    "[%s]: not used by any service", b->probe_src[i]->name);
	}
}

/* ---- putting it together ---- */

static int
rawsec_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rawsec *)a)->name, ((const struct rawsec *)b)->name);
}

static size_t
count_kind(const struct loader *ld, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < ld->n_secs; i++)
		n += strncmp(ld->secs[i].name, prefix, strlen(prefix)) == 0;
	return n;
}

void
cfg_build(struct build *b)
{
	struct loader *ld = b->ld;
	struct cfg *cfg = b->cfg;
	size_t i;

	/* sorted raw sections give sorted arrays, so lookups can bsearch */
	if (ld->n_secs > 1)
		qsort(ld->secs, ld->n_secs, sizeof(*ld->secs), rawsec_cmp);
	cfg->peers = xcalloc(count_kind(ld, "peer:"), sizeof(*cfg->peers));
	cfg->services = xcalloc(count_kind(ld, "service:"), sizeof(*cfg->services));
	cfg->probes = xcalloc(count_kind(ld, "probe:"), sizeof(*cfg->probes));
	b->peer_src = xcalloc(count_kind(ld, "peer:"), sizeof(*b->peer_src));
	b->svc_src = xcalloc(count_kind(ld, "service:"), sizeof(*b->svc_src));
	b->probe_src = xcalloc(count_kind(ld, "probe:"), sizeof(*b->probe_src));
	b->refs = xcalloc(count_kind(ld, "service:"), sizeof(*b->refs));
	for (i = 0; i < ld->n_secs; i++) {
		const struct rawsec *s = &ld->secs[i];

		if (strcmp(s->name, "agent") == 0) {
			b->agent_src = s;
		} else if (strncmp(s->name, "peer:", 5) == 0) {
			b->peer_src[cfg->n_peers] = s;
			build_peer(b, s, &cfg->peers[cfg->n_peers++]);
		} else if (strncmp(s->name, "service:", 8) == 0) {
			b->svc_src[cfg->n_services] = s;
			b->cur_refs = &b->refs[cfg->n_services];
			build_service(b, s, &cfg->services[cfg->n_services++]);
		} else {
			b->probe_src[cfg->n_probes] = s;
			build_probe(b, s, &cfg->probes[cfg->n_probes++]);
		}
	}
	build_agent(b, b->agent_src);
	check_peer_addresses(b);
	for (i = 0; i < cfg->n_services; i++)
		resolve_service(b, i);
	check_prefixes(b);
	check_unused_probes(b);
}

void
cfg_build_free(struct build *b)
{
	size_t i, j;

	for (i = 0; b->refs != NULL && i < b->cfg->n_services; i++) {
		for (j = 0; j < b->refs[i].n_probes; j++)
			free(b->refs[i].probes[j]);
		for (j = 0; j < b->refs[i].n_peers; j++)
			free(b->refs[i].peers[j]);
		free(b->refs[i].probes);
		free(b->refs[i].peers);
	}
	free(b->refs);
	free(b->peer_src);
	free(b->svc_src);
	free(b->probe_src);
}
