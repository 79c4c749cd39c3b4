/* pharosd: the anycast health announcer daemon. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>

#include "agent/agent.h"
#include "agent/config.h"
#include "agent/privdrop.h"
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
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: pharosd [-c FILE] [-t] [-T] [-d|--debug] [-V] [-h]\n"
	           "  -c FILE   configuration file (default " CFG_DEFAULT_PATH ")\n"
	           "  -t        check the configuration, print a summary and exit\n"
	           "  -T        check the configuration, print it normalised and exit\n"
	           "  -d        debug logging\n"
	           "  -V        print the version and exit\n"
	           "  -h        print this help and exit\n");
}

/* parse_args: fill *o from argv; returns -1 to continue, or an exit status. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	o->config = CFG_DEFAULT_PATH;
	o->mode = MAIN_RUN;
	o->debug = false;
	while ((ch = getopt_long(argc, argv, "c:tTdVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 't': o->mode = MAIN_TEST; break;
		case 'T': o->mode = MAIN_PRINT; break;
		case 'd': o->debug = true; break;
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

static void
on_stop(int signo, void *arg)
{
	log_info("received %s", strsignal(signo));
	agent_shutdown(arg);
}

static void
on_reload(int signo, void *arg)
{
	(void)signo;
	log_info("received SIGHUP: reloading");
	agent_reload(arg, NULL);
}

/* install_signals: SIGTERM/SIGINT stop gracefully, SIGHUP reloads; all through the loop. */
static void
install_signals(struct loop *l, struct agent *a)
{
	signal(SIGPIPE, SIG_IGN);
	if (loop_signal(l, SIGTERM, on_stop, a) == -1 || loop_signal(l, SIGINT, on_stop, a) == -1 ||
	    loop_signal(l, SIGHUP, on_reload, a) == -1)
		fatal("signalfd");
}

/* run: the daemon: load, start (addresses, sessions, probes), loop until stopped. */
static int
run(const struct options *o)
{
	struct cfg *cfg;
	struct loop *l;
	struct agent *a;

	log_init("pharosd", o->debug ? LOG_LVL_DEBUG : LOG_LVL_INFO, 0);
	if ((cfg = cfg_load(o->config, stderr)) == NULL)
		fatalx("configuration %s has errors, not starting", o->config);
	if (!o->debug)
		log_set_level(cfg->agent.log_level);
	if ((l = loop_new()) == NULL)
		fatal("epoll");
	a = agent_new(l, cfg, o->config);
	install_signals(l, a);
	if (agent_start(a) == -1)
		fatalx("cannot start: see the errors above");
	if (agent_privdrop(cfg) == -1)
		fatalx("cannot drop privileges");
	if (loop_run(l) == -1)
		fatalx("event loop failed");
	agent_free(a);
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
