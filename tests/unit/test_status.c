/* test_status: agent/status — the status JSON (escaping, content), the Prometheus text
 * (checked by a strict parser of the exposition format 0.0.4) and the status line. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "lib/json.h"
#include "lib/log.h"
#include "fake_agent.h"

/* ---- a strict parser of the Prometheus text format ---- */

#define MAX_SERIES 512

struct prom {
	char *series[MAX_SERIES]; /* name{l1="v1",...} with values decoded */
	double value[MAX_SERIES];
	size_t n;
	char families[64][80];
	char types[64][200];
	bool closed[64]; /* a later family had samples: no more of this one */
	bool helped[64];
	size_t nfam;
	char err[200];
};

static int
perr(struct prom *p, int line, const char *what)
{
	snprintf(p->err, sizeof(p->err), "line %d: %s", line, what);
	return -1;
}

static bool
is_name(const char *s, size_t n, bool colon)
{
	size_t i;

	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_' || (colon && s[0] == ':')))
		return false;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || (colon && s[i] == ':')))
			return false;
	return true;
}

static int
family_of(struct prom *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nfam; i++)
		if (strcmp(p->families[i], name) == 0)
			return (int)i;
	return -1;
}

/* sample_family: the family a sample name belongs to (histogram suffixes removed). */
static int
sample_family(struct prom *p, const char *name)
{
	static const char *const sfx[] = {"_bucket", "_sum", "_count"};
	char base[80];
	size_t i, n = strlen(name);
	int f = family_of(p, name);

	if (f >= 0)
		return p->types[f][0] == '\0' || strcmp(p->types[f], "histogram") == 0 ? -1 : f;
	for (i = 0; i < 3; i++) {
		size_t k = strlen(sfx[i]);

		if (n > k && n - k < sizeof(base) && strcmp(name + n - k, sfx[i]) == 0) {
			memcpy(base, name, n - k);
			base[n - k] = '\0';
			f = family_of(p, base);
			if (f >= 0 && strcmp(p->types[f], "histogram") == 0)
				return f;
		}
	}
	return -1;
}

/* add_family: the family name, created when new; -1 when the table is full. */
static int
add_family(struct prom *p, const char *name)
{
	int f = family_of(p, name);

	if (f >= 0 || p->nfam == 64)
		return f;
	snprintf(p->families[p->nfam], sizeof(p->families[0]), "%s", name);
	return (int)p->nfam++;
}

/* parse_comment: # HELP and # TYPE, each at most once per family, in either order. */
static int
parse_comment(struct prom *p, int ln, char *s)
{
	char name[80], rest[200];
	int f;

	if (sscanf(s, "# HELP %79s %199[^\n]", name, rest) == 2) {
		if (!is_name(name, strlen(name), true) || (f = add_family(p, name)) < 0 ||
		    p->helped[f])
			return perr(p, ln, "bad or repeated HELP");
		p->helped[f] = true;
		return 0;
	}
	if (sscanf(s, "# TYPE %79s %199s", name, rest) == 2) {
		if (!is_name(name, strlen(name), true) || (f = add_family(p, name)) < 0 ||
		    p->types[f][0] != '\0')
			return perr(p, ln, "bad or repeated TYPE");
		if (strcmp(rest, "counter") && strcmp(rest, "gauge") && strcmp(rest, "histogram") &&
		    strcmp(rest, "summary") && strcmp(rest, "untyped"))
			return perr(p, ln, "unknown type");
		snprintf(p->types[f], sizeof(p->types[0]), "%s", rest);
		return 0;
	}
	return perr(p, ln, "comment other than HELP or TYPE");
}

