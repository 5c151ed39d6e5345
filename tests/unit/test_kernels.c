/* test_kernels.c - the fast end of a convolution's row (batch norm, bias,
 * activation: backend_conv_epilogue_row, scalar and AVX2) gives the bits of
 * Darknet's own normalize_cpu, scale_bias, add_bias and activate_array, for
 * linear, leaky and relu, with and without batch norm: on 10^7
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
void activate_array(float *x, const int n, const ACTIVATION a);

#define N 4101	/* not a multiple of 8 or of the 64-value chunks */

static float uniform(struct rng *r, float lo, float hi)
{
	return lo + (hi - lo) * (float)rng_uniform(r);
}

/* Darknet's passes over one filter's row against ours, bit for bit, for
 * each activation and with batch norm on and off; returns how many values
 * differ. */
static long compare_row(float *x, float mean, float var, float scale, float bias, size_t n)
{
	static const ACTIVATION acts[] = { LINEAR, LEAKY, RELU };
	long differ = 0;
	float *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got), *in = malloc(n * sizeof *in);
	for (int bn = 0; bn <= 1; bn++)
		for (size_t a = 0; a < sizeof acts / sizeof *acts; a++) {
			layer l;
			memset(&l, 0, sizeof l);
			l.batch_normalize = bn;
			l.activation = acts[a];
			l.rolling_mean = &mean;
			l.rolling_variance = &var;
			l.scales = &scale;
			l.biases = &bias;
			memcpy(want, x, n * sizeof *x);
			if (bn) {
				normalize_cpu(want, &mean, &var, 1, 1, (int)n);
				scale_bias(want, &scale, 1, 1, (int)n);
			}
			add_bias(want, &bias, 1, 1, (int)n);
			activate_array(want, (int)n, acts[a]);
			backend_conv_epilogue_row(got, x, n, &l, 0);
			memcpy(in, x, n * sizeof *x);
			backend_conv_epilogue_row(in, in, n, &l, 0);	/* in place, as the kernels call it */
			for (size_t i = 0; i < n; i++) {
				int bad = memcmp(&want[i], &got[i], sizeof(float)) != 0 ||
				    memcmp(&want[i], &in[i], sizeof(float)) != 0;
				if (bad && differ < 5)
					print_message("batch norm %d activation %d value %zu: Darknet %a, ours %a (in place %a)\n",
					    bn, (int)acts[a], i, (double)want[i], (double)got[i], (double)in[i]);
				differ += bad;
			}
		}
	free(want);
	free(got);
	free(in);
	return differ;
}

static void test_random_values(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 11);
	float *x = malloc(N * sizeof *x);
	long differ = 0;
	for (int row = 0; row < 2500; row++) {	/* 2500 x 4101 = 10^7 values */
		float mean = uniform(&r, -2, 2), var = uniform(&r, 0, 3) * uniform(&r, 0, 3);
		float scale = uniform(&r, -2, 2), bias = uniform(&r, -1, 1);
		for (int i = 0; i < N; i++)
			x[i] = uniform(&r, -8, 8);
		if (row % 50 == 0) {
			x[row % N] = mean;	/* a zero quotient */
			x[(row + 7) % N] = NAN;	/* relu makes it 0 in Darknet */
			x[(row + 9) % N] = -0.0f;
		}
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
		for (int i = 0; i + 8 <= N; i += 8) {
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
