/* sdnotify: sd_notify(3) spoken directly: one AF_UNIX datagram per message. */
#include "agent/sdnotify.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

struct sdnotify {
	struct loop *l;
	struct agent *a;
	int fd;
	struct sockaddr_un sun;
	socklen_t sunlen;
	usec_t watchdog; /* WATCHDOG_USEC, 0: none */
	char status[256];
	struct loop_timer ready, status_timer, watchdog_timer;
};

socklen_t
sdnotify_addr(const char *env, struct sockaddr_un *sun)
{
	size_t len = env != NULL ? strlen(env) : 0;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len < 2 || len >= sizeof(sun->sun_path) || (env[0] != '/' && env[0] != '@'))
		return 0;
	memcpy(sun->sun_path, env, len);
	if (env[0] == '@')
		sun->sun_path[0] = '\0'; /* abstract: no NUL terminator counted */
	else
		len++;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

usec_t
sdnotify_watchdog_usec(void)
{
	const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	char *end;
	unsigned long long v;

	if (us == NULL)
		return 0;
	if (pid != NULL && strtoll(pid, NULL, 10) != (long long)getpid())
		return 0;
	errno = 0;
	v = strtoull(us, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > (unsigned long long)INT64_MAX)
		return 0;
	return (usec_t)v;
}

int
sdnotify_send(struct sdnotify *n, const char *msg)
{
	if (n == NULL)
		return 0;
	if (sendto(n->fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&n->sun, n->sunlen) ==
	    -1) {
		log_debug("sd_notify: cannot send %s: %s", msg, strerror(errno));
		return -1;
	}
	return 0;
}

/* send_status: STATUS= with the summary, only when it changed (force: always). */
static void
send_status(struct sdnotify *n, bool force)
{
	char line[256], msg[300];

	agent_status_line(n->a, line, sizeof(line));
	if (!force && strcmp(line, n->status) == 0)
		return;
	snprintf(n->status, sizeof(n->status), "%s", line);
	snprintf(msg, sizeof(msg), "STATUS=%s", line);
	sdnotify_send(n, msg);
}

static void
on_ready(void *arg)
{
	sdnotify_ready(arg);
}

static void
on_status(void *arg)
{
	struct sdnotify *n = arg;

	send_status(n, false);
	loop_timer_set(n->l, &n->status_timer, SDNOTIFY_STATUS_EVERY);
}

static void
on_watchdog(void *arg)
{
	struct sdnotify *n = arg;

	sdnotify_send(n, "WATCHDOG=1");
	loop_timer_set(n->l, &n->watchdog_timer, n->watchdog / 2);
}

struct sdnotify *
sdnotify_open(struct loop *l, struct agent *a)
{
	const char *env = getenv("NOTIFY_SOCKET");
	struct sdnotify *n;

	if (env == NULL)
		return NULL;
	n = xcalloc(1, sizeof(*n));
	if ((n->sunlen = sdnotify_addr(env, &n->sun)) == 0) {
		log_warnx("sd_notify: unusable NOTIFY_SOCKET %s", env);
		free(n);
		return NULL;
	}
	if ((n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1) {
		log_warn("sd_notify: socket");
		free(n);
		return NULL;
	}
	n->l = l;
	n->a = a;
	n->watchdog = sdnotify_watchdog_usec();
	loop_timer_init(&n->ready, on_ready, n);
	loop_timer_init(&n->status_timer, on_status, n);
	loop_timer_init(&n->watchdog_timer, on_watchdog, n);
	loop_timer_set(l, &n->ready, 0);
	loop_timer_set(l, &n->status_timer, SDNOTIFY_STATUS_EVERY);
	if (n->watchdog > 0)
		loop_timer_set(l, &n->watchdog_timer, n->watchdog / 2);
	/* Children (on_change, exec probes) must not talk to systemd as us. */
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return n;
}

void
sdnotify_reloading(struct sdnotify *n)
{
	char msg[64];

	if (n == NULL)
		return;
	/* systemd 253+ Type=notify-reload wants the time the reload started. */
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%" PRId64, mono_now());
	sdnotify_send(n, msg);
}

void
sdnotify_ready(struct sdnotify *n)
{
	if (n == NULL)
		return;
	sdnotify_send(n, "READY=1");
	send_status(n, true);
}

void
sdnotify_stopping(struct sdnotify *n)
{
	if (n == NULL)
		return;
	sdnotify_send(n, "STOPPING=1");
	send_status(n, true);
}

void
sdnotify_close(struct sdnotify *n)
{
	if (n == NULL)
		return;
	loop_timer_cancel(n->l, &n->ready);
	loop_timer_cancel(n->l, &n->status_timer);
	loop_timer_cancel(n->l, &n->watchdog_timer);
	close(n->fd);
	free(n);
}
