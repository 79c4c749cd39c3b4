/* exec: the exec probe: fork/exec a command (argv, no shell) with a clean environment
 * plus PHAROS_PROBE=name; exit 0 is ok. The first line of its stdout/stderr (one pipe,
 * read on the loop, bounded) is kept as the reason. At the timeout its process group
 * gets SIGTERM, then SIGKILL after EXEC_KILL_GRACE; it is reaped through the loop. */
#define _GNU_SOURCE /* pipe2, strchrnul, closefrom */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "probes/probe_ops.h"

#define EXEC_KILL_GRACE MSEC(500)
#define EXEC_PATH       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct exec_probe;

/* One running child; it outlives its check when cancelled, until it is reaped. */
struct exec_child {
	struct loop *loop;
	struct exec_probe *e; /* NULL once cancelled: reap only */
	pid_t pid;
	struct loop_timer kill;
};

struct exec_probe {
	struct probe *p;
	struct loop *loop;
	const struct probe_cfg *cfg;
	char env_probe[PROBE_REASON_MAX];
	struct exec_child *child;
	int fd; /* read end of the output pipe, -1 when closed */
	char line[PROBE_REASON_MAX];
	size_t len;
	bool line_done;
};

static void *
exec_create(struct probe *p, struct loop *l, const struct probe_cfg *cfg)
{
	struct exec_probe *e;

	if (cfg->exec.argv == NULL || cfg->exec.argv[0] == NULL || cfg->exec.argv[0][0] == '\0') {
		log_warnx("probe %s: exec command not set", cfg->name);
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	e->p = p;
	e->loop = l;
	e->cfg = cfg;
	e->fd = -1;
	snprintf(e->env_probe, sizeof(e->env_probe), "PHAROS_PROBE=%s", cfg->name);
	return e;
}

/* ---- the child side: no allocation after fork ---- */

static void
exec_try_path(char *const *argv, char *const *env)
{
	const char *dir = EXEC_PATH, *end;
	char path[4096];
	int n;

	if (strchr(argv[0], '/') != NULL) {
		execve(argv[0], argv, env);
		return;
	}
	for (; *dir != '\0'; dir = *end ? end + 1 : end) {
		end = strchrnul(dir, ':');
		n = snprintf(path, sizeof(path), "%.*s/%s", (int)(end - dir), dir, argv[0]);
		if (n > 0 && (size_t)n < sizeof(path))
			execve(path, argv, env);
		if (errno != ENOENT && errno != ENOTDIR)
			return;
	}
}

static __attribute__((noreturn)) void
exec_child_main(struct exec_probe *e, int out)
{
	char *env[] = {"PATH=" EXEC_PATH, e->env_probe, NULL};
	int null;

	loop_child_reset_signals();
	setpgid(0, 0);
	null = open("/dev/null", O_RDONLY);
	if (null == -1 || dup2(null, 0) == -1 || dup2(out, 1) == -1 || dup2(out, 2) == -1)
		_exit(126);
	closefrom(3);
	exec_try_path(e->cfg->exec.argv, env);
	dprintf(2, "exec %s: %s\n", e->cfg->exec.argv[0], strerror(errno));
	_exit(127);
}

/* ---- output ---- */

static void
exec_close_fd(struct exec_probe *e)
{
	if (e->fd == -1)
		return;
	loop_fd_del(e->loop, e->fd);
	close(e->fd);
	e->fd = -1;
}

/* exec_take: keep bytes up to the first newline; drop the rest. */
static void
exec_take(struct exec_probe *e, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n && !e->line_done; i++) {
		if (b[i] == '\n' || e->len + 1 >= sizeof(e->line)) {
			e->line_done = true;
			break;
		}
		if (b[i] != '\r')
			e->line[e->len++] = b[i];
	}
	e->line[e->len] = '\0';
}

/* exec_read: read what is there, at most 16 KiB per call so a chatty child cannot hog
 * the loop; closes the pipe at end of file. */
