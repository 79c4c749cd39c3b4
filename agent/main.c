/* pharosd: the anycast health announcer daemon. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent/config.h"
#include "lib/log.h"

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

int
main(int argc, char **argv)
{
	struct options o;
	struct cfg *cfg;
	int rc;

	if ((rc = parse_args(argc, argv, &o)) >= 0)
		return rc;
	if (o.mode != MAIN_RUN)
		return check_config(&o);
	log_init("pharosd", o.debug ? LOG_LVL_DEBUG : LOG_LVL_INFO, 0);
	if ((cfg = cfg_load(o.config, stderr)) == NULL)
		fatalx("configuration %s has errors, not starting", o.config);
	if (!o.debug)
		log_set_level(cfg->agent.log_level);
	log_info("configuration loaded from %s", o.config);
	cfg_free(cfg);
	return 0;
}
