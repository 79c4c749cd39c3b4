/* config_value: parsers and printers for the value syntax of pharosd.ini. */
#include "agent/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/dnswire.h"
#include "lib/util.h"

static const struct {
	const char *name;
	uint32_t value;
} well_known[] = {
    {"no-export", CFG_COMM_NO_EXPORT},
    {"no-advertise", CFG_COMM_NO_ADVERTISE},
    {"no-export-subconfed", CFG_COMM_NO_EXPORT_SUBCONFED},
    {"graceful-shutdown", CFG_COMM_GRACEFUL_SHUTDOWN},
    {"blackhole", CFG_COMM_BLACKHOLE},
};

/* parse_u32: a plain decimal number no greater than max, nothing else; 0 or -1. */
static int
parse_u32(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
cfg_parse_bool(const char *s, bool *out, const char **why)
{
	static const char *yes[] = {"yes", "true", "on", "1"};
	static const char *no[] = {"no", "false", "off", "0"};
	size_t i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	*why = "not a boolean (yes/no, true/false, on/off, 1/0)";
	return -1;
}

int
cfg_parse_asn(const char *s, uint32_t *out, const char **why)
{
	const char *dot = strchr(s, '.');
	uint32_t hi, lo;

	*why = "not an AS number (1-4294967295 or asdot 1.10)";
	if (dot != NULL) {
		/* RFC 5396 asdot: high.low, each a 16-bit number */
		if (parse_u32(s, (size_t)(dot - s), 65535, &hi) == -1 ||
		    parse_u32(dot + 1, strlen(dot + 1), 65535, &lo) == -1)
			return -1;
		*out = hi << 16 | lo;
	} else if (parse_u32(s, strlen(s), UINT32_MAX, out) == -1) {
		return -1;
	}
	if (*out == 0) {
		*why = "AS 0 is reserved (RFC 7607)";
		return -1;
	}
	if (*out == 23456) {
		*why = "AS 23456 is AS_TRANS (RFC 6793), not a real AS";
		return -1;
	}
	return 0;
}

int
cfg_parse_community(const char *s, uint32_t *out, const char **why)
{
	const char *colon = strchr(s, ':');
	uint32_t hi, lo;
	size_t i;

	for (i = 0; i < nitems(well_known); i++) {
		if (strcasecmp(s, well_known[i].name) == 0) {
			*out = well_known[i].value;
			return 0;
		}
	}
	*why = "not a community (A:B with 16-bit parts, or no-export, no-advertise, "
	       "no-export-subconfed, graceful-shutdown, blackhole)";
	if (colon == NULL || parse_u32(s, (size_t)(colon - s), 65535, &hi) == -1 ||
	    parse_u32(colon + 1, strlen(colon + 1), 65535, &lo) == -1)
		return -1;
	*out = hi << 16 | lo;
	return 0;
}

int
cfg_parse_large_community(const char *s, struct cfg_large_community *out, const char **why)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

	*why = "not a large community (A:B:C with 32-bit parts)";
	if (c1 == NULL || c2 == NULL ||
	    parse_u32(s, (size_t)(c1 - s), UINT32_MAX, &out->global) == -1 ||
	    parse_u32(c1 + 1, (size_t)(c2 - c1 - 1), UINT32_MAX, &out->local1) == -1 ||
	    parse_u32(c2 + 1, strlen(c2 + 1), UINT32_MAX, &out->local2) == -1)
		return -1;
	return 0;
}

/* parse_status_range: "200" or "200-299" between 100 and 599. */
static int
parse_status_range(const char *s, size_t len, struct cfg_range *r)
{
	const char *dash = memchr(s, '-', len);
	uint32_t lo, hi;

	if (dash == NULL) {
		if (parse_u32(s, len, 999, &lo) == -1)
			return -1;
		hi = lo;
	} else if (parse_u32(s, (size_t)(dash - s), 999, &lo) == -1 ||
	           parse_u32(dash + 1, len - (size_t)(dash - s) - 1, 999, &hi) == -1) {
		return -1;
	}
	if (lo < 100 || hi > 599 || lo > hi)
		return -1;
	r->lo = lo;
	r->hi = hi;
	return 0;
}

