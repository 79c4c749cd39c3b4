/* config: read pharosd.ini and its includes (inih) into raw sections, then build and
 * validate a struct cfg from them.
 *
 * Three passes, each reporting every problem it finds rather than the first:
 *   1. read: files -> raw sections (name, file, line, key/value lines). Syntax errors,
 *      unknown or duplicate sections and duplicate keys are found here.
 *   2. build: each raw section -> its struct, key by key through a table per section kind.
 *   3. check: cross references (probes, peers), prefixes claimed twice, require vs probes.
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
#include <strings.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"

#define SEC_NONE -1 /* keys before any section */
#define SEC_SKIP -2 /* inside a section already reported as bad */

#define MD5_KEY_MAX 80 /* TCP_MD5SIG_MAXKEYLEN */

struct diag {
	int file;
	unsigned line;
	size_t seq;
	char *text; /* everything after "FILE:LINE: " */
};

struct rawkv {
	char *key;
	char *value;
	unsigned line;
};

struct rawsec {
	char *name;
	int file;
	unsigned line;
	struct rawkv *kv;
	size_t n_kv;
};

struct loader {
	char **files;
	size_t n_files;
	struct diag *diags;
	size_t n_diags;
	unsigned errors;
	struct rawsec *secs;
	size_t n_secs;
};

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

static void diag(struct loader *ld, bool warning, int file, unsigned line, const char *fmt, ...)
    PRINTF_LIKE(5, 6);
static void kv_diag(struct loader *ld, bool warning, const struct rawsec *s, const struct rawkv *kv,
    const char *fmt, ...) PRINTF_LIKE(5, 6);

/* diag: record a problem at file:line (line 0: the file as a whole). */
static void
diag(struct loader *ld, bool warning, int file, unsigned line, const char *fmt, ...)
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

	qsort(ld->diags, ld->n_diags, sizeof(*ld->diags), diag_cmp);
	for (i = 0; i < ld->n_diags; i++) {
		const struct diag *d = &ld->diags[i];

		if (errs != NULL && d->line > 0)
			fprintf(errs, "%s:%u: %s\n", ld->files[d->file], d->line, d->text);
		else if (errs != NULL)
			fprintf(errs, "%s: %s\n", ld->files[d->file], d->text);
	}
}

/* kv_diag: a problem with one key of a section. */
static void
kv_diag(struct loader *ld, bool warning, const struct rawsec *s, const struct rawkv *kv,
    const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatal("vasprintf");
	va_end(ap);
	diag(ld, warning, s->file, kv->line, "[%s] %s: %s", s->name, kv->key, msg);
	free(msg);
}

/* ---- pass 1: reading files ---- */

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

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

static bool
name_ok(const char *s)
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
		diag(ld, false, fc->file, fc->line,
		    "[%s]: unknown section (agent, peer:NAME, service:NAME, probe:NAME)", name);
		return;
	}
	if (colon != NULL && !name_ok(colon + 1)) {
		diag(ld, false, fc->file, fc->line,
		    "[%s]: bad name (letters, digits, '-', '_' and '.')", name);
		return;
	}
	if ((prev = sec_lookup(ld, name)) != NULL) {
		diag(ld, false, fc->file, fc->line, "[%s]: defined again (first at %s:%u)", name,
		    ld->files[prev->file], prev->line);
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
		diag(fc->ld, false, fc->file, fc->line, "syntax error: missing ']'");
		fc->cur = SEC_SKIP;
		return;
	}
	*rb = '\0';
	rest = trim(rb + 1);
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		diag(fc->ld, false, fc->file, fc->line, "syntax error: text after ']'");
		fc->cur = SEC_SKIP;
		return;
	}
	section_open(fc, trim(p + 1));
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
	fc->longvals[fc->n_longvals] = xstrdup(trim(v));
	if (snprintf(str, (size_t)num, "%s=\001%zu\n", trim(p), fc->n_longvals++) >= num) {
		diag(fc->ld, false, fc->file, fc->line, "syntax error: key too long");
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
	p = trim(p);
	str[0] = '\0';
	if (*p == '\0' || *p == ';' || *p == '#')
		return str;
	if (*p == '[') {
		header_line(fc, p);
		return str;
	}
	if ((sep = find_sep(p)) == NULL) {
		diag(fc->ld, false, fc->file, fc->line, "syntax error: expected key = value");
		return str;
	}
	if (strlen(p) + 2 >= (size_t)num)
		return long_line(fc, p, sep, str, num);
	snprintf(str, (size_t)num, "%s\n", p);
	return str;
}

