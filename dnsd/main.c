/* pharos-dnsd: the reference authoritative DNS server of pharos. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsd/conf.h"
#include "dnsd/server.h"
#include "lib/log.h"

/* Command-line values, applied over the file's. */
struct cli {
	const char *file;
	const char *listen[DNSD_LISTEN_MAX];
	size_t nlisten;
	const char *zones[64];
	size_t nzones;
	const char *nsid;
	const char *identity;
	bool check;
	bool debug;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: pharos-dnsd [-dht] [-c file] [-l addr[:port]] [-z name=file]\n"
	           "                   [--nsid string|0xhex] [--identity string]\n");
}

static void
parse_args(int argc, char **argv, struct cli *cli)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"listen", required_argument, NULL, 'l'},
	    {"zone", required_argument, NULL, 'z'},
	    {"nsid", required_argument, NULL, 'N'},
	    {"identity", required_argument, NULL, 'I'},
	    {"check", no_argument, NULL, 't'},
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:l:z:tdh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cli->file = optarg; break;
		case 'l':
			if (cli->nlisten == DNSD_LISTEN_MAX)
				fatalx("too many -l");
			cli->listen[cli->nlisten++] = optarg;
			break;
		case 'z':
			if (cli->nzones == 64)
				fatalx("too many -z");
			cli->zones[cli->nzones++] = optarg;
			break;
		case 'N': cli->nsid = optarg; break;
		case 'I': cli->identity = optarg; break;
		case 't': cli->check = true; break;
		case 'd': cli->debug = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
}

/* The file first, then the command line over it: -l replaces the file's listen list. */
static void
build_conf(const struct cli *cli, struct dnsd_conf *c)
{
	const char *why;

	dnsd_conf_init(c);
	if (cli->file && dnsd_conf_load(c, cli->file) < 0)
		fatalx("%s: configuration not valid", cli->file);
	if (cli->nlisten)
		c->nlisten = 0;
	for (size_t i = 0; i < cli->nlisten; i++)
		if (dnsd_conf_listen(c, cli->listen[i], &why))
			fatalx("-l %s: %s", cli->listen[i], why);
	for (size_t i = 0; i < cli->nzones; i++) {
		char name[512];
		const char *eq = strchr(cli->zones[i], '=');

		if (eq == NULL || (size_t)(eq - cli->zones[i]) >= sizeof(name))
			fatalx("-z %s: expected NAME=FILE", cli->zones[i]);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - cli->zones[i]), cli->zones[i]);
		if (dnsd_conf_zone(c, name, eq + 1, &why))
			fatalx("-z %s: %s", cli->zones[i], why);
	}
	if (cli->nsid && dnsd_conf_nsid(c, cli->nsid, &why))
		fatalx("--nsid: %s", why);
	if (cli->identity)
		dnsd_conf_set_str(&c->identity, cli->identity);
	if (c->nzones == 0)
		fatalx("no zones (use [zone:NAME] file = ..., or -z NAME=FILE)");
	if (c->nlisten == 0 && !cli->check)
		fatalx("no listen address (use listen = ..., or -l ADDR[:PORT])");
}

int
main(int argc, char **argv)
{
	struct cli cli = {0};
	struct dnsd_conf conf;
	struct dnsd_server *s;
	int rc;

	parse_args(argc, argv, &cli);
	log_init("pharos-dnsd", cli.debug ? LOG_LVL_DEBUG : LOG_LVL_INFO, 0);
	build_conf(&cli, &conf);
	if (cli.check) {
		conf.nlisten = 0; /* load the zones, bind nothing */
		s = dnsd_server_new(&conf);
		rc = s ? 0 : 1;
		dnsd_server_free(s);
		dnsd_conf_free(&conf);
		return rc;
	}
	if ((s = dnsd_server_new(&conf)) == NULL)
		fatalx("cannot start");
	rc = dnsd_server_run(s);
	dnsd_server_free(s);
	dnsd_conf_free(&conf);
	return rc == 0 ? 0 : 1;
}
