/* conf: the pharos-dnsd INI file and its validation. */
#include "dnsd/conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"

void
dnsd_conf_init(struct dnsd_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->tcp_clients = 256;
	c->tcp_timeout = SEC(10);
	c->max_udp = DNS_UDP_DEFAULT;
}

void
dnsd_conf_set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

int
dnsd_conf_listen(struct dnsd_conf *c, const char *s, const char **why)
{
	if (c->nlisten == DNSD_LISTEN_MAX) {
		*why = "too many listen addresses";
		return -1;
	}
	if (endpoint_parse(s, 53, &c->listen[c->nlisten], why))
		return -1;
	c->nlisten++;
	return 0;
}

int
dnsd_conf_zone(struct dnsd_conf *c, const char *name, const char *file, const char **why)
{
	uint8_t wire[DNS_NAME_MAX], other[DNS_NAME_MAX];
	size_t len;

	if (dns_name_from_text(name, strlen(name), NULL, wire, &len, why))
		return -1;
	if (file[0] == '\0') {
		*why = "empty zone file name";
		return -1;
	}
	for (size_t i = 0; i < c->nzones; i++) {
		dns_name_from_text(
		    c->zones[i].name, strlen(c->zones[i].name), NULL, other, &len, why);
		if (dns_name_eq(wire, other)) {
			dnsd_conf_set_str(&c->zones[i].file, file);
			return 0;
		}
	}
	c->zones = xreallocarray(c->zones, c->nzones + 1, sizeof(*c->zones));
	c->zones[c->nzones].name = xstrdup(name);
	c->zones[c->nzones].file = xstrdup(file);
	c->nzones++;
	return 0;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)tolower((unsigned char)ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

int
dnsd_conf_nsid(struct dnsd_conf *c, const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
		if (n % 2 || n / 2 > sizeof(c->nsid)) {
			*why = "NSID hex must be an even number of digits, at most 256";
			return -1;
		}
		for (size_t i = 0; i < n; i += 2) {
			int hi = hexval(s[i]), lo = hexval(s[i + 1]);

			if (hi < 0 || lo < 0) {
				*why = "bad hex digit in NSID";
				return -1;
			}
			c->nsid[i / 2] = (uint8_t)(hi << 4 | lo);
		}
		c->nsidlen = n / 2;
	} else {
		if (n > sizeof(c->nsid)) {
			*why = "NSID longer than 128 bytes";
			return -1;
		}
		memcpy(c->nsid, s, n);
		c->nsidlen = n;
	}
	c->nsid_set = true;
	return 0;
}

