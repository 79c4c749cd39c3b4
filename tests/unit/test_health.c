/* test_health: agent/health — require rules, drain, hold_down, transitions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/health.h"
#include "lib/log.h"
#include "lib/mono.h"
#include "lib/util.h"

static void
test_rule_table(void **state)
{
	static const struct {
		enum health_require r;
		unsigned n;
		size_t up, total;
		bool holds;
	} rows[] = {
	    {HEALTH_REQ_ALL, 0, 3, 3, true},
	    {HEALTH_REQ_ALL, 0, 2, 3, false},
	    {HEALTH_REQ_ALL, 0, 0, 1, false},
	    {HEALTH_REQ_ANY, 0, 1, 3, true},
	    {HEALTH_REQ_ANY, 0, 0, 3, false},
	    {HEALTH_REQ_ATLEAST, 2, 2, 3, true},
	    {HEALTH_REQ_ATLEAST, 2, 1, 3, false},
	    {HEALTH_REQ_ATLEAST, 2, 3, 3, true},
	    {HEALTH_REQ_ATLEAST, 4, 3, 3, false}, /* more than there are: never */
	    {HEALTH_REQ_ALL, 0, 0, 0, true},      /* no probes: always up */
	    {HEALTH_REQ_ANY, 0, 0, 0, true},
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(rows); i++)
		if (health_rule_holds(rows[i].r, rows[i].n, rows[i].up, rows[i].total) !=
		    rows[i].holds)
			fail_msg("row %zu", i);
}

static void
test_require_parse(void **state)
{
	enum health_require r;
	unsigned n;

	(void)state;
	assert_int_equal(health_require_parse("all", &r, &n), 0);
	assert_int_equal(r, HEALTH_REQ_ALL);
	assert_int_equal(health_require_parse("any", &r, &n), 0);
	assert_int_equal(r, HEALTH_REQ_ANY);
	assert_int_equal(health_require_parse("2", &r, &n), 0);
	assert_int_equal(r, HEALTH_REQ_ATLEAST);
	assert_int_equal(n, 2);
	assert_int_equal(health_require_parse("0", &r, &n), -1);
	assert_int_equal(health_require_parse("-1", &r, &n), -1);
	assert_int_equal(health_require_parse("2x", &r, &n), -1);
	assert_int_equal(health_require_parse("most", &r, &n), -1);
	assert_int_equal(health_require_parse("", &r, &n), -1);
}

/* ---- scripted sequences ---- */

/* A step: at t (seconds), probe i goes up '+' or down '-', the drain flag goes on 'D'
 * or off 'd', or just an evaluation 'e'; then the state must be want ('u', 'd', 'D'). */
struct step {
	int t;
	char what;
	int i;
	char want;
};

struct seq {
	const char *name;
	enum health_require r;
	unsigned n;
	size_t nprobes;
	int hold_down; /* seconds */
	unsigned transitions;
	struct step steps[16];
};