static const struct rawkv *
kv_lookup(const struct rawsec *s, const char *key)
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
	if (name[0] == '\0') {
		diag(ld, false, fc->file, fc->line, "syntax error: missing key before '='");
		return 1;
	}
	if (fc->cur == SEC_NONE) {
		diag(ld, false, fc->file, fc->line, "%s: key outside of any section", name);
		return 1;
	}
	s = &ld->secs[fc->cur];
	if (strcmp(s->name, "agent") == 0 && strcmp(name, "include") == 0) {
		fc->inc = xreallocarray(fc->inc, fc->n_inc + 1, sizeof(*fc->inc));
		fc->inc[fc->n_inc].pattern = xstrdup(value);
		fc->inc[fc->n_inc++].line = fc->line;
		return 1;
	}
	if ((prev = kv_lookup(s, name)) != NULL) {
		diag(ld, false, fc->file, fc->line, "[%s] %s: set again (first at line %u)",
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
		diag(ld, false, file, inc->line, "[agent] include: empty value");
		free(pat);
		return;
	}
	rc = glob(pat, GLOB_ERR, NULL, &g);
	if (rc == GLOB_NOMATCH)
		diag(ld, true, file, inc->line, "[agent] include: %s matches no file", pat);
	else if (rc != 0)
		diag(ld, false, file, inc->line, "[agent] include: cannot read %s", pat);
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
	struct filectx fc = {.ld = ld, .cur = SEC_NONE};
	struct stat st;
	size_t i;

	fc.f = fopen(path, "re");
	if (fc.f != NULL && (fstat(fileno(fc.f), &st) == -1 || !S_ISREG(st.st_mode))) {
		fclose(fc.f);
		fc.f = NULL;
		errno = EISDIR;
	}
	if (fc.f == NULL) {
		if (from_file < 0)
			diag(ld, false, file_add(ld, path), 0, "cannot open: %s", strerror(errno));
		else
			diag(ld, false, from_file, from_line, "[agent] include: cannot open %s: %s",
			    path, strerror(errno));
		return -1;
	}
	fc.file = file_add(ld, path);
	if (ini_parse_stream(reader, &fc, handler, &fc) > 0 && ld->errors == 0)
		diag(ld, false, fc.file, fc.line, "syntax error");
	fclose(fc.f);
	for (i = 0; i < fc.n_inc; i++)
		include_expand(ld, fc.file, &fc.inc[i]);
	filectx_free(&fc);
	return 0;
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

/* ---- pass 2: building sections ---- */

struct build;
struct keydef;

/* A key parser: store v into obj (the section's struct); 0, or -1 with *why set. */
typedef int (*key_parser)(
    struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why);

enum {
	K_REQUIRED = 1, /* must be set */
	K_EMPTY = 2,    /* an empty value means unset */
};

struct keydef {
	const char *key;
	key_parser parse;
	size_t off;
	unsigned flags;
	unsigned types; /* probes: bit mask of the types that take this key; 0: all */
	long a, b;      /* parser arguments: integer range, default port, family */
};

/* Names listed by a service, resolved in pass 3. */
struct svc_refs {
	char **probes;
	size_t n_probes;
	char **peers;
	size_t n_peers;
};

struct build {
	struct loader *ld;
	struct cfg *cfg;
	const struct rawsec *agent_src;
	const struct rawsec **peer_src, **svc_src, **probe_src;
	struct svc_refs *refs;
	struct svc_refs *cur_refs;
};

#define FIELD(obj, kd, type) ((type *)((char *)(obj) + (kd)->off))

static int
p_asn(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	return cfg_parse_asn(v, FIELD(obj, kd, uint32_t), why);
}

static int
p_bool(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	return cfg_parse_bool(v, FIELD(obj, kd, bool), why);
}

static int
p_duration(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	*why = "not a duration (a number with a unit: 250ms, 1s, 2m, 1h)";
	return duration_parse(v, FIELD(obj, kd, usec_t));
}

static int
p_str(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	char **dst = FIELD(obj, kd, char *);

	UNUSED(b);
	UNUSED(why);
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int
p_path(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	if (v[0] != '/') {
		*why = "not an absolute path";
		return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_socket_path(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	if (strlen(v) >= sizeof(((struct sockaddr_un *)NULL)->sun_path)) {
		*why = "path too long for a unix socket";
		return -1;
	}
	return p_path(b, v, obj, kd, why);
}

static int
p_ifname(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	const char *c;

	*why = "not an interface name";
	if (strlen(v) >= IFNAMSIZ || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return -1;
	for (c = v; *c != '\0'; c++) {
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
			return -1;
	}
	return p_str(b, v, obj, kd, why);
}

/* p_addr: an address; kd->a restricts the family (0: either). */
static int
p_addr(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct addr *a = FIELD(obj, kd, struct addr);

	UNUSED(b);
	if (addr_parse(v, a) == -1) {
		*why = kd->a == AF_INET    ? "not an IPv4 address"
		       : kd->a == AF_INET6 ? "not an IPv6 address"
		                           : "not an IPv4 or IPv6 address";
		return -1;
	}
	if (kd->a != 0 && a->af != kd->a) {
		*why = kd->a == AF_INET ? "not an IPv4 address" : "not an IPv6 address";
		a->af = AF_UNSPEC;
		return -1;
	}
	if (addr_is_linklocal(a)) {
		*why = "link-local addresses are not supported";
		a->af = AF_UNSPEC;
		return -1;
	}
	return 0;
}

static int
p_router_id(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct addr a;

	UNUSED(b);
	*why = "not an IPv4 address (router_id has the IPv4 form)";
	if (addr_parse(v, &a) == -1 || a.af != AF_INET)
		return -1;
	if (a.u.v4.s_addr == 0) {
		*why = "0.0.0.0 is not a valid router_id (RFC 6286)";
		return -1;
	}
	*FIELD(obj, kd, struct in_addr) = a.u.v4;
	return 0;
}

/* p_endpoint: address[:port]; kd->a is the default port, kd->b set when the port is
 * required. */
static int
p_endpoint(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct endpoint *e = FIELD(obj, kd, struct endpoint);

	UNUSED(b);
	if (endpoint_parse(v, (uint16_t)kd->a, e, why) == -1)
		return -1;
	if (kd->b && e->port == 0) {
		*why = "a port is required (address:port or [address]:port)";
		e->addr.af = AF_UNSPEC;
		return -1;
	}
	return 0;
}

static int
parse_uint_range(const char *v, long lo, long hi, unsigned *out, const char **why)
{
	static char reason[64];
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno != 0 || n < lo || n > hi) {
		snprintf(reason, sizeof(reason), "not a number from %ld to %ld", lo, hi);
		*why = reason;
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* p_uint: an unsigned between kd->a and kd->b. */
static int
p_uint(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	return parse_uint_range(v, kd->a, kd->b, FIELD(obj, kd, unsigned), why);
}

static int
p_port(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	unsigned n;

	UNUSED(b);
	if (parse_uint_range(v, 1, 65535, &n, why) == -1)
		return -1;
	*FIELD(obj, kd, uint16_t) = (uint16_t)n;
	return 0;
}

static int
p_log_level(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	*why = "not a log level (error, warning, info, debug)";
	return log_level_parse(v, FIELD(obj, kd, enum log_level));
}

/* list_split: call fn on each trimmed item of a comma-separated list; an empty value is
 * an empty list, an empty item an error. */
static int
list_split(const char *v, int (*fn)(const char *item, void *arg, const char **why), void *arg,
    const char **why)
{
	char *copy = xstrdup(v), *p = copy, *item;
	int rc = 0;

	if (*trim(copy) == '\0') {
		free(copy);
		return 0;
	}
	while (rc == 0 && (item = strsep(&p, ",")) != NULL) {
		item = trim(item);
		if (*item == '\0') {
			*why = "empty item in list";
			rc = -1;
		} else {
			rc = fn(item, arg, why);
		}
	}
	free(copy);
	return rc;
}

struct namelist {
	char ***v;
	size_t *n;
};

static int
name_item(const char *item, void *arg, const char **why)
{
	struct namelist *l = arg;
	size_t i;

	if (!name_ok(item)) {
		*why = "bad name (letters, digits, '-', '_' and '.')";
		return -1;
	}
	for (i = 0; i < *l->n; i++) {
		if (strcmp((*l->v)[i], item) == 0) {
			*why = "name listed twice";
			return -1;
		}
	}
	*l->v = xreallocarray(*l->v, *l->n + 1, sizeof(**l->v));
	(*l->v)[(*l->n)++] = xstrdup(item);
	return 0;
}

static int
p_probe_names(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct namelist l = {&b->cur_refs->probes, &b->cur_refs->n_probes};

	UNUSED(obj);
	UNUSED(kd);
	return list_split(v, name_item, &l, why);
}

static int
p_peer_names(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;
	struct namelist l = {&b->cur_refs->peers, &b->cur_refs->n_peers};

	UNUSED(kd);
	svc->peers_all = strcmp(v, "all") == 0;
	if (svc->peers_all)
		return 0;
	return list_split(v, name_item, &l, why);
}

static int
prefix_item(const char *item, void *arg, const char **why)
{
	struct cfg_service *svc = arg;
	struct prefix p;
	size_t i;

	if (prefix_parse(item, &p, why) == -1)
		return -1;
	if (addr_is_linklocal(&p.addr)) {
		*why = "link-local prefixes are not supported";
		return -1;
	}
	for (i = 0; i < svc->n_prefixes; i++) {
		if (prefix_eq(&svc->prefixes[i], &p)) {
			*why = "prefix listed twice";
			return -1;
		}
	}
	svc->prefixes = xreallocarray(svc->prefixes, svc->n_prefixes + 1, sizeof(p));
	svc->prefixes[svc->n_prefixes++] = p;
	return 0;
}

static int
p_prefixes(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	UNUSED(kd);
	if (list_split(v, prefix_item, obj, why) == -1)
		return -1;
	if (((struct cfg_service *)obj)->n_prefixes == 0) {
		*why = "empty value";
		return -1;
	}
	return 0;
}

struct u32list {
	uint32_t **v;
	size_t *n;
};

static int
community_item(const char *item, void *arg, const char **why)
{
	struct u32list *l = arg;
	uint32_t c;

	if (cfg_parse_community(item, &c, why) == -1)
		return -1;
	*l->v = xreallocarray(*l->v, *l->n + 1, sizeof(c));
	(*l->v)[(*l->n)++] = c;
	return 0;
}

static int
p_communities(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;
	struct u32list l = {&svc->communities, &svc->n_communities};

	UNUSED(b);
	UNUSED(kd);
	return list_split(v, community_item, &l, why);
}

static int
p_down_communities(
    struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;
	struct u32list l = {&svc->down_communities, &svc->n_down_communities};

	UNUSED(b);
	UNUSED(kd);
	return list_split(v, community_item, &l, why);
}

static int
large_item(const char *item, void *arg, const char **why)
{
	struct cfg_service *svc = arg;
	struct cfg_large_community c;

	if (cfg_parse_large_community(item, &c, why) == -1)
		return -1;
	svc->large_communities =
	    xreallocarray(svc->large_communities, svc->n_large_communities + 1, sizeof(c));
	svc->large_communities[svc->n_large_communities++] = c;
	return 0;
}

static int
p_large(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	UNUSED(kd);
	return list_split(v, large_item, obj, why);
}

static int
parse_med(const char *v, uint32_t *out, bool *set, const char **why)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno != 0 || n > UINT32_MAX) {
		*why = "not a number from 0 to 4294967295";
		return -1;
	}
	*out = (uint32_t)n;
	*set = true;
	return 0;
}

static int
p_med(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;

	UNUSED(b);
	UNUSED(kd);
	return parse_med(v, &svc->med, &svc->med_set, why);
}

static int
p_down_med(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;

	UNUSED(b);
	UNUSED(kd);
	return parse_med(v, &svc->down_med, &svc->down_med_set, why);
}

static int
p_require(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;

	UNUSED(b);
	UNUSED(kd);
	if (strcasecmp(v, "all") == 0) {
		svc->require = CFG_REQUIRE_ALL;
	} else if (strcasecmp(v, "any") == 0) {
		svc->require = CFG_REQUIRE_ANY;
	} else if (parse_uint_range(v, 1, 1000, &svc->require_n, why) == 0) {
		svc->require = CFG_REQUIRE_N;
	} else {
		*why = "not all, any or a number of probes (at least 1)";
		return -1;
	}
	return 0;
}

static int
p_down_action(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_service *svc = obj;

	UNUSED(b);
	UNUSED(kd);
	if (strcasecmp(v, "withdraw") == 0)
		svc->down_action = CFG_DOWN_WITHDRAW;
	else if (strcasecmp(v, "announce") == 0)
		svc->down_action = CFG_DOWN_ANNOUNCE;
	else {
		*why = "not withdraw or announce";
		return -1;
	}
	return 0;
}

static int
p_argv(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_argv *a = FIELD(obj, kd, struct cfg_argv);

	UNUSED(b);
	cfg_argv_free(a);
	return cfg_split_argv(v, a, why);
}

static int
family_item(const char *item, void *arg, const char **why)
{
	struct cfg_peer *p = arg;

	if (strcasecmp(item, "ipv4") == 0)
		p->family_ipv4 = true;
	else if (strcasecmp(item, "ipv6") == 0)
		p->family_ipv6 = true;
	else {
		*why = "not a list of ipv4, ipv6";
		return -1;
	}
	return 0;
}

static int
p_families(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_peer *p = obj;

	UNUSED(b);
	UNUSED(kd);
	p->family_ipv4 = p->family_ipv6 = false;
	if (list_split(v, family_item, p, why) == -1)
		return -1;
	if (!p->family_ipv4 && !p->family_ipv6) {
		*why = "empty value";
		return -1;
	}
	return 0;
}

static int
p_password(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	if (strlen(v) > MD5_KEY_MAX) {
		*why = "longer than 80 bytes (the TCP-MD5 key limit)";
		return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_probe_type(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_probe *p = obj;
	enum cfg_probe_type t;

	UNUSED(b);
	UNUSED(kd);
	for (t = CFG_PROBE_DNS; t <= CFG_PROBE_EXEC; t++) {
		if (strcasecmp(v, cfg_probe_type_name(t)) == 0) {
			p->type = t;
			return 0;
		}
	}
	*why = "not a probe type (dns, tcp, http, exec)";
	return -1;
}

static int
p_transport(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_probe *p = obj;

	UNUSED(b);
	UNUSED(kd);
	if (strcasecmp(v, "udp") == 0)
		p->transport = CFG_TRANSPORT_UDP;
	else if (strcasecmp(v, "tcp") == 0)
		p->transport = CFG_TRANSPORT_TCP;
	else {
		*why = "not udp or tcp";
		return -1;
	}
	return 0;
}

/* p_qname: a domain name in presentation form, RFC 1035 limits. */
static int
p_qname(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	size_t len = strlen(v), label = 0, i;

	*why = "not a domain name";
	if (strcmp(v, ".") != 0) {
		if (len == 0 || len > 254 || (len == 254 && v[253] != '.') || v[0] == '.')
			return -1;
		for (i = 0; i < len; i++) {
			if (v[i] == '.') {
				if (label == 0)
					return -1;
				label = 0;
			} else if (isspace((unsigned char)v[i]) || ++label > 63) {
				return -1;
			}
		}
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_qtype(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	UNUSED(kd);
	return cfg_parse_qtype(v, &((struct cfg_probe *)obj)->qtype, why);
}

static int
p_rcode(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	UNUSED(b);
	UNUSED(kd);
	return cfg_parse_rcode(v, &((struct cfg_probe *)obj)->expect_rcode, why);
}

static int
p_url(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	const char *host, *c;

	*why = "not an http:// or https:// URL";
	if (strncasecmp(v, "http://", 7) == 0)
		host = v + 7;
	else if (strncasecmp(v, "https://", 8) == 0)
		host = v + 8;
	else
		return -1;
	if (*host == '\0' || *host == '/')
		return -1;
	for (c = v; *c != '\0'; c++) {
		if (isspace((unsigned char)*c) || !isprint((unsigned char)*c))
			return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_method(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	const char *c;

	*why = "not an HTTP method (GET, HEAD, POST, ...)";
	if (*v == '\0' || strlen(v) > 16)
		return -1;
	for (c = v; *c != '\0'; c++) {
		if (!isupper((unsigned char)*c))
			return -1;
	}
	return p_str(b, v, obj, kd, why);
}

static int
p_status(struct build *b, const char *v, void *obj, const struct keydef *kd, const char **why)
{
	struct cfg_probe *p = obj;
	struct cfg_range *r;
	size_t n;

	UNUSED(b);
	UNUSED(kd);
	if (cfg_parse_status_ranges(v, &r, &n, why) == -1)
		return -1;
	free(p->expect_status);
	p->expect_status = r;
	p->n_expect_status = n;
	return 0;
}

#define AGENT(f)   offsetof(struct cfg_agent, f)
#define PEER(f)    offsetof(struct cfg_peer, f)
#define SERVICE(f) offsetof(struct cfg_service, f)
#define PROBE(f)   offsetof(struct cfg_probe, f)
#define T(t)       (1u << CFG_PROBE_##t)

static const struct keydef agent_keys[] = {
    {"asn", p_asn, AGENT(asn), K_REQUIRED, 0, 0, 0},
    {"router_id", p_router_id, AGENT(router_id), 0, 0, 0, 0},
    {"interface", p_ifname, AGENT(interface), 0, 0, 0, 0},
    {"keep_addresses", p_bool, AGENT(keep_addresses), 0, 0, 0, 0},
    {"control_socket", p_socket_path, AGENT(control_socket), 0, 0, 0, 0},
    {"state_dir", p_path, AGENT(state_dir), 0, 0, 0, 0},
    {"metrics_listen", p_endpoint, AGENT(metrics_listen), K_EMPTY, 0, 9477, 0},
    {"log_level", p_log_level, AGENT(log_level), 0, 0, 0, 0},
    {"drain_time", p_duration, AGENT(drain_time), 0, 0, 0, 0},
};

static const struct keydef peer_keys[] = {
    {"address", p_addr, PEER(address), K_REQUIRED, 0, 0, 0},
    {"asn", p_asn, PEER(asn), K_REQUIRED, 0, 0, 0},
    {"port", p_port, PEER(port), 0, 0, 0, 0},
    {"local_address", p_addr, PEER(local_address), K_EMPTY, 0, 0, 0},
    {"passive", p_bool, PEER(passive), 0, 0, 0, 0},
    {"hold_time", p_duration, PEER(hold_time), 0, 0, 0, 0},
    {"connect_retry", p_duration, PEER(connect_retry), 0, 0, 0, 0},
    {"password", p_password, PEER(password), K_EMPTY, 0, 0, 0},
    {"password_file", p_path, PEER(password_file), K_EMPTY, 0, 0, 0},
    {"ttl_security", p_bool, PEER(ttl_security), 0, 0, 0, 0},
    {"ebgp_multihop", p_uint, PEER(ebgp_multihop), 0, 0, 1, 255},
    {"next_hop_ipv4", p_addr, PEER(next_hop_ipv4), K_EMPTY, 0, AF_INET, 0},
    {"next_hop_ipv6", p_addr, PEER(next_hop_ipv6), K_EMPTY, 0, AF_INET6, 0},
    {"families", p_families, 0, 0, 0, 0, 0},
    {"shutdown", p_bool, PEER(shutdown), 0, 0, 0, 0},
};

static const struct keydef service_keys[] = {
    {"prefixes", p_prefixes, 0, K_REQUIRED, 0, 0, 0},
    {"probes", p_probe_names, 0, K_EMPTY, 0, 0, 0},
    {"require", p_require, 0, 0, 0, 0, 0},
    {"peers", p_peer_names, 0, 0, 0, 0, 0},
    {"communities", p_communities, 0, K_EMPTY, 0, 0, 0},
    {"large_communities", p_large, 0, K_EMPTY, 0, 0, 0},
    {"med", p_med, 0, K_EMPTY, 0, 0, 0},
    {"as_path_prepend", p_uint, SERVICE(as_path_prepend), 0, 0, 0, CFG_PREPEND_MAX},
    {"drain_file", p_path, SERVICE(drain_file), K_EMPTY, 0, 0, 0},
    {"down_action", p_down_action, 0, 0, 0, 0, 0},
    {"down_med", p_down_med, 0, K_EMPTY, 0, 0, 0},
    {"down_as_path_prepend", p_uint, SERVICE(down_as_path_prepend), 0, 0, 0, CFG_PREPEND_MAX},
    {"down_communities", p_down_communities, 0, K_EMPTY, 0, 0, 0},
    {"hold_down", p_duration, SERVICE(hold_down), 0, 0, 0, 0},
    {"on_change", p_argv, SERVICE(on_change), K_EMPTY, 0, 0, 0},
};

static const struct keydef probe_keys[] = {
    {"type", p_probe_type, 0, K_REQUIRED, 0, 0, 0},
    {"interval", p_duration, PROBE(interval), 0, 0, 0, 0},
    {"timeout", p_duration, PROBE(timeout), 0, 0, 0, 0},
    {"rise", p_uint, PROBE(rise), 0, 0, 1, 1000},
    {"fall", p_uint, PROBE(fall), 0, 0, 1, 1000},
    {"server", p_endpoint, PROBE(server), K_REQUIRED, T(DNS), 53, 0},
    {"transport", p_transport, 0, 0, T(DNS), 0, 0},
    {"qname", p_qname, PROBE(qname), K_REQUIRED, T(DNS), 0, 0},
    {"qtype", p_qtype, 0, 0, T(DNS), 0, 0},
    {"expect_rcode", p_rcode, 0, 0, T(DNS), 0, 0},
    {"expect_aa", p_bool, PROBE(expect_aa), 0, T(DNS), 0, 0},
    {"expect_answer", p_str, PROBE(expect_answer), K_EMPTY, T(DNS), 0, 0},
    {"target", p_endpoint, PROBE(target), K_REQUIRED, T(TCP), 0, 1},
    {"url", p_url, PROBE(url), K_REQUIRED, T(HTTP), 0, 0},
    {"method", p_method, PROBE(method), 0, T(HTTP), 0, 0},
    {"expect_status", p_status, 0, 0, T(HTTP), 0, 0},
    {"expect_body", p_str, PROBE(expect_body), K_EMPTY, T(HTTP), 0, 0},
    {"tls_verify", p_bool, PROBE(tls_verify), 0, T(HTTP), 0, 0},
    {"command", p_argv, PROBE(command), K_REQUIRED, T(EXEC), 0, 0},
};

static const struct keydef *
keydef_find(const struct keydef *defs, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(defs[i].key, key) == 0)
			return &defs[i];
	}
	return NULL;
}

/* types_names: "dns", "tcp and http", ... for messages. */
static const char *
types_names(unsigned mask, char *buf, size_t len)
{
	enum cfg_probe_type t;

	buf[0] = '\0';
	for (t = CFG_PROBE_DNS; t <= CFG_PROBE_EXEC; t++) {
		if (mask & (1u << t))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "",
			    cfg_probe_type_name(t));
	}
	return buf;
}

/* apply_keys: parse every key of s into obj through defs; report unknown, bad, misplaced
 * (probe type) and missing keys. type < 0: no probe type to check against. */
static void
apply_keys(struct build *b, const struct rawsec *s, const struct keydef *defs, size_t n, void *obj,
    int type)
{
	char names[32];
	size_t i;

	for (i = 0; i < s->n_kv; i++) {
		const struct rawkv *kv = &s->kv[i];
		const struct keydef *kd = keydef_find(defs, n, kv->key);
		const char *why = "bad value";

		if (kd == NULL) {
			kv_diag(b->ld, false, s, kv, "unknown key");
		} else if (kd->types != 0 && type >= 0 && !(kd->types & (1u << type))) {
			kv_diag(b->ld, false, s, kv, "not a key of %s probes (only %s)",
			    cfg_probe_type_name((enum cfg_probe_type)type),
			    types_names(kd->types, names, sizeof(names)));
		} else if (kv->value[0] == '\0') {
			if (!(kd->flags & K_EMPTY))
				kv_diag(b->ld, false, s, kv, "empty value");
		} else if (kd->parse(b, kv->value, obj, kd, &why) == -1) {
			kv_diag(b->ld, false, s, kv, "%s", why);
		}
	}
	for (i = 0; i < n; i++) {
		const struct keydef *kd = &defs[i];

		if (!(kd->flags & K_REQUIRED) || kv_lookup(s, kd->key) != NULL)
			continue;
		if (kd->types != 0 && (type < 0 || !(kd->types & (1u << type))))
			continue;
		diag(b->ld, false, s->file, s->line, "[%s] %s: missing required key", s->name,
		    kd->key);
	}
}

static const char *
sec_name(const struct rawsec *s)
{
	return strchr(s->name, ':') + 1;
}

static void
build_agent(struct build *b, const struct rawsec *s)
{
	struct cfg_agent *a = &b->cfg->agent;

	a->interface = xstrdup("lo");
	a->control_socket = xstrdup("/run/pharos/pharosd.sock");
	a->state_dir = xstrdup("/var/lib/pharos");
	a->log_level = LOG_LVL_INFO;
	a->drain_time = SEC(3);
	if (s == NULL) {
		diag(b->ld, false, 0, 0, "[agent]: missing section (asn is required)");
		return;
	}
	apply_keys(b, s, agent_keys, nitems(agent_keys), a, -1);
	if (kv_lookup(s, "router_id") == NULL) {
		a->router_id_derived = true;
		if (cfg_router_id_derive(&a->router_id) == -1)
			diag(b->ld, false, s->file, s->line,
			    "[agent] router_id: not set and no IPv4 address to derive it from");
	}
}

/* read_secret: the first line of a password file. */
static int
read_secret(const char *path, char **out, const char **why)
{
	static char reason[128];
	char buf[MD5_KEY_MAX + 3];
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL) {
		snprintf(reason, sizeof(reason), "cannot read %s: %s", path, strerror(errno));
		*why = reason;
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	*why = n == 0 ? "password file is empty" : "password longer than 80 bytes";
	if (n == 0 || n > MD5_KEY_MAX) {
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

static void
check_peer(struct build *b, const struct rawsec *s, struct cfg_peer *p)
{
	const struct rawkv *kv;
	const char *why;

	if ((kv = kv_lookup(s, "hold_time")) != NULL &&
	    (p->hold_time % USEC_PER_SEC != 0 || p->hold_time == SEC(1) || p->hold_time == SEC(2) ||
	        p->hold_time > SEC(65535)))
		kv_diag(b->ld, false, s, kv,
		    "must be 0 or 3s to 65535s in whole seconds "
		    "(RFC 4271)");
	if ((kv = kv_lookup(s, "connect_retry")) != NULL && p->connect_retry < SEC(1))
		kv_diag(b->ld, false, s, kv, "must be at least 1s");
	if ((kv = kv_lookup(s, "local_address")) != NULL && p->local_address.af != AF_UNSPEC &&
	    p->address.af != AF_UNSPEC && p->local_address.af != p->address.af)
		kv_diag(b->ld, false, s, kv, "not of the same family as address");
	if (p->password != NULL && p->password_file != NULL) {
		kv = kv_lookup(s, "password");
		if (kv_lookup(s, "password_file")->line > kv->line)
			kv = kv_lookup(s, "password_file");
		kv_diag(b->ld, false, s, kv, "password and password_file are both set");
	} else if (p->password_file != NULL &&
	           read_secret(p->password_file, &p->password, &why) == -1) {
		kv_diag(b->ld, false, s, kv_lookup(s, "password_file"), "%s", why);
	}
	if (p->ttl_security && p->ebgp_multihop > 1)
		kv_diag(b->ld, false, s, kv_lookup(s, "ebgp_multihop"),
		    "ttl_security and ebgp_multihop are mutually exclusive");
	if (strcmp(p->name, "all") == 0)
		diag(b->ld, false, s->file, s->line, "[%s]: the name all is reserved (peers = all)",
		    s->name);
}

static void
build_peer(struct build *b, const struct rawsec *s, struct cfg_peer *p)
{
	p->name = xstrdup(sec_name(s));
	p->port = 179;
	p->hold_time = SEC(9);
	p->connect_retry = SEC(5);
	p->ebgp_multihop = 1;
	p->family_ipv4 = p->family_ipv6 = true;
	apply_keys(b, s, peer_keys, nitems(peer_keys), p, -1);
	check_peer(b, s, p);
}

static void
build_service(struct build *b, const struct rawsec *s, struct cfg_service *svc)
{
	static const char *down_keys[] = {"down_med", "down_as_path_prepend", "down_communities"};
	const struct rawkv *kv;
	size_t i;

	svc->name = xstrdup(sec_name(s));
	svc->require = CFG_REQUIRE_ALL;
	svc->peers_all = true;
	svc->down_action = CFG_DOWN_WITHDRAW;
	apply_keys(b, s, service_keys, nitems(service_keys), svc, -1);
	if (svc->down_action != CFG_DOWN_WITHDRAW)
		return;
	for (i = 0; i < nitems(down_keys); i++) {
		if ((kv = kv_lookup(s, down_keys[i])) != NULL)
			kv_diag(b->ld, true, s, kv, "has no effect with down_action = withdraw");
	}
}

/* check_probe: a check must finish before the next one starts. */
static void
check_probe(struct build *b, const struct rawsec *s, const struct cfg_probe *p)
{
	const struct rawkv *ikv = kv_lookup(s, "interval"), *tkv = kv_lookup(s, "timeout");

	if (ikv != NULL && p->interval == 0)
		kv_diag(b->ld, false, s, ikv, "must be more than 0");
	else if (tkv != NULL && p->timeout == 0)
		kv_diag(b->ld, false, s, tkv, "must be more than 0");
	else if (p->timeout >= p->interval && tkv != NULL)
		kv_diag(b->ld, false, s, tkv, "must be shorter than interval (%s)",
		    duration_fmt(p->interval, (char[16]){0}, 16));
	else if (p->timeout >= p->interval)
		kv_diag(b->ld, false, s, ikv, "must be longer than timeout (%s)",
		    duration_fmt(p->timeout, (char[16]){0}, 16));
}

static void
build_probe(struct build *b, const struct rawsec *s, struct cfg_probe *p)
{
	const struct rawkv *kv = kv_lookup(s, "type");
	const char *why;
	int type = -1;

	p->name = xstrdup(sec_name(s));
	p->interval = SEC(1);
	p->timeout = MSEC(500);
	p->rise = p->fall = 3;
	p->server.port = 53;
	p->transport = CFG_TRANSPORT_UDP;
	p->qtype = 6; /* SOA */
	p->expect_aa = true;
	p->method = xstrdup("GET");
	p->tls_verify = true;
	p->expect_status = xmalloc(sizeof(*p->expect_status));
	p->expect_status[0] = (struct cfg_range){200, 200};
	p->n_expect_status = 1;
	/* the type decides which keys belong, so it is parsed first */
	if (kv != NULL && p_probe_type(b, kv->value, p, NULL, &why) == 0)
		type = (int)p->type;
	apply_keys(b, s, probe_keys, nitems(probe_keys), p, type);
	check_probe(b, s, p);
}

/* ---- pass 3: cross references ---- */

struct claim {
	struct prefix p;
	size_t svc;
};

static int
claim_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int c = prefix_cmp(&x->p, &y->p);

	return c ? c : (x->svc > y->svc) - (x->svc < y->svc);
}

/* check_prefixes: a prefix may belong to one service only. */
static void
check_prefixes(struct build *b)
{
	struct cfg *cfg = b->cfg;
	struct claim *c = NULL;
	size_t n = 0, i, j;
	char buf[ADDR_STRLEN];

	for (i = 0; i < cfg->n_services; i++) {
		for (j = 0; j < cfg->services[i].n_prefixes; j++) {
			c = xreallocarray(c, n + 1, sizeof(*c));
			c[n].p = cfg->services[i].prefixes[j];
			c[n++].svc = i;
		}
	}
	if (n > 1)
		qsort(c, n, sizeof(*c), claim_cmp);
	for (i = 1; i < n; i++) {
		const struct rawsec *s = b->svc_src[c[i].svc], *first = b->svc_src[c[i - 1].svc];

		if (!prefix_eq(&c[i].p, &c[i - 1].p))
			continue;
		kv_diag(b->ld, false, s, kv_lookup(s, "prefixes"),
		    "%s is already claimed by service %s (%s:%u)", prefix_ntop(&c[i].p, buf),
		    sec_name(first), b->ld->files[first->file], kv_lookup(first, "prefixes")->line);
	}
	free(c);
}

static void
resolve_service(struct build *b, size_t idx)
{
	struct cfg *cfg = b->cfg;
	struct cfg_service *svc = &cfg->services[idx];
	const struct svc_refs *r = &b->refs[idx];
	const struct rawsec *s = b->svc_src[idx];
	size_t i;

	svc->probes = xcalloc(r->n_probes, sizeof(*svc->probes));
	for (i = 0; i < r->n_probes; i++) {
		svc->probes[svc->n_probes] = cfg_probe_find(cfg, r->probes[i]);
		if (svc->probes[svc->n_probes] == NULL)
			kv_diag(b->ld, false, s, kv_lookup(s, "probes"), "no probe named %s",
			    r->probes[i]);
		else
			svc->n_probes++;
	}
	if (svc->peers_all) {
		svc->peers = xcalloc(cfg->n_peers, sizeof(*svc->peers));
		for (i = 0; i < cfg->n_peers; i++)
			svc->peers[svc->n_peers++] = &cfg->peers[i];
	} else {
		svc->peers = xcalloc(r->n_peers, sizeof(*svc->peers));
		for (i = 0; i < r->n_peers; i++) {
			svc->peers[svc->n_peers] = cfg_peer_find(cfg, r->peers[i]);
			if (svc->peers[svc->n_peers] == NULL)
				kv_diag(b->ld, false, s, kv_lookup(s, "peers"), "no peer named %s",
				    r->peers[i]);
			else
				svc->n_peers++;
		}
	}
	if (svc->n_probes < r->n_probes)
		return; /* already reported */
	if (svc->require == CFG_REQUIRE_ANY && r->n_probes == 0)
		kv_diag(
		    b->ld, false, s, kv_lookup(s, "require"), "any of no probes can never be up");
	else if (svc->require == CFG_REQUIRE_N && svc->require_n > r->n_probes)
		kv_diag(b->ld, false, s, kv_lookup(s, "require"),
		    "%u probes up needed but only %zu listed", svc->require_n, r->n_probes);
}

/* check_peer_addresses: two sessions to one address and port cannot both exist. */
static void
check_peer_addresses(struct build *b)
{
	const struct cfg *cfg = b->cfg;
	char buf[ADDR_STRLEN];
	size_t i, j;

	for (i = 0; i < cfg->n_peers; i++) {
		for (j = 0; j < i; j++) {
			const struct rawsec *s = b->peer_src[i];

			if (cfg->peers[i].address.af == AF_UNSPEC ||
			    !addr_eq(&cfg->peers[i].address, &cfg->peers[j].address))
				continue;
			kv_diag(b->ld, false, s, kv_lookup(s, "address"),
			    "%s is also the address of peer %s",
			    addr_ntop(&cfg->peers[i].address, buf), cfg->peers[j].name);
			break;
		}
	}
}

/* check_unused_probes: a probe no service lists is probably a mistake. */
static void
check_unused_probes(struct build *b)
{
	const struct cfg *cfg = b->cfg;
	size_t i, j, k;

	for (i = 0; i < cfg->n_probes; i++) {
		bool used = false;

		for (j = 0; j < cfg->n_services && !used; j++) {
			for (k = 0; k < b->refs[j].n_probes && !used; k++)
				used = strcmp(b->refs[j].probes[k], cfg->probes[i].name) == 0;
		}
		if (!used)
			diag(b->ld, true, b->probe_src[i]->file, b->probe_src[i]->line,
			    "[%s]: not used by any service", b->probe_src[i]->name);
	}
}

/* ---- putting it together ---- */

static int
rawsec_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rawsec *)a)->name, ((const struct rawsec *)b)->name);
}

static size_t
count_kind(const struct loader *ld, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < ld->n_secs; i++)
		n += strncmp(ld->secs[i].name, prefix, strlen(prefix)) == 0;
	return n;
}

static void
build_all(struct build *b)
{
	struct loader *ld = b->ld;
	struct cfg *cfg = b->cfg;
	size_t i;

	/* sorted raw sections give sorted arrays, so lookups can bsearch */
	qsort(ld->secs, ld->n_secs, sizeof(*ld->secs), rawsec_cmp);
	cfg->peers = xcalloc(count_kind(ld, "peer:"), sizeof(*cfg->peers));
	cfg->services = xcalloc(count_kind(ld, "service:"), sizeof(*cfg->services));
	cfg->probes = xcalloc(count_kind(ld, "probe:"), sizeof(*cfg->probes));
	b->peer_src = xcalloc(count_kind(ld, "peer:"), sizeof(*b->peer_src));
	b->svc_src = xcalloc(count_kind(ld, "service:"), sizeof(*b->svc_src));
	b->probe_src = xcalloc(count_kind(ld, "probe:"), sizeof(*b->probe_src));
	b->refs = xcalloc(count_kind(ld, "service:"), sizeof(*b->refs));
	for (i = 0; i < ld->n_secs; i++) {
		const struct rawsec *s = &ld->secs[i];

		if (strcmp(s->name, "agent") == 0) {
			b->agent_src = s;
		} else if (strncmp(s->name, "peer:", 5) == 0) {
			b->peer_src[cfg->n_peers] = s;
			build_peer(b, s, &cfg->peers[cfg->n_peers++]);
		} else if (strncmp(s->name, "service:", 8) == 0) {
			b->svc_src[cfg->n_services] = s;
			b->cur_refs = &b->refs[cfg->n_services];
			build_service(b, s, &cfg->services[cfg->n_services++]);
		} else {
			b->probe_src[cfg->n_probes] = s;
			build_probe(b, s, &cfg->probes[cfg->n_probes++]);
		}
	}
	build_agent(b, b->agent_src);
	check_peer_addresses(b);
	for (i = 0; i < cfg->n_services; i++)
		resolve_service(b, i);
	check_prefixes(b);
	check_unused_probes(b);
}

static void
build_free(struct build *b)
{
	size_t i, j;

	for (i = 0; b->refs != NULL && i < b->cfg->n_services; i++) {
		for (j = 0; j < b->refs[i].n_probes; j++)
			free(b->refs[i].probes[j]);
		for (j = 0; j < b->refs[i].n_peers; j++)
			free(b->refs[i].peers[j]);
		free(b->refs[i].probes);
		free(b->refs[i].peers);
	}
	free(b->refs);
	free(b->peer_src);
	free(b->svc_src);
	free(b->probe_src);
}

struct cfg *
cfg_load(const char *path, FILE *errs)
{
	struct loader ld = {0};
	struct build b = {.ld = &ld};
	struct cfg *cfg = xcalloc(1, sizeof(*cfg));

	cfg->path = xstrdup(path);
	b.cfg = cfg;
	if (read_file(&ld, path, -1, 0) == 0)
		build_all(&b);
	diag_flush(&ld, errs);
	build_free(&b);
	if (ld.errors > 0) {
		cfg_free(cfg);
		cfg = NULL;
	}
	loader_free(&ld);
	return cfg;
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
