/* test_control: agent/control — the request handler's replies, and the socket server on a
 * real loop: mode, several requests on one connection, bounded requests, cleanup. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/control.h"
#include "lib/json.h"
#include "lib/log.h"
#include "fake_agent.h"

static struct json *
handle(struct agent *a, const char *line, ctl_reload_fn reload, void *arg)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct json *j;
	struct buf b;

	ctl_handle(a, line, f, reload, arg);
	fclose(f);
	assert_true(len > 0 && out[len - 1] == '\n');
	assert_null(memchr(out, '\n', len - 1)); /* exactly one line */
	buf_init(&b, out, len);
	j = json_parse(&b, NULL);
	assert_non_null(j);
	free(out);
	return j;
}

static void
assert_error(struct json *j, const char *contains)
{
	assert_false(json_bool(json_get(j, "ok"), true));
	assert_non_null(strstr(json_str(json_get(j, "error"), ""), contains));
	json_free(j);
}

static int
reload_bad(void *arg, FILE *errs)
{
	(*(int *)arg)++;
	fputs("p.ini:3: [agent] asn: \"x\" is not a number\np.ini:9: unknown section\n", errs);
	return -1;
}

static int
reload_ok(void *arg, FILE *errs)
{
	(void)errs;
	(*(int *)arg)++;
	return 0;
}

static void
test_handle_status_drain_undrain(void **state)
{
	struct fake_agent f;
	struct json *j;
	char path[128];

	(void)state;
	fake_agent_init(&f);
	j = handle(&f.a, "status", NULL, NULL);
	assert_true(json_bool(json_get(j, "ok"), false));
	assert_int_equal(json_get(json_get(j, "status"), "services")->n, 2);
	json_free(j);

	j = handle(&f.a, "drain web", NULL, NULL);
	assert_true(json_bool(json_get(j, "ok"), false));
	json_free(j);
	assert_true(f.s[0].admin_drained);
	assert_false(f.s[1].admin_drained);
	snprintf(path, sizeof(path), "%s/drained", f.state_dir);
	assert_int_equal(access(path, F_OK), 0); /* remembered for a restart */

	j = handle(&f.a, "undrain all", NULL, NULL);
	assert_true(json_bool(json_get(j, "ok"), false));
	json_free(j);
	assert_false(f.s[0].admin_drained);
	assert_error(handle(&f.a, "drain nope", NULL, NULL), "no such service: nope");
	fake_agent_free(&f);
}

static void
test_handle_rejects_bad_requests(void **state)
{
	static const char *const bad[] = {
	    "",
	    "  ",
	    "statu",
	    "status now",
	    "drain",
	    "drain a b",
	    "reload x",
	    "DRAIN web",
	    "drain \"web\" ",
	    "\x01\x02",
	};
	struct fake_agent f;
	size_t i;

	(void)state;
	fake_agent_init(&f);
	for (i = 0; i < nitems(bad); i++) {
		struct json *j = handle(&f.a, bad[i], NULL, NULL);

		assert_false(json_bool(json_get(j, "ok"), true));
		json_free(j);
	}
	fake_agent_free(&f);
}

static void
test_handle_reload_reports_errors(void **state)
{
	struct fake_agent f;
	struct json *j;
	const struct json *m;
	int calls = 0;

	(void)state;
	fake_agent_init(&f);
	j = handle(&f.a, "reload", reload_bad, &calls);
	assert_int_equal(calls, 1);
	assert_false(json_bool(json_get(j, "ok"), true));
	m = json_get(j, "messages");
	assert_int_equal(m->n, 2);
	assert_string_equal(
	    json_str(m->items[0], ""), "p.ini:3: [agent] asn: \"x\" is not a number");
	json_free(j);
	j = handle(&f.a, "reload", reload_ok, &calls);
	assert_true(json_bool(json_get(j, "ok"), false));
	json_free(j);
	f.a.phase = AGENT_DRAINING;
	assert_error(handle(&f.a, "reload", reload_ok, &calls), "stopping");
	assert_int_equal(calls, 2);
	fake_agent_free(&f);
}

/* ---- the server on a loop ---- */

