/* ctlfmt: format the status JSON for people; missing members print as "-" or 0. */
#include "agent/ctlfmt.h"

#include <stdbool.h>
#include <string.h>

static const char *
str(const struct json *o, const char *key)
{
	const char *s = json_str(json_get(o, key), NULL);

	return s != NULL && s[0] != '\0' ? s : "-";
}

static double
num(const struct json *o, const char *key)
{
	return json_num(json_get(o, key), 0);
}

static const struct json *
arr(const struct json *o, const char *key)
{
	const struct json *a = json_get(o, key);

	return a != NULL && a->type == JSON_ARRAY ? a : NULL;
}

const char *
ctlfmt_duration(double secs, char *buf, size_t len)
{
	unsigned long long s = secs > 0 ? (unsigned long long)secs : 0;

	if (s < 60)
		snprintf(buf, len, "%llus", s);
	else if (s < 3600)
		snprintf(buf, len, "%llum%llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lluh%llum", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%llud%lluh", s / 86400, s % 86400 / 3600);
	return buf;
}

static void
fmt_agent(const struct json *ag, FILE *out)
{
	char up[32];

	fprintf(out, "pharosd %s  AS%.0f  router-id %s  interface %s  %s for %s  reloads %.0f",
	    str(ag, "version"), num(ag, "asn"), str(ag, "router_id"), str(ag, "interface"),
	    str(ag, "phase"), ctlfmt_duration(num(ag, "uptime"), up, sizeof(up)),
	    num(ag, "reloads"));
	if (num(ag, "reload_failures") > 0)
		fprintf(out, " (%.0f failed)", num(ag, "reload_failures"));
	fputc('\n', out);
}

static const char *
drained_by(const struct json *s)
{
	bool op = json_bool(json_get(s, "drained"), false);
	bool file = json_bool(json_get(s, "drain_file"), false);

	return op && file ? "operator+file" : op ? "operator" : file ? "file" : "no";
}

static void
fmt_services(const struct json *svcs, FILE *out)
{
	char since[32];
	size_t i, k;

	fprintf(
	    out, "\n%-20s %-9s %-9s %-13s %s\n", "SERVICE", "STATE", "SINCE", "DRAINED", "REASON");
	for (i = 0; svcs != NULL && i < svcs->n; i++) {
		const struct json *s = svcs->items[i], *pr = arr(s, "probes");

		fprintf(out, "%-20s %-9s %-9s %-13s %s\n", str(s, "name"), str(s, "state"),
		    ctlfmt_duration(num(s, "since"), since, sizeof(since)), drained_by(s),
		    str(s, "reason"));
		for (k = 0; pr != NULL && k < pr->n; k++) {
			const struct json *p = pr->items[k];

			fprintf(out,
			    "  probe %-14s %-5s %-5s %8.1f ms  ok %.0f fail %.0f timeout %.0f  "
			    "%s\n",
			    str(p, "name"), str(p, "type"), str(p, "state"), num(p, "latency_ms"),
			    num(p, "ok"), num(p, "fail"), num(p, "timeout"), str(p, "last_result"));
		}
	}
}

static void
fmt_peers(const struct json *peers, FILE *out)
{
	char up[32], rx[48];
	size_t i;

	fprintf(out, "\n%-16s %-24s %-12s %-9s %-9s %-15s %s\n", "PEER", "ADDRESS", "STATE",
	    "UPTIME", "ANNOUNCED", "RECEIVED v4/v6", "LAST ERROR");
	for (i = 0; peers != NULL && i < peers->n; i++) {
		const struct json *p = peers->items[i], *r = json_get(p, "prefixes_received");

		snprintf(rx, sizeof(rx), "%.0f/%.0f", num(r, "ipv4"), num(r, "ipv6"));
		fprintf(out, "%-16s %-24s %-12s %-9s %-9.0f %-15s %s\n", str(p, "name"),
		    str(p, "address"), str(p, "state"),
		    num(p, "uptime") > 0 ? ctlfmt_duration(num(p, "uptime"), up, sizeof(up)) : "-",
		    num(p, "prefixes_announced"), rx, str(p, "last_error"));
	}
}

static void
fmt_addresses(const struct json *addrs, FILE *out)
{
	size_t i;

	fprintf(out, "\n%-44s %-8s %s\n", "ADDRESS", "OWNER", "PRESENT");
	for (i = 0; addrs != NULL && i < addrs->n; i++) {
		const struct json *a = addrs->items[i];

		fprintf(out, "%-44s %-8s %s\n", str(a, "prefix"),
		    json_bool(json_get(a, "adopted"), false) ? "adopted"
		    : json_bool(json_get(a, "owned"), false) ? "pharosd"
		                                             : "-",
		    json_bool(json_get(a, "present"), false) ? "yes" : "no");
	}
}

void
ctlfmt_status(const struct json *status, FILE *out)
{
	fmt_agent(json_get(status, "agent"), out);
	fmt_services(arr(status, "services"), out);
	fmt_peers(arr(status, "peers"), out);
	fmt_addresses(arr(status, "addresses"), out);
}
