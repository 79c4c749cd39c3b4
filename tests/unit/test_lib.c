/* test_lib: lib/ — buffers, addresses, durations, the event loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mono.h"
#include "lib/util.h"

static void
test_buf_read(void **state)
{
	static const uint8_t bytes[] = {1, 0x02, 0x03, 0xde, 0xad, 0xbe, 0xef, 9};
	struct buf b, sub;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	(void)state;
	buf_init(&b, bytes, sizeof(bytes));
	assert_int_equal(buf_get_u8(&b, &u8), 0);
	assert_int_equal(u8, 1);
	assert_int_equal(buf_get_u16(&b, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(buf_get_u32(&b, &u32), 0);
	assert_int_equal(u32, 0xdeadbeef);
	assert_int_equal(buf_get_u16(&b, &u16), -1); /* one byte left */
	assert_int_equal(buf_left(&b), 1);
	assert_int_equal(buf_seek(&b, 1), 0);
	assert_int_equal(buf_sub(&b, 2, &sub), 0);
	assert_int_equal(buf_left(&sub), 2);
	assert_int_equal(buf_get_u32(&sub, &u32), -1);
	assert_int_equal(buf_sub(&b, 6, &sub), -1);
	assert_int_equal(buf_skip(&b, 5), 0);
	assert_int_equal(buf_get_u8(&b, &u8), -1);
}

static void
test_buf_write(void **state)
{
	uint8_t mem[7];
	struct wbuf w;
	size_t off;

	(void)state;
	wbuf_init(&w, mem, sizeof(mem));
	off = wbuf_reserve(&w, 2);
	wbuf_u8(&w, 0xaa);
	wbuf_u32(&w, 0x01020304);
	wbuf_put_u16_at(&w, off, 0xbeef);
	assert_false(w.err);
	assert_int_equal(w.len, 7);
	assert_memory_equal(mem, "\xbe\xef\xaa\x01\x02\x03\x04", 7);
	wbuf_u8(&w, 1);
	assert_true(w.err);
	assert_int_equal(w.len, 7);
	assert_int_equal(wbuf_room(&w), 0);
}

