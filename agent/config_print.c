/* config_print: the normalised print of a configuration (pharosd -T) and its summary
 * (pharosd -t). The print is an INI file cfg_load() accepts again and prints identically. */
#include "agent/config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static const char *const log_names[] = {"error", "warning", "info", "debug"};

static void
kv_str(FILE *f, const char *key, const char *v)
{
	if (v == NULL || *v == '\0')
		fprintf(f, "%s =\n", key);
	else
		fprintf(f, "%s = %s\n", key, v);
}

static void
kv_bool(FILE *f, const char *key, bool v)
{
	kv_str(f, key, v ? "yes" : "no");
}

static void
kv_dur(FILE *f, const char *key, usec_t v)
{
	char buf[32];

	kv_str(f, key, duration_fmt(v, buf, sizeof(buf)));
}

static void
kv_addr(FILE *f, const char *key, const struct addr *a)
{
	char buf[ADDR_STRLEN];

	kv_str(f, key, a->af == AF_UNSPEC ? NULL : addr_ntop(a, buf));
}

static void
kv_endpoint(FILE *f, const char *key, const struct endpoint *e)
{
	char buf[ADDR_STRLEN];

	kv_str(f, key, e->addr.af == AF_UNSPEC ? NULL : endpoint_ntop(e, buf));
}

static void
kv_communities(FILE *f, const char *key, const uint32_t *c, size_t n)
{
	char buf[24];
	size_t i;

	fprintf(f, "%s =", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : " ", cfg_community_fmt(c[i], buf, sizeof(buf)));
	fputc('\n', f);
}

/* kv_argv: words quoted so that cfg_split_argv() gives them back. */
static void
kv_argv(FILE *f, const char *key, const struct cfg_argv *a)
{
	size_t i;
	const char *c;

	fprintf(f, "%s =", key);
	for (i = 0; i < a->argc; i++) {
		const char *w = a->argv[i];

		/* every isspace() blank splits words in cfg_split_argv(), not only " \t" */
		if (*w != '\0' && strpbrk(w, " \t\n\v\f\r'\"\\;") == NULL) {
			fprintf(f, " %s", w);
			continue;
		}
		fputs(" \"", f);
		for (c = w; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				fputc('\\', f);
			fputc(*c, f);
		}
		fputc('"', f);
	}
	fputc('\n', f);
}

static void
print_agent(const struct cfg_agent *a, FILE *f)
{
	char buf[INET_ADDRSTRLEN];

	fprintf(f, "[agent]\n");
	fprintf(f, "asn = %u\n", a->asn);
	kv_str(f, "router_id", inet_ntop(AF_INET, &a->router_id, buf, sizeof(buf)));
	kv_str(f, "interface", a->interface);
	kv_bool(f, "keep_addresses", a->keep_addresses);
	kv_str(f, "control_socket", a->control_socket);
	kv_str(f, "state_dir", a->state_dir);
	kv_endpoint(f, "metrics_listen", &a->metrics_listen);
	kv_str(f, "log_level", log_names[a->log_level]);
	kv_dur(f, "drain_time", a->drain_time);
	kv_str(f, "user", a->user);
}

static void
print_peer(const struct cfg_peer *p, FILE *f)
{
	fprintf(f, "\n[peer:%s]\n", p->name);
	kv_addr(f, "address", &p->address);
	fprintf(f, "asn = %u\n", p->asn);
	fprintf(f, "port = %u\n", p->port);
	kv_addr(f, "local_address", &p->local_address);
	kv_bool(f, "passive", p->passive);
	kv_dur(f, "hold_time", p->hold_time);
	kv_dur(f, "connect_retry", p->connect_retry);
	/* an inline TCP-MD5 key is not printed: the print is meant to be shared */
	if (p->password != NULL && p->password_file == NULL)
		fprintf(f, "; password = (set, not shown)\n");
	else
		kv_str(f, "password", NULL);
	kv_str(f, "password_file", p->password_file);
	kv_bool(f, "ttl_security", p->ttl_security);
	fprintf(f, "ebgp_multihop = %u\n", p->ebgp_multihop);
	kv_addr(f, "next_hop_ipv4", &p->next_hop_ipv4);
	kv_addr(f, "next_hop_ipv6", &p->next_hop_ipv6);
	kv_str(f, "families",
	    p->family_ipv4 && p->family_ipv6 ? "ipv4, ipv6"
	    : p->family_ipv4                 ? "ipv4"
	                                     : "ipv6");
	kv_bool(f, "shutdown", p->shutdown);
}

