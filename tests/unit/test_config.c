/* test_config: agent/config — value parsers, every validation rule with its exact message,
 * includes, router_id derivation, the example configuration, golden files, round trips. */
#define _GNU_SOURCE /* asprintf, open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/config.h"
#include "lib/util.h"

#define AGENT "[agent]\nasn = 64496\nrouter_id = 192.0.2.1\n"

static char tmpdir[64];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	UNUSED(st);
	UNUSED(flag);
	UNUSED(ftw);
	return remove(path);
}

static int
group_setup(void **state)
{
	UNUSED(state);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pharos-test-config.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	UNUSED(state);
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* tpath: name inside the test directory (static buffer, one at a time). */
static const char *
tpath(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
}

static void
write_file(const char *name, const char *text)
{
	char dir[256], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", tpath(name));
	for (slash = dir + strlen(tmpdir) + 1; (slash = strchr(slash, '/')) != NULL; slash++) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	f = fopen(tpath(name), "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* strip: remove every "tmpdir/" from s so messages read "t.ini:3: ...". */
static void
strip(char *s)
{
	char pre[80];
	size_t pl;
	char *p;

	snprintf(pre, sizeof(pre), "%s/", tmpdir);
	pl = strlen(pre);
	while ((p = strstr(s, pre)) != NULL)
		memmove(p, p + pl, strlen(p + pl) + 1);
}

/* load: cfg_load(path) with the diagnostics returned (stripped); the caller frees both. */
static char *
load(const char *path, struct cfg **out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *errs = open_memstream(&text, &len);
	struct cfg *cfg;

	assert_non_null(errs);
	cfg = cfg_load(path, errs);
	fclose(errs);
	strip(text);
	if (out != NULL)
		*out = cfg;
	else
		cfg_free(cfg);
	return text;
}

/* load_text: write ini to t.ini and load it. */
static char *
load_text(const char *ini, struct cfg **out)
{
	write_file("t.ini", ini);
	return load(tpath("t.ini"), out);
}

/* expect: loading ini prints exactly want, and fails iff want holds an error. */
static void
expect(const char *ini, const char *want)
{
	struct cfg *cfg;
	char *got = load_text(ini, &cfg);
	bool has_error = false;
	const char *l;

	for (l = want; l != NULL && *l != '\0'; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		has_error |= strncmp(strstr(l, ": ") + 2, "warning:", 8) != 0;
	assert_string_equal(got, want);
	if (has_error)
		assert_null(cfg);
	else
		assert_non_null(cfg);
	cfg_free(cfg);
	free(got);
}

static char *
print_cfg(const struct cfg *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cfg_print(cfg, f);
	fclose(f);
	return text;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = xmalloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* ---- value parsers ---- */

static void
test_bool_values(void **state)
{
	const char *why;
	bool b;

	UNUSED(state);
	assert_int_equal(cfg_parse_bool("yes", &b, &why), 0);
	assert_true(b);
	assert_int_equal(cfg_parse_bool("On", &b, &why), 0);
	assert_true(b);
	assert_int_equal(cfg_parse_bool("1", &b, &why), 0);
	assert_true(b);
	assert_int_equal(cfg_parse_bool("true", &b, &why), 0);
	assert_true(b);
	assert_int_equal(cfg_parse_bool("no", &b, &why), 0);
	assert_false(b);
	assert_int_equal(cfg_parse_bool("FALSE", &b, &why), 0);
	assert_false(b);
	assert_int_equal(cfg_parse_bool("off", &b, &why), 0);
	assert_false(b);
	assert_int_equal(cfg_parse_bool("0", &b, &why), 0);
	assert_false(b);
	assert_int_equal(cfg_parse_bool("yep", &b, &why), -1);
	assert_int_equal(cfg_parse_bool("", &b, &why), -1);
	assert_string_equal(why, "not a boolean (yes/no, true/false, on/off, 1/0)");
}

static void
test_asn_asplain_and_asdot(void **state)
{
	const char *why;
	uint32_t a;

	UNUSED(state);
	assert_int_equal(cfg_parse_asn("64496", &a, &why), 0);
	assert_int_equal(a, 64496);
	assert_int_equal(cfg_parse_asn("4294967295", &a, &why), 0);
	assert_int_equal(a, 4294967295u);
	assert_int_equal(cfg_parse_asn("1.10", &a, &why), 0);
	assert_int_equal(a, 65546);
	assert_int_equal(cfg_parse_asn("0.64496", &a, &why), 0);
	assert_int_equal(a, 64496);
	assert_int_equal(cfg_parse_asn("65535.65535", &a, &why), 0);
	assert_int_equal(a, 4294967295u);
	assert_int_equal(cfg_parse_asn("4294967296", &a, &why), -1);
	assert_int_equal(cfg_parse_asn("65536.1", &a, &why), -1);
	assert_int_equal(cfg_parse_asn("1.65536", &a, &why), -1);
	assert_int_equal(cfg_parse_asn("1.", &a, &why), -1);
	assert_int_equal(cfg_parse_asn("-1", &a, &why), -1);
	assert_int_equal(cfg_parse_asn("AS64496", &a, &why), -1);
	assert_int_equal(cfg_parse_asn("", &a, &why), -1);
	assert_int_equal(cfg_parse_asn("0", &a, &why), -1);
	assert_string_equal(why, "AS 0 is reserved (RFC 7607)");
	assert_int_equal(cfg_parse_asn("0.0", &a, &why), -1);
	assert_int_equal(cfg_parse_asn("23456", &a, &why), -1);
}

static void
test_duration_values_in_probe(void **state)
{
	struct cfg *cfg;
	char *errs;

	UNUSED(state);
	errs = load_text(AGENT "[probe:p]\ntype = tcp\ntarget = 192.0.2.1:80\n"
	                       "interval = 2m\ntimeout = 250ms\n",
	    &cfg);
	assert_string_equal(errs, "t.ini:4: warning: [probe:p]: not used by any service\n");
	assert_non_null(cfg);
	assert_int_equal(cfg->probes[0].interval, SEC(120));
	assert_int_equal(cfg->probes[0].timeout, MSEC(250));
	cfg_free(cfg);
	free(errs);
	expect(AGENT "[probe:p]\ntype = tcp\ntarget = 192.0.2.1:80\ninterval = 5\n",
	    "t.ini:4: warning: [probe:p]: not used by any service\n"
	    "t.ini:7: [probe:p] interval: not a duration (a number with a unit: 250ms, 1s, 2m, "
	    "1h)\n");
}

static void
test_communities_and_well_known_names(void **state)
{
	static const struct {
		const char *s;
		uint32_t v;
	} ok[] = {
	    {"64496:100", 0xFBF00064},
	    {"0:0", 0},
	    {"65535:65535", 0xFFFFFFFF},
	    {"no-export", 0xFFFFFF01},
	    {"no-advertise", 0xFFFFFF02},
	    {"no-export-subconfed", 0xFFFFFF03},
	    {"graceful-shutdown", 0xFFFF0000},
	    {"blackhole", 0xFFFF029A},
	    {"NO-EXPORT", 0xFFFFFF01},
	};
	const char *bad[] = {"65536:1", "1:65536", "1", "1:", ":1", "1:2:3", "no_export", ""};
	const char *why;
	char buf[24];
	uint32_t c;
	size_t i;

	UNUSED(state);
	for (i = 0; i < nitems(ok); i++) {
		assert_int_equal(cfg_parse_community(ok[i].s, &c, &why), 0);
		assert_int_equal(c, ok[i].v);
	}
	for (i = 0; i < nitems(bad); i++)
		assert_int_equal(cfg_parse_community(bad[i], &c, &why), -1);
	assert_string_equal(cfg_community_fmt(0xFFFF029A, buf, sizeof(buf)), "blackhole");
	assert_string_equal(cfg_community_fmt(0xFBF00064, buf, sizeof(buf)), "64496:100");
}

static void
test_large_communities(void **state)
{
	struct cfg_large_community lc;
	const char *why;

	UNUSED(state);
	assert_int_equal(cfg_parse_large_community("65551:1:4294967295", &lc, &why), 0);
	assert_int_equal(lc.global, 65551);
	assert_int_equal(lc.local1, 1);
	assert_int_equal(lc.local2, 4294967295u);
	assert_int_equal(cfg_parse_large_community("1:2", &lc, &why), -1);
	assert_int_equal(cfg_parse_large_community("1:2:3:4", &lc, &why), -1);
	assert_int_equal(cfg_parse_large_community("1:2:4294967296", &lc, &why), -1);
	assert_int_equal(cfg_parse_large_community("a:b:c", &lc, &why), -1);
	assert_string_equal(why, "not a large community (A:B:C with 32-bit parts)");
}

static void
test_status_ranges(void **state)
{
	struct cfg_range *r;
	const char *why;
	size_t n;

	UNUSED(state);
	assert_int_equal(cfg_parse_status_ranges("200", &r, &n, &why), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].lo, 200);
	assert_int_equal(r[0].hi, 200);
	free(r);
	assert_int_equal(cfg_parse_status_ranges("200-299, 301 ,302-302", &r, &n, &why), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].lo, 200);
	assert_int_equal(r[0].hi, 299);
	assert_int_equal(r[1].lo, 301);
	assert_int_equal(r[1].hi, 301);
	assert_int_equal(r[2].lo, 302);
	assert_int_equal(r[2].hi, 302);
	free(r);
	assert_int_equal(cfg_parse_status_ranges("299-200", &r, &n, &why), -1);
	assert_int_equal(cfg_parse_status_ranges("99", &r, &n, &why), -1);
	assert_int_equal(cfg_parse_status_ranges("600", &r, &n, &why), -1);
	assert_int_equal(cfg_parse_status_ranges("200,", &r, &n, &why), -1);
	assert_int_equal(cfg_parse_status_ranges("2xx", &r, &n, &why), -1);
	assert_int_equal(cfg_parse_status_ranges("200-", &r, &n, &why), -1);
}

static void
assert_argv(const char *line, size_t argc, const char *const *want)
{
	struct cfg_argv a;
	const char *why;
	size_t i;

	assert_int_equal(cfg_split_argv(line, &a, &why), 0);
	assert_int_equal(a.argc, argc);
	for (i = 0; i < argc; i++)
		assert_string_equal(a.argv[i], want[i]);
	assert_null(a.argv[argc]);
	cfg_argv_free(&a);
}

static void
test_argv_splitting(void **state)
{
	static const char *const w1[] = {"/bin/check", "-x", "a b", "c\"d", ""};
	static const char *const w2[] = {"/usr/bin/true"};
	static const char *const w3[] = {"a'b", "$HOME", "x y", "it's"};
	struct cfg_argv a;
	const char *why;

	UNUSED(state);
	assert_argv("/bin/check  -x 'a b' \"c\\\"d\" ''", 5, w1);
	assert_argv("  /usr/bin/true\t", 1, w2);
	assert_argv("\"a'b\" $HOME x\\ y \"it's\"", 4, w3);
	assert_int_equal(cfg_split_argv("/bin/echo 'open", &a, &why), -1);
	assert_string_equal(why, "unterminated quote");
	assert_int_equal(cfg_split_argv("   ", &a, &why), -1);
	assert_string_equal(why, "empty command");
	cfg_argv_free(NULL);
}

static void
test_qtype_and_rcode_names(void **state)
{
	const char *why;
	char buf[16];
	uint16_t t;
	uint8_t rc;

	UNUSED(state);
	assert_int_equal(cfg_parse_qtype("aaaa", &t, &why), 0);
	assert_int_equal(t, 28);
	assert_int_equal(cfg_parse_qtype("TYPE65280", &t, &why), 0);
	assert_int_equal(t, 65280);
	assert_string_equal(cfg_qtype_fmt(65280, buf, sizeof(buf)), "TYPE65280");
	assert_string_equal(cfg_qtype_fmt(6, buf, sizeof(buf)), "SOA");
	assert_int_equal(cfg_parse_qtype("TYPE0", &t, &why), -1);
	assert_int_equal(cfg_parse_qtype("BOGUS", &t, &why), -1);
	assert_int_equal(cfg_parse_rcode("nxdomain", &rc, &why), 0);
	assert_int_equal(rc, 3);
	assert_string_equal(cfg_rcode_name(5), "REFUSED");
	assert_int_equal(cfg_parse_rcode("OK", &rc, &why), -1);
}

/* ---- whole configurations ---- */

static void
test_defaults_of_every_section(void **state)
{
	const struct cfg_service *s;
	const struct cfg_probe *p;
	const struct cfg_peer *pe;
	struct cfg *cfg;
	char *errs;

	UNUSED(state);
	errs = load_text(AGENT "[peer:r]\naddress = 198.51.100.1\nasn = 64497\n"
	                       "[probe:d]\ntype = dns\nserver = 192.0.2.53\nqname = example.com\n"
	                       "[service:s]\nprefixes = 192.0.2.1\nprobes = d\n",
	    &cfg);
	assert_string_equal(errs, "");
	assert_non_null(cfg);
	assert_int_equal(cfg->agent.asn, 64496);
	assert_false(cfg->agent.router_id_derived);
	assert_int_equal(ntohl(cfg->agent.router_id.s_addr), 0xC0000201);
	assert_string_equal(cfg->agent.interface, "lo");
	assert_false(cfg->agent.keep_addresses);
	assert_string_equal(cfg->agent.control_socket, "/run/pharos/pharosd.sock");
	assert_string_equal(cfg->agent.state_dir, "/var/lib/pharos");
	assert_int_equal(cfg->agent.metrics_listen.addr.af, AF_UNSPEC);
	assert_int_equal(cfg->agent.log_level, LOG_LVL_INFO);
	assert_int_equal(cfg->agent.drain_time, SEC(3));

	pe = cfg_peer_find(cfg, "r");
	assert_non_null(pe);
	assert_int_equal(pe->port, 179);
	assert_int_equal(pe->hold_time, SEC(9));
	assert_int_equal(pe->connect_retry, SEC(5));
	assert_int_equal(pe->ebgp_multihop, 1);
	assert_false(pe->passive);
	assert_false(pe->ttl_security);
	assert_false(pe->shutdown);
	assert_null(pe->password);
	assert_true(pe->family_ipv4 && pe->family_ipv6);
	assert_int_equal(pe->local_address.af, AF_UNSPEC);
	assert_int_equal(pe->next_hop_ipv4.af, AF_UNSPEC);

	p = cfg_probe_find(cfg, "d");
	assert_non_null(p);
	assert_int_equal(p->type, CFG_PROBE_DNS);
	assert_int_equal(p->interval, SEC(1));
	assert_int_equal(p->timeout, MSEC(500));
	assert_int_equal(p->rise, 3);
	assert_int_equal(p->fall, 3);
	assert_int_equal(p->server.port, 53);
	assert_int_equal(p->transport, CFG_TRANSPORT_UDP);
	assert_int_equal(p->qtype, 6);
	assert_int_equal(p->expect_rcode, 0);
	assert_true(p->expect_aa);
	assert_null(p->expect_answer);

	s = cfg_service_find(cfg, "s");
	assert_non_null(s);
	assert_int_equal(s->n_prefixes, 1);
	assert_int_equal(s->prefixes[0].len, 32);
	assert_int_equal(s->n_probes, 1);
	assert_ptr_equal(s->probes[0], p);
	assert_int_equal(s->require, CFG_REQUIRE_ALL);
	assert_true(s->peers_all);
	assert_int_equal(s->n_peers, 1);
	assert_ptr_equal(s->peers[0], pe);
	assert_false(s->med_set);
	assert_int_equal(s->as_path_prepend, 0);
	assert_int_equal(s->down_action, CFG_DOWN_WITHDRAW);
	assert_int_equal(s->hold_down, 0);
	assert_int_equal(s->on_change.argc, 0);
	assert_null(cfg_service_find(cfg, "nope"));
	assert_null(cfg_peer_find(cfg, "s"));
	cfg_free(cfg);
	cfg_free(NULL);
	free(errs);
}

static void
test_http_and_exec_values(void **state)
{
	const struct cfg_probe *h, *x;
	const struct cfg_service *s;
	struct cfg *cfg;
	char *errs;

	UNUSED(state);
	errs =
	    load_text(AGENT "[probe:h]\ntype = http\nurl = https://192.0.2.1/h\n"
	                    "expect_status = 200-204, 301\ntls_verify = off\nmethod = HEAD\n"
	                    "[probe:x]\ntype = exec\ncommand = /bin/sh -c 'exit 0'\n"
	                    "[service:s]\nprefixes = 192.0.2.0/24, 2001:db8::/48\nprobes = h, x\n"
	                    "require = 1\ncommunities = 1:2, blackhole\nlarge_communities = "
	                    "1:2:3\nmed = 4294967295\nas_path_prepend = 10\n",
	        &cfg);
	assert_string_equal(errs, "");
	assert_non_null(cfg);
	h = cfg_probe_find(cfg, "h");
	assert_int_equal(h->n_expect_status, 2);
	assert_int_equal(h->expect_status[0].hi, 204);
	assert_false(h->tls_verify);
	assert_string_equal(h->method, "HEAD");
	x = cfg_probe_find(cfg, "x");
	assert_int_equal(x->command.argc, 3);
	assert_string_equal(x->command.argv[2], "exit 0");
	s = cfg_service_find(cfg, "s");
	assert_int_equal(s->require, CFG_REQUIRE_N);
	assert_int_equal(s->require_n, 1);
	assert_int_equal(s->n_communities, 2);
	assert_int_equal(s->communities[1], CFG_COMM_BLACKHOLE);
	assert_int_equal(s->n_large_communities, 1);
	assert_int_equal(s->large_communities[0].local2, 3);
	assert_true(s->med_set);
	assert_int_equal(s->med, 4294967295u);
	assert_int_equal(s->as_path_prepend, 10);
	assert_int_equal(s->n_prefixes, 2);
	assert_false(prefix_is_host(&s->prefixes[1]));
	cfg_free(cfg);
	free(errs);
}

static void
test_unknown_section_key_and_syntax(void **state)
{
	UNUSED(state);
	expect(AGENT "colour = blue\n[bgp]\nx = 1\n[peer]\n[peer:bad name]\n[probe:]\n",
	    "t.ini:4: [agent] colour: unknown key\n"
	    "t.ini:5: [bgp]: unknown section (agent, peer:NAME, service:NAME, probe:NAME)\n"
	    "t.ini:7: [peer]: unknown section (agent, peer:NAME, service:NAME, probe:NAME)\n"
	    "t.ini:8: [peer:bad name]: bad name (letters, digits, '-', '_' and '.')\n"
	    "t.ini:9: [probe:]: bad name (letters, digits, '-', '_' and '.')\n");
	expect("asn = 1\n" AGENT "just words\n[service:s\n= 3\n[agent] trailing\n",
	    "t.ini:1: asn: key outside of any section\n"
	    "t.ini:5: syntax error: expected key = value\n"
	    "t.ini:6: syntax error: missing ']'\n"
	    "t.ini:7: syntax error: missing key before '='\n"
	    "t.ini:8: syntax error: text after ']'\n");
}

static void
test_missing_required_keys(void **state)
{
	UNUSED(state);
	expect("[agent]\nrouter_id = 192.0.2.1\n[peer:p]\nport = 1179\n[service:s]\nmed = 1\n",
	    "t.ini:1: [agent] asn: missing required key\n"
	    "t.ini:3: [peer:p] address: missing required key\n"
	    "t.ini:3: [peer:p] asn: missing required key\n"
	    "t.ini:5: [service:s] prefixes: missing required key\n");
	expect("[peer:p]\naddress = 192.0.2.1\nasn = 1\n",
	    "t.ini: [agent]: missing section (asn is required)\n");
	expect("", "t.ini: [agent]: missing section (asn is required)\n");
}

static void
test_required_probe_keys_per_type(void **state)
{
	UNUSED(state);
	expect(AGENT "[probe:a]\ntype = dns\n[probe:b]\ntype = tcp\n[probe:c]\ntype = http\n"
	             "[probe:d]\ntype = exec\n[probe:e]\ninterval = 2s\n[probe:f]\ntype = smtp\n"
	             "[service:s]\nprefixes = 192.0.2.1\nprobes = a, b, c, d, e, f\n",
	    "t.ini:4: [probe:a] server: missing required key\n"
	    "t.ini:4: [probe:a] qname: missing required key\n"
	    "t.ini:6: [probe:b] target: missing required key\n"
	    "t.ini:8: [probe:c] url: missing required key\n"
	    "t.ini:10: [probe:d] command: missing required key\n"
	    "t.ini:12: [probe:e] type: missing required key\n"
	    "t.ini:15: [probe:f] type: not a probe type (dns, tcp, http, exec)\n");
}

static void
test_probe_key_on_wrong_type(void **state)
{
	UNUSED(state);
	expect(AGENT "[probe:t]\ntype = tcp\ntarget = 192.0.2.1:53\nqname = x.\nurl = http://a/\n"
	             "tls_verify = no\ncommand = /bin/true\n[service:s]\nprefixes = 192.0.2.1\n"
	             "probes = t\n",
	    "t.ini:7: [probe:t] qname: not a key of tcp probes (only dns)\n"
	    "t.ini:8: [probe:t] url: not a key of tcp probes (only http)\n"
	    "t.ini:9: [probe:t] tls_verify: not a key of tcp probes (only http)\n"
	    "t.ini:10: [probe:t] command: not a key of tcp probes (only exec)\n");
	expect(AGENT "[probe:t]\ntype = tcp\ntarget = 192.0.2.1\n[service:s]\nprefixes = "
	             "192.0.2.1\nprobes = t\n",
	    "t.ini:6: [probe:t] target: a port is required (address:port or [address]:port)\n");
}

static void
test_probe_timing_rules(void **state)
{
	UNUSED(state);
	expect(AGENT "[probe:a]\ntype = exec\ncommand = /bin/true\ninterval = 1s\ntimeout = 1s\n"
	             "[probe:b]\ntype = exec\ncommand = /bin/true\ninterval = 400ms\n"
	             "[probe:c]\ntype = exec\ncommand = /bin/true\nrise = 0\nfall = 0\n"
	             "[probe:d]\ntype = exec\ncommand = /bin/true\ntimeout = 0\n"
	             "[service:s]\nprefixes = 192.0.2.1\nprobes = a, b, c, d\n",
	    "t.ini:8: [probe:a] timeout: must be shorter than interval (1s)\n"
	    "t.ini:12: [probe:b] interval: must be longer than timeout (500ms)\n"
	    "t.ini:16: [probe:c] rise: not a number from 1 to 1000\n"
	    "t.ini:17: [probe:c] fall: not a number from 1 to 1000\n"
	    "t.ini:21: [probe:d] timeout: must be more than 0\n");
}

static void
test_bad_values_are_all_reported(void **state)
{
	UNUSED(state);
	expect("[agent]\nasn = 1.65536\nrouter_id = 0.0.0.0\ninterface = a/b\nkeep_addresses = "
	       "maybe\ncontrol_socket = run/x.sock\nstate_dir =\nmetrics_listen = 127.0.0.1:0\n"
	       "log_level = loud\ndrain_time = soon\n",
	    "t.ini:2: [agent] asn: not an AS number (1-4294967295 or asdot 1.10)\n"
	    "t.ini:3: [agent] router_id: 0.0.0.0 is not a valid router_id (RFC 6286)\n"
	    "t.ini:4: [agent] interface: not an interface name\n"
	    "t.ini:5: [agent] keep_addresses: not a boolean (yes/no, true/false, on/off, 1/0)\n"
	    "t.ini:6: [agent] control_socket: not an absolute path\n"
	    "t.ini:7: [agent] state_dir: empty value\n"
	    "t.ini:8: [agent] metrics_listen: bad port\n"
	    "t.ini:9: [agent] log_level: not a log level (error, warning, info, debug)\n"
	    "t.ini:10: [agent] drain_time: not a duration (a number with a unit: 250ms, 1s, 2m, "
	    "1h)\n");
	expect(AGENT "[peer:p]\naddress = fe80::1\nasn = 1\nport = 0\nlocal_address = 2001:db8::1\n"
	             "next_hop_ipv4 = 2001:db8::2\nnext_hop_ipv6 = 192.0.2.1\nfamilies = ipv4, "
	             "l2vpn\nebgp_multihop = 256\nconnect_retry = 100ms\n",
	    "t.ini:5: [peer:p] address: link-local addresses are not supported\n"
	    "t.ini:7: [peer:p] port: not a number from 1 to 65535\n"
	    "t.ini:9: [peer:p] next_hop_ipv4: not an IPv4 address\n"
	    "t.ini:10: [peer:p] next_hop_ipv6: not an IPv6 address\n"
	    "t.ini:11: [peer:p] families: l2vpn: not a list of ipv4, ipv6\n"
	    "t.ini:12: [peer:p] ebgp_multihop: not a number from 1 to 255\n"
	    "t.ini:13: [peer:p] connect_retry: must be at least 1s\n");
	expect(AGENT "[peer:p]\naddress = 192.0.2.9\nasn = 1\nlocal_address = 2001:db8::1\n",
	    "t.ini:7: [peer:p] local_address: not of the same family as address\n");
	expect(AGENT "[service:s]\nprefixes = 192.0.2.1/24, 192.0.2.7, , x\nrequire = none\n"
	             "peers = a,, b\ncommunities = 1:2, 70000:1\nmed = -1\ndown_action = drop\n"
	             "drain_file = drain\non_change = \"x\nhold_down = 1\n",
	    "t.ini:5: [service:s] prefixes: 192.0.2.1/24: host bits set\n"
	    "t.ini:6: [service:s] require: not all, any or a number of probes (at least 1)\n"
	    "t.ini:7: [service:s] peers: empty item in list\n"
	    "t.ini:8: [service:s] communities: 70000:1: not a community (A:B with 16-bit parts, "
	    "or no-export, no-advertise, no-export-subconfed, graceful-shutdown, blackhole)\n"
	    "t.ini:9: [service:s] med: not a number from 0 to 4294967295\n"
	    "t.ini:10: [service:s] down_action: not withdraw or announce\n"
	    "t.ini:11: [service:s] drain_file: not an absolute path\n"
	    "t.ini:12: [service:s] on_change: unterminated quote\n"
	    "t.ini:13: [service:s] hold_down: not a duration (a number with a unit: 250ms, 1s, "
	    "2m, 1h)\n");
	expect(AGENT "[probe:d]\ntype = dns\nserver = [2001:db8::1]:99999\nqname = a..b\n"
	             "transport = sctp\nqtype = FOO\nexpect_rcode = FINE\nexpect_aa = sometimes\n"
	             "[probe:h]\ntype = http\nurl = ftp://x/\nmethod = get\nexpect_status = 700\n"
	             "[service:s]\nprefixes = 192.0.2.1\nprobes = d, h\n",
	    "t.ini:6: [probe:d] server: bad port\n"
	    "t.ini:7: [probe:d] qname: not a domain name\n"
	    "t.ini:8: [probe:d] transport: not udp or tcp\n"
	    "t.ini:9: [probe:d] qtype: not a query type (A, AAAA, SOA, NS, TXT, ... or TYPEnnn)\n"
	    "t.ini:10: [probe:d] expect_rcode: not an rcode (NOERROR, NXDOMAIN, SERVFAIL, "
	    "REFUSED, ...)\n"
	    "t.ini:11: [probe:d] expect_aa: not a boolean (yes/no, true/false, on/off, 1/0)\n"
	    "t.ini:14: [probe:h] url: not an http:// or https:// URL\n"
	    "t.ini:15: [probe:h] method: not an HTTP method (GET, HEAD, POST, ...)\n"
	    "t.ini:16: [probe:h] expect_status: not a list of HTTP status codes or ranges "
	    "(100-599, e.g. 200, 301-302)\n");
}

static void
test_duplicate_key_and_section(void **state)
{
	UNUSED(state);
	expect(AGENT "asn = 64497\n[peer:p]\naddress = 192.0.2.9\nasn = 1\naddress = 192.0.2.8\n"
	             "[peer:p]\naddress = 192.0.2.7\n",
	    "t.ini:4: [agent] asn: set again (first at line 2)\n"
	    "t.ini:8: [peer:p] address: set again (first at line 6)\n"
	    "t.ini:9: [peer:p]: defined again (first at t.ini:5)\n");
}

static void
test_undefined_probe_and_peer(void **state)
{
	UNUSED(state);
	expect(AGENT "[peer:p]\naddress = 192.0.2.9\nasn = 1\n[service:s]\nprefixes = 192.0.2.1\n"
	             "probes = ghost\npeers = p, q\n",
	    "t.ini:9: [service:s] probes: no probe named ghost\n"
	    "t.ini:10: [service:s] peers: no peer named q\n");
	expect(AGENT "[peer:all]\naddress = 192.0.2.9\nasn = 1\n",
	    "t.ini:4: [peer:all]: the name all is reserved (peers = all)\n");
}

static void
test_prefix_claimed_by_two_services(void **state)
{
	UNUSED(state);
	expect(AGENT "[service:a]\nprefixes = 192.0.2.1, 2001:db8::/64\n[service:b]\nprefixes = "
	             "198.51.100.0/24, 2001:db8:0:0::/64\n[service:c]\nprefixes = 192.0.2.1/32\n"
	             "[service:d]\nprefixes = 203.0.113.1, 203.0.113.1/32\n",
	    "t.ini:7: [service:b] prefixes: 2001:db8::/64 is already claimed by service a "
	    "(t.ini:5)\n"
	    "t.ini:9: [service:c] prefixes: 192.0.2.1/32 is already claimed by service a "
	    "(t.ini:5)\n"
	    "t.ini:11: [service:d] prefixes: 203.0.113.1/32: prefix listed twice\n");
}

static void
test_require_against_probes(void **state)
{
	UNUSED(state);
	expect(AGENT "[probe:p]\ntype = exec\ncommand = /bin/true\n[service:a]\nprefixes = "
	             "192.0.2.1\nprobes = p\nrequire = 2\n[service:b]\nprefixes = 192.0.2.2\n"
	             "require = any\n[service:c]\nprefixes = 192.0.2.3\nprobes = p\nrequire = 1\n",
	    "t.ini:10: [service:a] require: 2 probes up needed but only 1 listed\n"
	    "t.ini:13: [service:b] require: any of no probes can never be up\n");
}

static void
test_as_path_prepend_range(void **state)
{
	UNUSED(state);
	expect(AGENT "[service:s]\nprefixes = 192.0.2.1\nas_path_prepend = 11\n"
	             "down_action = announce\ndown_as_path_prepend = -1\n",
	    "t.ini:6: [service:s] as_path_prepend: not a number from 0 to 10\n"
	    "t.ini:8: [service:s] down_as_path_prepend: not a number from 0 to 10\n");
}

static void
test_hold_time_rules(void **state)
{
	struct cfg *cfg;
	char *errs;

	UNUSED(state);
	expect(AGENT "[peer:a]\naddress = 192.0.2.1\nasn = 1\nhold_time = 1s\n"
	             "[peer:b]\naddress = 192.0.2.2\nasn = 1\nhold_time = 2s\n"
	             "[peer:c]\naddress = 192.0.2.3\nasn = 1\nhold_time = 65536s\n"
	             "[peer:d]\naddress = 192.0.2.4\nasn = 1\nhold_time = 3500ms\n",
	    "t.ini:7: [peer:a] hold_time: must be 0 or 3s to 65535s in whole seconds (RFC 4271)\n"
	    "t.ini:11: [peer:b] hold_time: must be 0 or 3s to 65535s in whole seconds (RFC 4271)\n"
	    "t.ini:15: [peer:c] hold_time: must be 0 or 3s to 65535s in whole seconds (RFC 4271)\n"
	    "t.ini:19: [peer:d] hold_time: must be 0 or 3s to 65535s in whole seconds (RFC "
	    "4271)\n");
	errs = load_text(AGENT "[peer:a]\naddress = 192.0.2.1\nasn = 1\nhold_time = 0\n"
	                       "[peer:b]\naddress = 192.0.2.2\nasn = 1\nhold_time = 3s\n"
	                       "[peer:c]\naddress = 192.0.2.3\nasn = 1\nhold_time = 65535s\n",
	    &cfg);
	assert_string_equal(errs, "");
	assert_int_equal(cfg_peer_find(cfg, "a")->hold_time, 0);
	assert_int_equal(cfg_peer_find(cfg, "c")->hold_time, SEC(65535));
	cfg_free(cfg);
	free(errs);
}

static void
test_passwords(void **state)
{
	struct cfg *cfg;
	char *errs, *ini, key[256], missing[256], empty[256];

	UNUSED(state);
	snprintf(key, sizeof(key), "%s", tpath("key"));
	snprintf(missing, sizeof(missing), "%s", tpath("missing.key"));
	snprintf(empty, sizeof(empty), "%s", tpath("empty.key"));
	write_file("key", "s3cret\n");
	write_file("empty.key", "\n");
	if (asprintf(&ini,
	        AGENT
	        "[peer:a]\naddress = 192.0.2.1\nasn = 1\npassword = x\npassword_file = %s\n"
	        "[peer:b]\naddress = 192.0.2.2\nasn = 1\npassword_file = %s\n"
	        "[peer:c]\naddress = 192.0.2.3\nasn = 1\npassword_file = %s\n"
	        "[peer:d]\naddress = 192.0.2.4\nasn = 1\npassword = "
	        "123456789012345678901234567890123456789012345678901234567890123456789012345678901"
	        "\n[peer:e]\naddress = 192.0.2.5\nasn = 1\npassword_file = relative.key\n",
	        key, missing, empty) < 0)
		fail();
	expect(ini, "t.ini:8: [peer:a] password_file: password and password_file are both set\n"
	            "t.ini:12: [peer:b] password_file: cannot read missing.key: No such file or "
	            "directory\n"
	            "t.ini:16: [peer:c] password_file: password file is empty\n"
	            "t.ini:20: [peer:d] password: longer than 80 bytes (the TCP-MD5 key limit)\n"
	            "t.ini:24: [peer:e] password_file: not an absolute path\n");
	free(ini);
	if (asprintf(&ini,
	        AGENT "[peer:a]\naddress = 192.0.2.1\nasn = 1\npassword_file = %s\n"
	              "[peer:b]\naddress = 192.0.2.2\nasn = 1\npassword = inline key\n",
	        key) < 0)
		fail();
	errs = load_text(ini, &cfg);
	assert_string_equal(errs, "");
	assert_string_equal(cfg_peer_find(cfg, "a")->password, "s3cret");
	assert_string_equal(cfg_peer_find(cfg, "b")->password, "inline key");
	assert_null(cfg_peer_find(cfg, "b")->password_file);
	free(errs);
	errs = print_cfg(cfg);
	assert_non_null(strstr(errs, "\n; password = (set, not shown)\npassword_file =\n"));
	assert_null(strstr(errs, "inline key"));
	assert_null(strstr(errs, "s3cret"));
	free(errs);
	cfg_free(cfg);
	free(ini);
}

static void
test_peer_options(void **state)
{
	UNUSED(state);
	expect(AGENT "[peer:a]\naddress = 192.0.2.1\nasn = 1\nttl_security = yes\n"
	             "ebgp_multihop = 2\n[peer:b]\naddress = 192.0.2.1\nasn = 2\nport = 1179\n",
	    "t.ini:8: [peer:a] ebgp_multihop: ttl_security and ebgp_multihop are mutually "
	    "exclusive\n"
	    "t.ini:10: [peer:b] address: 192.0.2.1 is also the address of peer a\n");
}

static void
test_down_keys_with_withdraw_warn(void **state)
{
	UNUSED(state);
	expect(AGENT "[service:s]\nprefixes = 192.0.2.1\ndown_med = 5\ndown_communities = "
	             "no-export\ndown_as_path_prepend = 2\n",
	    "t.ini:6: warning: [service:s] down_med: has no effect with down_action = withdraw\n"
	    "t.ini:7: warning: [service:s] down_communities: has no effect with down_action = "
	    "withdraw\n"
	    "t.ini:8: warning: [service:s] down_as_path_prepend: has no effect with down_action "
	    "= withdraw\n");
	expect(
	    AGENT "[service:s]\nprefixes = 192.0.2.1\ndown_action = announce\ndown_med = 5\n", "");
}

static void
test_lines_crlf_bom_and_comments(void **state)
{
	struct cfg *cfg;
	char *errs;

	UNUSED(state);
	errs = load_text("\xEF\xBB\xBF; comment\r\n[agent]\r\n  asn = 64496 ; inline\r\n"
	                 "# hash comment\r\nrouter_id: 192.0.2.1\r\n\r\n",
	    &cfg);
	assert_string_equal(errs, "");
	assert_non_null(cfg);
	assert_int_equal(cfg->agent.asn, 64496);
	cfg_free(cfg);
	free(errs);
}

static void
test_long_lines_beyond_inih_buffer(void **state)
{
	char ini[4096], *p;
	const struct cfg_service *s;
	struct cfg *cfg;
	char *errs;
	int i;

	UNUSED(state);
	p = ini + snprintf(ini, sizeof(ini), AGENT "[service:s]\nprefixes = 192.0.2.0");
	for (i = 1; i < 100; i++)
		p += sprintf(p, ", 192.0.2.%d", i);
	sprintf(p, " ; a comment\n");
	errs = load_text(ini, &cfg);
	assert_string_equal(errs, "");
	assert_non_null(cfg);
	s = cfg_service_find(cfg, "s");
	assert_int_equal(s->n_prefixes, 100);
	cfg_free(cfg);
	free(errs);
}

/* ---- includes ---- */

static void
test_include_sorted_and_relative(void **state)
{
	struct cfg *cfg;
	char *errs;

	UNUSED(state);
	write_file("inc/d/b.ini", "[service:x]\nprefixes = 192.0.2.2\n");
	write_file("inc/d/a.ini", "[service:x]\nprefixes = 192.0.2.1\n");
	write_file("inc/d/c.txt", "not ini at all\n");
	write_file("inc/main.ini", AGENT "include = d/*.ini\n");
	errs = load(tpath("inc/main.ini"), &cfg);
	/* a.ini is read before b.ini, so b.ini is the one that repeats the section */
	assert_string_equal(errs, "inc/d/b.ini:1: [service:x]: defined again (first at "
	                          "inc/d/a.ini:1)\n");
	assert_null(cfg);
	free(errs);

	write_file("inc/d/b.ini", "[service:y]\nprefixes = 192.0.2.2\nbogus = 1\n");
	write_file("inc/main.ini", AGENT "include = d/*.ini\ninclude = nothing-*.ini\n"
	                                 "[service:z]\nprefixes = 192.0.2.3\n");
	errs = load(tpath("inc/main.ini"), &cfg);
	assert_string_equal(errs, "inc/main.ini:5: warning: [agent] include: inc/nothing-*.ini "
	                          "matches no file\n"
	                          "inc/d/b.ini:3: [service:y] bogus: unknown key\n");
	assert_null(cfg);
	free(errs);

	write_file("inc/d/b.ini", "[service:y]\nprefixes = 192.0.2.2\n");
	errs = load(tpath("inc/main.ini"), &cfg);
	assert_string_equal(errs, "inc/main.ini:5: warning: [agent] include: inc/nothing-*.ini "
	                          "matches no file\n");
	assert_non_null(cfg);
	assert_int_equal(cfg->n_services, 3);
	assert_string_equal(cfg->services[0].name, "x");
	assert_string_equal(cfg->services[1].name, "y");
	assert_string_equal(cfg->services[2].name, "z");
	cfg_free(cfg);
	free(errs);
}

/* cfg_load_buf reads text like a file of that name: same messages, relative includes
 * from the name's directory, and an empty text is an empty file. */
static void
test_load_buf_reads_like_a_file(void **state)
{
	static const char ini[] = AGENT "include = d/*.ini\n[service:z]\nprefixes = 192.0.2.3\n";
	char name[256], *text = NULL;
	size_t len = 0;
	FILE *errs;
	struct cfg *cfg;

	UNUSED(state);
	write_file("buf/d/a.ini", "[service:a]\nprefixes = 192.0.2.1\nbogus = 1\n");
	snprintf(name, sizeof(name), "%s", tpath("buf/main.ini"));
	errs = open_memstream(&text, &len);
	assert_non_null(errs);
	cfg = cfg_load_buf(name, ini, sizeof(ini) - 1, errs);
	fclose(errs);
	strip(text);
	assert_null(cfg);
	assert_string_equal(text, "buf/d/a.ini:3: [service:a] bogus: unknown key\n");
	free(text);

	write_file("buf/d/a.ini", "[service:a]\nprefixes = 192.0.2.1\n");
	cfg = cfg_load_buf(name, ini, sizeof(ini) - 1, NULL);
	assert_non_null(cfg);
	assert_int_equal(cfg->n_services, 2);
	assert_string_equal(cfg->path, name);
	cfg_free(cfg);

	text = NULL;
	errs = open_memstream(&text, &len);
	assert_null(cfg_load_buf("empty.ini", "", 0, errs));
	fclose(errs);
	assert_non_null(strstr(text, "empty.ini"));
	free(text);
}

static void
test_include_agent_twice_and_dirs(void **state)
{
	UNUSED(state);
	write_file("inc2/sub.d/x.ini", "[agent]\nasn = 1\n");
	mkdir(tpath("inc2/dir.ini"), 0700);
	write_file("inc2/main.ini", AGENT "include = sub.d/*.ini\ninclude = dir.ini\n");
	struct cfg *cfg;
	char *errs = load(tpath("inc2/main.ini"), &cfg);

	assert_string_equal(errs, "inc2/main.ini:5: [agent] include: cannot open inc2/dir.ini: "
	                          "Is a directory\n"
	                          "inc2/sub.d/x.ini:1: [agent]: defined again (first at "
	                          "inc2/main.ini:1)\n");
	assert_null(cfg);
	free(errs);
	errs = load(tpath("inc2/absent.ini"), &cfg);
	assert_string_equal(errs, "inc2/absent.ini: cannot open: No such file or directory\n");
	assert_null(cfg);
	free(errs);
}

/* ---- router id ---- */

static struct ifaddrs *
fake_if(struct ifaddrs *ifa, struct sockaddr_storage *ss, const char *name, const char *addr,
    unsigned flags, struct ifaddrs *next)
{
	memset(ifa, 0, sizeof(*ifa));
	memset(ss, 0, sizeof(*ss));
	ifa->ifa_name = (char *)name;
	ifa->ifa_flags = flags;
	ifa->ifa_next = next;
	ifa->ifa_addr = (struct sockaddr *)ss;
	if (strchr(addr, ':') != NULL) {
		ss->ss_family = AF_INET6;
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)ss)->sin6_addr);
	} else {
		ss->ss_family = AF_INET;
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)ss)->sin_addr);
	}
	return ifa;
}

