/* probe_bench: cost and detection time of dns probes (issue 4's performance figures).
 *
 *   probe_bench [-n PROBES] [-i INTERVAL_MS] [-t TIMEOUT_MS] [-f FALL] [-d SECONDS]
 *
 * Forks a minimal UDP responder on 127.0.0.1 (answers NOERROR+AA to every query), runs
 * PROBES dns probes against it on one loop, and prints this process's CPU time per check
 * and its RSS. Then measures detection, from the responder being stopped (SIGSTOP: checks
 * time out) and killed (SIGKILL: ICMP port unreachable, checks fail at once) to every
 * probe being down, against the bound fall x interval + timeout. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/addr.h"
#include "lib/dnswire.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/util.h"
#include "probes/probe.h"

struct bench {
	size_t n;
	size_t up;
	uint64_t results;
	usec_t event;      /* when the responder was stopped or killed */
	usec_t worst, sum; /* detection times of this phase */
	size_t detected;
};

static void
on_result(struct probe *p, const struct probe_result *r, void *arg)
{
	struct bench *b = arg;
	usec_t d;

	(void)p;
	b->results++;
	if (!r->changed)
		return;
	if (r->state == PROBE_UP) {
		b->up++;
		return;
	}
	b->up--;
	if (b->event != 0) {
		d = mono_now() - b->event;
		b->worst = MAX(b->worst, d);
		b->sum += d;
		b->detected++;
	}
}

static __attribute__((noreturn)) void
responder(int fd)
{
	uint8_t m[1500];
	struct sockaddr_storage from;
	socklen_t fl;
	ssize_t r;

	for (;;) {
		fl = sizeof(from);
		r = recvfrom(fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
		if (r < DNS_HDR_LEN)
			continue;
		m[2] = 0x84; /* QR, AA, opcode QUERY */
		m[3] = 0x00; /* NOERROR */
		sendto(fd, m, (size_t)r, 0, (struct sockaddr *)&from, fl);
	}
}

static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kib;
}

static usec_t
cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return SEC(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + ru.ru_utime.tv_usec +
	       ru.ru_stime.tv_usec;
}

static void
run_for(struct loop *l, usec_t d)
{
	usec_t end = mono_now() + d;

	while (mono_now() < end)
		loop_run_once(l, end - mono_now());
}

static bool
detect(struct loop *l, struct bench *b, const char *what, usec_t bound)
{
	usec_t end;

	b->event = mono_now();
	b->worst = b->sum = 0;
	b->detected = 0;
	end = b->event + bound * 3;
	while (b->up > 0 && mono_now() < end)
		loop_run_once(l, MSEC(10));
	printf("detection (%s): %zu/%zu probes down, worst %.1f ms, mean %.1f ms, bound %.1f ms: "
	       "%s\n",
	    what, b->detected, b->n, b->worst / 1000.0,
	    b->detected ? b->sum / 1000.0 / (double)b->detected : 0.0, bound / 1000.0,
	    b->up == 0 && b->worst < bound ? "ok" : "MISSED");
	b->event = 0;
	return b->up == 0 && b->worst < bound;
}

int
main(int argc, char **argv)
{
	struct probe_cfg c = {.name = "bench", .type = PROBE_T_DNS, .rise = 1};
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	struct bench b = {.n = 200};
	unsigned interval = 100, timeout = 50, fall = 3, secs = 10;
	struct probe **ps;
	struct loop *l;
	usec_t cpu0, t0, bound;
	uint64_t r0;
	char name[32];
	int ch, fd, ok;
	pid_t pid;
	size_t i;

	while ((ch = getopt(argc, argv, "n:i:t:f:d:")) != -1) {
		switch (ch) {
		case 'n': b.n = strtoul(optarg, NULL, 10); break;
		case 'i': interval = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': timeout = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'f': fall = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': secs = (unsigned)strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: probe_bench [-n probes] [-i interval_ms] "
			                "[-t timeout_ms] [-f fall] [-d seconds]\n");
			return 2;
		}
	}
	log_init("probe_bench", LOG_LVL_WARN, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1)
		fatal("responder socket");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0)
		responder(fd);
	close(fd);

	l = loop_new();
	c.interval = MSEC(interval);
	c.timeout = MSEC(timeout);
	c.fall = fall;
	addr_parse("127.0.0.1", &c.dns.server.addr);
	c.dns.server.port = ntohs(sin.sin_port);
	c.dns.qname = "example.";
	c.dns.qtype = DNS_T_SOA;
	c.dns.expect_aa = true;
	ps = xcalloc(b.n, sizeof(*ps));
	for (i = 0; i < b.n; i++) {
		snprintf(name, sizeof(name), "bench%zu", i);
		c.name = name;
		if ((ps[i] = probe_new(l, &c, on_result, &b)) == NULL)
			fatalx("probe_new");
		probe_start(ps[i]);
	}
	run_for(l, SEC(1)); /* warm up: all up */
	cpu0 = cpu_now();
	r0 = b.results;
	t0 = mono_now();
	run_for(l, SEC(secs));
	printf("%zu dns probes, interval %u ms, %.1f s: %llu checks (%.0f/s), %.1f us CPU per "
	       "check, %.1f%% of one core, RSS %ld KiB, %zu up\n",
	    b.n, interval, (mono_now() - t0) / 1e6, (unsigned long long)(b.results - r0),
	    (double)(b.results - r0) * 1e6 / (double)(mono_now() - t0),
	    (double)(cpu_now() - cpu0) / (double)(b.results - r0),
	    100.0 * (double)(cpu_now() - cpu0) / (double)(mono_now() - t0), rss_kib(), b.up);

	bound = (usec_t)fall * MSEC(interval) + MSEC(timeout);
	kill(pid, SIGSTOP);
	ok = detect(l, &b, "responder stopped, checks time out", bound);
	kill(pid, SIGCONT);
	run_for(l, MSEC(interval) * 3);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ok &= detect(l, &b, "responder killed, checks refused", bound);

	for (i = 0; i < b.n; i++)
		probe_free(ps[i]);
	free(ps);
	loop_free(l);
	return ok ? 0 : 1;
}