static void
print_service(const struct cfg_service *s, FILE *f)
{
	char buf[ADDR_STRLEN];
	size_t i;

	fprintf(f, "\n[service:%s]\n", s->name);
	fprintf(f, "prefixes =");
	for (i = 0; i < s->n_prefixes; i++)
		fprintf(f, "%s%s", i ? ", " : " ", prefix_ntop(&s->prefixes[i], buf));
	fprintf(f, "\nprobes =");
	for (i = 0; i < s->n_probes; i++)
		fprintf(f, "%s%s", i ? ", " : " ", s->probes[i]->name);
	fputc('\n', f);
	if (s->require == CFG_REQUIRE_N)
		fprintf(f, "require = %u\n", s->require_n);
	else
		kv_str(f, "require", s->require == CFG_REQUIRE_ALL ? "all" : "any");
	fprintf(f, "peers =");
	for (i = 0; i < s->n_peers && !s->peers_all; i++)
		fprintf(f, "%s%s", i ? ", " : " ", s->peers[i]->name);
	fprintf(f, "%s\n", s->peers_all ? " all" : "");
	kv_communities(f, "communities", s->communities, s->n_communities);
	fprintf(f, "large_communities =");
	for (i = 0; i < s->n_large_communities; i++)
		fprintf(f, "%s%u:%u:%u", i ? ", " : " ", s->large_communities[i].global,
		    s->large_communities[i].local1, s->large_communities[i].local2);
	fputc('\n', f);
	if (s->med_set)
		fprintf(f, "med = %u\n", s->med);
	else
		kv_str(f, "med", NULL);
	fprintf(f, "as_path_prepend = %u\n", s->as_path_prepend);
	kv_str(f, "drain_file", s->drain_file);
	kv_str(f, "down_action", s->down_action == CFG_DOWN_WITHDRAW ? "withdraw" : "announce");
	if (s->down_med_set)
		fprintf(f, "down_med = %u\n", s->down_med);
	else
		kv_str(f, "down_med", NULL);
	fprintf(f, "down_as_path_prepend = %u\n", s->down_as_path_prepend);
	kv_communities(f, "down_communities", s->down_communities, s->n_down_communities);
	kv_dur(f, "hold_down", s->hold_down);
	kv_argv(f, "on_change", &s->on_change);
}

static void
print_probe_type_keys(const struct cfg_probe *p, FILE *f)
{
	char buf[16];
	size_t i;

	switch (p->type) {
	case CFG_PROBE_DNS:
		kv_endpoint(f, "server", &p->server);
		kv_str(f, "transport", p->transport == CFG_TRANSPORT_UDP ? "udp" : "tcp");
		kv_str(f, "qname", p->qname);
		kv_str(f, "qtype", cfg_qtype_fmt(p->qtype, buf, sizeof(buf)));
		kv_str(f, "expect_rcode", cfg_rcode_name(p->expect_rcode));
		kv_bool(f, "expect_aa", p->expect_aa);
		kv_str(f, "expect_answer", p->expect_answer);
		break;
	case CFG_PROBE_TCP: kv_endpoint(f, "target", &p->target); break;
	case CFG_PROBE_HTTP:
		kv_str(f, "url", p->url);
		kv_str(f, "method", p->method);
		fprintf(f, "expect_status =");
		for (i = 0; i < p->n_expect_status; i++) {
			fprintf(f, "%s%u", i ? ", " : " ", p->expect_status[i].lo);
			if (p->expect_status[i].hi != p->expect_status[i].lo)
				fprintf(f, "-%u", p->expect_status[i].hi);
		}
		fputc('\n', f);
		kv_str(f, "expect_body", p->expect_body);
		kv_bool(f, "tls_verify", p->tls_verify);
		break;
	case CFG_PROBE_EXEC: kv_argv(f, "command", &p->command); break;
	}
}