/* parse_labels: {a="x",b="y"} at *s; appends the decoded form to out. */
static int
parse_labels(struct prom *p, int ln, const char **s, char *out, size_t cap)
{
	const char *c = *s + 1;
	size_t o = strlen(out);

	out[o++] = '{';
	while (*c != '}') {
		const char *n0 = c;

		while (isalnum((unsigned char)*c) || *c == '_')
			c++;
		if (!is_name(n0, (size_t)(c - n0), false) || c[0] != '=' || c[1] != '"')
			return perr(p, ln, "bad label name");
		if (o + (size_t)(c - n0) + 3 >= cap)
			return perr(p, ln, "too long");
		memcpy(out + o, n0, (size_t)(c - n0) + 2);
		o += (size_t)(c - n0) + 2;
		for (c += 2; *c != '"'; c++) {
			if (*c == '\0' || *c == '\n')
				return perr(p, ln, "unterminated label value");
			if (*c == '\\') {
				c++;
				if (*c != '\\' && *c != '"' && *c != 'n')
					return perr(p, ln, "bad escape in label value");
				out[o++] = *c == 'n' ? '\n' : *c;
			} else {
				out[o++] = *c;
			}
			if (o + 4 >= cap)
				return perr(p, ln, "too long");
		}
		out[o++] = '"';
		c++;
		if (*c == ',') {
			out[o++] = ',';
			c++;
		} else if (*c != '}') {
			return perr(p, ln, "expected , or }");
		}
	}
	out[o++] = '}';
	out[o] = '\0';
	*s = c + 1;
	return 0;
}

static int
parse_sample(struct prom *p, int ln, const char *s, int *last_family)
{
	char key[1024] = "", *end;
	const char *c = s;
	size_t i;
	int f;

	while (isalnum((unsigned char)*c) || *c == '_' || *c == ':')
		c++;
	if (!is_name(s, (size_t)(c - s), true) || (size_t)(c - s) >= 80)
		return perr(p, ln, "bad metric name");
	memcpy(key, s, (size_t)(c - s));
	if ((f = sample_family(p, key)) < 0)
		return perr(p, ln, "sample without a TYPE");
	if (f != *last_family) {
		if (p->closed[f])
			return perr(p, ln, "family samples not contiguous");
		if (*last_family >= 0)
			p->closed[*last_family] = true;
	}
	*last_family = f;
	if (*c == '{' && parse_labels(p, ln, &c, key, sizeof(key)) == -1)
		return -1;
	if (*c != ' ')
		return perr(p, ln, "expected one space before the value");
	c++;
	if (p->n == MAX_SERIES)
		return perr(p, ln, "too many series");
	for (i = 0; i < p->n; i++)
		if (strcmp(p->series[i], key) == 0)
			return perr(p, ln, "duplicate series");
	if (strcmp(c, "+Inf") == 0)
		p->value[p->n] = INFINITY;
	else if (strcmp(c, "-Inf") == 0)
		p->value[p->n] = -INFINITY;
	else if (strcmp(c, "NaN") == 0)
		p->value[p->n] = NAN;
	else if (*c == '\0' || isspace((unsigned char)*c) ||
	         (p->value[p->n] = strtod(c, &end), *end != '\0'))
		return perr(p, ln, "bad value");
	p->series[p->n++] = strdup(key);
	return 0;
}

static void
prom_free(struct prom *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->series[i]);
}

static double
prom_get(const struct prom *p, const char *series)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->series[i], series) == 0)
			return p->value[i];
	fail_msg("no series %s", series);
	return NAN;
}

/* prom_parse: every line checked; every family has HELP and TYPE; 0 or -1 with p->err. */
static int
prom_parse(struct prom *p, char *text)
{
	char *line, *save = NULL;
	int ln = 0, last = -1;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (text[0] == '\0' || text[strlen(text) - 1] != '\n')
		return perr(p, 0, "must end with a newline");
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		ln++;
		if (line[0] == '#' ? parse_comment(p, ln, line) : parse_sample(p, ln, line, &last))
			return -1;
	}
	for (i = 0; i < p->nfam; i++)
		if (!p->helped[i] || p->types[i][0] == '\0')
			return perr(p, ln, "family without HELP or TYPE");
	return 0;
}

static char *
metrics_of(struct agent *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	agent_metrics(a, f);
	fclose(f);
	return buf;
}

static struct json *
status_of(struct agent *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json *j;
	const char *why = NULL;
	struct buf b;

	agent_status_json(a, f);
	fclose(f);
	assert_null(memchr(buf, '\n', len)); /* one line: the control protocol needs it */
	buf_init(&b, buf, len);
	j = json_parse(&b, &why);
	if (j == NULL)
		fail_msg("status JSON does not parse: %s: %s", why, buf);
	free(buf);
	return j;
}

