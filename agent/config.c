/* config: cfg_load() and the reading of pharosd.ini and its includes through inih.
 *
 * Three passes, each reporting every problem it finds rather than the first:
 *   1. read (here): files -> raw sections (name, file, line, key/value lines). Syntax
 *      errors, unknown or duplicate sections and duplicate keys are found here.
 *   2. build (config_build.c, config_keys.c): each raw section -> its struct, key by key
 *      through a table per section kind.
 *   3. check (config_build.c): cross references (probes, peers), prefixes claimed twice,
 *      require against the probes listed.
 * Diagnostics are collected and printed sorted by file and line. */
#define _GNU_SOURCE /* asprintf, vasprintf */
#include "agent/config.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <glob.h>
#include <ini.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/config_impl.h"
#include "lib/util.h"

#define SEC_NONE -1 /* keys before any section */
#define SEC_SKIP -2 /* inside a section already reported as bad */

struct include {
	char *pattern;
	unsigned line;
};

/* One file being read: the inih reader state and the section keys go to. */
struct filectx {
	struct loader *ld;
	FILE *f;
	int file;
	unsigned line;
	char *buf;
	size_t cap;
	long cur;
	char **longvals; /* values of lines too long for inih's fixed buffer */
	size_t n_longvals;
	struct include *inc;
	size_t n_inc;
};

/* ---- diagnostics ---- */

void
cfg_diag(struct loader *ld, bool warning, int file, unsigned line, const char *fmt, ...)
{
	struct diag *d;
	char *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vasprintf");
	ld->diags = xreallocarray(ld->diags, ld->n_diags + 1, sizeof(*ld->diags));
	d = &ld->diags[ld->n_diags];
	d->file = file;
	d->line = line;
	d->seq = ld->n_diags++;
	if (warning) {
		if (asprintf(&d->text, "warning: %s", msg) < 0)
			fatal("asprintf");
		free(msg);
	} else {
		d->text = msg;
		ld->errors++;
	}
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
diag_flush(struct loader *ld, FILE *errs)
{
	size_t i;

	if (ld->n_diags > 1)
		qsort(ld->diags, ld->n_diags, sizeof(*ld->diags), diag_cmp);
	for (i = 0; i < ld->n_diags; i++) {
		const struct diag *d = &ld->diags[i];

		if (errs != NULL && d->line > 0)
			fprintf(errs, "%s:%u: %s\n", ld->files[d->file], d->line, d->text);
		else if (errs != NULL)
			fprintf(errs, "%s: %s\n", ld->files[d->file], d->text);
	}
}

void
cfg_kv_diag(struct loader *ld, bool warning, const struct rawsec *s, const struct rawkv *kv,
    const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatal("vasprintf");
	va_end(ap);
	cfg_diag(ld, warning, s->file, kv->line, "[%s] %s: %s", s->name, kv->key, msg);
	free(msg);
}

/* ---- pass 1: reading files ---- */

/* find_sep: the '=' or ':' that ends a key, as inih finds it; NULL if an inline
 * comment (";" after a blank) or the end of line comes first. */
static char *
find_sep(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '=' || *p == ':')
			return p;
		if (*p == ';' && p > s && isspace((unsigned char)p[-1]))
			return NULL;
	}
	return NULL;
}

bool
cfg_name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	}
	return true;
}

static const struct rawsec *
sec_lookup(const struct loader *ld, const char *name)
{
	size_t i;

	for (i = 0; i < ld->n_secs; i++) {
		if (strcmp(ld->secs[i].name, name) == 0)
			return &ld->secs[i];
	}
	return NULL;
}

/* section_open: a "[name]" line; the keys that follow go to the new section, or are
 * skipped when the header is bad. */
static void
section_open(struct filectx *fc, const char *name)
{
	struct loader *ld = fc->ld;
	const struct rawsec *prev;
	const char *colon = strchr(name, ':');
	struct rawsec *s;

	fc->cur = SEC_SKIP;
	if (strcmp(name, "agent") != 0 && (colon == NULL || (strncmp(name, "peer:", 5) != 0 &&
	                                                        strncmp(name, "service:", 8) != 0 &&
	                                                        strncmp(name, "probe:", 6) != 0))) {
		cfg_diag(ld, false, fc->file, fc->line,
		    "[%s]: unknown section (agent, peer:NAME, service:NAME, probe:NAME)", name);
		return;
	}
	if (colon != NULL && !cfg_name_ok(colon + 1)) {
		cfg_diag(ld, false, fc->file, fc->line,
		    "[%s]: bad name (letters, digits, '-', '_' and '.')", name);
		return;
	}
	if ((prev = sec_lookup(ld, name)) != NULL) {
		cfg_diag(ld, false, fc->file, fc->line, "[%s]: defined again (first at %s:%u)",
		    name, ld->files[prev->file], prev->line);
		return;
	}
	ld->secs = xreallocarray(ld->secs, ld->n_secs + 1, sizeof(*ld->secs));
	s = &ld->secs[ld->n_secs];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->file = fc->file;
	s->line = fc->line;
	fc->cur = (long)ld->n_secs++;
}