static void
print_probe(const struct cfg_probe *p, FILE *f)
{
	fprintf(f, "\n[probe:%s]\n", p->name);
	kv_str(f, "type", cfg_probe_type_name(p->type));
	kv_dur(f, "interval", p->interval);
	kv_dur(f, "timeout", p->timeout);
	fprintf(f, "rise = %u\n", p->rise);
	fprintf(f, "fall = %u\n", p->fall);
	print_probe_type_keys(p, f);
}

void
cfg_print(const struct cfg *cfg, FILE *f)
{
	size_t i;

	/* "agent" < "peer:" < "probe:" < "service:", each array already sorted by name */
	fprintf(f, "; pharosd effective configuration (includes expanded, defaults filled in)\n");
	print_agent(&cfg->agent, f);
	for (i = 0; i < cfg->n_peers; i++)
		print_peer(&cfg->peers[i], f);
	for (i = 0; i < cfg->n_probes; i++)
		print_probe(&cfg->probes[i], f);
	for (i = 0; i < cfg->n_services; i++)
		print_service(&cfg->services[i], f);
}

void
cfg_summary(const struct cfg *cfg, FILE *f)
{
	char rid[INET_ADDRSTRLEN];
	size_t i, j, prefixes = 0, host = 0;

	for (i = 0; i < cfg->n_services; i++) {
		prefixes += cfg->services[i].n_prefixes;
		for (j = 0; j < cfg->services[i].n_prefixes; j++)
			host += prefix_is_host(&cfg->services[i].prefixes[j]);
	}
	fprintf(f, "agent: AS %u, router_id %s%s, interface %s\n", cfg->agent.asn,
	    inet_ntop(AF_INET, &cfg->agent.router_id, rid, sizeof(rid)),
	    cfg->agent.router_id_derived ? " (derived)" : "", cfg->agent.interface);
	fprintf(f, "%zu service%s, %zu prefix%s (%zu on %s), %zu peer%s, %zu probe%s\n",
	    cfg->n_services, cfg->n_services == 1 ? "" : "s", prefixes, prefixes == 1 ? "" : "es",
	    host, cfg->agent.interface, cfg->n_peers, cfg->n_peers == 1 ? "" : "s", cfg->n_probes,
	    cfg->n_probes == 1 ? "" : "s");
}

/* same_print: whether two sections print identically (the print is the normal form). */
static bool
same_print(const void *a, const void *b, void (*print)(const void *, FILE *))
{
	char *pa = NULL, *pb = NULL;
	size_t la = 0, lb = 0;
	FILE *fa = open_memstream(&pa, &la), *fb = open_memstream(&pb, &lb);
	bool eq = false;

	if (fa != NULL && fb != NULL) {
		print(a, fa);
		print(b, fb);
	}
	if (fa != NULL)
		fclose(fa);
	if (fb != NULL)
		fclose(fb);
	eq = pa != NULL && pb != NULL && la == lb && memcmp(pa, pb, la) == 0;
	free(pa);
	free(pb);
	return eq;
}

static void
print_service_v(const void *s, FILE *f)
{
	print_service(s, f);
}

static void
print_probe_v(const void *p, FILE *f)
{
	print_probe(p, f);
}

bool
cfg_service_equal(const struct cfg_service *a, const struct cfg_service *b)
{
	return same_print(a, b, print_service_v);
}

bool
cfg_probe_equal(const struct cfg_probe *a, const struct cfg_probe *b)
{
	return same_print(a, b, print_probe_v);
}