/* ---- tests ---- */

static void
test_prom_parser_rejects_bad_text(void **state)
{
	static const char *const bad[] = {
	    "x 1\n",                                        /* no TYPE */
	    "# TYPE x gauge\nx 1\n",                        /* no HELP */
	    "# TYPE x gauge\n# HELP x h\nx{a=\"1} 1\n",     /* unterminated */
	    "# TYPE x gauge\n# HELP x h\nx{a=\"\\t\"} 1\n", /* bad escape */
	    "# TYPE x gauge\n# HELP x h\nx 1\nx 2\n",       /* duplicate */
	    "# TYPE x gauge\n# HELP x h\nx one\n",          /* bad value */
	    "# TYPE x gauge\n# HELP x h\nx 1",              /* no final newline */
	    "# TYPE x gauge\n# HELP x h\n# TYPE y gauge\n# HELP y h\nx 1\ny 1\nx{a=\"b\"} 1\n",
	    "# TYPE x nonsense\n# HELP x h\nx 1\n",
	};
	struct prom p;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		char *t = strdup(bad[i]);

		if (prom_parse(&p, t) == 0)
			fail_msg("accepted bad text %zu", i);
		prom_free(&p);
		free(t);
	}
}

static void
test_metrics_parse_strictly_with_values(void **state)
{
	struct fake_agent f;
	struct prom p;
	char *text, key[256];

	(void)state;
	fake_agent_init(&f);
	text = metrics_of(&f.a);
	if (prom_parse(&p, text) != 0)
		fail_msg("%s\n%s", p.err, text);
	assert_true(prom_get(&p, "pharos_service_up{service=\"web\"}") == 1);
	snprintf(key, sizeof(key), "pharos_service_up{service=\"%s\"}", FAKE_AWKWARD);
	assert_true(prom_get(&p, key) == 0); /* label value decoded back exactly */
	assert_true(prom_get(&p, "pharos_service_drained{service=\"web\"}") == 0);
	assert_true(prom_get(&p, "pharos_service_transitions_total{service=\"web\"}") == 1);
	assert_true(prom_get(&p, "pharos_probe_up{probe=\"tcp-80\"}") == 0);
	assert_true(
	    prom_get(&p, "pharos_probe_checks_total{probe=\"tcp-80\",result=\"timeout\"}") == 0);
	assert_true(prom_get(&p, "pharos_build_info{version=\"" PHAROS_VERSION "\"}") == 1);
	prom_free(&p);
	free(text);
	fake_agent_free(&f);
}

static void
test_metrics_histogram_is_cumulative(void **state)
{
	static const struct {
		const char *le;
		double v;
	} want[] = {
	    {"0.001", 0},
	    {"0.002", 0},
	    {"0.005", 2},
	    {"0.01", 2},
	    {"0.025", 2},
	    {"0.05", 3},
	    {"0.1", 3},
	    {"0.25", 3},
	    {"0.5", 3},
	    {"1", 3},
	    {"2", 3},
	    {"5", 3},
	    {"+Inf", 4},
	};
	struct fake_agent f;
	struct prom p;
	char *text, key[128];
	size_t i;

	(void)state;
	fake_agent_init(&f);
	text = metrics_of(&f.a);
	assert_int_equal(prom_parse(&p, text), 0);
	for (i = 0; i < nitems(want); i++) {
		snprintf(key, sizeof(key),
		    "pharos_probe_duration_seconds_bucket{probe=\"tcp-80\",le=\"%s\"}", want[i].le);
		if (prom_get(&p, key) != want[i].v)
			fail_msg("%s = %g, want %g", key, prom_get(&p, key), want[i].v);
	}
	assert_true(prom_get(&p, "pharos_probe_duration_seconds_count{probe=\"tcp-80\"}") == 4);
	assert_true(fabs(prom_get(&p, "pharos_probe_duration_seconds_sum{probe=\"tcp-80\"}") -
	                 9.046) < 1e-6);
	prom_free(&p);
	free(text);
	fake_agent_free(&f);
}