/* header_line: p starts with '['; check the syntax and open the section. */
static void
header_line(struct filectx *fc, char *p)
{
	char *rb = strchr(p, ']'), *rest;

	if (rb == NULL) {
		cfg_diag(fc->ld, false, fc->file, fc->line, "syntax error: missing ']'");
		fc->cur = SEC_SKIP;
		return;
	}
	*rb = '\0';
	rest = str_trim(rb + 1);
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		cfg_diag(fc->ld, false, fc->file, fc->line, "syntax error: text after ']'");
		fc->cur = SEC_SKIP;
		return;
	}
	section_open(fc, str_trim(p + 1));
}

/* long_line: a key line that does not fit inih's fixed line buffer. Keep the value aside
 * and hand inih "key=\001N", which the handler resolves. */
static char *
long_line(struct filectx *fc, char *p, char *sep, char *str, int num)
{
	char *v = sep + 1, *c;

	*sep = '\0';
	for (c = v; *c != '\0'; c++) {
		if (*c == ';' && isspace((unsigned char)c[-1])) {
			*c = '\0';
			break;
		}
	}
	fc->longvals = xreallocarray(fc->longvals, fc->n_longvals + 1, sizeof(*fc->longvals));
	fc->longvals[fc->n_longvals] = xstrdup(str_trim(v));
	if (snprintf(str, (size_t)num, "%s=\001%zu\n", str_trim(p), fc->n_longvals++) >= num) {
		cfg_diag(fc->ld, false, fc->file, fc->line, "syntax error: key too long");
		str[0] = '\0';
	}
	return str;
}

/* reader: inih's fgets: count lines, track sections ourselves (so empty ones and their
 * lines are known), and report malformed lines, passing inih only key lines. */
static char *
reader(char *str, int num, void *stream)
{
	struct filectx *fc = stream;
	ssize_t n = getline(&fc->buf, &fc->cap, fc->f);
	char *p, *sep;

	if (n < 0)
		return NULL;
	fc->line++;
	p = fc->buf;
	if (fc->line == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	p = str_trim(p);
	str[0] = '\0';
	if (*p == '\0' || *p == ';' || *p == '#')
		return str;
	if (*p == '[') {
		header_line(fc, p);
		return str;
	}
	if ((sep = find_sep(p)) == NULL) {
		cfg_diag(fc->ld, false, fc->file, fc->line, "syntax error: expected key = value");
		return str;
	}
	if (sep == p) {
		cfg_diag(fc->ld, false, fc->file, fc->line, "syntax error: missing key before '%c'",
		    *sep);
		return str;
	}
	if (strlen(p) + 2 >= (size_t)num)
		return long_line(fc, p, sep, str, num);
	snprintf(str, (size_t)num, "%s\n", p);
	return str;
}

const struct rawkv *
cfg_kv_lookup(const struct rawsec *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n_kv; i++) {
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	}
	return NULL;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct filectx *fc = user;
	struct loader *ld = fc->ld;
	const struct rawkv *prev;
	struct rawsec *s;
	size_t idx;

	UNUSED(section);
	if (value[0] == '\001' && sscanf(value + 1, "%zu", &idx) == 1 && idx < fc->n_longvals)
		value = fc->longvals[idx];
	if (fc->cur == SEC_SKIP)
		return 1;
	if (fc->cur == SEC_NONE) {
		cfg_diag(ld, false, fc->file, fc->line, "%s: key outside of any section", name);
		return 1;
	}
	s = &ld->secs[fc->cur];
	if (strcmp(s->name, "agent") == 0 && strcmp(name, "include") == 0) {
		fc->inc = xreallocarray(fc->inc, fc->n_inc + 1, sizeof(*fc->inc));
		fc->inc[fc->n_inc].pattern = xstrdup(value);
		fc->inc[fc->n_inc++].line = fc->line;
		return 1;
	}
	if ((prev = cfg_kv_lookup(s, name)) != NULL) {
		cfg_diag(ld, false, fc->file, fc->line, "[%s] %s: set again (first at line %u)",
		    s->name, name, prev->line);
		return 1;
	}
	s->kv = xreallocarray(s->kv, s->n_kv + 1, sizeof(*s->kv));
	s->kv[s->n_kv].key = xstrdup(name);
	s->kv[s->n_kv].value = xstrdup(value);
	s->kv[s->n_kv++].line = fc->line;
	return 1;
}