static void
test_router_id_pick_lowest_non_loopback(void **state)
{
	struct sockaddr_storage ss[5];
	struct ifaddrs ifa[5], *list;
	struct in_addr out;

	UNUSED(state);
	list = fake_if(&ifa[4], &ss[4], "eth1", "198.51.100.7", IFF_UP, NULL);
	list = fake_if(&ifa[3], &ss[3], "eth0", "2001:db8::1", IFF_UP, list);
	list = fake_if(&ifa[2], &ss[2], "eth0", "203.0.113.9", IFF_UP, list);
	list = fake_if(&ifa[1], &ss[1], "eth2", "192.0.2.200", IFF_UP, list);
	list = fake_if(&ifa[0], &ss[0], "lo", "127.0.0.1", IFF_UP | IFF_LOOPBACK, list);
	assert_int_equal(cfg_router_id_pick(list, &out), 0);
	assert_int_equal(ntohl(out.s_addr), 0xC00002C8); /* 192.0.2.200 */

	/* loopback and IPv6 only: nothing to derive from */
	list = fake_if(&ifa[1], &ss[1], "eth0", "2001:db8::1", IFF_UP, NULL);
	list = fake_if(&ifa[0], &ss[0], "lo", "127.0.0.1", IFF_UP | IFF_LOOPBACK, list);
	assert_int_equal(cfg_router_id_pick(list, &out), -1);
	assert_int_equal(cfg_router_id_pick(NULL, &out), -1);
}

