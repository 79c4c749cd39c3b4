/* pharosd: the anycast health announcer daemon. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>

#include "agent/agent.h"
#include "agent/config.h"
#include "agent/control.h"
#include "agent/metrics_http.h"
#include "agent/privdrop.h"
#include "agent/sdnotify.h"
#include "lib/log.h"
#include "lib/loop.h"

enum main_mode {
	MAIN_RUN,
	MAIN_TEST,  /* -t: validate and summarise */
	MAIN_PRINT, /* -T: validate and print the effective configuration */
};

struct options {
	const char *config;
	enum main_mode mode;
	bool debug;
	bool syslog; /* log to syslog instead of stderr */
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: pharosd [-c FILE] [-t] [-T] [-d|--debug] [-s|--syslog] [-V] [-h]\n"
	           "  -c FILE   configuration file (default " CFG_DEFAULT_PATH ")\n"
	           "  -t        check the configuration, print a summary and exit\n"
	           "  -T        check the configuration, print it normalised and exit\n"
	           "  -d        debug logging\n"
	           "  -s        log to syslog (default: stderr, which journald takes)\n"
	           "  -V        print the version and exit\n"
	           "  -h        print this help and exit\n");
}

/* parse_args: fill *o from argv; returns -1 to continue, or an exit status. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"debug", no_argument, NULL, 'd'},
	    {"syslog", no_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	o->config = CFG_DEFAULT_PATH;
	o->mode = MAIN_RUN;
	o->debug = false;
	o->syslog = false;
	while ((ch = getopt_long(argc, argv, "c:tTdsVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 't': o->mode = MAIN_TEST; break;
		case 'T': o->mode = MAIN_PRINT; break;
		case 'd': o->debug = true; break;
		case 's': o->syslog = true; break;
		case 'V': printf("pharosd %s\n", PHAROS_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	return -1;
}

/* check_config: -t and -T, like nginx -t: the problems and 1, or the result and 0. */
static int
check_config(const struct options *o)
{
	struct cfg *cfg = cfg_load(o->config, stderr);

	if (cfg == NULL) {
		fprintf(stderr, "pharosd: configuration %s has errors\n", o->config);
		return 1;
	}
	if (o->mode == MAIN_PRINT) {
		cfg_print(cfg, stdout);
	} else {
		cfg_summary(cfg, stdout);
		printf("pharosd: configuration %s ok\n", o->config);
	}
	cfg_free(cfg);
	return 0;
}

/* The agent and the servers around it: control socket, metrics, systemd. */
struct daemon {
	struct agent *a;
	struct ctl *ctl;
	struct metrics_http *metrics;
	struct sdnotify *sd;
};

static void
on_stop(int signo, void *arg)
{
	struct daemon *d = arg;

	log_info("received %s", strsignal(signo));
	sdnotify_stopping(d->sd);
	agent_shutdown(d->a);
}

/* reload: SIGHUP and pharosctl reload, told to systemd. */
static int
reload(void *arg, FILE *errs)
{
	struct daemon *d = arg;
	int rc;

	sdnotify_reloading(d->sd);
	rc = agent_reload(d->a, errs);
	sdnotify_ready(d->sd);
	return rc;
}

static void
on_reload(int signo, void *arg)
{
	(void)signo;
	log_info("received SIGHUP: reloading");
	reload(arg, NULL);
}

/* install_signals: SIGTERM/SIGINT stop gracefully, SIGHUP reloads; all through the loop. */
static void
install_signals(struct loop *l, struct daemon *d)
{
	signal(SIGPIPE, SIG_IGN);
	if (loop_signal(l, SIGTERM, on_stop, d) == -1 || loop_signal(l, SIGINT, on_stop, d) == -1 ||
	    loop_signal(l, SIGHUP, on_reload, d) == -1)
		fatal("signalfd");
}

/* open_servers: the control socket (required), metrics (when configured; a busy port
 * only costs the metrics) and systemd notification (when under systemd). Changes of
 * control_socket and metrics_listen take effect at restart. */
static void
open_servers(struct loop *l, const struct cfg *cfg, struct daemon *d)
{
	d->ctl = ctl_open(l, d->a, cfg->agent.control_socket, reload, d);
	if (d->ctl == NULL)
		fatalx("cannot open the control socket %s", cfg->agent.control_socket);
	if (cfg->agent.metrics_listen.addr.af != AF_UNSPEC &&
	    (d->metrics = metrics_http_open(l, d->a, &cfg->agent.metrics_listen)) == NULL)
		log_warnx("metrics disabled: see the error above");
	d->sd = sdnotify_open(l, d->a);
}

static void
close_servers(struct daemon *d)
{
	sdnotify_close(d->sd);
	metrics_http_close(d->metrics);
	ctl_close(d->ctl);
}

/* run: the daemon: load, start (addresses, sessions, probes), loop until stopped. */
static int
run(const struct options *o)
{
	struct daemon d = {0};
	struct cfg *cfg;
	struct loop *l;

	log_init("pharosd", o->debug ? LOG_LVL_DEBUG : LOG_LVL_INFO, o->syslog);
	if ((cfg = cfg_load(o->config, stderr)) == NULL)
		fatalx("configuration %s has errors, not starting", o->config);
	if (!o->debug)
		log_set_level(cfg->agent.log_level);
	if ((l = loop_new()) == NULL)
		fatal("epoll");
	d.a = agent_new(l, cfg, o->config);
	install_signals(l, &d);
	open_servers(l, cfg, &d);
	if (agent_start(d.a) == -1)
		fatalx("cannot start: see the errors above");
	if (agent_privdrop(cfg) == -1)
		fatalx("cannot drop privileges");
	if (loop_run(l) == -1)
		fatalx("event loop failed");
	close_servers(&d);
	agent_free(d.a);
	loop_free(l);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	int rc;

	if ((rc = parse_args(argc, argv, &o)) >= 0)
		return rc;
	if (o.mode != MAIN_RUN)
		return check_config(&o);
	return run(&o);
}
