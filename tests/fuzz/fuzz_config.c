/* fuzz_config: libFuzzer harness for pharosd.ini validation (agent/config*.c) through
 * cfg_load_buf. A configuration that loads is printed, and the print must load again
 * and print the same (cfg_print promises a file cfg_load accepts), unless it holds an
 * inline password (printed redacted). Inputs that could reach files outside the fuzzer
 * (an include or password_file next to any '/') are skipped: the file is named under a
 * directory that does not exist, so relative includes match nothing.
 *   make fuzz FUZZ_SECONDS=60 */
#define _GNU_SOURCE /* memmem, open_memstream */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/config.h"

#define NAME "/nonexistent-pharos-fuzz/fuzz.ini"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static bool
has(const uint8_t *data, size_t size, const char *s)
{
	return memmem(data, size, s, strlen(s)) != NULL;
}

static char *
print(const struct cfg *cfg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		abort();
	cfg_print(cfg, f);
	fclose(f);
	return text;
}

static void
round_trip(const struct cfg *cfg)
{
	size_t len, len2;
	char *text, *text2;
	struct cfg *again;

	for (size_t i = 0; i < cfg->n_peers; i++)
		if (cfg->peers[i].password != NULL)
			return;
	text = print(cfg, &len);
	again = cfg_load_buf(NAME, text, len, stderr);
	if (again == NULL) {
		fprintf(stderr, "printed configuration does not load:\n%s", text);
		abort();
	}
	text2 = print(again, &len2);
	if (len != len2 || memcmp(text, text2, len) != 0) {
		fprintf(stderr, "print is not stable:\n%s---\n%s", text, text2);
		abort();
	}
	cfg_free(again);
	free(text);
	free(text2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg *cfg;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if ((has(data, size, "include") || has(data, size, "password_file")) &&
	    memchr(data, '/', size) != NULL)
		return 0;
	cfg = cfg_load_buf(NAME, data, size, devnull);
	if (cfg == NULL)
		return 0;
	cfg_summary(cfg, devnull);
	round_trip(cfg);
	cfg_free(cfg);
	return 0;
}