static int
client(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* read_lines: run the loop until n reply lines (or EOF) arrived; returns the bytes. */
static char *
read_lines(struct loop *l, int fd, int n, bool *eof)
{
	char *buf = xcalloc(1, 1 << 20);
	size_t len = 0;
	int i, got = 0;
	ssize_t r;

	*eof = false;
	for (i = 0; i < 200 && got < n && !*eof; i++) {
		loop_run_once(l, MSEC(10));
		while ((r = recv(fd, buf + len, (1 << 20) - 1 - len, MSG_DONTWAIT)) > 0) {
			len += (size_t)r;
			got = 0;
			for (size_t k = 0; k < len; k++)
				got += buf[k] == '\n';
		}
		if (r == 0)
			*eof = true;
	}
	return buf;
}

static void
test_server_answers_lines_and_cleans_up(void **state)
{
	struct fake_agent f;
	char path[160], *rep, big[CTL_LINE_MAX + 100];
	struct ctl *c;
	struct stat st;
	bool eof;
	int fd;

	(void)state;
	fake_agent_init(&f);
	snprintf(path, sizeof(path), "%s/sub/dir/ctl.sock", f.state_dir);
	c = ctl_open(f.l, &f.a, path, NULL, NULL);
	assert_non_null(c);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);

	/* two requests on one connection, the second without its newline before EOF */
	fd = client(path);
	assert_int_equal(write(fd, "drain web\nundrain web", 21), 21);
	shutdown(fd, SHUT_WR);
	rep = read_lines(f.l, fd, 2, &eof);
	assert_string_equal(rep, "{\"ok\":true}\n{\"ok\":true}\n");
	free(rep);
	rep = read_lines(f.l, fd, 3, &eof);
	assert_true(eof); /* the server closed after answering */
	free(rep);
	close(fd);

	/* a request longer than CTL_LINE_MAX: an error, then the server closes */
	fd = client(path);
	memset(big, 'x', sizeof(big));
	assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	rep = read_lines(f.l, fd, 1, &eof);
	assert_string_equal(rep, "{\"ok\":false,\"error\":\"request too long\"}\n");
	free(rep);
	rep = read_lines(f.l, fd, 2, &eof);
	assert_true(eof);
	free(rep);
	close(fd);

	/* a stale socket is replaced by a new server */
	ctl_close(c);
	assert_int_equal(access(path, F_OK), -1);
	c = ctl_open(f.l, &f.a, path, NULL, NULL);
	assert_non_null(c);
	ctl_close(c);
	snprintf(path, sizeof(path), "%s/sub/dir", f.state_dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sub", f.state_dir);
	rmdir(path);
	fake_agent_free(&f);
}

static void
test_server_bounds_clients(void **state)
{
	struct fake_agent f;
	char path[160], *rep;
	int fds[CTL_CLIENTS_MAX + 1], i, extra;
	struct ctl *c;
	bool eof;

	(void)state;
	fake_agent_init(&f);
	snprintf(path, sizeof(path), "%s/ctl.sock", f.state_dir);
	c = ctl_open(f.l, &f.a, path, NULL, NULL);
	assert_non_null(c);
	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		fds[i] = client(path);
	loop_run_once(f.l, MSEC(10));
	extra = client(path);
	rep = read_lines(f.l, extra, 1, &eof);
	assert_true(eof); /* refused: closed without a reply */
	assert_string_equal(rep, "");
	free(rep);
	close(extra);
	close(fds[0]);
	loop_run_once(f.l, MSEC(10));
	extra = client(path);
	assert_int_equal(write(extra, "drain web\n", 10), 10);
	rep = read_lines(f.l, extra, 1, &eof);
	assert_string_equal(rep, "{\"ok\":true}\n");
	free(rep);
	close(extra);
	for (i = 1; i < CTL_CLIENTS_MAX; i++)
		close(fds[i]);
	ctl_close(c);
	fake_agent_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_handle_status_drain_undrain),
	    cmocka_unit_test(test_handle_rejects_bad_requests),
	    cmocka_unit_test(test_handle_reload_reports_errors),
	    cmocka_unit_test(test_server_answers_lines_and_cleans_up),
	    cmocka_unit_test(test_server_bounds_clients),
	};

	log_init("test_control", LOG_LVL_ERR, 0);
	return cmocka_run_group_tests_name("control", tests, NULL, NULL);
}
