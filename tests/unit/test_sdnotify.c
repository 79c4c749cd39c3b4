/* test_sdnotify: agent/sdnotify — NOTIFY_SOCKET addresses, WATCHDOG_USEC, and the
 * messages a listener receives: READY=1 from the first loop turn, STATUS=, WATCHDOG=1. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/sdnotify.h"
#include "lib/log.h"
#include "fake_agent.h"

static void
test_addresses(void **state)
{
	struct sockaddr_un sun;
	socklen_t n;

	(void)state;
	n = sdnotify_addr("/run/systemd/notify", &sun);
	assert_int_equal(n, offsetof(struct sockaddr_un, sun_path) + 20);
	assert_string_equal(sun.sun_path, "/run/systemd/notify");
	n = sdnotify_addr("@abstract", &sun);
	assert_int_equal(n, offsetof(struct sockaddr_un, sun_path) + 9);
	assert_int_equal(sun.sun_path[0], '\0');
	assert_memory_equal(sun.sun_path + 1, "abstract", 8);
	assert_int_equal(sdnotify_addr(NULL, &sun), 0);
	assert_int_equal(sdnotify_addr("", &sun), 0);
	assert_int_equal(sdnotify_addr("@", &sun), 0);
	assert_int_equal(sdnotify_addr("relative", &sun), 0);
}

static void
test_watchdog_env(void **state)
{
	char pid[32];

	(void)state;
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "20000000", 1);
	assert_int_equal(sdnotify_watchdog_usec(), SEC(20));
	snprintf(pid, sizeof(pid), "%d", (int)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog_usec(), 0); /* meant for another process */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_watchdog_usec(), SEC(20));
	setenv("WATCHDOG_USEC", "12x", 1);
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
}

static void
test_messages_reach_the_listener(void **state)
{
	struct fake_agent f;
	struct sockaddr_un sun;
	char env[64], msg[512];
	struct sdnotify *n;
	bool ready = false, status = false, watchdog = false;
	ssize_t r;
	int fd, i;

	(void)state;
	fake_agent_init(&f);
	snprintf(env, sizeof(env), "@pharos-test-sdnotify-%d", (int)getpid());
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sdnotify_addr(env, &sun)), 0);
	assert_null(sdnotify_open(f.l, &f.a)); /* not under systemd */
	setenv("NOTIFY_SOCKET", env, 1);
	setenv("WATCHDOG_USEC", "40000", 1);
	n = sdnotify_open(f.l, &f.a);
	assert_non_null(n);
	assert_null(getenv("NOTIFY_SOCKET")); /* children must not inherit it */
	for (i = 0; i < 20 && !(ready && status && watchdog); i++) {
		loop_run_once(f.l, MSEC(10));
		while ((r = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT)) > 0) {
			msg[r] = '\0';
			ready |= strcmp(msg, "READY=1") == 0;
			status |=
			    strcmp(msg, "STATUS=running: 1/2 services up, 0 drained; 0/0 peers "
			                "established") == 0;
			watchdog |= strcmp(msg, "WATCHDOG=1") == 0;
		}
	}
	assert_true(ready);
	assert_true(status);
	assert_true(watchdog);
	sdnotify_stopping(n);
	r = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);
	assert_true(r > 0);
	msg[r] = '\0';
	assert_string_equal(msg, "STOPPING=1");
	sdnotify_close(n);
	close(fd);
	fake_agent_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_watchdog_env),
	    cmocka_unit_test(test_messages_reach_the_listener),
	};

	log_init("test_sdnotify", LOG_LVL_ERR, 0);
	return cmocka_run_group_tests_name("sdnotify", tests, NULL, NULL);
}
