/* control: the control socket server: non-blocking, on the loop, bounded. */
#define _GNU_SOURCE /* accept4, open_memstream */
#include "agent/control.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/agent_impl.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/util.h"

struct ctl_client {
	LIST_ENTRY(ctl_client) entry;
	struct ctl *srv;
	int fd;
	char in[CTL_LINE_MAX + 1];
	size_t inlen;
	char *out;
	size_t outlen, outoff;
	bool closing; /* close once the output is flushed */
	struct loop_timer idle;
};

struct ctl {
	struct loop *l;
	struct agent *a;
	char *path;
	int fd;
	ctl_reload_fn reload;
	void *arg;
	size_t nclients;
	LIST_HEAD(, ctl_client) clients;
};

/* ---- requests ---- */

static void
reply_error(FILE *out, const char *fmt, const char *arg)
{
	char msg[CTL_LINE_MAX + 64];

	snprintf(msg, sizeof(msg), fmt, arg);
	fputs("{\"ok\":false,\"error\":", out);
	json_write_str(out, msg);
	fputs("}\n", out);
}

static void
do_reload(struct agent *a, FILE *out, ctl_reload_fn reload, void *arg)
{
	char *errs = NULL, *line, *save = NULL;
	size_t len = 0, n = 0;
	FILE *m = open_memstream(&errs, &len);
	int rc;

	if (m == NULL) {
		reply_error(out, "%s", "out of memory");
		return;
	}
	rc = reload != NULL ? reload(arg, m) : agent_reload(a, m);
	fclose(m);
	fprintf(out, "{\"ok\":%s", rc == 0 ? "true" : "false");
	if (rc != 0)
		fputs(",\"error\":\"the configuration has errors; nothing changed\"", out);
	fputs(",\"messages\":[", out);
	for (line = strtok_r(errs, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (n++ > 0)
			fputc(',', out);
		json_write_str(out, line);
	}
	fputs("]}\n", out);
	free(errs);
}

void
ctl_handle(struct agent *a, const char *line, FILE *out, ctl_reload_fn reload, void *arg)
{
	char cmd[16] = "", name[CTL_LINE_MAX] = "", extra[2] = "";
	int n = sscanf(line, "%15s %4095s %1s", cmd, name, extra);

	if (n <= 0) {
		reply_error(out, "%s", "empty request");
	} else if (strcmp(cmd, "status") == 0 && n == 1) {
		fputs("{\"ok\":true,\"status\":", out);
		agent_status_json(a, out);
		fputs("}\n", out);
	} else if ((strcmp(cmd, "drain") == 0 || strcmp(cmd, "undrain") == 0) && n == 2) {
		if (agent_drain(a, name, cmd[0] == 'd') == 0)
			fputs("{\"ok\":true}\n", out);
		else
			reply_error(out, "no such service: %s", name);
	} else if (strcmp(cmd, "reload") == 0 && n == 1) {
		if (a->phase != AGENT_RUNNING)
			reply_error(out, "%s", "the agent is stopping");
		else
			do_reload(a, out, reload, arg);
	} else {
		reply_error(out,
		    "bad request %s (status, drain SERVICE|all, undrain SERVICE|all, reload)",
		    line);
	}
}

/* ---- clients ---- */

static void
client_free(struct ctl_client *cl)
{
	struct ctl *c = cl->srv;

	LIST_REMOVE(cl, entry);
	c->nclients--;
	loop_timer_cancel(c->l, &cl->idle);
	loop_fd_del(c->l, cl->fd);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

static void
client_idle(void *arg)
{
	struct ctl_client *cl = arg;

	log_debug("control: dropping a client that made no progress");
	client_free(cl);
}

/* client_flush: write what is pending; 0, or -1 when the client was freed. */
static int
client_flush(struct ctl_client *cl)
{
	struct ctl *c = cl->srv;
	ssize_t w;

	while (cl->outoff < cl->outlen) {
		w = send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0) {
			client_free(cl);
			return -1;
		}
		cl->outoff += (size_t)w;
		loop_timer_set(c->l, &cl->idle, CTL_IDLE);
	}
	if (cl->outoff == cl->outlen) {
		cl->outoff = cl->outlen = 0;
		if (cl->closing) {
			client_free(cl);
			return -1;
		}
	}
	loop_fd_mod(c->l, cl->fd, cl->outlen > 0 ? EPOLLOUT : EPOLLIN);
	return 0;
}

/* client_queue: append a reply; -1 when the client was dropped for not reading. */
static int
client_queue(struct ctl_client *cl, const char *rep, size_t len)
{
	if (cl->outlen - cl->outoff + len > CTL_OUT_MAX) {
		log_warnx("control: a client does not read its replies, dropping it");
		client_free(cl);
		return -1;
	}
	cl->out = xreallocarray(cl->out, cl->outlen + len + 1, 1);
	memcpy(cl->out + cl->outlen, rep, len);
	cl->outlen += len;
	return 0;
}

/* client_request: handle one line and queue its reply; -1 when the client was dropped. */
static int
client_request(struct ctl_client *cl, const char *line)
{
	struct ctl *c = cl->srv;
	char *rep = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&rep, &len);
	int rc;

	if (m == NULL) {
		client_free(cl);
		return -1;
	}
	ctl_handle(c->a, line, m, c->reload, c->arg);
	fclose(m);
	rc = client_queue(cl, rep, len);
	free(rep);
	return rc;
}