static bool
prefix_contains(const struct prefix *p, const struct addr *a)
{
	unsigned bits = p->len, full = bits / 8, rest = bits % 8;

	if (p->addr.af != a->af)
		return false;
	if (memcmp(p->addr.u.b, a->u.b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((p->addr.u.b[full] ^ a->u.b[full]) & (0xff << (8 - rest))) == 0;
}

bool
dnsd_conf_xfr_allowed(const struct dnsd_conf *c, const struct addr *a)
{
	for (size_t i = 0; i < c->nallow; i++)
		if (prefix_contains(&c->allow_transfer[i], a))
			return true;
	return false;
}

void
dnsd_conf_free(struct dnsd_conf *c)
{
	for (size_t i = 0; i < c->nzones; i++) {
		free(c->zones[i].name);
		free(c->zones[i].file);
	}
	free(c->zones);
	free(c->identity);
	free(c->version);
	free(c->user);
	c->zones = NULL;
	c->nzones = 0;
}

/* ---- the INI file ---- */

static int
parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return (errno || end == s || *end || *v > max || s[0] == '-') ? -1 : 0;
}

/* Apply each whitespace- or comma-separated word of v with fn. */
static int
each_word(struct dnsd_conf *c, char *v, int (*fn)(struct dnsd_conf *, const char *, const char **),
    const char **why)
{
	for (char *save = NULL, *w = strtok_r(v, " \t,", &save); w;
	     w = strtok_r(NULL, " \t,", &save))
		if (fn(c, w, why))
			return -1;
	return 0;
}

static int
allow_one(struct dnsd_conf *c, const char *s, const char **why)
{
	if (c->nallow == DNSD_ALLOW_MAX) {
		*why = "too many allow_transfer entries";
		return -1;
	}
	if (prefix_parse(s, &c->allow_transfer[c->nallow], why))
		return -1;
	c->nallow++;
	return 0;
}

static int
dnsd_key(struct dnsd_conf *c, const char *k, char *v, const char **why)
{
	unsigned long n;

	if (strcmp(k, "listen") == 0)
		return each_word(c, v, dnsd_conf_listen, why);
	if (strcmp(k, "allow_transfer") == 0)
		return each_word(c, v, allow_one, why);
	if (strcmp(k, "threads") == 0) {
		if (parse_uint(v, 256, &n) || n == 0) {
			*why = "threads must be 1 to 256";
			return -1;
		}
		c->threads = (unsigned)n;
	} else if (strcmp(k, "tcp_clients") == 0) {
		if (parse_uint(v, 100000, &n) || n == 0) {
			*why = "tcp_clients must be 1 to 100000";
			return -1;
		}
		c->tcp_clients = (unsigned)n;
	} else if (strcmp(k, "tcp_timeout") == 0) {
		if (duration_parse(v, &c->tcp_timeout) || c->tcp_timeout <= 0) {
			*why = "bad tcp_timeout";
			return -1;
		}
	} else if (strcmp(k, "max_udp") == 0) {
		if (parse_uint(v, 65535, &n) || n < 512) {
			*why = "max_udp must be 512 to 65535";
			return -1;
		}
		c->max_udp = (uint16_t)n;
	} else if (strcmp(k, "identity") == 0) {
		dnsd_conf_set_str(&c->identity, v);
	} else if (strcmp(k, "version") == 0) {
		dnsd_conf_set_str(&c->version, v);
	} else if (strcmp(k, "user") == 0) {
		dnsd_conf_set_str(&c->user, v);
	} else if (strcmp(k, "nsid") == 0) {
		return dnsd_conf_nsid(c, v, why);
	} else {
		*why = "unknown key";
		return -1;
	}
	return 0;
}

/* Strip one pair of surrounding double quotes, so values may keep spaces at their ends. */
static char *
unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

int
dnsd_conf_load(struct dnsd_conf *c, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[4096], zone[512] = "";
	enum {
		SEC_NONE,
		SEC_DNSD,
		SEC_ZONE
	} sec = SEC_NONE;
	unsigned lineno = 0, errors = 0, zoneline = 0;
	bool zone_file = true;
	const char *why;

	if (f == NULL) {
		log_warn("%s", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = str_trim(line), *eq, *k, *v;

		lineno++;
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');

			if (e == NULL || e[1] != '\0') {
				log_warnx("%s:%u: bad section header", path, lineno);
				errors++;
				continue;
			}
			*e = '\0';
			if (!zone_file) {
				log_warnx("%s:%u: [zone:%s] has no file", path, zoneline, zone);
				errors++;
			}
			zone_file = true;
			if (strcmp(s + 1, "dnsd") == 0) {
				sec = SEC_DNSD;
			} else if (strncmp(s + 1, "zone:", 5) == 0 && s[6] != '\0' &&
			           strlen(s + 6) < sizeof(zone)) {
				sec = SEC_ZONE;
				snprintf(zone, sizeof(zone), "%s", s + 6);
				zone_file = false;
				zoneline = lineno;
			} else {
				log_warnx("%s:%u: unknown section [%s]", path, lineno, s + 1);
				errors++;
				sec = SEC_NONE;
			}
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			log_warnx("%s:%u: expected key = value", path, lineno);
			errors++;
			continue;
		}
		*eq = '\0';
		k = str_trim(s);
		v = unquote(str_trim(eq + 1));
		if (sec == SEC_DNSD && dnsd_key(c, k, v, &why) == 0)
			continue;
		if (sec == SEC_ZONE && strcmp(k, "file") == 0 &&
		    dnsd_conf_zone(c, zone, v, &why) == 0) {
			zone_file = true;
			continue;
		}
		if (sec == SEC_ZONE && strcmp(k, "file") != 0)
			why = "unknown key";
		if (sec == SEC_NONE)
			why = "key outside a section";
		log_warnx("%s:%u: %s: %s", path, lineno, k, why);
		errors++;
	}
	fclose(f);
	if (!zone_file) {
		log_warnx("%s:%u: [zone:%s] has no file", path, zoneline, zone);
		errors++;
	}
	return errors ? -1 : 0;
}