static void
test_addr_parse(void **state)
{
	struct prefix p;
	struct endpoint e;
	const char *why;
	char s[ADDR_STRLEN];

	(void)state;
	assert_int_equal(prefix_parse("192.0.2.1/32", &p, &why), 0);
	assert_true(prefix_is_host(&p));
	assert_string_equal(prefix_ntop(&p, s), "192.0.2.1/32");
	assert_int_equal(prefix_parse("192.0.2.1", &p, &why), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(prefix_parse("198.51.100.0/24", &p, &why), 0);
	assert_false(prefix_is_host(&p));
	assert_int_equal(prefix_parse("198.51.100.1/24", &p, &why), -1);
	assert_string_equal(why, "host bits set");
	assert_int_equal(prefix_parse("198.51.100.128/25", &p, &why), 0);
	assert_int_equal(prefix_parse("198.51.100.128/24", &p, &why), -1);
	assert_int_equal(prefix_parse("2001:db8::/32", &p, &why), 0);
	assert_int_equal(prefix_parse("2001:db8::1/64", &p, &why), -1);
	assert_int_equal(prefix_parse("2001:db8::53", &p, &why), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(prefix_parse("10.0.0.0/33", &p, &why), -1);
	assert_string_equal(why, "bad prefix length");
	assert_int_equal(prefix_parse("10.0.0.0/", &p, &why), -1);
	assert_int_equal(prefix_parse("nonsense", &p, &why), -1);

	assert_int_equal(endpoint_parse("192.0.2.1", 53, &e, &why), 0);
	assert_int_equal(e.port, 53);
	assert_int_equal(endpoint_parse("192.0.2.1:5353", 53, &e, &why), 0);
	assert_int_equal(e.port, 5353);
	assert_int_equal(endpoint_parse("2001:db8::1", 53, &e, &why), 0);
	assert_int_equal(e.addr.af, AF_INET6);
	assert_int_equal(e.port, 53);
	assert_int_equal(endpoint_parse("[2001:db8::1]:8053", 53, &e, &why), 0);
	assert_int_equal(e.port, 8053);
	assert_string_equal(endpoint_ntop(&e, s), "[2001:db8::1]:8053");
	assert_int_equal(endpoint_parse("[192.0.2.1]:53", 53, &e, &why), -1);
	assert_int_equal(endpoint_parse("192.0.2.1:0", 53, &e, &why), -1);
	assert_int_equal(endpoint_parse("192.0.2.1:65536", 53, &e, &why), -1);
	assert_int_equal(endpoint_parse("[2001:db8::1", 53, &e, &why), -1);
}

static void
test_prefix_cmp(void **state)
{
	struct prefix a, b;
	const char *why;

	(void)state;
	prefix_parse("192.0.2.1/32", &a, &why);
	prefix_parse("192.0.2.2/32", &b, &why);
	assert_true(prefix_cmp(&a, &b) < 0);
	assert_true(prefix_cmp(&b, &a) > 0);
	assert_int_equal(prefix_cmp(&a, &a), 0);
	prefix_parse("2001:db8::1", &b, &why);
	assert_true(prefix_cmp(&a, &b) < 0);
	assert_true(prefix_eq(&b, &b));
	assert_false(prefix_eq(&a, &b));
}

static void
test_duration(void **state)
{
	usec_t d;
	char s[32];

	(void)state;
	assert_int_equal(duration_parse("250ms", &d), 0);
	assert_int_equal(d, 250000);
	assert_int_equal(duration_parse("1s", &d), 0);
	assert_int_equal(d, 1000000);
	assert_int_equal(duration_parse("2m", &d), 0);
	assert_int_equal(d, 120000000);
	assert_int_equal(duration_parse("0", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(duration_parse("5", &d), -1);
	assert_int_equal(duration_parse("5 s", &d), -1);
	assert_int_equal(duration_parse("-1s", &d), -1);
	assert_int_equal(duration_parse("1x", &d), -1);
	assert_string_equal(duration_fmt(MSEC(1500), s, sizeof(s)), "1500ms");
	assert_string_equal(duration_fmt(SEC(120), s, sizeof(s)), "2m");
	assert_string_equal(duration_fmt(SEC(3), s, sizeof(s)), "3s");
}

/* ---- loop ---- */

struct rec {
	struct loop *l;
	int order[16];
	int n;
};

struct tmr {
	struct loop_timer t;
	struct rec *r;
	int id;
	struct tmr *victim; /* cancelled from this timer's callback */
};

static void
tmr_fire(void *arg)
{
	struct tmr *t = arg;

	t->r->order[t->r->n++] = t->id;
	if (t->victim)
		loop_timer_cancel(t->r->l, &t->victim->t);
}

static void
run_until_idle(struct loop *l)
{
	int i;

	for (i = 0; i < 100 && loop_timer_count(l) > 0; i++)
		loop_run_once(l, MSEC(50));
}

static void
test_timer_order(void **state)
{
	struct rec r = {0};
	struct tmr t[5];
	static const int delays_ms[] = {30, 10, 20, 10, 0};
	int i;

	(void)state;
	r.l = loop_new();
	for (i = 0; i < 5; i++) {
		t[i] = (struct tmr){.r = &r, .id = i};
		loop_timer_init(&t[i].t, tmr_fire, &t[i]);
		loop_timer_set(r.l, &t[i].t, MSEC(delays_ms[i]));
	}
	assert_int_equal(loop_timer_count(r.l), 5);
	run_until_idle(r.l);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.order[0], 4);
	assert_int_equal(r.order[1], 1); /* same deadline: armed first fires first */
	assert_int_equal(r.order[2], 3);
	assert_int_equal(r.order[3], 2);
	assert_int_equal(r.order[4], 0);
	assert_int_equal(loop_timer_count(r.l), 0);
	loop_free(r.l);
}

static void
test_timer_cancel_in_callback(void **state)
{
	struct rec r = {0};
	struct tmr a, b, c;

	(void)state;
	r.l = loop_new();
	a = (struct tmr){.r = &r, .id = 1, .victim = &b};
	b = (struct tmr){.r = &r, .id = 2};
	c = (struct tmr){.r = &r, .id = 3, .victim = &c}; /* cancels itself: harmless */
	loop_timer_init(&a.t, tmr_fire, &a);
	loop_timer_init(&b.t, tmr_fire, &b);
	loop_timer_init(&c.t, tmr_fire, &c);
	loop_timer_set(r.l, &a.t, MSEC(1));
	loop_timer_set(r.l, &b.t, MSEC(1)); /* same turn as a, but a cancels it first */
	loop_timer_set(r.l, &c.t, MSEC(5));
	run_until_idle(r.l);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.order[0], 1);
	assert_int_equal(r.order[1], 3);
	assert_false(loop_timer_pending(&b.t));
	loop_free(r.l);
}

static void
test_timer_heap_many(void **state)
{
	struct rec r = {0};
	struct tmr *t = calloc(1000, sizeof(*t));
	usec_t last = 0;
	int i, fired = 0;

	(void)state;
	r.l = loop_new();
	for (i = 0; i < 1000; i++) {
		t[i] = (struct tmr){.r = &r, .id = i};
		loop_timer_init(&t[i].t, tmr_fire, &t[i]);
		loop_timer_set_at(r.l, &t[i].t, (usec_t)rand_range(1, 1000000));
	}
	for (i = 0; i < 1000; i += 2)
		loop_timer_cancel(r.l, &t[i].t);
	assert_int_equal(loop_timer_count(r.l), 500);
	/* Everything is in the past: one turn fires them all, in deadline order. */
	r.n = 0;
	while (loop_timer_count(r.l) > 0) {
		struct tmr *top = NULL;
		int j;

		for (j = 1; j < 1000; j += 2)
			if (loop_timer_pending(&t[j].t) &&
			    (!top || t[j].t.when < top->t.when ||
			        (t[j].t.when == top->t.when && t[j].t.seq < top->t.seq)))
				top = &t[j];
		assert_true(top->t.when >= last);
		last = top->t.when;
		loop_timer_cancel(r.l, &top->t);
		fired++;
	}
	assert_int_equal(fired, 500);
	loop_free(r.l);
	free(t);
}

struct rearm {
	struct loop *l;
	struct loop_timer t;
	int n;
};

static void
rearm_fire(void *arg)
{
	struct rearm *ra = arg;

	ra->n++;
	loop_timer_set(ra->l, &ra->t, 0); /* must not spin inside one turn */
}

static void
test_timer_rearm_zero(void **state)
{
	struct rearm ra = {0};

	(void)state;
	ra.l = loop_new();
	loop_timer_init(&ra.t, rearm_fire, &ra);
	loop_timer_set(ra.l, &ra.t, 0);
	loop_run_once(ra.l, 0);
	assert_int_equal(ra.n, 1);
	loop_run_once(ra.l, 0);
	assert_int_equal(ra.n, 2);
	loop_timer_cancel(ra.l, &ra.t);
	loop_free(ra.l);
}

struct fdt {
	struct loop *l;
	int fds[2][2];
	int hits[2];
};

static void
fd_cb(int fd, uint32_t ev, void *arg)
{
	struct fdt *f = arg;
	int which = fd == f->fds[0][0] ? 0 : 1;
	char c;

	(void)ev;
	f->hits[which]++;
	(void)!read(fd, &c, 1);
	/* Remove the other watch from inside this callback: its queued event must not run. */
	loop_fd_del(f->l, f->fds[!which][0]);
	loop_fd_del(f->l, fd);
}

static void
test_fd_del_in_callback(void **state)
{
	struct fdt f = {0};
	int i;

	(void)state;
	f.l = loop_new();
	for (i = 0; i < 2; i++) {
		assert_int_equal(pipe(f.fds[i]), 0);
		assert_int_equal(loop_fd_add(f.l, f.fds[i][0], EPOLLIN, fd_cb, &f), 0);
		assert_int_equal(write(f.fds[i][1], "x", 1), 1);
	}
	assert_int_equal(loop_fd_add(f.l, f.fds[0][0], EPOLLIN, fd_cb, &f), -1);
	assert_int_equal(errno, EEXIST);
	loop_run_once(f.l, MSEC(100));
	assert_int_equal(f.hits[0] + f.hits[1], 1);
	loop_run_once(f.l, MSEC(10));
	assert_int_equal(f.hits[0] + f.hits[1], 1);
	for (i = 0; i < 2; i++) {
		close(f.fds[i][0]);
		close(f.fds[i][1]);
	}
	loop_free(f.l);
}

static int sig_seen;

static void
sig_cb(int signo, void *arg)
{
	(void)arg;
	sig_seen = signo;
}

struct child {
	pid_t pid;
	int status;
	int calls;
};

static void
child_cb(pid_t pid, int status, void *arg)
{
	struct child *c = arg;

	c->pid = pid;
	c->status = status;
	c->calls++;
}

static void
test_signal_and_child(void **state)
{
	struct loop *l = loop_new();
	struct child c = {0};
	pid_t pid;
	int i;

	(void)state;
	assert_int_equal(loop_signal(l, SIGUSR1, sig_cb, NULL), 0);
	kill(getpid(), SIGUSR1);
	for (i = 0; i < 10 && sig_seen == 0; i++)
		loop_run_once(l, MSEC(50));
	assert_int_equal(sig_seen, SIGUSR1);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		loop_child_reset_signals();
		_exit(7);
	}
	assert_int_equal(loop_child_watch(l, pid, child_cb, &c), 0);
	for (i = 0; i < 100 && c.calls == 0; i++)
		loop_run_once(l, MSEC(50));
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.pid, pid);
	assert_true(WIFEXITED(c.status));
	assert_int_equal(WEXITSTATUS(c.status), 7);
	loop_free(l);
}

