/* json: a small JSON reader (a tree over a parsed copy) and string escaping for writers.
 *
 * The reader accepts RFC 8259 JSON (objects, arrays, strings with \u escapes and
 * surrogate pairs, numbers, true/false/null), at most JSON_MAX_DEPTH deep; it is meant
 * for replies of a few megabytes, not for streaming. */
#ifndef PHAROS_JSON_H
#define PHAROS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/buf.h"

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json {
	enum json_type type;
	bool b;
	double num;
	char *str;           /* JSON_STRING: NUL-terminated (may hold \u0000 cut short) */
	char *key;           /* member name when inside an object, else NULL */
	struct json **items; /* JSON_ARRAY / JSON_OBJECT members, n of them */
	size_t n;
};

/* json_parse: parse the whole of b (trailing whitespace allowed) into a new tree the
 * caller frees with json_free(); NULL on error, with a static reason in *why. */
struct json *json_parse(struct buf *b, const char **why);

/* json_free: free a tree; NULL ok. */
void json_free(struct json *j);

/* json_get: the member key of object j, or NULL (also when j is NULL or not an object). */
const struct json *json_get(const struct json *j, const char *key);

/* json_str / json_num / json_bool: the value of j, or def when j is NULL or of another
 * type; the string is owned by the tree. */
const char *json_str(const struct json *j, const char *def);
double json_num(const struct json *j, double def);
bool json_bool(const struct json *j, bool def);

/* json_write_str: write s as a quoted JSON string to f, escaping quotes, backslashes and
 * control characters (bytes >= 0x80 pass through: the agent's strings are UTF-8). */
void json_write_str(FILE *f, const char *s);

#endif
