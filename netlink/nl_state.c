/* nl_state: the ownership record of netlink/, STATE_DIR/addresses.
 *
 *	# pharosd: addresses it added (interface prefix); do not edit
 *	lo 192.0.2.53/32
 *	lo 2001:db8::53/128
 *
 * A crash between two writes leaves the old or the new record, never a torn one. */
#include "netlink/nl_state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

#define NL_STATE_FILE "addresses"

static void
state_path(const struct nl_state *st, char *path, size_t len, const char *suffix)
{
	snprintf(path, len, "%s/%s%s", st->dir, NL_STATE_FILE, suffix);
}

int
nl_state_parse_line(const char *line, char ifname[IF_NAMESIZE], struct prefix *p)
{
	char name[IF_NAMESIZE + 1], pstr[ADDR_STRLEN], extra;
	const char *why;

	line += strspn(line, " \t");
	if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
		return 0;
	if (sscanf(line, "%16s %63s %c", name, pstr, &extra) != 2 || strlen(name) >= IF_NAMESIZE ||
	    prefix_parse(pstr, p, &why) == -1 || !prefix_is_host(p))
		return -1;
	memcpy(ifname, name, strlen(name) + 1);
	return 1;
}

static void
state_line(struct nl_state *st, char *line, const char *ifname, nl_state_cb cb, void *arg,
    const char *path, unsigned lineno)
{
	char name[IF_NAMESIZE];
	struct prefix p;
	int rc;

	line[strcspn(line, "\r\n")] = '\0';
	if ((rc = nl_state_parse_line(line, name, &p)) == 0)
		return;
	if (rc == -1) {
		log_warnx("%s:%u: ignoring malformed line", path, lineno);
		return;
	}
	if (strcmp(name, ifname) == 0) {
		cb(&p, arg);
		return;
	}
	st->foreign = xreallocarray(st->foreign, st->nforeign + 1, sizeof(char *));
	st->foreign[st->nforeign++] = xstrdup(line);
}

int
nl_state_load(struct nl_state *st, const char *dir, const char *ifname, nl_state_cb cb, void *arg)
{
	char path[PATH_MAX], line[256];
	unsigned lineno = 0;
	FILE *f;

	memset(st, 0, sizeof(*st));
	st->dir = xstrdup(dir);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		log_warn("cannot create state directory %s", dir);
		return -1;
	}
	state_path(st, path, sizeof(path), "");
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		log_warn("cannot read %s", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		state_line(st, line, ifname, cb, arg, path, ++lineno);
	fclose(f);
	return 0;
}

static int
state_write(
    const struct nl_state *st, FILE *f, const char *ifname, const struct prefix *v, size_t n)
{
	char s[ADDR_STRLEN];
	size_t i;

	fprintf(f, "# pharosd: addresses it added (interface prefix); do not edit\n");
	for (i = 0; i < st->nforeign; i++)
		fprintf(f, "%s\n", st->foreign[i]);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s\n", ifname, prefix_ntop(&v[i], s));
	if (fflush(f) == EOF || ferror(f))
		return -1;
	return fsync(fileno(f));
}

int
nl_state_save(const struct nl_state *st, const char *ifname, const struct prefix *v, size_t n)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	FILE *f;
	int fd, rc;

	state_path(st, tmp, sizeof(tmp), ".tmp");
	state_path(st, path, sizeof(path), "");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		log_warn("cannot write %s", tmp);
		if (fd != -1)
			close(fd);
		return -1;
	}
	rc = state_write(st, f, ifname, v, n);
	if (fclose(f) == EOF)
		rc = -1;
	if (rc == -1 || rename(tmp, path) == -1) {
		log_warn("cannot write %s", path);
		unlink(tmp);
		return -1;
	}
	/* The rename itself must reach the disk before we act on the new record. */
	if ((fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

void
nl_state_clear(struct nl_state *st)
{
	size_t i;

	for (i = 0; i < st->nforeign; i++)
		free(st->foreign[i]);
	free(st->foreign);
	free(st->dir);
	memset(st, 0, sizeof(*st));
}
