/* test_perturb.c - perturbations checked against hand-computed answers and
 * real statistics, plus exact restore over thousands of random cycles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/perturb.h"
#include "core/rng.h"
#include "core/util.h"

/* ---- helpers ------------------------------------------------------------ */

static struct weight_tensor tensor_new(int filters, size_t per, int bias, int bn)
{
	struct weight_tensor t;
	memset(&t, 0, sizeof t);
	t.filters = filters;
	t.per_filter = per;
	t.nweights = (size_t)filters * per;
	t.weights = xcalloc(t.nweights, sizeof(float));
	if (bias)
		t.biases = xcalloc((size_t)filters, sizeof(float));
	if (bn) {
		t.scales = xcalloc((size_t)filters, sizeof(float));
		t.rolling_mean = xcalloc((size_t)filters, sizeof(float));
		t.rolling_variance = xcalloc((size_t)filters, sizeof(float));
	}
	return t;
}

static void tensor_free(struct weight_tensor *t)
{
	free(t->weights);
	free(t->biases);
	free(t->scales);
	free(t->rolling_mean);
	free(t->rolling_variance);
	memset(t, 0, sizeof *t);
}

static void fill_normal(float *x, size_t n, double sd, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(sd * rng_normal(&r));
}

/* Normal weights pushed away from 0, so "was zeroed" is unambiguous. */
static void fill_nonzero(float *x, size_t n, uint64_t seed)
{
	fill_normal(x, n, 0.1, seed);
	for (size_t i = 0; i < n; i++)
		x[i] += x[i] < 0 ? -0.001f : 0.001f;
}

static void tensor_randomize(struct weight_tensor *t, uint64_t seed)
{
	fill_nonzero(t->weights, t->nweights, seed);
	size_t f = (size_t)t->filters;
	if (t->biases)
		fill_normal(t->biases, f, 0.5, seed + 1);
	if (t->scales) {
		fill_normal(t->scales, f, 1.0, seed + 2);
		fill_normal(t->rolling_mean, f, 1.0, seed + 3);
		for (size_t i = 0; i < f; i++)
			t->rolling_variance[i] = 0.5f + (float)i;
	}
}

static uint64_t tensor_sum(const struct weight_tensor *t)
{
	size_t f = (size_t)t->filters * sizeof(float);
	uint64_t h = hash_fnv1a(t->weights, t->nweights * sizeof(float), HASH_FNV1A_INIT);
	if (t->biases)
		h = hash_fnv1a(t->biases, f, h);
	if (t->scales) {
		h = hash_fnv1a(t->scales, f, h);
		h = hash_fnv1a(t->rolling_mean, f, h);
		h = hash_fnv1a(t->rolling_variance, f, h);
	}
	return h;
}

static uint32_t fbits(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof u);
	return u;
}

