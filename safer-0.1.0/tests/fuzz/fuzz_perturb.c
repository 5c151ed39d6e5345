/* fuzz_perturb.c - perturbation specs and grids, and apply/restore on a small
 * tensor built from the input.
 *
 * Input: "SPEC\n" then a control byte (bit 0 biases, bit 1 batch-norm scales,
 * bit 2 rolling mean/variance, bits 3-7 filters - 1), a bitpos rate byte
 * (255: the default 0.001), 8 seed bytes, and the weights as raw floats.
 * perturb.h promises restore puts back the original bits exactly and that a
 * spec and seed always give the same result: both abort() if broken. */
#include "fuzz.h"
#include "core/perturb.h"

#include <math.h>

#define MAX_WEIGHTS 1024
#define MAX_GRID_APPLY 8

struct tensor {
	struct weight_tensor t;
	size_t nw, nf;
};

static float *floats(const uint8_t *src, size_t n)
{
	float *f = malloc(n ? n * sizeof *f : 1);
	if (f == NULL)
		abort();
	if (n > 0)
		memcpy(f, src, n * sizeof *f);
	return f;
}

static float *maybe(int on, const uint8_t *src, size_t n)
{
	return on ? floats(src, n) : NULL;
}

static int same(const float *a, const float *b, size_t n)
{
	if (a == NULL || b == NULL)
		return a == b;
	return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static float *dup(const float *a, size_t n)
{
	return a ? floats((const uint8_t *)a, n) : NULL;
}

/* The same tensor, every array copied: what "unchanged" is compared with. */
static void snapshot(const struct tensor *src, struct tensor *dst)
{
	*dst = *src;
	dst->t.weights = dup(src->t.weights, src->nw);
	dst->t.biases = dup(src->t.biases, src->nf);
	dst->t.scales = dup(src->t.scales, src->nf);
	dst->t.rolling_mean = dup(src->t.rolling_mean, src->nf);
	dst->t.rolling_variance = dup(src->t.rolling_variance, src->nf);
}

static void tensor_free(struct tensor *x)
{
	free(x->t.weights);
	free(x->t.biases);
	free(x->t.scales);
	free(x->t.rolling_mean);
	free(x->t.rolling_variance);
}

static int identical(const struct tensor *a, const struct tensor *b)
{
	return same(a->t.weights, b->t.weights, a->nw) && same(a->t.biases, b->t.biases, a->nf) &&
	    same(a->t.scales, b->t.scales, a->nf) && same(a->t.rolling_mean, b->t.rolling_mean, a->nf) &&
	    same(a->t.rolling_variance, b->t.rolling_variance, a->nf);
}

static void apply_restore(const struct perturb *p, struct tensor *x)
{
	struct tensor orig, after;
	struct perturb_undo undo = { 0 };
	char *cause = NULL;

	snapshot(x, &orig);
	if (perturb_apply(p, &x->t, &undo, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && !undo.active && identical(x, &orig));
		free(cause);
		tensor_free(&orig);
		return;
	}
	FUZZ_CHECK(undo.active);
	/* rolling statistics are never touched; activation kinds touch nothing */
	FUZZ_CHECK(same(x->t.rolling_mean, orig.t.rolling_mean, x->nf));
	FUZZ_CHECK(same(x->t.rolling_variance, orig.t.rolling_variance, x->nf));
	if (perturb_kind_is_activation(p->kind))
		FUZZ_CHECK(identical(x, &orig));
	if (p->kind != PERTURB_PRUNE_FILTER)
		FUZZ_CHECK(same(x->t.biases, orig.t.biases, x->nf) && same(x->t.scales, orig.t.scales, x->nf));

	/* a second apply on the same undo record is refused and changes nothing */
	snapshot(x, &after);
	FUZZ_CHECK(perturb_apply(p, &x->t, &undo, &cause) != 0 && cause != NULL);
	free(cause);
	cause = NULL;
	FUZZ_CHECK(identical(x, &after));

	perturb_restore(&x->t, &undo);
	FUZZ_CHECK(!undo.active && undo.weights == NULL);
	FUZZ_CHECK(identical(x, &orig));

	/* deterministic: the same spec and seed give the same bits again */
	FUZZ_CHECK(perturb_apply(p, &x->t, &undo, &cause) == 0);
	FUZZ_CHECK(identical(x, &after));
	perturb_restore(&x->t, &undo);
	FUZZ_CHECK(identical(x, &orig));

	tensor_free(&after);
	tensor_free(&orig);
}

/* actquant: the engine quantizes a layer's outputs over the range it saw
 * (NaN ignored, as engine.c's layer_hook does).  perturb.c promises a NaN
 * output stays NaN ("a broken activation stays visible"); a number must stay
 * a number whenever that range is finite and not all zero. */
static void actquant(const struct perturb *p, const float *x, size_t n)
{
	float lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		lo = x[i] < lo ? x[i] : lo;
		hi = x[i] > hi ? x[i] : hi;
	}
	float *q = floats((const uint8_t *)x, n);
	perturb_quantize_activations(q, n, (int)p->level, lo, hi);
	int wide = isfinite(lo) && isfinite(hi) && (lo >= 0 ? hi > 0 : fmaxf(-lo, fabsf(hi)) > 0);
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			FUZZ_CHECK(isnan(q[i]));
		else if (wide)
			FUZZ_CHECK(!isnan(q[i]));
	}
	free(q);
}

