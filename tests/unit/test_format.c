/* test_format.c - fmt_real_shortest (core/format) and the JSON writer that
 * uses it (formats/table): the fewest digits that read back exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "formats/table.h"

/* Significant digits of a %g/%f text: no sign, exponent, point, leading or
 * trailing zeros. */
static int digits(const char *s)
{
	char m[64];
	size_t n = strcspn(s, "eE");
	int k = 0;
	for (size_t i = 0; i < n && k < 63; i++)
		if (s[i] >= '0' && s[i] <= '9')
			m[k++] = s[i];
	m[k] = '\0';
	int a = 0;
	while (m[a] == '0')
		a++;
	while (k > a && m[k - 1] == '0')
		k--;
	return k - a;
}

/* v's text reads back as v, and no precision below its digit count does. */
static void check_shortest(double v)
{
	char buf[40], shorter[80];
	fmt_real_shortest(v, buf, sizeof buf);
	if (strtod(buf, NULL) != v)
		fail_msg("%.17g printed as %s, which reads back as %.17g", v, buf, strtod(buf, NULL));
	int d = digits(buf);
	if (d > 1) {
		snprintf(shorter, sizeof shorter, "%.*g", d - 1, v);
		if (strtod(shorter, NULL) == v)
			fail_msg("%.17g printed as %s, but %s reads back too", v, buf, shorter);
	}
}

static void test_known(void **state)
{
	(void)state;
	char buf[40];
	static const struct { double v; const char *want; } cases[] = {
		{ 0.927, "0.927" }, { 0.1, "0.1" }, { 911220, "911220" }, { 1, "1" }, { 0, "0" },
		{ 0.09333333333333334, "0.09333333333333334" }, { 1e-7, "1e-07" }, { 12345.678, "12345.678" },
		{ 0.0001234, "0.0001234" }, { 1e14, "100000000000000" }, { 1e15, "1e+15" }, { 31722300588172752.0, "3.172230058817275e+16" },
		{ 5e-324, "5e-324" }, { DBL_MAX, "1.7976931348623157e+308" }, { -2.5, "-2.5" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(fmt_real_shortest(cases[i].v, buf, sizeof buf), cases[i].want);
}

/* 200,000 doubles from random bit patterns, every exponent. */
static void test_random_bits(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double v;
		memcpy(&v, &x, sizeof v);
		if (isfinite(v))
			check_shortest(v);
	}
}

/* Fractions like those safer prints: k/n accuracies, drops in points. */
static void test_fractions(void **state)
{
	(void)state;
	for (int n = 1; n <= 2000; n += 7)
		for (int k = 0; k <= n; k += 3) {
			check_shortest((double)k / n);
			check_shortest(100.0 * k / n - 50.0);
		}
}

/* The JSON writer: reals shortest and still reals, strings untouched. */
static void test_json_write(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	json_t *root = json_pack("{s:f, s:f, s:f, s:i, s:s, s:[f]}", "a", 0.927, "b", 1.0, "c", 911220.0, "d", 7,
	    "e", "0.92700000000000005 \"1.5\"", "f", -0.1);
	table_json_write(f, root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	fclose(f);
	assert_string_equal(text, "{\"a\":0.927,\"b\":1.0,\"c\":911220.0,\"d\":7,"
	    "\"e\":\"0.92700000000000005 \\\"1.5\\\"\",\"f\":[-0.1]}\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_random_bits),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_json_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