static const struct seq seqs[] = {
    {"all of two", HEALTH_REQ_ALL, 0, 2, 0, 3,
        {{0, '+', 0, 'd'}, {0, '+', 1, 'u'}, {1, '-', 0, 'd'}, {2, '+', 0, 'u'}, {0}}},
    {"any of two, flapping", HEALTH_REQ_ANY, 0, 2, 0, 3,
        {{0, '+', 0, 'u'}, {1, '+', 1, 'u'}, {2, '-', 0, 'u'}, {3, '+', 0, 'u'}, {4, '-', 1, 'u'},
            {5, '-', 0, 'd'}, {6, '+', 1, 'u'}, {0}}},
    {"two of three", HEALTH_REQ_ATLEAST, 2, 3, 0, 3,
        {{0, '+', 0, 'd'}, {0, '+', 2, 'u'}, {1, '-', 0, 'd'}, {2, '+', 1, 'u'}, {3, '+', 0, 'u'},
            {4, '-', 2, 'u'}, {0}}},
    {"hold_down delays the return", HEALTH_REQ_ALL, 0, 1, 5, 3,
        {{0, '+', 0, 'u'}, {10, '-', 0, 'd'}, {11, '+', 0, 'd'}, {14, 'e', 0, 'd'},
            {15, 'e', 0, 'u'}, {0}}},
    {"flapping inside hold_down stays down", HEALTH_REQ_ALL, 0, 1, 5, 4,
        {{0, '+', 0, 'u'}, {10, '-', 0, 'd'}, {11, '+', 0, 'd'}, {12, '-', 0, 'd'},
            {13, '+', 0, 'd'}, {14, '-', 0, 'd'}, {15, 'e', 0, 'd'}, {16, '+', 0, 'u'},
            {17, '-', 0, 'd'}, {0}}},
    {"hold_down does not apply at start", HEALTH_REQ_ALL, 0, 1, 60, 1, {{0, '+', 0, 'u'}, {0}}},
    {"drain overrides probes", HEALTH_REQ_ALL, 0, 1, 0, 5,
        {{0, '+', 0, 'u'}, {1, 'D', 0, 'D'}, {2, '-', 0, 'D'}, {3, '+', 0, 'D'}, {4, 'd', 0, 'u'},
            {5, '-', 0, 'd'}, {6, 'D', 0, 'D'}, {0}}},
    {"undrained while sick goes down and holds", HEALTH_REQ_ANY, 0, 1, 5, 4,
        {{0, '+', 0, 'u'}, {1, 'D', 0, 'D'}, {2, '-', 0, 'D'}, {3, 'd', 0, 'd'}, {4, '+', 0, 'd'},
            {8, 'e', 0, 'u'}, {0}}},
    {"no probes: up at once", HEALTH_REQ_ALL, 0, 0, 0, 1, {{0, 'e', 0, 'u'}, {0}}},
};

struct counter {
	unsigned calls;
	enum health_state from, to;
};

static void
count_cb(struct health *h, enum health_state from, enum health_state to, void *arg)
{
	struct counter *c = arg;

	(void)h;
	c->calls++;
	c->from = from;
	c->to = to;
}

static enum health_state
want_state(char c)
{
	return c == 'u' ? HEALTH_UP : c == 'D' ? HEALTH_DRAINED : HEALTH_DOWN;
}

static void
run_seq(const struct seq *s)
{
	static const char *const names[] = {"a", "b", "c"};
	struct health_cfg cfg = {
	    .name = s->name,
	    .require = s->r,
	    .require_n = s->n,
	    .hold_down = SEC(s->hold_down),
	    .probes = names,
	    .nprobes = s->nprobes,
	};
	struct counter c = {0};
	struct health *h = health_new(&cfg, count_cb, &c);
	const usec_t base = SEC(1000);
	size_t j;

	assert_int_equal(health_get_state(h), HEALTH_DOWN);
	for (j = 0; s->steps[j].want != 0; j++) {
		const struct step *st = &s->steps[j];
		usec_t now = base + SEC(st->t);

		switch (st->what) {
		case '+': health_probe_update(h, (size_t)st->i, PROBE_UP, "ok", now); break;
		case '-': health_probe_update(h, (size_t)st->i, PROBE_DOWN, "timeout", now); break;
		case 'D': health_set_drained(h, true, now); break;
		case 'd': health_set_drained(h, false, now); break;
		default: health_evaluate(h, now); break;
		}
		if (health_get_state(h) != want_state(st->want))
			fail_msg("%s, step %zu: got %s", s->name, j,
			    health_state_name(health_get_state(h)));
	}
	if (health_counters(h)->transitions != s->transitions || c.calls != s->transitions)
		fail_msg("%s: %llu transitions, %u callbacks", s->name,
		    (unsigned long long)health_counters(h)->transitions, c.calls);
	health_free(h);
}

static void
test_sequences_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(seqs); i++)
		run_seq(&seqs[i]);
}

