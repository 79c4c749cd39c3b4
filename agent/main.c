/* pharosd: the anycast health announcer daemon. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/log.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: pharosd [-c FILE] [-t] [-d|--debug] [-V] [-h]\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:tdVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'V': printf("pharosd %s\n", PHAROS_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	log_init("pharosd", LOG_LVL_INFO, 0);
	fatalx("not implemented yet");
}