static void
test_metrics_follow_state(void **state)
{
	struct fake_agent f;
	struct prom p;
	char *text;

	(void)state;
	fake_agent_init(&f);
	f.s[0].mode = AGENT_MODE_NONE;
	f.s[0].admin_drained = true;
	f.s[0].transitions = 2;
	text = metrics_of(&f.a);
	assert_int_equal(prom_parse(&p, text), 0);
	assert_true(prom_get(&p, "pharos_service_up{service=\"web\"}") == 0);
	assert_true(prom_get(&p, "pharos_service_drained{service=\"web\"}") == 1);
	assert_true(prom_get(&p, "pharos_service_transitions_total{service=\"web\"}") == 2);
	prom_free(&p);
	free(text);
	fake_agent_free(&f);
}

static void
test_status_json_content_and_escaping(void **state)
{
	struct fake_agent f;
	struct json *j;
	const struct json *svcs, *s0, *s1, *pr, *ag;

	(void)state;
	fake_agent_init(&f);
	j = status_of(&f.a);
	ag = json_get(j, "agent");
	assert_string_equal(json_str(json_get(ag, "router_id"), ""), "192.0.2.2");
	assert_true(json_num(json_get(ag, "asn"), 0) == 64501);
	assert_true(json_num(json_get(ag, "reloads"), 0) == 3);
	assert_true(json_num(json_get(ag, "timers"), -1) == (double)loop_timer_count(f.l));
	assert_string_equal(json_str(json_get(ag, "version"), ""), PHAROS_VERSION);
	svcs = json_get(j, "services");
	assert_non_null(svcs);
	assert_int_equal(svcs->n, 2);
	s0 = svcs->items[0];
	s1 = svcs->items[1];
	assert_string_equal(json_str(json_get(s0, "name"), ""), "web");
	assert_string_equal(json_str(json_get(s0, "state"), ""), "up");
	assert_string_equal(json_str(json_get(s0, "mode"), ""), "announced");
	assert_false(json_bool(json_get(s0, "drained"), true));
	assert_string_equal(json_str(json_get(s0, "since_time"), "")[10] == 'T' ? "T" : "?", "T");
	assert_string_equal(json_str(json_get(s0, "prefixes")->items[0], ""), "203.0.113.80/32");
	/* every control character and quote survives the round trip */
	assert_string_equal(json_str(json_get(s1, "name"), ""), FAKE_AWKWARD);
	assert_string_equal(json_str(json_get(s1, "reason"), ""), "probe " FAKE_AWKWARD);
	assert_string_equal(json_str(json_get(s1, "state"), ""), "down");
	pr = json_get(s0, "probes")->items[0];
	assert_string_equal(json_str(json_get(pr, "name"), ""), "tcp-80");
	assert_string_equal(json_str(json_get(pr, "type"), ""), "tcp");
	assert_string_equal(json_str(json_get(pr, "state"), ""), "down");
	assert_int_equal(json_get(j, "peers")->n, 0);
	assert_int_equal(json_get(j, "addresses")->n, 0);
	json_free(j);
	fake_agent_free(&f);
}

static void
test_status_line_counts(void **state)
{
	struct fake_agent f;
	char line[200];

	(void)state;
	fake_agent_init(&f);
	assert_string_equal(agent_status_line(&f.a, line, sizeof(line)),
	    "running: 1/2 services up, 0 drained; 0/0 peers established");
	f.s[0].mode = AGENT_MODE_NONE;
	f.s[0].admin_drained = true;
	assert_string_equal(agent_status_line(&f.a, line, sizeof(line)),
	    "running: 0/2 services up, 1 drained; 0/0 peers established");
	fake_agent_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prom_parser_rejects_bad_text),
	    cmocka_unit_test(test_metrics_parse_strictly_with_values),
	    cmocka_unit_test(test_metrics_histogram_is_cumulative),
	    cmocka_unit_test(test_metrics_follow_state),
	    cmocka_unit_test(test_status_json_content_and_escaping),
	    cmocka_unit_test(test_status_line_counts),
	};

	log_init("test_status", LOG_LVL_WARN, 0);
	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