/* Builds the tensor from the bytes after the spec line. */
static void tensor_make(const uint8_t *b, size_t n, struct tensor *x, double *rate, uint64_t *seed)
{
	uint8_t ctrl = n > 0 ? b[0] : 0, rb = n > 1 ? b[1] : 255;
	*rate = rb == 255 ? 0.001 : rb / 254.0;
	*seed = 0;
	for (size_t i = 0; i < 8 && 2 + i < n; i++)
		*seed = *seed << 8 | b[2 + i];
	const uint8_t *w = n > 10 ? b + 10 : b;
	size_t nw = n > 10 ? (n - 10) / sizeof(float) : 0;
	if (nw > MAX_WEIGHTS)
		nw = MAX_WEIGHTS;

	memset(x, 0, sizeof *x);
	x->nw = nw;
	x->nf = (size_t)(ctrl >> 3) + 1;
	x->t.weights = floats(w, nw);
	x->t.nweights = nw;
	x->t.filters = (int)x->nf;
	x->t.per_filter = nw / x->nf;	/* filters x per_filter != nweights when nf does not divide */
	/* the extra arrays reuse the weight bytes, padded: their values matter little */
	uint8_t pad[32 * sizeof(float)] = { 0 };
	memcpy(pad, w, nw * sizeof(float) < sizeof pad ? nw * sizeof(float) : sizeof pad);
	x->t.biases = maybe(ctrl & 1, pad, x->nf);
	x->t.scales = maybe(ctrl & 2, pad, x->nf);
	x->t.rolling_mean = maybe(ctrl & 4, pad, x->nf);
	x->t.rolling_variance = maybe(ctrl & 4, pad, x->nf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t slen = nl ? (size_t)(nl - data) : size;
	char *spec = fuzz_str(data, slen);
	const uint8_t *rest = nl ? nl + 1 : data + size;
	size_t nrest = (size_t)(data + size - rest);

	struct tensor x;
	double rate;
	uint64_t seed;
	tensor_make(rest, nrest, &x, &rate, &seed);

	struct perturb p;
	char *cause = NULL;
	if (perturb_parse(spec, &p, &cause) == 0) {
		FUZZ_CHECK(cause == NULL && (unsigned)p.kind < PERTURB_KIND_COUNT);
		double lo, hi;
		int integer;
		perturb_kind_range(p.kind, &lo, &hi, &integer);
		FUZZ_CHECK(p.level >= lo && p.level <= hi);
		p.seed = seed;
		p.rate = rate;
		apply_restore(&p, &x);
		if (perturb_kind_is_activation(p.kind))
			actquant(&p, x.t.weights, x.nw);
	} else {
		FUZZ_CHECK(cause != NULL);
		free(cause);
		cause = NULL;
	}

	struct perturb_grid g;
	if (perturb_grid_parse(spec, &g, &cause) == 0) {
		FUZZ_CHECK(g.nlevels >= 1 && g.nlevels <= 1000);
		for (int i = 0; i < g.nlevels && i < MAX_GRID_APPLY; i++) {
			struct perturb q = { .kind = g.kind, .level = g.levels[i], .rate = rate, .seed = seed + (uint64_t)i };
			apply_restore(&q, &x);
		}
		perturb_grid_free(&g);
	} else {
		FUZZ_CHECK(cause != NULL && g.levels == NULL);
		free(cause);
	}
	tensor_free(&x);
	free(spec);
	return 0;
}
