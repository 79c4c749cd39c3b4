/* loop: epoll + timer heap + signalfd + child reaping. */
#include "lib/loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

#define LOOP_MAX_EVENTS 64
#define LOOP_NSIG       65

struct fd_watch {
	int fd;
	uint32_t events;
	bool dead;
	loop_fd_cb cb;
	void *arg;
	SLIST_ENTRY(fd_watch) grave;
};

struct child_watch {
	pid_t pid;
	loop_child_cb cb; /* NULL: forgotten, reap only */
	void *arg;
	LIST_ENTRY(child_watch) entry;
};

struct loop {
	int epfd;
	int sigfd;
	sigset_t sigmask;
	usec_t now;
	bool brk;
	uint64_t seq;
	struct fd_watch **fds; /* indexed by fd */
	size_t nfds;
	SLIST_HEAD(, fd_watch) graveyard;
	struct loop_timer **heap; /* 1-based binary min-heap */
	size_t heap_len, heap_cap;
	struct {
		loop_signal_cb cb;
		void *arg;
	} sig[LOOP_NSIG];
	LIST_HEAD(, child_watch) children;
	struct loop_timer child_scan;
};

static void loop_sig_read(int fd, uint32_t events, void *arg);
static void child_scan(void *arg);

struct loop *
loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd == -1) {
		free(l);
		return NULL;
	}
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	SLIST_INIT(&l->graveyard);
	LIST_INIT(&l->children);
	loop_timer_init(&l->child_scan, child_scan, l);
	l->now = mono_now();
	return l;
}

static void
bury_dead(struct loop *l)
{
	struct fd_watch *w;

	while ((w = SLIST_FIRST(&l->graveyard)) != NULL) {
		SLIST_REMOVE_HEAD(&l->graveyard, grave);
		free(w);
	}
}

void
loop_free(struct loop *l)
{
	struct child_watch *c;
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nfds; i++)
		free(l->fds[i]);
	bury_dead(l);
	while ((c = LIST_FIRST(&l->children)) != NULL) {
		LIST_REMOVE(c, entry);
		free(c);
	}
	if (l->sigfd != -1)
		close(l->sigfd);
	close(l->epfd);
	free(l->fds);
	free(l->heap);
	free(l);
}

usec_t
loop_now(const struct loop *l)
{
	return l->now;
}

/* ---- fds ---- */

int
loop_fd_add(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	struct epoll_event ev = {.events = events};
	struct fd_watch *w;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if ((size_t)fd >= l->nfds) {
		size_t n = MAX((size_t)fd + 1, l->nfds * 2);

		l->fds = xreallocarray(l->fds, n, sizeof(*l->fds));
		memset(l->fds + l->nfds, 0, (n - l->nfds) * sizeof(*l->fds));
		l->nfds = n;
	}
	if (l->fds[fd] != NULL) {
		errno = EEXIST;
		return -1;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->arg = arg;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		free(w);
		return -1;
	}
	l->fds[fd] = w;
	return 0;
}

int
loop_fd_mod(struct loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = {.events = events};
	struct fd_watch *w;

	if (fd < 0 || (size_t)fd >= l->nfds || (w = l->fds[fd]) == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (w->events == events)
		return 0;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) == -1)
		return -1;
	w->events = events;
	return 0;
}

void
loop_fd_del(struct loop *l, int fd)
{
	struct fd_watch *w;

	if (fd < 0 || (size_t)fd >= l->nfds || (w = l->fds[fd]) == NULL)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	l->fds[fd] = NULL;
	/* Events for w may still be queued in this turn's batch: free it afterwards. */
	w->dead = true;
	SLIST_INSERT_HEAD(&l->graveyard, w, grave);
}

/* ---- timers: 1-based binary heap ordered by (when, seq) ---- */

static bool
timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
heap_place(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->idx = i;
}

static void
heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 1 && timer_before(t, l->heap[i / 2])) {
		heap_place(l, i, l->heap[i / 2]);
		i /= 2;
	}
	heap_place(l, i, t);
}

static void
heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	size_t c;

	while ((c = 2 * i) <= l->heap_len) {
		if (c < l->heap_len && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_place(l, i, l->heap[c]);
		i = c;
	}
	heap_place(l, i, t);
}

void
loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

void
loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	size_t i = t->idx;
	struct loop_timer *last;

	if (i == 0)
		return;
	t->idx = 0;
	last = l->heap[l->heap_len--];
	if (last == t)
		return;
	heap_place(l, i, last);
	if (i > 1 && timer_before(last, l->heap[i / 2]))
		heap_up(l, i);
	else
		heap_down(l, i);
}

void
loop_timer_set_at(struct loop *l, struct loop_timer *t, usec_t when)
{
	loop_timer_cancel(l, t);
	if (l->heap_len + 1 >= l->heap_cap) {
		l->heap_cap = l->heap_cap ? l->heap_cap * 2 : 64;
		l->heap = xreallocarray(l->heap, l->heap_cap, sizeof(*l->heap));
	}
	t->when = when;
	t->seq = ++l->seq;
	l->heap_len++;
	heap_place(l, l->heap_len, t);
	heap_up(l, l->heap_len);
}