static void
test_router_id_derived_when_unset(void **state)
{
	struct in_addr want;
	struct cfg *cfg;
	char *errs;

	UNUSED(state);
	errs = load_text("[agent]\nasn = 64496\n", &cfg);
	if (cfg_router_id_derive(&want) == 0) {
		assert_string_equal(errs, "");
		assert_non_null(cfg);
		assert_true(cfg->agent.router_id_derived);
		assert_int_equal(cfg->agent.router_id.s_addr, want.s_addr);
	} else {
		assert_string_equal(errs, "t.ini:1: [agent] router_id: not set and no IPv4 address "
		                          "to derive it from\n");
		assert_null(cfg);
	}
	cfg_free(cfg);
	free(errs);
}

/* ---- shipped files, golden files, round trips ---- */

static void
assert_round_trip(const struct cfg *cfg)
{
	char *first = print_cfg(cfg), *second, *errs;
	struct cfg *again;

	write_file("print.ini", first);
	errs = load(tpath("print.ini"), &again);
	assert_non_null(again);
	second = print_cfg(again);
	assert_string_equal(first, second);
	cfg_free(again);
	free(first);
	free(second);
	free(errs);
}

/* Found by fuzz_config: a word holding a blank other than space or tab (here a vertical
 * tab, a form feed and a carriage return) was printed unquoted, so the printed file split
 * it in two. */
