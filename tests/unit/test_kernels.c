/* test_kernels.c - the fast batch-norm epilogue (backend_bn_bias_row) gives
 * the bits of Darknet's own normalize_cpu, scale_bias and add_bias: on 10^7
 * random values, on quotients placed close to the midpoints between two
 * floats, and on zero quotients, which take the exact fallback (a quotient
 * within the fallback's 8 double ulps of a midpoint is a 1-in-2^26 event
 * that a search cannot afford; kernels.c says why the fallback is exact). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/internal.h"
#include "core/rng.h"

/* Exported by libdarknet, not declared in darknet.h. */
void scale_bias(float *output, float *scales, int batch, int n, int size);
void add_bias(float *output, float *biases, int batch, int n, int size);

#define N 4096

static float uniform(struct rng *r, float lo, float hi)
{
	return lo + (hi - lo) * (float)rng_uniform(r);
}

/* Darknet's three passes over one filter's row against ours, bit for bit;
 * returns how many values differ. */
static long compare_row(float *x, float mean, float var, float scale, float bias, size_t n)
{
	layer l;
	memset(&l, 0, sizeof l);
	l.batch_normalize = 1;
	l.rolling_mean = &mean;
	l.rolling_variance = &var;
	l.scales = &scale;
	l.biases = &bias;
	float *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
	memcpy(want, x, n * sizeof *x);
	normalize_cpu(want, &mean, &var, 1, 1, (int)n);
	scale_bias(want, &scale, 1, 1, (int)n);
	add_bias(want, &bias, 1, 1, (int)n);
	backend_bn_bias_row(got, x, n, &l, 0);
	backend_bn_bias_row(x, x, n, &l, 0);	/* in place, as the kernels call it */
	long differ = 0;
	for (size_t i = 0; i < n; i++)
		differ += memcmp(&want[i], &got[i], sizeof(float)) != 0 || memcmp(&want[i], &x[i], sizeof(float)) != 0;
	free(want);
	free(got);
	return differ;
}

static void test_random_values(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 11);
	float *x = malloc(N * sizeof *x);
	long differ = 0;
	for (int row = 0; row < 2500; row++) {	/* 2500 x 4096 = 10^7 values */
		float mean = uniform(&r, -2, 2), var = uniform(&r, 0, 3) * uniform(&r, 0, 3);
		float scale = uniform(&r, -2, 2), bias = uniform(&r, -1, 1);
		for (int i = 0; i < N; i++)
			x[i] = uniform(&r, -8, 8);
		if (row % 50 == 0)
			x[row % N] = mean;	/* a zero quotient */
		differ += compare_row(x, mean, var, scale, bias, N);
	}
	free(x);
	assert_int_equal(differ, 0);
}

/* Inputs whose quotient falls close to a float midpoint: x = mean + m*d
 * for m halfway between two floats, and its float neighbours. */
static void test_near_midpoints(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 12);
	float *x = malloc(N * sizeof *x);
	long differ = 0;
	for (int row = 0; row < 200; row++) {
		float mean = uniform(&r, -1, 1), var = uniform(&r, 0.01f, 4), scale = uniform(&r, 0.5f, 2);
		double d = sqrt(var) + .000001f;
		for (int i = 0; i < N; i += 8) {
			float f = uniform(&r, -4, 4);
			double m = ((double)f + (double)nextafterf(f, INFINITY)) / 2;
			float c = (float)(m * d + mean);
			for (int k = 0; k < 8; k++) {
				float v = c;
				for (int s = 0; s < k / 2; s++)
					v = nextafterf(v, k % 2 ? INFINITY : -INFINITY);
				x[i + k] = v;
			}
		}
		differ += compare_row(x, mean, var, scale, 0.25f, N);
	}
	free(x);
	assert_int_equal(differ, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_values),
		cmocka_unit_test(test_near_midpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
