/* loop: the single-threaded event loop: epoll for fds, a binary timer heap on the
 * monotonic clock driving the epoll timeout, signalfd for signals, and child reaping.
 *
 * Callbacks may add, change or remove any fd or timer, their own included. */
#ifndef PHAROS_LOOP_H
#define PHAROS_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/types.h>

#include "lib/mono.h"

struct loop;

typedef void (*loop_fd_cb)(int fd, uint32_t events, void *arg);
typedef void (*loop_timer_cb)(void *arg);
typedef void (*loop_signal_cb)(int signo, void *arg);
typedef void (*loop_child_cb)(pid_t pid, int status, void *arg);

/* A timer lives inside its owner's struct; the loop never allocates for timers. */
struct loop_timer {
	usec_t when;
	uint64_t seq; /* arming order: breaks ties and defers timers armed while firing */
	size_t idx;   /* position in the heap, 0 when not pending */
	loop_timer_cb cb;
	void *arg;
};

/* loop_new: a new loop; the caller frees it with loop_free(). NULL on failure. */
struct loop *loop_new(void);

/* loop_free: close the loop's own fds and free it (registered fds are not closed). */
void loop_free(struct loop *l);

/* loop_now: the loop's cached monotonic time, refreshed every turn. */
usec_t loop_now(const struct loop *l);

/* loop_fd_add: watch fd for EPOLLIN/EPOLLOUT; 0 or -1. At most one watch per fd. */
int loop_fd_add(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg);

/* loop_fd_mod: change the events watched on fd. */
int loop_fd_mod(struct loop *l, int fd, uint32_t events);

/* loop_fd_del: stop watching fd (safe inside any callback; the fd is not closed). */
void loop_fd_del(struct loop *l, int fd);

/* loop_timer_init: set the callback; the timer starts disarmed. */
void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg);

/* loop_timer_set: (re)arm t to fire once, delay from now; O(log n). */
void loop_timer_set(struct loop *l, struct loop_timer *t, usec_t delay);

/* loop_timer_set_at: (re)arm t to fire at an absolute monotonic time. */
void loop_timer_set_at(struct loop *l, struct loop_timer *t, usec_t when);

/* loop_timer_cancel: disarm t if pending; O(log n); harmless when not pending. */
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

static inline bool
loop_timer_pending(const struct loop_timer *t)
{
	return t->idx != 0;
}

/* loop_timer_count: how many timers are pending (for leak checks in tests and soak). */
size_t loop_timer_count(const struct loop *l);

/* loop_signal: deliver signo through the loop (blocks it, uses signalfd); 0 or -1. */
int loop_signal(struct loop *l, int signo, loop_signal_cb cb, void *arg);

/* loop_child_watch: call cb once child pid has exited, reaped through the loop's SIGCHLD
 * handling (loop_signal for SIGCHLD is installed on first use); 0 or -1. */
int loop_child_watch(struct loop *l, pid_t pid, loop_child_cb cb, void *arg);

/* loop_child_forget: stop watching pid (it will still be reaped). */
void loop_child_forget(struct loop *l, pid_t pid);

/* loop_child_reset_signals: in a forked child before exec, unblock every signal and
 * restore default dispositions (the loop blocks the ones it handles). */
void loop_child_reset_signals(void);

/* loop_run_once: wait at most max_wait (-1: until the next timer) and dispatch one batch
 * of events and due timers; returns the number of callbacks run, -1 on error. */
int loop_run_once(struct loop *l, usec_t max_wait);

/* loop_run: dispatch until loop_break(); 0, or -1 on a fatal epoll error. */
int loop_run(struct loop *l);

/* loop_break: make loop_run() return after the current callback. */
void loop_break(struct loop *l);

#endif