int
cfg_parse_status_ranges(const char *s, struct cfg_range **out, size_t *n, const char **why)
{
	struct cfg_range *r = NULL;
	size_t cnt = 0;
	const char *p = s;

	*why = "not a list of HTTP status codes or ranges (100-599, e.g. 200, 301-302)";
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		r = xreallocarray(r, cnt + 1, sizeof(*r));
		if (parse_status_range(p, len, &r[cnt]) == -1) {
			free(r);
			return -1;
		}
		cnt++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	*out = r;
	*n = cnt;
	return 0;
}

/* argv_push: append the word in w (length wl) to a. */
static void
argv_push(struct cfg_argv *a, const char *w, size_t wl)
{
	a->argv = xreallocarray(a->argv, a->argc + 2, sizeof(*a->argv));
	a->argv[a->argc++] = xstrndup(w, wl);
	a->argv[a->argc] = NULL;
}

int
cfg_split_argv(const char *s, struct cfg_argv *out, const char **why)
{
	size_t len = strlen(s), wl = 0;
	char *w = xmalloc(len + 1);
	char quote = 0;
	bool inword = false;

	out->argv = NULL;
	out->argc = 0;
	for (; *s != '\0'; s++) {
		if (quote == '\'') {
			if (*s == '\'')
				quote = 0;
			else
				w[wl++] = *s;
		} else if (quote == '"') {
			if (*s == '"')
				quote = 0;
			else if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				w[wl++] = *++s;
			else
				w[wl++] = *s;
		} else if (isspace((unsigned char)*s)) {
			if (inword)
				argv_push(out, w, wl);
			inword = false;
			wl = 0;
		} else {
			inword = true;
			if (*s == '\'' || *s == '"')
				quote = *s;
			else if (*s == '\\' && s[1] != '\0')
				w[wl++] = *++s;
			else
				w[wl++] = *s;
		}
	}
	if (inword && quote == 0)
		argv_push(out, w, wl);
	free(w);
	if (quote != 0) {
		cfg_argv_free(out);
		*why = "unterminated quote";
		return -1;
	}
	if (out->argc == 0) {
		*why = "empty command";
		return -1;
	}
	return 0;
}

void
cfg_argv_free(struct cfg_argv *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}

const char *
cfg_community_fmt(uint32_t c, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < nitems(well_known); i++) {
		if (well_known[i].value == c) {
			snprintf(buf, len, "%s", well_known[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "%u:%u", c >> 16, c & 0xffff);
	return buf;
}

const char *
cfg_probe_type_name(enum cfg_probe_type t)
{
	switch (t) {
	case CFG_PROBE_DNS: return "dns";
	case CFG_PROBE_TCP: return "tcp";
	case CFG_PROBE_HTTP: return "http";
	case CFG_PROBE_EXEC: return "exec";
	}
	return "?";
}

/* Query types and rcodes are spelled as lib/dnswire spells them (the dns probe and
 * pharos-dnsd use the same tables): mnemonics or RFC 3597 TYPEnnn / RCODEnnn. */
int
cfg_parse_qtype(const char *s, uint16_t *out, const char **why)
{
	uint16_t t;

	if (dns_type_from_text(s, strlen(s), &t) == -1 || t == 0) {
		*why = "not a query type (A, AAAA, SOA, NS, TXT, ... or TYPEnnn)";
		return -1;
	}
	*out = t;
	return 0;
}

const char *
cfg_qtype_fmt(uint16_t t, char *buf, size_t len)
{
	char tmp[DNS_TYPE_TEXTMAX];

	snprintf(buf, len, "%s", dns_type_to_text(t, tmp));
	return buf;
}

int
cfg_parse_rcode(const char *s, uint8_t *out, const char **why)
{
	uint16_t r;

	if (dns_rcode_from_text(s, strlen(s), &r) == -1 || r > UINT8_MAX) {
		*why = "not an rcode (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...)";
		return -1;
	}
	*out = (uint8_t)r;
	return 0;
}

const char *
cfg_rcode_name(uint8_t rcode)
{
	static char buf[DNS_TYPE_TEXTMAX]; /* only for RCODEnnn; the loop is single-threaded */

	return dns_rcode_to_text(rcode, buf);
}