/* A flapping probe logging the same line cannot flood the log: identical messages are
 * printed at most 5 times a minute, the rest counted and reported with the next copy. */
static void
test_log_rate_limit(void **state)
{
	char path[] = "/tmp/pharos-test-log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2), i, lines = 0;
	unsigned long before = log_suppressed();
	char line[512];
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	fflush(stderr);
	dup2(fd, 2);
	for (i = 0; i < 50; i++)
		log_warnx("probe flappy: down -> up (rcode NOERROR)");
	log_warnx("a different message");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(log_suppressed() - before, 45);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		lines++;
	fclose(f);
	close(fd);
	unlink(path);
	assert_int_equal(lines, 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_read),
	    cmocka_unit_test(test_buf_write),
	    cmocka_unit_test(test_addr_parse),
	    cmocka_unit_test(test_prefix_cmp),
	    cmocka_unit_test(test_duration),
	    cmocka_unit_test(test_timer_order),
	    cmocka_unit_test(test_timer_cancel_in_callback),
	    cmocka_unit_test(test_timer_heap_many),
	    cmocka_unit_test(test_timer_rearm_zero),
	    cmocka_unit_test(test_fd_del_in_callback),
	    cmocka_unit_test(test_signal_and_child),
	    cmocka_unit_test(test_log_rate_limit),
	};

	log_init("test_lib", LOG_LVL_WARN, 0);
	return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