static void
test_print_quotes_words_with_any_blank(void **state)
{
	static const char ini[] = AGENT "[service:s]\nprefixes = 192.0.2.1\n"
	                                "on_change = \"a\vb\" 'c\fd' \"e\rf\" g\n";
	struct cfg *cfg = cfg_load_buf("t.ini", ini, sizeof(ini) - 1, NULL);
	const struct cfg_argv *a;

	UNUSED(state);
	assert_non_null(cfg);
	a = &cfg->services[0].on_change;
	assert_int_equal(a->argc, 4);
	assert_string_equal(a->argv[0], "a\vb");
	assert_string_equal(a->argv[1], "c\fd");
	assert_string_equal(a->argv[2], "e\rf");
	assert_round_trip(cfg);
	cfg_free(cfg);
}

static void
test_example_config_validates(void **state)
{
	struct cfg *cfg;
	char *errs, *sum = NULL;
	size_t len;
	FILE *f;

	UNUSED(state);
	errs = load("etc/pharosd.ini", &cfg);
	assert_string_equal(errs, "");
	assert_non_null(cfg);
	assert_int_equal(cfg->n_services, 2);
	assert_int_equal(cfg->n_peers, 2);
	assert_non_null(cfg_service_find(cfg, "www")); /* from conf.d/example-service.ini */
	f = open_memstream(&sum, &len);
	cfg_summary(cfg, f);
	fclose(f);
	assert_string_equal(sum, "agent: AS 64496, router_id 192.0.2.1, interface lo\n"
	                         "2 services, 4 prefixes (3 on lo), 2 peers, 5 probes\n");
	assert_round_trip(cfg);
	cfg_free(cfg);
	free(sum);
	free(errs);
}

