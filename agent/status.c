/* status: what the agent knows, as JSON (pharosctl status), as Prometheus text (the
 * metrics endpoint) and as one line (systemd STATUS=). Read-only over the agent. */
#define _GNU_SOURCE
#include "agent/agent_impl.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/mono.h"
#include "lib/util.h"

static const char *const bgp_msg_names[] = {
    [1] = "open",
    [2] = "update",
    [3] = "notification",
    [4] = "keepalive",
    [5] = "route_refresh",
};

static const char *const fam_names[BGP_FAM_COUNT] = {
    [BGP_FAM_IPV4] = "ipv4",
    [BGP_FAM_IPV6] = "ipv6",
};

static const char *const phase_names[] = {
    [AGENT_RUNNING] = "running",
    [AGENT_DRAINING] = "draining",
    [AGENT_WITHDRAWING] = "withdrawing",
    [AGENT_STOPPED] = "stopped",
};

static bool
drain_file_present(const struct asvc *s)
{
	return s->c->drain_file != NULL && access(s->c->drain_file, F_OK) == 0;
}

static bool
probe_is_up(const struct aprobe *ap)
{
	return ap != NULL && ap->p != NULL && probe_get_state(ap->p) == PROBE_UP;
}

static double
secs(usec_t d)
{
	return d > 0 ? (double)d / USEC_PER_SEC : 0.0;
}

