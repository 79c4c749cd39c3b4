/* fuzz_zone: libFuzzer harness for pharos-dnsd's master-file parser (dnsd/zone.c). The
 * input is a zone file for example.com., written to a private temporary directory that
 * also holds a small file it may $INCLUDE ("inc"). A zone that loads must be consistent:
 * an SOA at the apex, every node found again by its name, every record printable.
 * Inputs that could $INCLUDE files outside that directory (any '/') are skipped, and so
 * are those with more than two $INCLUDEs (each level may include itself: k^8 reads).
 *   make fuzz FUZZ_SECONDS=60 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dnsd/zone.h"
#include "lib/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz_zone.XXXXXX";
static char path[64];

static void
cleanup(void)
{
	char p[64];

	snprintf(p, sizeof(p), "%s/inc", dir);
	unlink(p);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[64];
	FILE *f;

	(void)argc;
	(void)argv;
	log_init("fuzz_zone", LOG_LVL_ERR, 0);
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/z", dir);
	snprintf(p, sizeof(p), "%s/inc", dir);
	if ((f = fopen(p, "w")) == NULL)
		abort();
	fputs("www A 192.0.2.80\n  AAAA 2001:db8::80\nmail 300 IN MX 10 www\n", f);
	fclose(f);
	return 0;
}

static void
discard(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* includes: how many times "$include" (any case) occurs in data. */
static unsigned
includes(const uint8_t *data, size_t size)
{
	unsigned n = 0;

	for (size_t i = 0; i + 8 <= size; i++)
		n += strncasecmp((const char *)data + i, "$include", 8) == 0;
	return n;
}

static void
check(const struct zone *z)
{
	static char text[65536 * 4 + 64];

	if (z->soa == NULL || zone_node_rrset(z->apex, DNS_T_SOA) != z->soa)
		abort();
	for (size_t i = 0; i < z->nnodes; i++) {
		const struct zone_node *n = z->nodes[i];

		if (zone_lookup(z, n->name) != n || !dns_name_is_sub(n->name, z->origin))
			abort();
		for (uint16_t s = 0; s < n->nsets; s++) {
			const struct zone_rrset *set = &n->sets[s];

			if (set->count == 0 || zone_node_rrset(n, set->type) != set)
				abort();
			for (uint16_t k = 0; k < set->count; k++) {
				struct buf b;

				buf_init(&b, set->rr[k].data, set->rr[k].len);
				if (dns_rdata_to_text(set->type, &b, text, sizeof(text)) < 0)
					abort();
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zone *z;
	unsigned inc = includes(data, size);
	FILE *f;

	if (inc > 2 || (inc > 0 && memchr(data, '/', size) != NULL))
		return 0;
	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	z = zone_load("example.com.", path, discard, NULL);
	if (z != NULL)
		check(z);
	zone_free(z);
	return 0;
}