void
loop_timer_set(struct loop *l, struct loop_timer *t, usec_t delay)
{
	loop_timer_set_at(l, t, mono_now() + (delay > 0 ? delay : 0));
}

size_t
loop_timer_count(const struct loop *l)
{
	return l->heap_len;
}

/* run_timers: fire every timer due by now that was armed before this pass began; a timer
 * re-armed from its own callback waits for the next turn, so nothing can spin. */
static int
run_timers(struct loop *l)
{
	uint64_t limit = l->seq;
	int n = 0;

	while (l->heap_len > 0 && !l->brk) {
		struct loop_timer *t = l->heap[1];

		if (t->when > l->now || t->seq > limit)
			break;
		loop_timer_cancel(l, t);
		t->cb(t->arg);
		n++;
	}
	return n;
}

/* ---- signals and children ---- */

int
loop_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg)
{
	int fd;

	if (signo <= 0 || signo >= LOOP_NSIG) {
		errno = EINVAL;
		return -1;
	}
	sigaddset(&l->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) == -1)
		return -1;
	fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd == -1)
		return -1;
	if (l->sigfd == -1) {
		l->sigfd = fd;
		if (loop_fd_add(l, fd, EPOLLIN, loop_sig_read, l) == -1)
			return -1;
	}
	l->sig[signo].cb = cb;
	l->sig[signo].arg = arg;
	return 0;
}

static void
loop_sig_read(int fd, uint32_t events, void *arg)
{
	struct loop *l = arg;
	struct signalfd_siginfo si;
	int i;

	(void)events;
	/* Bounded: at most one batch of pending signals per turn. */
	for (i = 0; i < 32; i++) {
		if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			break;
		if (si.ssi_signo < LOOP_NSIG && l->sig[si.ssi_signo].cb != NULL)
			l->sig[si.ssi_signo].cb((int)si.ssi_signo, l->sig[si.ssi_signo].arg);
	}
}

static void
child_scan(void *arg)
{
	struct loop *l = arg;
	struct child_watch *c, *next;
	int status;

	for (c = LIST_FIRST(&l->children); c != NULL; c = next) {
		next = LIST_NEXT(c, entry);
		if (waitpid(c->pid, &status, WNOHANG) != c->pid)
			continue;
		LIST_REMOVE(c, entry);
		if (c->cb != NULL)
			c->cb(c->pid, status, c->arg);
		free(c);
		/* The callback may have changed the list: start over (each pass reaps one). */
		next = LIST_FIRST(&l->children);
	}
}

static void
on_sigchld(int signo, void *arg)
{
	(void)signo;
	child_scan(arg);
}

int
loop_child_watch(struct loop *l, pid_t pid, loop_child_cb cb, void *arg)
{
	struct child_watch *c;

	if (l->sig[SIGCHLD].cb == NULL && loop_signal(l, SIGCHLD, on_sigchld, l) == -1)
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->pid = pid;
	c->cb = cb;
	c->arg = arg;
	LIST_INSERT_HEAD(&l->children, c, entry);
	/* The child may have exited before SIGCHLD was blocked: look once, soon. */
	loop_timer_set(l, &l->child_scan, 0);
	return 0;
}

void
loop_child_forget(struct loop *l, pid_t pid)
{
	struct child_watch *c;

	LIST_FOREACH(c, &l->children, entry)
	{
		if (c->pid == pid) {
			c->cb = NULL;
			c->arg = NULL;
		}
	}
}

void
loop_child_reset_signals(void)
{
	sigset_t all;
	int s;

	for (s = 1; s < LOOP_NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* ---- dispatch ---- */

int
loop_run_once(struct loop *l, usec_t max_wait)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];
	struct timespec ts, *tsp = NULL;
	usec_t wait = max_wait;
	int n, i, ran = 0;

	l->now = mono_now();
	if (l->heap_len > 0) {
		usec_t due = l->heap[1]->when - l->now;

		if (due < 0)
			due = 0;
		if (wait < 0 || due < wait)
			wait = due;
	}
	if (wait >= 0) {
		ts.tv_sec = wait / USEC_PER_SEC;
		ts.tv_nsec = (long)(wait % USEC_PER_SEC) * 1000;
		tsp = &ts;
	}
	n = epoll_pwait2(l->epfd, evs, LOOP_MAX_EVENTS, tsp, NULL);
	if (n == -1 && errno == ENOSYS)
		n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS,
		    wait < 0 ? -1 : (int)((wait + USEC_PER_MSEC - 1) / USEC_PER_MSEC));
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	l->now = mono_now();
	for (i = 0; i < n && !l->brk; i++) {
		struct fd_watch *w = evs[i].data.ptr;

		if (w->dead)
			continue;
		w->cb(w->fd, evs[i].events, w->arg);
		ran++;
	}
	bury_dead(l);
	l->now = mono_now();
	ran += run_timers(l);
	return ran;
}

int
loop_run(struct loop *l)
{
	l->brk = false;
	while (!l->brk) {
		if (loop_run_once(l, -1) == -1) {
			log_warn("epoll_wait");
			return -1;
		}
	}
	return 0;
}

void
loop_break(struct loop *l)
{
	l->brk = true;
}