static int
file_add(struct loader *ld, const char *path)
{
	ld->files = xreallocarray(ld->files, ld->n_files + 1, sizeof(*ld->files));
	ld->files[ld->n_files] = xstrdup(path);
	return (int)ld->n_files++;
}

static int read_file(struct loader *ld, const char *path, int from_file, unsigned from_line);
static void read_stream(struct loader *ld, FILE *f, const char *path);

/* include_path: pattern relative to the directory of the file that includes it. */
static char *
include_path(const char *including, const char *pattern)
{
	const char *slash = strrchr(including, '/');
	char *p;

	if (pattern[0] == '/' || slash == NULL)
		return xstrdup(pattern);
	if (asprintf(&p, "%.*s/%s", (int)(slash - including), including, pattern) < 0)
		fatal("asprintf");
	return p;
}

static void
include_expand(struct loader *ld, int file, const struct include *inc)
{
	char *pat = include_path(ld->files[file], inc->pattern);
	glob_t g;
	size_t i;
	int rc;

	if (inc->pattern[0] == '\0') {
		cfg_diag(ld, false, file, inc->line, "[agent] include: empty value");
		free(pat);
		return;
	}
	rc = glob(pat, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		cfg_diag(ld, true, file, inc->line, "[agent] include: %s matches no file", pat);
	else if (rc != 0)
		cfg_diag(ld, false, file, inc->line, "[agent] include: cannot read %s", pat);
	for (i = 0; rc == 0 && i < g.gl_pathc; i++)
		read_file(ld, g.gl_pathv[i], file, inc->line);
	if (rc == 0 || rc == GLOB_NOMATCH)
		globfree(&g);
	free(pat);
}

static void
filectx_free(struct filectx *fc)
{
	size_t i;

	for (i = 0; i < fc->n_longvals; i++)
		free(fc->longvals[i]);
	for (i = 0; i < fc->n_inc; i++)
		free(fc->inc[i].pattern);
	free(fc->longvals);
	free(fc->inc);
	free(fc->buf);
}

/* read_file: parse one file into raw sections, then the files it includes (in sorted
 * order, after the file itself). from_file < 0 for the main file. 0, or -1 when the file
 * cannot be opened. */
static int
read_file(struct loader *ld, const char *path, int from_file, unsigned from_line)
{
	struct stat st;
	FILE *f;

	f = fopen(path, "re");
	if (f != NULL && (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode))) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (f == NULL) {
		if (from_file < 0)
			cfg_diag(
			    ld, false, file_add(ld, path), 0, "cannot open: %s", strerror(errno));
		else
			cfg_diag(ld, false, from_file, from_line,
			    "[agent] include: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	read_stream(ld, f, path);
	return 0;
}

/* read_stream: parse the open file f, named path, then the files it includes; closes f. */
static void
read_stream(struct loader *ld, FILE *f, const char *path)
{
	struct filectx fc = {.ld = ld, .f = f, .cur = SEC_NONE};
	unsigned errors;
	size_t i;
	int rc;

	fc.file = file_add(ld, path);
	errors = ld->errors;
	/* the reader passes inih only lines it accepts: anything inih still rejects is
	 * reported here, at least once */
	if ((rc = ini_parse_stream(reader, &fc, handler, &fc)) > 0 && ld->errors == errors)
		cfg_diag(ld, false, fc.file, (unsigned)rc, "syntax error");
	fclose(fc.f);
	for (i = 0; i < fc.n_inc; i++)
		include_expand(ld, fc.file, &fc.inc[i]);
	filectx_free(&fc);
}

static void
loader_free(struct loader *ld)
{
	size_t i, j;

	for (i = 0; i < ld->n_secs; i++) {
		for (j = 0; j < ld->secs[i].n_kv; j++) {
			explicit_bzero(ld->secs[i].kv[j].value, strlen(ld->secs[i].kv[j].value));
			free(ld->secs[i].kv[j].key);
			free(ld->secs[i].kv[j].value);
		}
		free(ld->secs[i].kv);
		free(ld->secs[i].name);
	}
	for (i = 0; i < ld->n_diags; i++)
		free(ld->diags[i].text);
	for (i = 0; i < ld->n_files; i++)
		free(ld->files[i]);
	free(ld->secs);
	free(ld->diags);
	free(ld->files);
}

/* load: read the main file from f (already open, closed here) or else from path, then
 * build and check the configuration. */
static struct cfg *
load(const char *path, FILE *f, FILE *errs)
{
	struct loader ld = {0};
	struct build b = {.ld = &ld};
	struct cfg *cfg = xcalloc(1, sizeof(*cfg));

	cfg->path = xstrdup(path);
	b.cfg = cfg;
	if (f != NULL)
		read_stream(&ld, f, path);
	if (f != NULL || read_file(&ld, path, -1, 0) == 0)
		cfg_build(&b);
	diag_flush(&ld, errs);
	cfg_build_free(&b);
	if (ld.errors > 0) {
		cfg_free(cfg);
		cfg = NULL;
	}
	loader_free(&ld);
	return cfg;
}

struct cfg *
cfg_load(const char *path, FILE *errs)
{
	return load(path, NULL, errs);
}

struct cfg *
cfg_load_buf(const char *name, const void *text, size_t len, FILE *errs)
{
	static const char empty[1];
	FILE *f;

	/* fmemopen() wants a non-empty buffer; an empty one reads as an empty file */
	f = fmemopen((void *)(len ? text : empty), len ? len : 1, "r");
	if (f == NULL)
		fatal("fmemopen");
	if (len == 0)
		(void)fgetc(f);
	return load(name, f, errs);
}

/* ---- freeing and lookups ---- */

static void
free_str(char *s)
{
	free(s);
}

static void
probe_free(struct cfg_probe *p)
{
	free_str(p->name);
	free_str(p->qname);
	free_str(p->expect_answer);
	free_str(p->url);
	free_str(p->method);
	free(p->expect_status);
	free_str(p->expect_body);
	cfg_argv_free(&p->command);
}

static void
service_free(struct cfg_service *s)
{
	free(s->name);
	free(s->prefixes);
	free(s->probes);
	free(s->peers);
	free(s->communities);
	free(s->large_communities);
	free(s->drain_file);
	free(s->down_communities);
	cfg_argv_free(&s->on_change);
}

void
cfg_free(struct cfg *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n_peers; i++) {
		struct cfg_peer *p = &cfg->peers[i];

		if (p->password != NULL)
			explicit_bzero(p->password, strlen(p->password));
		free(p->password);
		free(p->password_file);
		free(p->name);
	}
	for (i = 0; i < cfg->n_services; i++)
		service_free(&cfg->services[i]);
	for (i = 0; i < cfg->n_probes; i++)
		probe_free(&cfg->probes[i]);
	free(cfg->peers);
	free(cfg->services);
	free(cfg->probes);
	free(cfg->agent.interface);
	free(cfg->agent.control_socket);
	free(cfg->agent.state_dir);
	free(cfg->agent.user);
	free(cfg->path);
	free(cfg);
}

/* find: binary search of a sorted array of structs whose first member is the name. */
static const void *
find(const void *base, size_t n, size_t size, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *const *elt = (const char *const *)((const char *)base + mid * size);
		int c = strcmp(name, *elt);

		if (c == 0)
			return elt;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct cfg_peer *
cfg_peer_find(const struct cfg *cfg, const char *name)
{
	return find(cfg->peers, cfg->n_peers, sizeof(*cfg->peers), name);
}

const struct cfg_service *
cfg_service_find(const struct cfg *cfg, const char *name)
{
	return find(cfg->services, cfg->n_services, sizeof(*cfg->services), name);
}

const struct cfg_probe *
cfg_probe_find(const struct cfg *cfg, const char *name)
{
	return find(cfg->probes, cfg->n_probes, sizeof(*cfg->probes), name);
}

/* ---- router id ---- */

int
cfg_router_id_pick(const struct ifaddrs *ifa, struct in_addr *out)
{
	bool found = false;
	uint32_t best = 0;

	for (; ifa != NULL; ifa = ifa->ifa_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ifa->ifa_addr;
		uint32_t a;

		if (sin == NULL || sin->sin_family != AF_INET)
			continue;
		a = ntohl(sin->sin_addr.s_addr);
		/* 127/8 and 0.0.0.0 identify nothing */
		if ((a >> 24) == 127 || a == 0 || (ifa->ifa_flags & IFF_LOOPBACK))
			continue;
		if (!found || a < best)
			best = a;
		found = true;
	}
	if (!found)
		return -1;
	out->s_addr = htonl(best);
	return 0;
}

int
cfg_router_id_derive(struct in_addr *out)
{
	struct ifaddrs *ifa;
	int rc;

	if (getifaddrs(&ifa) == -1)
		return -1;
	rc = cfg_router_id_pick(ifa, out);
	freeifaddrs(ifa);
	return rc;
}