/* iso_time: the wall-clock time of monotonic instant t, as 2026-01-02T03:04:05Z. */
static const char *
iso_time(const struct agent *a, usec_t t, char *buf, size_t len)
{
	time_t w = (time_t)((mono_wall() - (loop_now(a->l) - t)) / USEC_PER_SEC);
	struct tm tm;

	if (gmtime_r(&w, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

/* ---- JSON ---- */

static void
json_kv_str(FILE *f, const char *key, const char *v, bool comma)
{
	json_write_str(f, key);
	fputc(':', f);
	json_write_str(f, v != NULL ? v : "");
	if (comma)
		fputc(',', f);
}

static void
json_probe(FILE *f, const struct aprobe *ap, const struct cfg_probe *c)
{
	const struct probe_counters *pc =
	    ap != NULL && ap->p != NULL ? probe_counters(ap->p) : NULL;
	const char *reason = ap != NULL && ap->p != NULL ? probe_last_reason(ap->p) : NULL;

	fputc('{', f);
	json_kv_str(f, "name", c->name, true);
	json_kv_str(f, "type", cfg_probe_type_name(c->type), true);
	json_kv_str(f, "state", probe_is_up(ap) ? "up" : "down", true);
	json_kv_str(f, "last_result", reason != NULL ? reason : "", true);
	fprintf(f, "\"latency_ms\":%.3f,",
	    ap != NULL && ap->p != NULL ? (double)probe_last_latency(ap->p) / USEC_PER_MSEC : 0.0);
	fprintf(f, "\"ok\":%" PRIu64 ",\"fail\":%" PRIu64 ",\"timeout\":%" PRIu64 "}",
	    pc ? pc->ok : 0, pc ? pc->fail : 0, pc ? pc->timeout : 0);
}

static void
json_service(FILE *f, const struct agent *a, const struct asvc *s)
{
	char t[32], pfx[ADDR_STRLEN + 8];
	size_t i;

	fputc('{', f);
	json_kv_str(f, "name", s->c->name, true);
	json_kv_str(f, "state", agent_svc_state(s), true);
	json_kv_str(f, "mode", agent_mode_name(s->mode), true);
	json_kv_str(f, "health", health_state_name(health_get_state(s->h)), true);
	fprintf(f, "\"since\":%.3f,", secs(loop_now(a->l) - s->since));
	json_kv_str(f, "since_time", iso_time(a, s->since, t, sizeof(t)), true);
	fprintf(f, "\"drained\":%s,\"drain_file\":%s,", s->admin_drained ? "true" : "false",
	    drain_file_present(s) ? "true" : "false");
	json_kv_str(f, "reason", s->reason, true);
	fprintf(f, "\"transitions\":%" PRIu64 ",\"prefixes\":[", s->transitions);
	for (i = 0; i < s->c->n_prefixes; i++) {
		if (i > 0)
			fputc(',', f);
		json_write_str(f, prefix_ntop(&s->c->prefixes[i], pfx));
	}
	fputs("],\"probes\":[", f);
	for (i = 0; i < s->c->n_probes; i++) {
		if (i > 0)
			fputc(',', f);
		json_probe(f, s->probes[i], s->c->probes[i]);
	}
	fputs("]}", f);
}

static void
json_fam_counts(FILE *f, const char *key, const uint64_t *v)
{
	size_t i;

	fprintf(f, "\"%s\":{", key);
	for (i = 0; i < BGP_FAM_COUNT; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", fam_names[i], v[i]);
	fputs("},", f);
}

static void
json_peer(FILE *f, const struct agent *a, const struct apeer *pe)
{
	struct bgp_peer_stats st;
	char addr[ADDR_STRLEN];
	bool up;
	size_t i, n = 0;

	memset(&st, 0, sizeof(st));
	if (pe->p != NULL)
		bgp_peer_get_stats(pe->p, &st);
	up = pe->p != NULL && st.state == BGP_ST_ESTABLISHED;
	fputc('{', f);
	json_kv_str(f, "name", pe->c->name, true);
	json_kv_str(f, "address", addr_ntop(&pe->c->address, addr), true);
	fprintf(f, "\"asn\":%" PRIu32 ",", pe->c->asn);
	json_kv_str(f, "state", pe->p != NULL ? bgp_state_name(st.state) : "Idle", true);
	fprintf(f, "\"uptime\":%.3f,", up ? secs(loop_now(a->l) - st.state_since) : 0.0);
	fprintf(f, "\"prefixes_announced\":%" PRIu64 ",", st.prefixes_announced);
	json_fam_counts(f, "prefixes_received", st.rx_prefixes);
	json_fam_counts(f, "withdrawals_received", st.rx_withdrawn);
	json_kv_str(f, "last_error", st.last_error, true);
	fprintf(f, "\"hold_time\":%lld,\"families\":[",
	    up ? (long long)(st.hold_time / USEC_PER_SEC) : 0LL);
	for (i = 0; up && i < BGP_FAM_COUNT; i++)
		if (st.family[i])
			fprintf(f, "%s\"%s\"", n++ ? "," : "", fam_names[i]);
	fputs("]}", f);
}

struct addr_walk {
	FILE *f;
	size_t n;
};

static void
json_address(const struct nl_addr_status *st, void *arg)
{
	struct addr_walk *w = arg;
	char pfx[ADDR_STRLEN + 8];

	fputs(w->n++ ? ",{" : "{", w->f);
	json_kv_str(w->f, "prefix", prefix_ntop(&st->prefix, pfx), true);
	fprintf(w->f, "\"owned\":%s,\"adopted\":%s,\"wanted\":%s,\"present\":%s}",
	    st->owned ? "true" : "false", st->adopted ? "true" : "false",
	    st->wanted ? "true" : "false", st->present ? "true" : "false");
}

static void
json_agent(FILE *f, const struct agent *a)
{
	char rid[INET_ADDRSTRLEN];

	fputs("\"agent\":{", f);
	json_kv_str(f, "version", PHAROS_VERSION, true);
	fprintf(f, "\"asn\":%" PRIu32 ",", a->cfg->agent.asn);
	json_kv_str(
	    f, "router_id", inet_ntop(AF_INET, &a->cfg->agent.router_id, rid, sizeof(rid)), true);
	json_kv_str(f, "interface", a->cfg->agent.interface, true);
	json_kv_str(f, "phase",
	    (unsigned)a->phase < nitems(phase_names) ? phase_names[a->phase] : "?", true);
	fprintf(f, "\"uptime\":%.3f,\"reloads\":%" PRIu64 ",\"reload_failures\":%" PRIu64 ",",
	    secs(loop_now(a->l) - a->started), a->reloads, a->reload_failures);
	/* Pending loop timers: the soak test checks that faults leak none. */
	fprintf(f, "\"timers\":%zu}", loop_timer_count(a->l));
}

void
agent_status_json(struct agent *a, FILE *f)
{
	struct addr_walk w = {.f = f};
	size_t i;

	fputc('{', f);
	json_agent(f, a);
	fputs(",\"services\":[", f);
	for (i = 0; a->svcs != NULL && i < a->cfg->n_services; i++) {
		if (i > 0)
			fputc(',', f);
		json_service(f, a, a->svcs[i]);
	}
	fputs("],\"peers\":[", f);
	for (i = 0; a->peers != NULL && i < a->cfg->n_peers; i++) {
		if (i > 0)
			fputc(',', f);
		json_peer(f, a, &a->peers[i]);
	}
	fputs("],\"addresses\":[", f);
	if (a->nl != NULL)
		nl_status(a->nl, json_address, &w);
	fputs("]}", f);
}

/* ---- Prometheus text exposition format 0.0.4 ---- */

/* prom_label: name="value" with \, " and newline escaped as the format requires. */
static void
prom_label(FILE *f, const char *name, const char *v)
{
	fprintf(f, "%s=\"", name);
	for (; v != NULL && *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void
prom_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metrics_services(struct agent *a, FILE *f)
{
	static const struct {
		const char *name, *type, *help;
	} m[] = {
	    {"pharos_service_up", "gauge",
	        "Whether the service is announced as up (1) or not (0)."},
	    {"pharos_service_drained", "gauge",
	        "Whether the service is drained by an operator or its drain file (1) or not (0)."},
	    {"pharos_service_transitions_total", "counter",
	        "Changes of what the service announces since the agent started."},
	};
	size_t k, i;

	for (k = 0; k < nitems(m); k++) {
		prom_head(f, m[k].name, m[k].type, m[k].help);
		for (i = 0; a->svcs != NULL && i < a->cfg->n_services; i++) {
			const struct asvc *s = a->svcs[i];
			uint64_t v = k == 0   ? s->mode == AGENT_MODE_NORMAL
			             : k == 1 ? s->admin_drained || drain_file_present(s)
			                      : s->transitions;

			fprintf(f, "%s{", m[k].name);
			prom_label(f, "service", s->c->name);
			fprintf(f, "} %" PRIu64 "\n", v);
		}
	}
}

static void
metrics_probe_hist(FILE *f, const struct aprobe *ap)
{
	uint64_t cum = 0;
	size_t i;

	for (i = 0; i <= AGENT_HIST_N; i++) {
		cum += ap->hist[i];
		fputs("pharos_probe_duration_seconds_bucket{", f);
		prom_label(f, "probe", ap->c->name);
		if (i < AGENT_HIST_N)
			fprintf(f, ",le=\"%g\"} %" PRIu64 "\n", secs(agent_hist_bounds[i]), cum);
		else
			fprintf(f, ",le=\"+Inf\"} %" PRIu64 "\n", cum);
	}
	fputs("pharos_probe_duration_seconds_sum{", f);
	prom_label(f, "probe", ap->c->name);
	fprintf(f, "} %.6f\npharos_probe_duration_seconds_count{", ap->latency_sum);
	prom_label(f, "probe", ap->c->name);
	fprintf(f, "} %" PRIu64 "\n", ap->latency_count);
}

static void
metrics_probes(struct agent *a, FILE *f)
{
	static const char *const results[] = {"ok", "fail", "timeout"};
	size_t i, k;

	prom_head(f, "pharos_probe_up", "gauge", "Whether the probe is up (1) or down (0).");
	for (i = 0; a->probes != NULL && i < a->cfg->n_probes; i++) {
		fputs("pharos_probe_up{", f);
		prom_label(f, "probe", a->probes[i]->c->name);
		fprintf(f, "} %d\n", probe_is_up(a->probes[i]) ? 1 : 0);
	}
	prom_head(f, "pharos_probe_checks_total", "counter", "Checks the probe ran, by result.");
	for (i = 0; a->probes != NULL && i < a->cfg->n_probes; i++) {
		const struct aprobe *ap = a->probes[i];
		const struct probe_counters *pc = ap->p != NULL ? probe_counters(ap->p) : NULL;
		uint64_t v[3] = {pc ? pc->ok : 0, pc ? pc->fail : 0, pc ? pc->timeout : 0};

		for (k = 0; k < nitems(results); k++) {
			fputs("pharos_probe_checks_total{", f);
			prom_label(f, "probe", ap->c->name);
			fputc(',', f);
			prom_label(f, "result", results[k]);
			fprintf(f, "} %" PRIu64 "\n", v[k]);
		}
	}
	prom_head(f, "pharos_probe_duration_seconds", "histogram", "How long checks took.");
	for (i = 0; a->probes != NULL && i < a->cfg->n_probes; i++)
		metrics_probe_hist(f, a->probes[i]);
}

static void
peer_sample(FILE *f, const char *metric, const struct apeer *pe, const char *lname,
    const char *lval, uint64_t v)
{
	fprintf(f, "%s{", metric);
	prom_label(f, "peer", pe->c->name);
	if (lname != NULL) {
		fputc(',', f);
		prom_label(f, lname, lval);
	}
	fprintf(f, "} %" PRIu64 "\n", v);
}

static void
msg_sample(FILE *f, const struct apeer *pe, const char *dir, const char *type, uint64_t v)
{
	fputs("pharos_bgp_messages_total{", f);
	prom_label(f, "peer", pe->c->name);
	fputc(',', f);
	prom_label(f, "direction", dir);
	fputc(',', f);
	prom_label(f, "type", type);
	fprintf(f, "} %" PRIu64 "\n", v);
}

static void
metrics_peers(struct agent *a, FILE *f)
{
	struct bgp_peer_stats *st = xcalloc(a->cfg->n_peers + 1, sizeof(*st));
	size_t i, k, n = a->peers != NULL ? a->cfg->n_peers : 0;

	for (i = 0; i < n; i++)
		if (a->peers[i].p != NULL)
			bgp_peer_get_stats(a->peers[i].p, &st[i]);
	prom_head(f, "pharos_peer_established", "gauge",
	    "Whether the BGP session is established (1) or not (0).");
	for (i = 0; i < n; i++)
		peer_sample(f, "pharos_peer_established", &a->peers[i], NULL, NULL,
		    a->peers[i].p != NULL && st[i].state == BGP_ST_ESTABLISHED);
	prom_head(f, "pharos_peer_prefixes_announced", "gauge", "Prefixes announced to the peer.");
	for (i = 0; i < n; i++)
		peer_sample(f, "pharos_peer_prefixes_announced", &a->peers[i], NULL, NULL,
		    st[i].prefixes_announced);
	prom_head(f, "pharos_peer_prefixes_received", "counter",
	    "Prefixes received from the peer, by address family.");
	for (i = 0; i < n; i++)
		for (k = 0; k < BGP_FAM_COUNT; k++)
			peer_sample(f, "pharos_peer_prefixes_received", &a->peers[i], "family",
			    fam_names[k], st[i].rx_prefixes[k]);
	prom_head(f, "pharos_bgp_messages_total", "counter",
	    "BGP messages exchanged with the peer, by direction and type.");
	for (i = 0; i < n; i++) {
		for (k = 1; k < nitems(bgp_msg_names); k++)
			msg_sample(f, &a->peers[i], "in", bgp_msg_names[k], st[i].msgs_in[k]);
		for (k = 1; k < nitems(bgp_msg_names); k++)
			msg_sample(f, &a->peers[i], "out", bgp_msg_names[k], st[i].msgs_out[k]);
	}
	free(st);
}

void
agent_metrics(struct agent *a, FILE *f)
{
	metrics_services(a, f);
	metrics_probes(a, f);
	metrics_peers(a, f);
	prom_head(f, "pharos_build_info", "gauge", "The running pharosd version; always 1.");
	fputs("pharos_build_info{", f);
	prom_label(f, "version", PHAROS_VERSION);
	fputs("} 1\n", f);
}

const char *
agent_status_line(struct agent *a, char *buf, size_t len)
{
	size_t i, up = 0, drained = 0, est = 0, n = a->svcs != NULL ? a->cfg->n_services : 0;
	struct bgp_peer_stats st;

	for (i = 0; i < n; i++) {
		const char *s = agent_svc_state(a->svcs[i]);

		up += strcmp(s, "up") == 0;
		drained += strcmp(s, "drained") == 0 || strcmp(s, "draining") == 0;
	}
	for (i = 0; a->peers != NULL && i < a->cfg->n_peers; i++) {
		if (a->peers[i].p == NULL)
			continue;
		bgp_peer_get_stats(a->peers[i].p, &st);
		est += st.state == BGP_ST_ESTABLISHED;
	}
	snprintf(buf, len, "%s: %zu/%zu services up, %zu drained; %zu/%zu peers established",
	    (unsigned)a->phase < nitems(phase_names) ? phase_names[a->phase] : "?", up, n, drained,
	    est, a->peers != NULL ? a->cfg->n_peers : 0);
	return buf;
}
