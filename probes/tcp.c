/* tcp: the tcp probe: a non-blocking connect to the target; established is ok. A
 * refusal or an ICMP unreachable surfaces through SO_ERROR and fails at once. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"
#include "probes/probe_ops.h"

struct tcp_probe {
	struct probe *p;
	struct loop *loop;
	const struct probe_cfg *cfg;
	int fd;
};

static void *
tcp_create(struct probe *p, struct loop *l, const struct probe_cfg *cfg)
{
	struct tcp_probe *t;

	if (cfg->tcp.target.addr.af == AF_UNSPEC || cfg->tcp.target.port == 0) {
		log_warnx("probe %s: tcp target not set", cfg->name);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->p = p;
	t->loop = l;
	t->cfg = cfg;
	t->fd = -1;
	return t;
}

static void
tcp_close(struct tcp_probe *t)
{
	if (t->fd == -1)
		return;
	loop_fd_del(t->loop, t->fd);
	close(t->fd);
	t->fd = -1;
}

static void
tcp_finish(struct tcp_probe *t, int err)
{
	tcp_close(t);
	if (err == 0)
		probe_check_done(t->p, true, "connected");
	else
		probe_check_done(t->p, false, "%s", probe_errno_reason(err));
}

static void
tcp_on_writable(int fd, uint32_t events, void *arg)
{
	struct tcp_probe *t = arg;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)events;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == EINPROGRESS)
		return;
	tcp_finish(t, err);
}

static void
tcp_start(void *st)
{
	struct tcp_probe *t = st;
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sa(&t->cfg->tcp.target, &ss);

	t->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd == -1) {
		probe_check_done(t->p, false, "socket: %s", probe_errno_reason(errno));
		return;
	}
	if (connect(t->fd, (struct sockaddr *)&ss, sl) == 0) {
		tcp_finish(t, 0);
		return;
	}
	if (errno != EINPROGRESS) {
		tcp_finish(t, errno);
		return;
	}
	if (loop_fd_add(t->loop, t->fd, EPOLLOUT, tcp_on_writable, t) == -1) {
		log_warn("probe %s: loop_fd_add", t->cfg->name);
		tcp_finish(t, errno);
	}
}

static void
tcp_cancel(void *st)
{
	tcp_close(st);
}

static void
tcp_destroy(void *st)
{
	struct tcp_probe *t = st;

	if (t == NULL)
		return;
	tcp_close(t);
	free(t);
}

const struct probe_ops probe_tcp_ops = {
    .name = "tcp",
    .create = tcp_create,
    .start = tcp_start,
    .cancel = tcp_cancel,
    .destroy = tcp_destroy,
};
