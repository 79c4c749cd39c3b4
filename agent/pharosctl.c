/* pharosctl: query and steer a running pharosd through its control socket.
 * Exit status: 0 done, 1 refused by the agent, 2 the agent cannot be reached. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/ctlfmt.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/mono.h"
#include "lib/util.h"

#define DEFAULT_SOCKET "/run/pharos/pharosd.sock"
#define REPLY_MAX      (64u << 20)
#define REPLY_TIMEOUT  SEC(30)

enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_UNREACHABLE = 2,
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: pharosctl [-s SOCKET] status [--json]\n"
	           "       pharosctl [-s SOCKET] drain SERVICE|all\n"
	           "       pharosctl [-s SOCKET] undrain SERVICE|all\n"
	           "       pharosctl [-s SOCKET] reload\n"
	           "  -s SOCKET  the agent's control socket (default " DEFAULT_SOCKET ")\n");
}

static int
connect_agent(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "pharosctl: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(
		    stderr, "pharosctl: cannot reach pharosd at %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* exchange: send one request line and read the one reply line into a new string. */
static char *
exchange(int fd, const char *req, size_t *len)
{
	usec_t deadline = mono_now() + REPLY_TIMEOUT;
	size_t cap = 65536, n = 0;
	char *rep = xmalloc(cap);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	ssize_t r;

	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
		goto fail;
	while (n == 0 || rep[n - 1] != '\n') {
		usec_t left = deadline - mono_now();

		if (left <= 0 || poll(&pfd, 1, (int)(left / USEC_PER_MSEC) + 1) <= 0)
			goto fail;
		if (n == cap) {
			if (cap >= REPLY_MAX)
				goto fail;
			cap *= 2;
			rep = xreallocarray(rep, cap, 1);
		}
		r = read(fd, rep + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		n += (size_t)r;
	}
	*len = n;
	return rep;
fail:
	fprintf(stderr, "pharosctl: no reply from pharosd\n");
	free(rep);
	return NULL;
}

static void
print_messages(const struct json *rep)
{
	const struct json *m = json_get(rep, "messages");
	size_t i;

	for (i = 0; m != NULL && m->type == JSON_ARRAY && i < m->n; i++)
		fprintf(stderr, "%s\n", json_str(m->items[i], "?"));
}

/* run: one request and the output for it; returns the exit status. */
static int
run(const char *sock, const char *req, bool status, bool raw)
{
	struct json *rep = NULL;
	const char *why = NULL;
	struct buf b;
	size_t len;
	char *text;
	int fd, rc = EXIT_UNREACHABLE;

	if ((fd = connect_agent(sock)) == -1)
		return EXIT_UNREACHABLE;
	text = exchange(fd, req, &len);
	close(fd);
	if (text == NULL)
		return EXIT_UNREACHABLE;
	buf_init(&b, text, len);
	if ((rep = json_parse(&b, &why)) == NULL || rep->type != JSON_OBJECT) {
		fprintf(
		    stderr, "pharosctl: bad reply from pharosd: %s\n", why ? why : "not an object");
		goto out;
	}
	print_messages(rep);
	if (!json_bool(json_get(rep, "ok"), false)) {
		fprintf(stderr, "pharosctl: %s\n", json_str(json_get(rep, "error"), "refused"));
		rc = EXIT_REFUSED;
		goto out;
	}
	rc = EXIT_OK;
	if (status && raw)
		fwrite(text, 1, len, stdout);
	else if (status)
		ctlfmt_status(json_get(rep, "status"), stdout);
out:
	json_free(rep);
	free(text);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *sock = DEFAULT_SOCKET, *cmd;
	char req[1024];
	int ch;

	while ((ch = getopt(argc, argv, "+s:h")) != -1) {
		switch (ch) {
		case 's': sock = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_UNREACHABLE;
		}
	}
	argc -= optind;
	argv += optind;
	cmd = argc > 0 ? argv[0] : "";
	if (strcmp(cmd, "status") == 0 && (argc == 1 || (argc == 2 && !strcmp(argv[1], "--json"))))
		return run(sock, "status\n", true, argc == 2);
	if ((strcmp(cmd, "drain") == 0 || strcmp(cmd, "undrain") == 0) && argc == 2 &&
	    strpbrk(argv[1], " \t\r\n") == NULL && strlen(argv[1]) < 512) {
		snprintf(req, sizeof(req), "%s %s\n", cmd, argv[1]);
		return run(sock, req, false, false);
	}
	if (strcmp(cmd, "reload") == 0 && argc == 1)
		return run(sock, "reload\n", false, false);
	usage(stderr);
	return EXIT_UNREACHABLE;
}
