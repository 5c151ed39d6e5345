/* test_topk.c - engine_top_k against Darknet's own top_k (libdarknet's
 * src/utils.c, the list `darknet classifier valid` counts hits in): the same
 * k indexes, in the same order, for random outputs, ties, plateaus, NaN
 * anywhere, infinities and k larger than n (#13 item 7). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "core/rng.h"

/* Exported by libdarknet (declared in its darknet.h, which only src/backend/
 * may include): the reference. */
void top_k(float *a, int n, int k, int *index);

#define MAXN 24

/* One vector through both; the lists must be identical. */
static void same_list(const float *x, int n, int k)
{
	float copy[MAXN];
	int want[MAXN + 8], got[MAXN + 8];
	memcpy(copy, x, (size_t)n * sizeof *x);
	top_k(copy, n, k, want);
	engine_top_k(x, n, k, got);
	for (int j = 0; j < k; j++)
		if (want[j] != got[j]) {
			fail_msg("n=%d k=%d: slot %d is %d, Darknet's is %d (x[0]=%g)", n, k, j, got[j], want[j],
			    (double)x[0]);
		}
}

/* The cases of the issue, by hand: all equal or all NaN outputs give
 * 0, 1, ..., k-1, so a label counts as a top-5 hit only when it is < 5. */
static void test_ties_and_nan_by_hand(void **state)
{
	(void)state;
	float zero[10] = { 0 }, nan10[10];
	for (int i = 0; i < 10; i++)
		nan10[i] = NAN;
	int got[5];
	engine_top_k(zero, 10, 5, got);
	for (int j = 0; j < 5; j++)
		assert_int_equal(got[j], j);
	engine_top_k(nan10, 10, 5, got);
	for (int j = 0; j < 5; j++)
		assert_int_equal(got[j], j);
	/* a NaN holds the slot it first reaches: class 0 stays first */
	float x[4] = { NAN, 1, 3, 2 };
	engine_top_k(x, 4, 2, got);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 2);
	/* k > n: the slots past n stay empty */
	float y[3] = { 1, 3, 2 };
	int big[5];
	engine_top_k(y, 3, 5, big);
	assert_int_equal(big[0], 1);
	assert_int_equal(big[1], 2);
	assert_int_equal(big[2], 0);
	assert_int_equal(big[3], -1);
	assert_int_equal(big[4], -1);
}

/* Random vectors drawn from a few values (many ties), with NaN and
 * infinities mixed in, every n and k up to MAXN. */
static void test_matches_darknet(void **state)
{
	(void)state;
	static const float pool[] = { 0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.0f, INFINITY, -INFINITY, NAN };
	struct rng r;
	rng_seed(&r, 13);
	float x[MAXN];
	long cases = 0;
	for (int trial = 0; trial < 4000; trial++) {
		int n = 1 + (int)rng_below(&r, MAXN);
		int mode = trial % 4;
		for (int i = 0; i < n; i++) {
			if (mode == 0)	/* continuous: few ties */
				x[i] = (float)rng_below(&r, 1000000) / 1000.0f - 500.0f;
			else if (mode == 1)	/* plateaus: ties only */
				x[i] = (float)rng_below(&r, 3);
			else if (mode == 2)	/* everything, NaN included */
				x[i] = pool[rng_below(&r, sizeof pool / sizeof pool[0])];
			else	/* mostly finite, now and then a NaN */
				x[i] = rng_below(&r, 8) == 0 ? NAN : (float)rng_below(&r, 5);
		}
		for (int k = 1; k <= n + 3; k++, cases++)
			same_list(x, n, k);
	}
	printf("# %ld lists equal to Darknet's top_k\n", cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ties_and_nan_by_hand),
		cmocka_unit_test(test_matches_darknet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
