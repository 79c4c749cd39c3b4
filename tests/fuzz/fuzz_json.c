/* fuzz_json: libFuzzer harness for lib/json's reader (pharosctl reads the control
 * socket's replies with it). Any bytes are parsed; a tree that comes back is walked
 * whole through the accessors, and an error must come with a reason.
 *   make fuzz FUZZ_SECONDS=60 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
walk(const struct json *j, unsigned depth)
{
	size_t n = 1;

	if (depth > JSON_MAX_DEPTH + 1)
		abort();
	switch (j->type) {
	case JSON_STRING:
		if (j->str == NULL)
			abort();
		n += strlen(j->str);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		for (size_t i = 0; i < j->n; i++) {
			if ((j->type == JSON_OBJECT) != (j->items[i]->key != NULL))
				abort();
			if (j->type == JSON_OBJECT && json_get(j, j->items[i]->key) == NULL)
				abort();
			n += walk(j->items[i], depth + 1);
		}
		break;
	default: break;
	}
	json_str(j, NULL);
	json_num(j, 0);
	json_bool(j, false);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	struct json *j;
	struct buf b;

	buf_init(&b, data, size);
	j = json_parse(&b, &why);
	if (j == NULL) {
		if (why == NULL)
			abort();
		return 0;
	}
	walk(j, 0);
	json_free(j);
	return 0;
}