static void
test_hold_down_next_event(void **state)
{
	static const char *const names[] = {"dns"};
	struct health_cfg cfg = {.name = "svc", .hold_down = SEC(5), .probes = names, .nprobes = 1};
	struct counter c = {0};
	struct health *h = health_new(&cfg, count_cb, &c);

	(void)state;
	assert_int_equal(health_probe_index(h, "dns"), 0);
	assert_int_equal(health_probe_index(h, "tcp"), -1);
	health_probe_update(h, 0, PROBE_UP, "ok", SEC(100));
	assert_int_equal(health_next_event(h), 0);
	health_probe_update(h, 0, PROBE_DOWN, "rcode SERVFAIL", SEC(110));
	assert_int_equal(c.from, HEALTH_UP);
	assert_int_equal(c.to, HEALTH_DOWN);
	health_probe_update(h, 0, PROBE_UP, "ok", SEC(112));
	assert_int_equal(health_get_state(h), HEALTH_DOWN);
	assert_int_equal(health_next_event(h), SEC(115));
	/* Sick again before the hold ends: nothing pending any more. */
	health_probe_update(h, 0, PROBE_DOWN, "timeout", SEC(113));
	assert_int_equal(health_next_event(h), 0);
	health_probe_update(h, 0, PROBE_UP, "ok", SEC(116));
	assert_int_equal(health_get_state(h), HEALTH_UP);
	assert_int_equal(health_counters(h)->to_up, 2);
	assert_int_equal(health_counters(h)->to_down, 1);
	health_free(h);
}

static void
test_drain_file_poll(void **state)
{
	static const char *const names[] = {"dns"};
	char dir[] = "/tmp/pharos-health-XXXXXX";
	char path[128];
	struct health_cfg cfg = {.name = "svc", .probes = names, .nprobes = 1};
	struct health *h;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/drain", dir);
	cfg.drain_file = path;
	h = health_new(&cfg, NULL, NULL);
	health_probe_update(h, 0, PROBE_UP, "ok", SEC(1));
	assert_int_equal(health_poll_drain(h, SEC(2)), HEALTH_UP);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(health_poll_drain(h, SEC(3)), HEALTH_DRAINED);
	assert_int_equal(health_poll_drain(h, SEC(4)), HEALTH_DRAINED);
	unlink(path);
	assert_int_equal(health_poll_drain(h, SEC(5)), HEALTH_UP);
	assert_int_equal(health_counters(h)->to_drained, 1);
	assert_int_equal(health_counters(h)->transitions, 3);
	health_free(h);
	rmdir(dir);
}

/* Each transition is logged exactly once, naming the probes and their reasons. */
static void
test_transitions_logged_once(void **state)
{
	static const char *const names[] = {"dns1", "web1"};
	struct health_cfg cfg = {
	    .name = "anycast-ns", .require = HEALTH_REQ_ANY, .probes = names, .nprobes = 2};
	char tmp[] = "/tmp/pharos-health-log-XXXXXX";
	char line[1024], lines[4][1024];
	struct health *h;
	int fd = mkstemp(tmp), saved = dup(2), n = 0;
	FILE *f;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	log_init("test_health", LOG_LVL_INFO, 0);
	fflush(stderr);
	dup2(fd, 2);
	h = health_new(&cfg, NULL, NULL);
	health_probe_update(h, 0, PROBE_UP, "rcode NOERROR", SEC(1)); /* -> up */
	health_probe_update(h, 1, PROBE_UP, "status 200", SEC(2));    /* stays up */
	health_probe_update(h, 0, PROBE_DOWN, "timeout", SEC(3));     /* stays up */
	health_probe_update(h, 1, PROBE_DOWN, "status 503", SEC(4));  /* -> down */
	health_probe_update(h, 1, PROBE_DOWN, "status 503", SEC(5));  /* no change */
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_init("test_health", LOG_LVL_WARN, 0);
	health_free(h);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL && n < 4)
		snprintf(lines[n++], sizeof(lines[0]), "%s", line);
	fclose(f);
	unlink(tmp);
	assert_int_equal(n, 2);
	assert_non_null(strstr(lines[0], "service anycast-ns: down -> up"));
	assert_non_null(strstr(lines[0], "dns1 up: rcode NOERROR"));
	assert_non_null(strstr(lines[1], "service anycast-ns: up -> down"));
	assert_non_null(
	    strstr(lines[1], "0/2 probes up: dns1 down: timeout, web1 down: status 503"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_table),
	    cmocka_unit_test(test_require_parse),
	    cmocka_unit_test(test_sequences_table),
	    cmocka_unit_test(test_hold_down_next_event),
	    cmocka_unit_test(test_drain_file_poll),
	    cmocka_unit_test(test_transitions_logged_once),
	};

	log_init("test_health", LOG_LVL_WARN, 0);
	return cmocka_run_group_tests_name("health", tests, NULL, NULL);
}
