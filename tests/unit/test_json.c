/* test_json: lib/json — the reader (values, escapes, limits, errors) and string escaping. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/util.h"

static struct json *
parse(const char *s, const char **why)
{
	struct buf b;

	buf_init(&b, s, strlen(s));
	return json_parse(&b, why);
}

static void
test_values_and_nesting(void **state)
{
	struct json *j =
	    parse(" {\"a\": [1, -2.5e2, true, false, null], \"b\": {\"c\": \"d\"}} ", NULL);
	const struct json *a;

	(void)state;
	assert_non_null(j);
	a = json_get(j, "a");
	assert_int_equal(a->n, 5);
	assert_true(json_num(a->items[0], 0) == 1);
	assert_true(json_num(a->items[1], 0) == -250);
	assert_true(json_bool(a->items[2], false));
	assert_false(json_bool(a->items[3], true));
	assert_int_equal(a->items[4]->type, JSON_NULL);
	assert_string_equal(json_str(json_get(json_get(j, "b"), "c"), ""), "d");
	assert_null(json_get(j, "zz"));
	assert_string_equal(json_str(json_get(j, "zz"), "def"), "def");
	json_free(j);
}

static void
test_string_escapes_decode_to_utf8(void **state)
{
	struct json *j = parse("\"q\\\"b\\\\s\\/n\\n\\t\\u00e9\\u20ac\\ud83d\\ude00\"", NULL);

	(void)state;
	assert_non_null(j);
	assert_string_equal(j->str, "q\"b\\s/n\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	json_free(j);
}

static void
test_rejects_malformed(void **state)
{
	static const char *const bad[] = {
	    "",
	    "{",
	    "[1,]",
	    "{\"a\" 1}",
	    "{\"a\":1,}",
	    "01",
	    "1.",
	    "-",
	    ".5",
	    "1e",
	    "tru",
	    "\"abc",
	    "\"a\nb\"",
	    "\"\\x\"",
	    "\"\\u12\"",
	    "\"\\ud800\"",
	    "\"\\udc00\"",
	    "[1] 2",
	    "{1:2}",
	    "nul",
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		why = NULL;
		if (parse(bad[i], &why) != NULL)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(why);
	}
}

static void
test_depth_is_bounded(void **state)
{
	char deep[2 * (JSON_MAX_DEPTH + 1) + 1];
	struct json *j;
	const char *why = NULL;

	(void)state;
	memset(deep, '[', JSON_MAX_DEPTH + 1);
	memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
	deep[sizeof(deep) - 1] = '\0';
	assert_null(parse(deep, &why));
	assert_string_equal(why, "too deeply nested");
	deep[JSON_MAX_DEPTH] = ' ';
	deep[JSON_MAX_DEPTH + 1] = ' ';
	j = parse(deep, NULL);
	assert_non_null(j);
	json_free(j);
}

static void
test_write_str_escapes_and_round_trips(void **state)
{
	static const char nasty[] = "a\"b\\c\nd\re\tf\x01g\x1fh\x7f\xc3\xa9";
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct json *j;

	(void)state;
	json_write_str(f, nasty);
	fclose(f);
	assert_string_equal(out, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh\\u007f\xc3\xa9\"");
	j = parse(out, NULL);
	assert_non_null(j);
	assert_string_equal(j->str, nasty);
	json_free(j);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_and_nesting),
	    cmocka_unit_test(test_string_escapes_decode_to_utf8),
	    cmocka_unit_test(test_rejects_malformed),
	    cmocka_unit_test(test_depth_is_bounded),
	    cmocka_unit_test(test_write_str_escapes_and_round_trips),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