/* client_lines: run every complete line in the input buffer. */
static int
client_lines(struct ctl_client *cl)
{
	char *nl;
	size_t used;

	while ((nl = memchr(cl->in, '\n', cl->inlen)) != NULL) {
		*nl = '\0';
		if (nl > cl->in && nl[-1] == '\r')
			nl[-1] = '\0';
		if (client_request(cl, cl->in) == -1)
			return -1;
		used = (size_t)(nl - cl->in) + 1;
		memmove(cl->in, nl + 1, cl->inlen - used);
		cl->inlen -= used;
	}
	if (cl->inlen >= CTL_LINE_MAX) {
		static const char too_long[] = "{\"ok\":false,\"error\":\"request too long\"}\n";

		cl->inlen = 0;
		cl->closing = true;
		return client_queue(cl, too_long, sizeof(too_long) - 1);
	}
	return 0;
}

static void
client_event(int fd, uint32_t events, void *arg)
{
	struct ctl_client *cl = arg;
	ssize_t r;

	if (events & EPOLLOUT) {
		client_flush(cl);
		return;
	}
	r = read(fd, cl->in + cl->inlen, CTL_LINE_MAX - cl->inlen);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		/* EOF: a last line without newline still counts. */
		if (r == 0 && cl->inlen > 0 && cl->inlen < CTL_LINE_MAX) {
			cl->in[cl->inlen++] = '\n';
			cl->closing = true;
			if (client_lines(cl) == 0)
				client_flush(cl);
			return;
		}
		if (r == 0 && cl->outlen > cl->outoff) {
			cl->closing = true;
			return;
		}
		client_free(cl);
		return;
	}
	cl->inlen += (size_t)r;
	loop_timer_set(cl->srv->l, &cl->idle, CTL_IDLE);
	if (client_lines(cl) == 0)
		client_flush(cl);
}

static void
ctl_accept(int fd, uint32_t events, void *arg)
{
	struct ctl *c = arg;
	struct ctl_client *cl;
	int cfd;

	(void)events;
	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (c->nclients >= CTL_CLIENTS_MAX) {
			log_warnx("control: too many clients, refusing one");
			close(cfd);
			continue;
		}
		cl = xcalloc(1, sizeof(*cl));
		cl->srv = c;
		cl->fd = cfd;
		loop_timer_init(&cl->idle, client_idle, cl);
		if (loop_fd_add(c->l, cfd, EPOLLIN, client_event, cl) == -1) {
			log_warn("control: cannot watch a client");
			close(cfd);
			free(cl);
			continue;
		}
		LIST_INSERT_HEAD(&c->clients, cl, entry);
		c->nclients++;
		loop_timer_set(c->l, &cl->idle, CTL_IDLE);
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		log_warn("control: accept");
}

/* ---- the listening socket ---- */

/* mkdir_parent: create path's directory (and its parents) 0755 when missing. */
static void
mkdir_parent(const char *path)
{
	char *d = xstrdup(path), *p;

	for (p = d + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(d, 0755) == -1 && errno != EEXIST)
			log_warn("control: mkdir %s", d);
		*p = '/';
	}
	free(d);
}

static int
listen_unix(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control: socket path %s is too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	mkdir_parent(path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path); /* stale, from an agent that did not exit cleanly */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("control: socket");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 || chmod(path, 0660) == -1 ||
	    listen(fd, CTL_CLIENTS_MAX) == -1) {
		log_warn("control: cannot listen on %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

struct ctl *
ctl_open(struct loop *l, struct agent *a, const char *path, ctl_reload_fn reload, void *arg)
{
	struct ctl *c;
	int fd;

	if ((fd = listen_unix(path)) == -1)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->l = l;
	c->a = a;
	c->path = xstrdup(path);
	c->fd = fd;
	c->reload = reload;
	c->arg = arg;
	LIST_INIT(&c->clients);
	if (loop_fd_add(l, fd, EPOLLIN, ctl_accept, c) == -1) {
		log_warn("control: cannot watch %s", path);
		ctl_close(c);
		return NULL;
	}
	log_info("control socket on %s", path);
	return c;
}

void
ctl_close(struct ctl *c)
{
	if (c == NULL)
		return;
	while (!LIST_EMPTY(&c->clients))
		client_free(LIST_FIRST(&c->clients));
	loop_fd_del(c->l, c->fd);
	close(c->fd);
	unlink(c->path);
	free(c->path);
	free(c);
}