static void
exec_read(struct exec_probe *e)
{
	char b[1024];
	ssize_t r;
	int i;

	for (i = 0; i < 16 && e->fd != -1; i++) {
		r = read(e->fd, b, sizeof(b));
		if (r > 0) {
			exec_take(e, b, (size_t)r);
			continue;
		}
		if (r == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		exec_close_fd(e);
	}
}

static void
exec_on_output(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	exec_read(arg);
}

/* ---- exit and kill ---- */

static void
exec_report(struct exec_probe *e, int status)
{
	const char *line = e->line, *sep = e->len > 0 ? ": " : "";

	exec_read(e); /* what the child wrote just before it exited */
	exec_close_fd(e);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		probe_check_done(e->p, true, "%s", e->len > 0 ? line : "exit 0");
	else if (WIFEXITED(status))
		probe_check_done(e->p, false, "exit %d%s%s", WEXITSTATUS(status), sep, line);
	else
		probe_check_done(e->p, false, "signal %d%s%s", WTERMSIG(status), sep, line);
}

static void
exec_on_exit(pid_t pid, int status, void *arg)
{
	struct exec_child *c = arg;
	struct exec_probe *e = c->e;

	(void)pid;
	loop_timer_cancel(c->loop, &c->kill);
	free(c);
	if (e != NULL) {
		e->child = NULL;
		exec_report(e, status);
	}
}

static void
exec_on_kill(void *arg)
{
	struct exec_child *c = arg;

	/* Not reaped yet, so the group id cannot have been reused. */
	kill(-c->pid, SIGKILL);
}

/* ---- ops ---- */

static void
exec_start(void *st)
{
	struct exec_probe *e = st;
	struct exec_child *c;
	int pfd[2];
	pid_t pid;

	e->len = 0;
	e->line[0] = '\0';
	e->line_done = false;
	if (pipe2(pfd, O_CLOEXEC) == -1 || fd_nonblock_cloexec(pfd[0]) == -1) {
		probe_check_done(e->p, false, "pipe: %s", strerror(errno));
		return;
	}
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		probe_check_done(e->p, false, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		exec_child_main(e, pfd[1]);
	setpgid(pid, pid); /* also in the child: whichever runs first */
	close(pfd[1]);
	e->fd = pfd[0];
	if (loop_fd_add(e->loop, e->fd, EPOLLIN, exec_on_output, e) == -1)
		log_warn("probe %s: loop_fd_add", e->cfg->name);
	c = xcalloc(1, sizeof(*c));
	c->loop = e->loop;
	c->e = e;
	c->pid = pid;
	loop_timer_init(&c->kill, exec_on_kill, c);
	e->child = c;
	if (loop_child_watch(e->loop, pid, exec_on_exit, c) == -1) {
		/* Without SIGCHLD delivery it cannot be reaped on the loop: end it here. */
		log_warn("probe %s: loop_child_watch", e->cfg->name);
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		e->child = NULL;
		free(c);
		exec_close_fd(e);
		probe_check_done(e->p, false, "cannot watch child");
	}
}

/* exec_cancel: SIGTERM the group now, SIGKILL after the grace; reaped later. */
static void
exec_cancel(void *st)
{
	struct exec_probe *e = st;
	struct exec_child *c = e->child;

	exec_close_fd(e);
	if (c == NULL)
		return;
	e->child = NULL;
	c->e = NULL;
	kill(-c->pid, SIGTERM);
	loop_timer_set(c->loop, &c->kill, EXEC_KILL_GRACE);
}

static void
exec_destroy(void *st)
{
	struct exec_probe *e = st;

	if (e == NULL)
		return;
	exec_cancel(e);
	free(e);
}

const struct probe_ops probe_exec_ops = {
    .name = "exec",
    .create = exec_create,
    .start = exec_start,
    .cancel = exec_cancel,
    .destroy = exec_destroy,
};