static float ffrom(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

static struct perturb spec(enum perturb_kind k, double level, uint64_t seed)
{
	struct perturb p = { k, level, 0.001, seed };
	return p;
}

static void apply_ok(const struct perturb *p, struct weight_tensor *t, struct perturb_undo *u)
{
	char *cause = NULL;
	if (perturb_apply(p, t, u, &cause) != 0)
		fail_msg("apply %s:%g failed: %s", perturb_kind_name(p->kind), p->level, cause);
	assert_true(u->active);
}

/* Observed count of a Binomial(trials, p) must lie within 5 sd of the mean. */
static void assert_binomial(uint64_t observed, uint64_t trials, double p)
{
	double mean = (double)trials * p, sd = sqrt((double)trials * p * (1 - p));
	if (fabs((double)observed - mean) > 5 * sd + 1e-9)
		fail_msg("observed %llu, expected %.1f +- 5*%.2f", (unsigned long long)observed, mean, sd);
}

static size_t count_zero(const float *x, size_t n)
{
	size_t z = 0;
	for (size_t i = 0; i < n; i++)
		z += x[i] == 0;
	return z;
}

static int float_cmp(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* Distinct values (-0.0 and 0.0 count once). */
static size_t count_distinct(const float *x, size_t n)
{
	float *c = xmalloc(n * sizeof *c);
	memcpy(c, x, n * sizeof *c);
	qsort(c, n, sizeof *c, float_cmp);
	size_t d = n > 0;
	for (size_t i = 1; i < n; i++)
		d += c[i] != c[i - 1];
	free(c);
	return d;
}

static float *floats_copy(const float *x, size_t n)
{
	float *c = xmalloc(n * sizeof *c);
	memcpy(c, x, n * sizeof *c);
	return c;
}

/* ---- rng ---------------------------------------------------------------- */

static void test_rng(void **state)
{
	(void)state;
	struct rng a, b, c;
	rng_seed(&a, 42);
	rng_seed(&b, 42);
	rng_seed(&c, 43);
	int differ = 0;
	for (int i = 0; i < 100; i++) {
		uint64_t x = rng_u64(&a);
		assert_true(x == rng_u64(&b));
		differ += x != rng_u64(&c);
	}
	assert_true(differ > 95);

	enum { N = 200000 };
	long bins[7] = { 0 };
	double sum = 0, sumsq = 0, usum = 0;
	for (int i = 0; i < N; i++) {
		double u = rng_uniform(&a);
		assert_true(u >= 0 && u < 1);
		usum += u;
		uint64_t k = rng_below(&a, 7);
		assert_true(k < 7);
		bins[k]++;
		double z = rng_normal(&a);
		sum += z;
		sumsq += z * z;
	}
	assert_true(fabs(usum / N - 0.5) < 5 * sqrt(1.0 / 12 / N));
	for (int k = 0; k < 7; k++)
		assert_binomial((uint64_t)bins[k], N, 1.0 / 7);
	assert_true(fabs(sum / N) < 5 / sqrt(N));
	assert_true(fabs(sqrt(sumsq / N) - 1) < 0.01);
	assert_true(rng_below(&a, 0) == 0 && rng_below(&a, 1) == 0);
}

/* ---- names, ranges, explanations ---------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	static const char *const stochastic[] = { "prune-random", "bitflip", "bitflip-exp",
		"bitflip-sign", "bitflip-int8", "noise", "bitpos", "stuck0", "stuck1" };
	int nstoch = 0;
	for (int k = 0; k < PERTURB_KIND_COUNT; k++) {
		enum perturb_kind back;
		const char *name = perturb_kind_name((enum perturb_kind)k);
		assert_int_equal(perturb_kind_from_name(name, &back), 0);
		assert_int_equal(back, k);
		int want = 0;
		for (size_t i = 0; i < sizeof stochastic / sizeof *stochastic; i++)
			want |= strcmp(stochastic[i], name) == 0;
		assert_int_equal(!!perturb_kind_is_stochastic((enum perturb_kind)k), want);
		nstoch += want;
		assert_int_equal(!!perturb_kind_is_activation((enum perturb_kind)k), k == PERTURB_ACTQUANT);

		const char *e = perturb_kind_explain((enum perturb_kind)k);
		const char *nl = strchr(e, '\n');
		assert_non_null(nl);
		assert_null(strchr(nl + 1, '\n'));
		size_t l1 = (size_t)(nl - e), l2 = strlen(nl + 1);
		assert_true(l1 > 10 && l1 <= 76);
		assert_true(l2 > 10 && l2 <= 76);
	}
	assert_int_equal(nstoch, 9);
	enum perturb_kind k;
	assert_int_equal(perturb_kind_from_name("Prune", &k), -1);
	assert_string_equal(perturb_kind_name(PERTURB_BITFLIP_INT8), "bitflip-int8");

	double lo, hi;
	int integer;
	perturb_kind_range(PERTURB_QUANT, &lo, &hi, &integer);
	assert_true(lo == 2 && hi == 16 && integer);
	perturb_kind_range(PERTURB_NOISE, &lo, &hi, &integer);
	assert_true(lo == 0 && hi == 100 && !integer);
	perturb_kind_range(PERTURB_BITPOS, &lo, &hi, &integer);
	assert_true(lo == 0 && hi == 31 && integer);
	perturb_kind_range(PERTURB_STUCK1, &lo, &hi, &integer);
	assert_true(lo == 0 && hi == 1 && !integer);
}

/* ---- pruning ------------------------------------------------------------ */

static void test_prune_fractions(void **state)
{
	(void)state;
	static const double fr[] = { 0, 0.001, 0.1, 0.3333, 0.5, 0.77, 0.9999, 1 };
	struct weight_tensor t = tensor_new(40, 25, 1, 1);
	tensor_randomize(&t, 7);
	float *orig = floats_copy(t.weights, t.nweights);
	struct perturb_undo u = { 0 };

	for (size_t i = 0; i < sizeof fr / sizeof *fr; i++) {
		for (int kind = PERTURB_PRUNE; kind <= PERTURB_PRUNE_FILTER; kind++) {
			struct perturb p = spec((enum perturb_kind)kind, fr[i], 99 + i);
			apply_ok(&p, &t, &u);
			size_t zeros = count_zero(t.weights, t.nweights);
			if (kind == PERTURB_PRUNE_FILTER)
				assert_int_equal(zeros, (size_t)round(fr[i] * 40) * 25);
			else
				assert_int_equal(zeros, (size_t)round(fr[i] * 1000));
			for (size_t j = 0; j < t.nweights; j++)	/* survivors untouched */
				assert_true(t.weights[j] == 0 || fbits(t.weights[j]) == fbits(orig[j]));
			perturb_restore(&t, &u);
			assert_false(u.active);
			assert_memory_equal(t.weights, orig, t.nweights * sizeof(float));
		}
	}
	free(orig);
	tensor_free(&t);
}

static void test_prune_smallest(void **state)
{
	(void)state;
	/* |w| sorted: 0.05(6) 0.1(1) 0.1(4) 0.3(2) 0.3(3) 0.3(7) 0.5(0) 2(5);
	 * half of 8 -> indices 6, 1, 4 and, of the 0.3 ties, the lowest index 2. */
	float w[8] = { 0.5f, -0.1f, 0.3f, -0.3f, 0.1f, 2.0f, -0.05f, 0.3f };
	const float want[8] = { 0.5f, 0, 0, -0.3f, 0, 2.0f, 0, 0.3f };
	struct weight_tensor t = { .weights = w, .nweights = 8, .filters = 1, .per_filter = 8 };
	struct perturb_undo u = { 0 };
	struct perturb p = spec(PERTURB_PRUNE, 0.5, 0);
	apply_ok(&p, &t, &u);
	assert_memory_equal(w, want, sizeof w);
	perturb_undo_free(&u);

	/* On a large tensor every pruned |w| is <= every surviving |w|. */
	struct weight_tensor big = tensor_new(1, 5000, 0, 0);
	tensor_randomize(&big, 3);
	float *orig = floats_copy(big.weights, big.nweights);
	p.level = 0.37;
	apply_ok(&p, &big, &u);
	float max_pruned = 0, min_kept = INFINITY;
	for (size_t i = 0; i < big.nweights; i++) {
		if (big.weights[i] == 0)
			max_pruned = fmaxf(max_pruned, fabsf(orig[i]));
		else
			min_kept = fminf(min_kept, fabsf(orig[i]));
	}
	assert_true(max_pruned <= min_kept);
	assert_int_equal(count_zero(big.weights, big.nweights), 1850);
	perturb_restore(&big, &u);
	free(orig);
	tensor_free(&big);
}

static void test_prune_random(void **state)
{
	(void)state;
	struct weight_tensor t = tensor_new(1, 20000, 0, 0);
	tensor_randomize(&t, 5);
	struct perturb_undo u = { 0 };
	struct perturb p = spec(PERTURB_PRUNE_RANDOM, 0.25, 1);
	apply_ok(&p, &t, &u);
	float *first = floats_copy(t.weights, t.nweights);
	perturb_restore(&t, &u);
	p.seed = 2;
	apply_ok(&p, &t, &u);
	/* Two independent 25% sets overlap on about 6.25% of the weights. */
	size_t both = 0;
	for (size_t i = 0; i < t.nweights; i++)
		both += first[i] == 0 && t.weights[i] == 0;
	assert_binomial(both, 20000, 0.0625);
	/* Random choice ignores magnitude: pruned weights include large ones. */
	size_t big = 0;
	perturb_restore(&t, &u);
	for (size_t i = 0; i < t.nweights; i++)
		big += first[i] == 0 && fabsf(t.weights[i]) > 0.1f;
	assert_true(big > 1000);
	free(first);
	tensor_free(&t);
}

/* Channel output before activation as Darknet computes it with batch norm. */
static float bn_output(const struct weight_tensor *t, int row, const float *x)
{
	float dot = 0;
	for (size_t j = 0; j < t->per_filter; j++)
		dot += t->weights[(size_t)row * t->per_filter + j] * x[j];
	if (t->scales == NULL)
		return dot + t->biases[row];
	return t->scales[row] * (dot - t->rolling_mean[row]) /
	    sqrtf(t->rolling_variance[row] + 0.00001f) + t->biases[row];
}

static void test_prune_filter(void **state)
{
	(void)state;
	/* Row L1 norms: 3, 0.4, 2, 0.5 -> order 1, 3, 2, 0. */
	static const float w[12] = { 1, -1, 1, 0.1f, 0.2f, -0.1f, -2, 0, 0, 0.2f, 0.2f, 0.1f };
	static const float x[3] = { 0.7f, -1.3f, 2.1f };
	for (int bn = 0; bn <= 1; bn++) {
		struct weight_tensor t = tensor_new(4, 3, 1, bn);
		memcpy(t.weights, w, sizeof w);
		for (int i = 0; i < 4; i++) {
			t.biases[i] = (float)(i + 1);
			if (bn) {
				t.scales[i] = (float)(i + 5);
				t.rolling_mean[i] = (float)(i + 9);
				t.rolling_variance[i] = (float)(i + 13);
			}
		}
		uint64_t before = tensor_sum(&t);
		struct perturb_undo u = { 0 };
		struct perturb p = spec(PERTURB_PRUNE_FILTER, 0.5, 0);
		apply_ok(&p, &t, &u);
		for (int i = 0; i < 4; i++) {
			int gone = i == 1 || i == 3;
			for (int j = 0; j < 3; j++)
				assert_true(t.weights[i * 3 + j] == (gone ? 0 : w[i * 3 + j]));
			assert_true(t.biases[i] == (gone ? 0 : (float)(i + 1)));
			if (bn) {
				assert_true(t.scales[i] == (gone ? 0 : (float)(i + 5)));
				assert_true(t.rolling_mean[i] == (float)(i + 9));
				assert_true(t.rolling_variance[i] == (float)(i + 13));
			}
			if (gone)
				assert_true(bn_output(&t, i, x) == 0);
			else
				assert_true(bn_output(&t, i, x) != 0);
		}
		perturb_restore(&t, &u);
		assert_true(tensor_sum(&t) == before);

		p.level = 0.75;	/* next smallest is row 2 */
		apply_ok(&p, &t, &u);
		assert_true(t.weights[6] == 0 && t.biases[2] == 0 && t.weights[0] == 1);
		perturb_restore(&t, &u);
		assert_true(tensor_sum(&t) == before);
		tensor_free(&t);
	}
}

/* ---- quantization ------------------------------------------------------- */

static void test_quant_crafted(void **state)
{
	(void)state;
	/* B=2: qmax 1, scale 1 -> round(w) clamped to -1..1 (roundf: -0.5 -> -1).
	 * B=3: qmax 3, scale 1/3 -> -3, -1.5->-2, 0, 0.6->1, 0.78->1, 3. */
	static const float w[6] = { -1, -0.5f, 0, 0.2f, 0.26f, 1 };
	static const float want2[6] = { -1, -1, 0, 0, 0, 1 };
	static const float want3[6] = { -1, -2.0f / 3, 0, 1.0f / 3, 1.0f / 3, 1 };
	float x[6];
	struct weight_tensor t = { .weights = x, .nweights = 6, .filters = 2, .per_filter = 3 };
	struct perturb_undo u = { 0 };
	struct perturb p = spec(PERTURB_QUANT, 2, 0);

	memcpy(x, w, sizeof x);
	apply_ok(&p, &t, &u);
	for (int i = 0; i < 6; i++)
		assert_float_equal(x[i], want2[i], 1e-7);
	perturb_restore(&t, &u);
	assert_memory_equal(x, w, sizeof x);
	p.level = 3;
	apply_ok(&p, &t, &u);
	for (int i = 0; i < 6; i++)
		assert_float_equal(x[i], want3[i], 1e-6);
	perturb_restore(&t, &u);

	/* All-zero tensors (even -0.0) are left bit-for-bit alone. */
	float z[4] = { 0, -0.0f, 0, -0.0f }, zc[4];
	memcpy(zc, z, sizeof z);
	struct weight_tensor tz = { .weights = z, .nweights = 4, .filters = 2, .per_filter = 2 };
	for (int kind = PERTURB_QUANT; kind <= PERTURB_QUANT_PC; kind++) {
		p = spec((enum perturb_kind)kind, 4, 0);
		apply_ok(&p, &tz, &u);
		assert_memory_equal(z, zc, sizeof z);
		perturb_undo_free(&u);
	}
}

static void test_quant_levels(void **state)
{
	(void)state;
	/* A dense ramp over [-1, 1] hits every grid point: exactly 2^B-1 values. */
	enum { N = 100001 };
	struct weight_tensor ramp = tensor_new(1, N, 0, 0);
	for (int i = 0; i < N; i++)
		ramp.weights[i] = -1.0f + 2.0f * (float)i / (N - 1);
	struct weight_tensor rnd = tensor_new(10, 5000, 0, 0);
	tensor_randomize(&rnd, 11);
	struct perturb_undo u = { 0 };
	for (int b = 2; b <= 16; b++) {
		struct perturb p = spec(PERTURB_QUANT, b, 0);
		apply_ok(&p, &ramp, &u);
		assert_int_equal(count_distinct(ramp.weights, N), (1u << b) - 1);
		perturb_restore(&ramp, &u);
		apply_ok(&p, &rnd, &u);
		assert_true(count_distinct(rnd.weights, rnd.nweights) <= (1u << b) - 1);
		perturb_restore(&rnd, &u);
	}
	tensor_free(&ramp);
	tensor_free(&rnd);
}

static void test_quant_per_channel(void **state)
{
	(void)state;
	static const float w[6] = { 1, 0.5f, -1, 0.01f, 0.004f, -0.01f };
	float x[6];
	struct weight_tensor t = { .weights = x, .nweights = 6, .filters = 2, .per_filter = 3 };
	struct perturb_undo u = { 0 };

	/* One scale for the tensor wipes out the small row ... */
	memcpy(x, w, sizeof x);
	struct perturb p = spec(PERTURB_QUANT, 2, 0);
	apply_ok(&p, &t, &u);
	assert_true(x[0] == 1 && x[1] == 1 && x[2] == -1);
	assert_true(x[3] == 0 && x[4] == 0 && x[5] == 0);
	perturb_restore(&t, &u);
	/* ... a scale per row keeps it. */
	p.kind = PERTURB_QUANT_PC;
	apply_ok(&p, &t, &u);
	assert_true(x[0] == 1 && x[1] == 1 && x[2] == -1);
	assert_true(x[3] == 0.01f && x[4] == 0 && x[5] == -0.01f);
	perturb_restore(&t, &u);
	assert_memory_equal(x, w, sizeof x);

	/* Rows of very different scale: per-row value counts and max kept. */
	struct weight_tensor r = tensor_new(16, 2000, 1, 0);
	tensor_randomize(&r, 21);
	for (int i = 0; i < 16; i++)
		for (size_t j = 0; j < 2000; j++)
			r.weights[i * 2000 + j] *= (float)(i + 1) * (float)(i + 1);
	float *orig = floats_copy(r.weights, r.nweights);
	for (int b = 2; b <= 8; b++) {
		p = spec(PERTURB_QUANT_PC, b, 0);
		apply_ok(&p, &r, &u);
		for (int i = 0; i < 16; i++) {
			const float *row = r.weights + i * 2000, *o = orig + i * 2000;
			size_t d = count_distinct(row, 2000);
			assert_true(d <= (1u << b) - 1 && d >= 3);
			float m0 = 0, m1 = 0;
			for (int j = 0; j < 2000; j++) {
				m0 = fmaxf(m0, fabsf(o[j]));
				m1 = fmaxf(m1, fabsf(row[j]));
			}
			assert_true(fabsf(m1 - m0) <= 1e-6f * m0);
		}
		perturb_restore(&r, &u);
	}
	free(orig);
	tensor_free(&r);
}

static void test_actquant(void **state)
{
	(void)state;
	struct weight_tensor t = tensor_new(3, 10, 1, 1);
	tensor_randomize(&t, 1);
	uint64_t before = tensor_sum(&t);
	struct perturb_undo u = { 0 };
	struct perturb p = spec(PERTURB_ACTQUANT, 4, 0);
	apply_ok(&p, &t, &u);
	assert_true(tensor_sum(&t) == before);
	perturb_restore(&t, &u);

	/* Unsigned: 2 bits over [0, 3] -> step 1, values 0..3. */
	float a[6] = { -1, 0.4f, 0.6f, 2.5f, 7, 3 };
	static const float wa[6] = { 0, 0, 1, 3, 3, 3 };
	perturb_quantize_activations(a, 6, 2, 0, 3);
	assert_memory_equal(a, wa, sizeof a);
	/* Symmetric: 2 bits, absmax 2 -> qmax 1, step 2, values -2, 0, 2. */
	float s[6] = { -3, -1.1f, 0.9f, 1, 5, -0.2f };
	static const float ws[6] = { -2, -2, 0, 2, 2, 0 };
	perturb_quantize_activations(s, 6, 2, -2, 1);
	for (int i = 0; i < 6; i++)
		assert_true(s[i] == ws[i]);
	/* 8 bits unsigned on a ramp: 256 values at most, NaN stays NaN. */
	enum { N = 5000 };
	float *x = xmalloc(N * sizeof *x);
	for (int i = 0; i < N; i++)
		x[i] = 6.0f * (float)i / (N - 1);
	perturb_quantize_activations(x, N, 8, 0, 6);
	assert_int_equal(count_distinct(x, N), 256);
	x[0] = NAN;
	perturb_quantize_activations(x, 1, 8, 0, 6);
	assert_true(isnan(x[0]));
	free(x);
	tensor_free(&t);
}

/* ---- bit faults --------------------------------------------------------- */

/* Applies p and returns per-bit XOR counts against the original. */
static uint64_t flip_counts(struct weight_tensor *t, const struct perturb *p, uint64_t pos[32],
    uint32_t *touched)
{
	float *orig = floats_copy(t->weights, t->nweights);
	struct perturb_undo u = { 0 };
	uint64_t total = 0;
	apply_ok(p, t, &u);
	memset(pos, 0, 32 * sizeof *pos);
	*touched = 0;
	for (size_t i = 0; i < t->nweights; i++) {
		uint32_t d = fbits(orig[i]) ^ fbits(t->weights[i]);
		*touched |= d;
		total += (uint64_t)__builtin_popcount(d);
		for (int b = 0; b < 32; b++)
			pos[b] += d >> b & 1;
	}
	perturb_restore(t, &u);
	assert_memory_equal(t->weights, orig, t->nweights * sizeof(float));
	free(orig);
	return total;
}

static void test_bitflip_rates(void **state)
{
	(void)state;
	uint64_t pos[32];
	uint32_t touched;
	struct weight_tensor t = tensor_new(1, 1 << 17, 0, 0);	/* 131072 floats */
	tensor_randomize(&t, 9);
	struct weight_tensor t32 = t;
	t32.nweights = t32.per_filter = 32768;		/* 2^20 bits */

	static const double ps[] = { 0.01, 0.0001, 0.3 };
	for (size_t i = 0; i < 3; i++) {
		struct perturb p = spec(PERTURB_BITFLIP, ps[i], 100 + i);
		uint64_t n = flip_counts(&t32, &p, pos, &touched);
		assert_binomial(n, 32768 * 32, ps[i]);
		if (ps[i] >= 0.01)	/* the skip-ahead must treat every position alike */
			for (int b = 0; b < 32; b++)
				assert_binomial(pos[b], 32768, ps[i]);
	}
	struct perturb p = spec(PERTURB_BITFLIP, 0, 1);
	assert_true(flip_counts(&t32, &p, pos, &touched) == 0);
	p.level = 1;
	assert_true(flip_counts(&t32, &p, pos, &touched) == 32768 * 32);

	p = spec(PERTURB_BITFLIP_EXP, 0.01, 2);
	uint64_t n = flip_counts(&t, &p, pos, &touched);
	assert_true((touched & ~0x7f800000u) == 0);
	assert_binomial(n, (1 << 17) * 8, 0.01);
	for (int b = 23; b <= 30; b++)
		assert_binomial(pos[b], 1 << 17, 0.01);

	p = spec(PERTURB_BITFLIP_SIGN, 0.05, 3);
	n = flip_counts(&t, &p, pos, &touched);
	assert_true(touched == 0x80000000u);
	assert_binomial(n, 1 << 17, 0.05);
	tensor_free(&t);
}

static float int8_scale(const float *w, size_t n)
{
	float m = 0;
	for (size_t i = 0; i < n; i++)
		m = fmaxf(m, fabsf(w[i]));
	return m / 127.0f;
}

static int int8_code(float w, float scale)
{
	float q = roundf(w / scale);
	return (int)(q > 127 ? 127 : q < -127 ? -127 : q);
}

static void test_bitflip_int8(void **state)
{
	(void)state;
	enum { N = 131072 };
	struct weight_tensor t = tensor_new(1, N, 0, 0);
	tensor_randomize(&t, 13);
	float *orig = floats_copy(t.weights, N);
	float scale = int8_scale(orig, N);
	struct perturb_undo u = { 0 };

	/* With P = 0 the result is plain int8 quantization, i.e. quant:8. */
	struct perturb p = spec(PERTURB_BITFLIP_INT8, 0, 1);
	apply_ok(&p, &t, &u);
	float *q0 = floats_copy(t.weights, N);
	perturb_restore(&t, &u);
	p = spec(PERTURB_QUANT, 8, 0);
	apply_ok(&p, &t, &u);
	for (size_t i = 0; i < N; i++)	/* == : int8 has no -0, quant keeps it */
		assert_true(q0[i] == t.weights[i]);
	perturb_restore(&t, &u);

	p = spec(PERTURB_BITFLIP_INT8, 0.02, 5);
	apply_ok(&p, &t, &u);
	uint64_t flips = 0, pos[8] = { 0 };
	for (size_t i = 0; i < N; i++) {
		int before = int8_code(orig[i], scale);
		float v = t.weights[i] / scale;
		int after = (int)roundf(v);
		assert_true(after >= -128 && after <= 127);
		assert_true(t.weights[i] == (float)after * scale);	/* dequantized */
		unsigned d = (unsigned)(before ^ after) & 0xff;
		flips += (uint64_t)__builtin_popcount(d);
		for (int b = 0; b < 8; b++)
			pos[b] += d >> b & 1;
	}
	assert_binomial(flips, (uint64_t)N * 8, 0.02);
	for (int b = 0; b < 8; b++)
		assert_binomial(pos[b], N, 0.02);
	perturb_restore(&t, &u);
	assert_memory_equal(t.weights, orig, N * sizeof(float));
	free(q0);
	free(orig);
	tensor_free(&t);
}

static void test_bitpos(void **state)
{
	(void)state;
	static const int ks[] = { 0, 7, 22, 23, 30, 31 };
	struct weight_tensor t = tensor_new(100, 100, 1, 0);
	tensor_randomize(&t, 17);
	float *orig = floats_copy(t.weights, t.nweights);
	struct perturb_undo u = { 0 };
	static const struct { double rate; size_t want; } rates[] = {
		{ 0.01, 100 }, { 0.001, 10 }, { 1e-6, 1 }, { 0, 0 }, { 1, 10000 } };
	for (size_t k = 0; k < sizeof ks / sizeof *ks; k++) {
		for (size_t r = 0; r < sizeof rates / sizeof *rates; r++) {
			struct perturb p = spec(PERTURB_BITPOS, ks[k], 1000 + k);
			p.rate = rates[r].rate;
			apply_ok(&p, &t, &u);
			size_t hit = 0;
			for (size_t i = 0; i < t.nweights; i++) {
				uint32_t d = fbits(orig[i]) ^ fbits(t.weights[i]);
				assert_true(d == 0 || d == 1u << ks[k]);
				hit += d != 0;
			}
			assert_int_equal(hit, rates[r].want);
			perturb_restore(&t, &u);
		}
	}
	assert_memory_equal(t.weights, orig, t.nweights * sizeof(float));
	free(orig);
	tensor_free(&t);
}

/* A failure names the weights file, the layer and its kind before the reason;
 * the tensor is left as it was. */
static void test_apply_layer_message(void **state)
{
	(void)state;
	struct weight_tensor t = tensor_new(2, 8, 1, 0);
	tensor_randomize(&t, 5);
	float *orig = floats_copy(t.weights, t.nweights);
	struct layer_desc layers[4] = { { .kind_name = "conv" } };
	layers[3].kind_name = "connected";
	struct model m = { .n = 4, .layers = layers };
	struct perturb p = spec(PERTURB_PRUNE, 0.5, 1);
	struct perturb_undo u = { 0 };
	char *cause = NULL;
	assert_int_equal(perturb_apply_layer(&p, &m, 3, "w.weights", &t, &u, &cause), 0);
	assert_int_equal(perturb_apply_layer(&p, &m, 3, "w.weights", &t, &u, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, "w.weights: layer 3 (connected): "
	    "a perturbation is already applied to this layer (restore it first)");
	free(cause);
	perturb_restore(&t, &u);
	assert_memory_equal(t.weights, orig, t.nweights * sizeof(float));
	free(orig);
	tensor_free(&t);
}

static void test_stuck(void **state)
{
	(void)state;
	enum { N = 32768 };
	struct weight_tensor t = tensor_new(1, N, 0, 0);
	tensor_randomize(&t, 19);
	float *orig = floats_copy(t.weights, N);
	struct perturb_undo u = { 0 };
	for (int one = 0; one <= 1; one++) {
		struct perturb p = spec(one ? PERTURB_STUCK1 : PERTURB_STUCK0, 0.02, 23);
		apply_ok(&p, &t, &u);
		uint64_t eligible = 0, changed = 0;
		for (size_t i = 0; i < N; i++) {
			uint32_t a = fbits(orig[i]), b = fbits(t.weights[i]);
			if (one)
				assert_true((a & ~b) == 0);	/* no bit cleared */
			else
				assert_true((b & ~a) == 0);	/* no bit set */
			eligible += (uint64_t)__builtin_popcount(one ? ~a : a);
			changed += (uint64_t)__builtin_popcount(a ^ b);
		}
		/* A stuck bit shows only where it held the other value. */
		assert_binomial(changed, eligible, 0.02);
		perturb_restore(&t, &u);
	}
	struct perturb p = spec(PERTURB_STUCK1, 1, 0);
	apply_ok(&p, &t, &u);
	for (size_t i = 0; i < N; i++)
		assert_true(fbits(t.weights[i]) == 0xffffffffu);
	perturb_restore(&t, &u);
	assert_memory_equal(t.weights, orig, N * sizeof(float));
	free(orig);
	tensor_free(&t);
}

/* ---- noise -------------------------------------------------------------- */

static void test_noise(void **state)
{
	(void)state;
	enum { N = 200000 };
	struct weight_tensor t = tensor_new(1, N, 0, 0);
	fill_normal(t.weights, N, 0.05, 29);
	float *orig = floats_copy(t.weights, N);
	double m = 0, v = 0;
	for (size_t i = 0; i < N; i++)
		m += orig[i];
	m /= N;
	for (size_t i = 0; i < N; i++)
		v += (orig[i] - m) * (orig[i] - m);
	double wsd = sqrt(v / N);

	struct perturb_undo u = { 0 };
	static const double ss[] = { 0.5, 0.05, 3 };
	for (size_t k = 0; k < 3; k++) {
		struct perturb p = spec(PERTURB_NOISE, ss[k], 31 + k);
		apply_ok(&p, &t, &u);
		double dm = 0, dv = 0;
		for (size_t i = 0; i < N; i++)
			dm += (double)t.weights[i] - orig[i];
		dm /= N;
		for (size_t i = 0; i < N; i++) {
			double d = (double)t.weights[i] - orig[i] - dm;
			dv += d * d;
		}
		double want = ss[k] * wsd;
		assert_true(fabs(dm) < 5 * want / sqrt(N));
		assert_true(fabs(sqrt(dv / N) / want - 1) < 0.02);
		perturb_restore(&t, &u);
	}
	/* Population sd: for {-1, 1} it is 1 (the sample sd would be 1.41). */
	float pair[2];
	struct weight_tensor t2 = { .weights = pair, .nweights = 2, .filters = 1, .per_filter = 2 };
	double ss2 = 0;
	for (int k = 0; k < 5000; k++) {
		pair[0] = -1;
		pair[1] = 1;
		struct perturb p = spec(PERTURB_NOISE, 1, (uint64_t)k);
		apply_ok(&p, &t2, &u);
		ss2 += (pair[0] + 1.0) * (pair[0] + 1.0) + (pair[1] - 1.0) * (pair[1] - 1.0);
		perturb_undo_free(&u);
	}
	assert_true(fabs(sqrt(ss2 / 10000) - 1) < 0.05);

	struct perturb p = spec(PERTURB_NOISE, 0, 1);
	t.weights[0] = -0.0f;	/* adding 0 must not even touch -0.0 */
	memcpy(orig, t.weights, sizeof(float));
	apply_ok(&p, &t, &u);
	assert_memory_equal(t.weights, orig, N * sizeof(float));
	perturb_restore(&t, &u);
	free(orig);
	tensor_free(&t);
}

/* ---- determinism and exact restore -------------------------------------- */

static const double test_levels[PERTURB_KIND_COUNT] = {
	[PERTURB_PRUNE] = 0.5, [PERTURB_PRUNE_RANDOM] = 0.5, [PERTURB_PRUNE_FILTER] = 0.5,
	[PERTURB_QUANT] = 4, [PERTURB_QUANT_PC] = 4, [PERTURB_ACTQUANT] = 4,
	[PERTURB_BITFLIP] = 0.01, [PERTURB_BITFLIP_EXP] = 0.01, [PERTURB_BITFLIP_SIGN] = 0.05,
	[PERTURB_BITFLIP_INT8] = 0.01, [PERTURB_NOISE] = 0.1, [PERTURB_BITPOS] = 30,
	[PERTURB_STUCK0] = 0.05, [PERTURB_STUCK1] = 0.05,
};

static void test_determinism(void **state)
{
	(void)state;
	struct weight_tensor t = tensor_new(20, 100, 1, 1);
	tensor_randomize(&t, 37);
	uint64_t before = tensor_sum(&t);
	struct perturb_undo u = { 0 };
	for (int k = 0; k < PERTURB_KIND_COUNT; k++) {
		uint64_t h[3];
		static const uint64_t seeds[3] = { 5, 5, 6 };
		for (int i = 0; i < 3; i++) {
			struct perturb p = spec((enum perturb_kind)k, test_levels[k], seeds[i]);
			p.rate = 0.01;
			apply_ok(&p, &t, &u);
			h[i] = tensor_sum(&t);
			perturb_restore(&t, &u);
			assert_true(tensor_sum(&t) == before);
		}
		assert_true(h[0] == h[1]);
		if (perturb_kind_is_stochastic((enum perturb_kind)k))
			assert_true(h[0] != h[2]);
		else
			assert_true(h[0] == h[2]);
		if (k != PERTURB_ACTQUANT)
			assert_true(h[0] != before);
	}
	tensor_free(&t);
}

static double random_level(struct rng *r, enum perturb_kind k)
{
	double lo, hi;
	int integer;
	perturb_kind_range(k, &lo, &hi, &integer);
	if (integer)
		return lo + (double)rng_below(r, (uint64_t)(hi - lo + 1));
	switch (rng_below(r, 4)) {
	case 0: return lo;
	case 1: return hi;
	case 2: return lo + (hi - lo) * pow(rng_uniform(r), 4);	/* mostly small */
	default: return lo + (hi - lo) * rng_uniform(r);
	}
}

static int needs_finite(enum perturb_kind k)
{
	return k == PERTURB_QUANT || k == PERTURB_QUANT_PC || k == PERTURB_BITFLIP_INT8 ||
	    k == PERTURB_NOISE;
}

static void test_restore_exact(void **state)
{
	(void)state;
	enum { NT = 5 };
	struct weight_tensor ts[NT] = {
		tensor_new(16, 27, 1, 1), tensor_new(5, 7, 1, 0), tensor_new(1, 300, 0, 0),
		tensor_new(3, 4, 1, 1), tensor_new(4, 8, 1, 1),
	};
	for (int i = 0; i < NT; i++)
		tensor_randomize(&ts[i], 41 + (uint64_t)i);
	/* Awkward values: signed zeros, denormals, ties; tensor 3 all zero. */
	ts[0].weights[0] = -0.0f;
	ts[0].weights[1] = 1e-40f;
	ts[0].weights[2] = ts[0].weights[3] = 0.25f;
	memset(ts[3].weights, 0, ts[3].nweights * sizeof(float));
	ts[3].weights[5] = -0.0f;
	/* Tensor 4 is broken: NaN with a payload, signaling NaN, infinity. */
	ts[4].weights[0] = ffrom(0x7fc01234u);
	ts[4].weights[1] = ffrom(0x7f800001u);
	ts[4].weights[2] = -INFINITY;

	uint64_t sums[NT];
	for (int i = 0; i < NT; i++)
		sums[i] = tensor_sum(&ts[i]);

	struct rng r;
	rng_seed(&r, 2024);
	struct perturb_undo u = { 0 };
	int refused = 0;
	for (int cycle = 0; cycle < 5000; cycle++) {
		int ti = (int)rng_below(&r, NT);
		struct weight_tensor *t = &ts[ti];
		enum perturb_kind k = (enum perturb_kind)rng_below(&r, PERTURB_KIND_COUNT);
		struct perturb p = spec(k, random_level(&r, k), rng_u64(&r));
		p.rate = rng_uniform(&r) < 0.5 ? 0.001 : rng_uniform(&r);
		char *cause = NULL;
		if (perturb_apply(&p, t, &u, &cause) != 0) {
			assert_true(ti == 4 && needs_finite(k));	/* only these may refuse */
			assert_non_null(cause);
			free(cause);
			assert_false(u.active);
			refused++;
		} else {
			assert_true(u.active);
			if (cycle % 100 == 0) {	/* a second apply must be refused */
				assert_int_equal(perturb_apply(&p, t, &u, &cause), -1);
				free(cause);
			}
			perturb_restore(t, &u);
			assert_false(u.active);
		}
		if (tensor_sum(t) != sums[ti])
			fail_msg("cycle %d: %s:%g on tensor %d not restored exactly",
			    cycle, perturb_kind_name(k), p.level, ti);
	}
	assert_true(refused > 0);
	for (int i = 0; i < NT; i++)
		tensor_free(&ts[i]);
}

static void test_apply_errors(void **state)
{
	(void)state;
	struct weight_tensor t = tensor_new(3, 5, 1, 0);
	tensor_randomize(&t, 43);
	uint64_t before = tensor_sum(&t);
	struct perturb_undo u = { 0 };
	char *cause = NULL;

	struct perturb p = spec(PERTURB_PRUNE, 1.5, 0);
	assert_int_equal(perturb_apply(&p, &t, &u, &cause), -1);
	assert_non_null(strstr(cause, "out of range for prune"));
	free(cause);
	p = spec(PERTURB_QUANT, 4.5, 0);
	assert_int_equal(perturb_apply(&p, &t, &u, &cause), -1);
	free(cause);
	p = spec(PERTURB_BITPOS, 3, 0);
	p.rate = 2;
	assert_int_equal(perturb_apply(&p, &t, &u, &cause), -1);
	free(cause);
	t.nweights = 14;	/* no longer filters x per_filter */
	p = spec(PERTURB_PRUNE_FILTER, 0.5, 0);
	assert_int_equal(perturb_apply(&p, &t, &u, &cause), -1);
	assert_non_null(strstr(cause, "prune-filter"));
	free(cause);
	p.kind = PERTURB_QUANT_PC;
	assert_int_equal(perturb_apply(&p, &t, &u, &cause), -1);
	free(cause);
	t.nweights = 15;
	assert_false(u.active);
	assert_true(tensor_sum(&t) == before);

	/* Active undo: refused, and the first apply's undo still works. */
	p = spec(PERTURB_PRUNE, 0.5, 0);
	apply_ok(&p, &t, &u);
	assert_int_equal(perturb_apply(&p, &t, &u, &cause), -1);
	assert_non_null(strstr(cause, "already applied"));
	free(cause);
	perturb_restore(&t, &u);
	assert_true(tensor_sum(&t) == before);

	/* Undo free forgets without restoring; restore on inactive is a no-op. */
	apply_ok(&p, &t, &u);
	perturb_undo_free(&u);
	assert_false(u.active);
	assert_null(u.weights);
	assert_true(tensor_sum(&t) != before);
	perturb_restore(&t, &u);
	tensor_free(&t);
}

/* ---- parsing ------------------------------------------------------------ */

static void test_parse_valid(void **state)
{
	(void)state;
	static const struct { const char *text; enum perturb_kind k; double level; } ok[] = {
		{ "prune:0.5", PERTURB_PRUNE, 0.5 }, { "prune:0", PERTURB_PRUNE, 0 },
		{ "prune-random:1", PERTURB_PRUNE_RANDOM, 1 },
		{ "prune-filter:.25", PERTURB_PRUNE_FILTER, 0.25 },
		{ "quant:8", PERTURB_QUANT, 8 }, { "quant-pc:2", PERTURB_QUANT_PC, 2 },
		{ "actquant:16", PERTURB_ACTQUANT, 16 }, { "bitflip:1e-6", PERTURB_BITFLIP, 1e-6 },
		{ "bitflip-exp:0.001", PERTURB_BITFLIP_EXP, 0.001 },
		{ "bitflip-sign:0.1", PERTURB_BITFLIP_SIGN, 0.1 },
		{ "bitflip-int8:0.01", PERTURB_BITFLIP_INT8, 0.01 },
		{ "noise:100", PERTURB_NOISE, 100 }, { "bitpos:31", PERTURB_BITPOS, 31 },
		{ "bitpos:0", PERTURB_BITPOS, 0 }, { "stuck0:0.5", PERTURB_STUCK0, 0.5 },
		{ "stuck1:0.5", PERTURB_STUCK1, 0.5 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		struct perturb p;
		char *cause = NULL;
		if (perturb_parse(ok[i].text, &p, &cause) != 0)
			fail_msg("'%s' refused: %s", ok[i].text, cause);
		assert_int_equal(p.kind, ok[i].k);
		assert_true(p.level == ok[i].level);
		assert_true(p.rate == 0.001 && p.seed == 0);
	}
}

static void expect_error(int grid, const char *text, const char *want)
{
	char *cause = NULL;
	int rc;
	if (grid) {
		struct perturb_grid g;
		rc = perturb_grid_parse(text, &g, &cause);
		if (rc == -1)
			assert_true(g.levels == NULL && g.nlevels == 0);
		else
			perturb_grid_free(&g);
	} else {
		struct perturb p;
		rc = perturb_parse(text, &p, &cause);
	}
	if (rc != -1)
		fail_msg("'%s' accepted", text);
	if (cause == NULL || strstr(cause, want) == NULL)
		fail_msg("'%s': wanted '%s' in '%s'", text, want, cause ? cause : "(null)");
	free(cause);
}

static void test_parse_errors(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{ "prun:0.5", "unknown perturbation kind 'prun' (expected one of prune, prune-random, "
		    "prune-filter, quant, quant-pc, actquant, bitflip, bitflip-exp, bitflip-sign, "
		    "bitflip-int8, noise, bitpos, stuck0, stuck1)" },
		{ "Prune:0.5", "unknown perturbation kind 'Prune'" },
		{ ":0.5", "unknown perturbation kind ''" },
		{ "", "empty perturbation spec" },
		{ "prune:1.5", "level 1.5 out of range for prune (0..1)" },
		{ "prune:-0.1", "level -0.1 out of range for prune (0..1)" },
		{ "quant:4.5", "bits must be an integer" },
		{ "quant:1", "level 1 out of range for quant (2..16)" },
		{ "quant:17", "out of range for quant" },
		{ "bitpos:32", "out of range for bitpos (0..31)" },
		{ "bitpos:2.5", "bit index must be an integer" },
		{ "noise:100.5", "out of range for noise (0..100)" },
		{ "bitflip:2", "out of range for bitflip (0..1)" },
		{ "prune", "missing level after 'prune'" },
		{ "prune:", "missing level for prune" },
		{ "prune:0.5x", "level '0.5x' for prune is not a number" },
		{ "prune:nan", "not a number" }, { "prune:inf", "not a number" },
		{ "prune:-inf", "not a number" }, { "prune: 0.5", "not a number" },
		{ "prune:0.5 ", "not a number" }, { "prune:0.1:0.2", "not a number" },
		{ "quant:8,4", "not a number" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		expect_error(0, bad[i][0], bad[i][1]);
}

static void grid_ok(const char *text, int n, const double *want)
{
	struct perturb_grid g;
	char *cause = NULL;
	if (perturb_grid_parse(text, &g, &cause) != 0)
		fail_msg("'%s' refused: %s", text, cause);
	assert_int_equal(g.nlevels, n);
	for (int i = 0; i < n; i++)
		if (fabs(g.levels[i] - want[i]) > 1e-12)
			fail_msg("'%s' level %d: %.17g, want %.17g", text, i, g.levels[i], want[i]);
	assert_true(g.levels[n - 1] == want[n - 1]);	/* TO is hit exactly */
	perturb_grid_free(&g);
	assert_null(g.levels);
}

static void test_grid(void **state)
{
	(void)state;
	static const double tenths[11] = { 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1 };
	static const double q[3] = { 8, 6, 4 }, even[8] = { 2, 4, 6, 8, 10, 12, 14, 16 };
	static const double down[8] = { 16, 14, 12, 10, 8, 6, 4, 2 }, one[1] = { 0.5 };
	static const double small[3] = { 1e-6, 1e-5, 1e-4 };
	grid_ok("prune:0.1:0.9:0.1", 9, tenths + 1);
	grid_ok("prune:0:1:0.1", 11, tenths);
	grid_ok("quant:8,6,4", 3, q);
	grid_ok("quant:2:16:2", 8, even);
	grid_ok("quant:16:2:-2", 8, down);
	grid_ok("prune:0.5", 1, one);
	grid_ok("prune:0.5:0.5:0.1", 1, one);
	grid_ok("bitflip:1e-6,1e-5,1e-4", 3, small);
	grid_ok("prune:0.3:0.5:0.1", 3, tenths + 3);

	/* 1000 levels are allowed, 1001 are not. */
	char *many = xmalloc(8 + 1001 * 2 + 1);
	strcpy(many, "bitpos:1");
	for (int i = 1; i < 1000; i++)
		strcat(many, ",1");
	struct perturb_grid g;
	char *cause = NULL;
	assert_int_equal(perturb_grid_parse(many, &g, &cause), 0);
	assert_int_equal(g.nlevels, 1000);
	perturb_grid_free(&g);
	strcat(many, ",1");
	expect_error(1, many, "more than 1000");
	free(many);
	double *thou = xmalloc(1000 * sizeof *thou);
	for (int i = 0; i < 1000; i++)
		thou[i] = i * 0.001;
	grid_ok("prune:0:0.999:0.001", 1000, thou);
	free(thou);

	static const char *const bad[][2] = {
		{ "prune:0:1:0.0001", "more than 1000" },
		{ "prune:0:1:0", "step '0'" },
		{ "prune:0:1:-0.1", "never gets from 0 to 1" },
		{ "prune:0:1:x", "step 'x'" },
		{ "prune:0.1:0.9", "FROM:TO:STEP" },
		{ "prune:0.1:0.9:0.1:0.2", "FROM:TO:STEP" },
		{ "prune:0:2:0.5", "level 2 out of range for prune (0..1)" },
		{ "quant:2:16:1.5", "bits must be an integer for quant (got 3.5)" },
		{ "quant:8,,4", "empty level" }, { "quant:8,", "empty level" },
		{ "quant:,8", "empty level" }, { "quant:8,4.5", "bits must be an integer" },
		{ "quant:8,20", "level 20 out of range for quant (2..16)" },
		{ "prune:0.1,0.2:0.3", "mix of ',' and ':'" },
		{ "pune:0.1,0.2", "unknown perturbation kind 'pune'" },
		{ "prune:abc", "level 'abc' for prune is not a number" },
		{ "prune:0.1,nan", "not a number" }, { "prune:", "missing level" },
		{ "quant", "missing level" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		expect_error(1, bad[i][0], bad[i][1]);
}

static void test_trial_seed(void **state)
{
	(void)state;
	uint64_t s = perturb_trial_seed(1, 2, 3, 0.5, 4);
	assert_true(s == perturb_trial_seed(1, 2, 3, 0.5, 4));
	assert_true(s != perturb_trial_seed(2, 2, 3, 0.5, 4));
	assert_true(s != perturb_trial_seed(1, 3, 3, 0.5, 4));
	assert_true(s != perturb_trial_seed(1, 2, 4, 0.5, 4));
	assert_true(s != perturb_trial_seed(1, 2, 3, 0.25, 4));
	assert_true(s != perturb_trial_seed(1, 2, 3, 0.5, 5));
	assert_true(perturb_trial_seed(1, 2, 3, 0.0, 4) == perturb_trial_seed(1, 2, 3, -0.0, 4));
	/* Trial seeds of one cell are all different. */
	uint64_t seen[256];
	for (int t = 0; t < 256; t++) {
		seen[t] = perturb_trial_seed(7, 0, PERTURB_BITFLIP, 1e-3, t);
		for (int j = 0; j < t; j++)
			assert_true(seen[j] != seen[t]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_prune_fractions),
		cmocka_unit_test(test_prune_smallest),
		cmocka_unit_test(test_prune_random),
		cmocka_unit_test(test_prune_filter),
		cmocka_unit_test(test_quant_crafted),
		cmocka_unit_test(test_quant_levels),
		cmocka_unit_test(test_quant_per_channel),
		cmocka_unit_test(test_actquant),
		cmocka_unit_test(test_bitflip_rates),
		cmocka_unit_test(test_bitflip_int8),
		cmocka_unit_test(test_bitpos),
		cmocka_unit_test(test_stuck),
		cmocka_unit_test(test_apply_layer_message),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_restore_exact),
		cmocka_unit_test(test_apply_errors),
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_trial_seed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