static void
test_golden_bad(void **state)
{
	char *errs, *want;

	UNUSED(state);
	errs = load("tests/config/bad.ini", NULL);
	want = slurp("tests/config/bad.expected");
	assert_string_equal(errs, want);
	free(errs);
	free(want);
}

static void
test_golden_good(void **state)
{
	struct cfg *cfg;
	char *errs, *got, *want;

	UNUSED(state);
	errs = load("tests/config/good.ini", &cfg);
	assert_string_equal(errs, "");
	assert_non_null(cfg);
	got = print_cfg(cfg);
	want = slurp("tests/config/good.expected");
	assert_string_equal(got, want);
	assert_round_trip(cfg);
	cfg_free(cfg);
	free(got);
	free(want);
	free(errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bool_values),
	    cmocka_unit_test(test_asn_asplain_and_asdot),
	    cmocka_unit_test(test_duration_values_in_probe),
	    cmocka_unit_test(test_communities_and_well_known_names),
	    cmocka_unit_test(test_large_communities),
	    cmocka_unit_test(test_status_ranges),
	    cmocka_unit_test(test_argv_splitting),
	    cmocka_unit_test(test_qtype_and_rcode_names),
	    cmocka_unit_test(test_defaults_of_every_section),
	    cmocka_unit_test(test_http_and_exec_values),
	    cmocka_unit_test(test_unknown_section_key_and_syntax),
	    cmocka_unit_test(test_missing_required_keys),
	    cmocka_unit_test(test_required_probe_keys_per_type),
	    cmocka_unit_test(test_probe_key_on_wrong_type),
	    cmocka_unit_test(test_probe_timing_rules),
	    cmocka_unit_test(test_bad_values_are_all_reported),
	    cmocka_unit_test(test_duplicate_key_and_section),
	    cmocka_unit_test(test_undefined_probe_and_peer),
	    cmocka_unit_test(test_prefix_claimed_by_two_services),
	    cmocka_unit_test(test_require_against_probes),
	    cmocka_unit_test(test_as_path_prepend_range),
	    cmocka_unit_test(test_hold_time_rules),
	    cmocka_unit_test(test_passwords),
	    cmocka_unit_test(test_peer_options),
	    cmocka_unit_test(test_down_keys_with_withdraw_warn),
	    cmocka_unit_test(test_lines_crlf_bom_and_comments),
	    cmocka_unit_test(test_long_lines_beyond_inih_buffer),
	    cmocka_unit_test(test_include_sorted_and_relative),
	    cmocka_unit_test(test_include_agent_twice_and_dirs),
	    cmocka_unit_test(test_load_buf_reads_like_a_file),
	    cmocka_unit_test(test_print_quotes_words_with_any_blank),
	    cmocka_unit_test(test_router_id_pick_lowest_non_loopback),
	    cmocka_unit_test(test_router_id_derived_when_unset),
	    cmocka_unit_test(test_example_config_validates),
	    cmocka_unit_test(test_golden_bad),
	    cmocka_unit_test(test_golden_good),
	};

	log_init("test_config", LOG_LVL_WARN, 0);
	return cmocka_run_group_tests_name("config", tests, group_setup, group_teardown);
}
