/* perturb.c - see perturb.h */
#include "core/perturb.h"
#include "core/rng.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRID_MAX_LEVELS 1000
/* Relative (to the step) slack so that 0.1:0.9:0.1 includes 0.9. */
#define GRID_TOLERANCE 1e-9

static const struct kind_info {
	const char *name;
	double lo, hi;
	int integer;
	int stochastic;
	const char *noun;	/* what the level means, for messages */
	const char *explain;
} kinds[PERTURB_KIND_COUNT] = {
	[PERTURB_PRUNE] = { "prune", 0, 1, 0, 0, "fraction",
	    "Sets the smallest-magnitude weights to zero.\n"
	    "Small weights matter little, so accuracy often holds until most are gone." },
	[PERTURB_PRUNE_RANDOM] = { "prune-random", 0, 1, 0, 1, "fraction",
	    "Sets a randomly chosen fraction of the weights to zero.\n"
	    "Compare with prune: ignoring magnitude usually hurts much sooner." },
	[PERTURB_PRUNE_FILTER] = { "prune-filter", 0, 1, 0, 0, "fraction",
	    "Removes whole filters (output channels) with the smallest L1 norm.\n"
	    "Coarse but hardware-friendly; a layer with few filters suffers quickly." },
	[PERTURB_QUANT] = { "quant", 2, 16, 1, 0, "bits",
	    "Rounds every weight to one of 2^B-1 evenly spaced values (one scale).\n"
	    "Layers with a few large outliers lose the most precision." },
	[PERTURB_QUANT_PC] = { "quant-pc", 2, 16, 1, 0, "bits",
	    "Rounds weights to 2^B-1 levels with a separate scale for each filter.\n"
	    "Usually gentler than quant, since one big filter cannot coarsen others." },
	[PERTURB_ACTQUANT] = { "actquant", 2, 16, 1, 0, "bits",
	    "Rounds the layer's outputs (activations) to 2^B-1 levels.\n"
	    "Weights stay exact; this shows how much the signal itself needs." },
	[PERTURB_BITFLIP] = { "bitflip", 0, 1, 0, 1, "probability",
	    "Flips each bit of each 32-bit weight with probability P, like bad memory.\n"
	    "A single flipped exponent bit can turn a weight huge and break the net." },
	[PERTURB_BITFLIP_EXP] = { "bitflip-exp", 0, 1, 0, 1, "probability",
	    "Flips only the 8 exponent bits of each weight, with probability P.\n"
	    "These are the dangerous bits: one flip can scale a weight by 2^128." },
	[PERTURB_BITFLIP_SIGN] = { "bitflip-sign", 0, 1, 0, 1, "probability",
	    "Flips only the sign bit of each weight, with probability P.\n"
	    "Magnitudes stay, so damage grows slowly and shows weight redundancy." },
	[PERTURB_BITFLIP_INT8] = { "bitflip-int8", 0, 1, 0, 1, "probability",
	    "Stores weights as 8-bit integers, then flips each bit with probability P.\n"
	    "Errors are bounded by the int8 range, unlike flips in float exponents." },
	[PERTURB_NOISE] = { "noise", 0, 100, 0, 1, "sigma",
	    "Adds Gaussian noise with sd = S times the sd of the layer's weights.\n"
	    "Models analog or imprecise hardware; robust layers shrug off S = 0.1." },
	[PERTURB_BITPOS] = { "bitpos", 0, 31, 1, 1, "bit index",
	    "Flips bit K (0 = lowest mantissa bit, 31 = sign) in a few random weights.\n"
	    "Shows which bit positions matter: low mantissa bits hardly ever do." },
	[PERTURB_STUCK0] = { "stuck0", 0, 1, 0, 1, "probability",
	    "Forces each bit of each weight to 0 with probability P (stuck-at fault).\n"
	    "Clearing bits mostly shrinks weights, which is often fairly harmless." },
	[PERTURB_STUCK1] = { "stuck1", 0, 1, 0, 1, "probability",
	    "Forces each bit of each weight to 1 with probability P (stuck-at fault).\n"
	    "Setting exponent bits makes weights huge or NaN, so expect sharp drops." },
};

const char *perturb_kind_name(enum perturb_kind k)
{
	if ((unsigned)k >= PERTURB_KIND_COUNT)
		return "?";
	return kinds[k].name;
}

int perturb_kind_from_name(const char *name, enum perturb_kind *out)
{
	for (int k = 0; k < PERTURB_KIND_COUNT; k++) {
		if (strcmp(name, kinds[k].name) == 0) {
			*out = (enum perturb_kind)k;
			return 0;
		}
	}
	return -1;
}

int perturb_kind_is_stochastic(enum perturb_kind k)
{
	return (unsigned)k < PERTURB_KIND_COUNT && kinds[k].stochastic;
}

int perturb_kind_is_activation(enum perturb_kind k)
{
	return k == PERTURB_ACTQUANT;
}

void perturb_kind_range(enum perturb_kind k, double *lo, double *hi, int *integer)
{
	if ((unsigned)k >= PERTURB_KIND_COUNT) {
		*lo = *hi = 0;
		*integer = 0;
		return;
	}
	*lo = kinds[k].lo;
	*hi = kinds[k].hi;
	*integer = kinds[k].integer;
}

const char *perturb_kind_explain(enum perturb_kind k)
{
	if ((unsigned)k >= PERTURB_KIND_COUNT)
		return "Unknown perturbation.\nNo explanation available.";
	return kinds[k].explain;
}

uint64_t perturb_trial_seed(uint64_t base, int layer, int kind, double level, int trial)
{
	uint64_t bits;
	if (level == 0)
		level = 0;	/* -0.0 and 0.0 name the same level */
	memcpy(&bits, &level, sizeof bits);
	uint64_t h = rng_mix64(base);
	h = rng_mix64(h ^ (uint32_t)layer);
	h = rng_mix64(h ^ (uint32_t)kind);
	h = rng_mix64(h ^ bits);
	return rng_mix64(h ^ (uint32_t)trial);
}

/* ---- parsing ------------------------------------------------------------ */

static char *kind_list(void)
{
	size_t len = 1;
	for (int k = 0; k < PERTURB_KIND_COUNT; k++)
		len += strlen(kinds[k].name) + 2;
	char *s = xmalloc(len);
	s[0] = '\0';
	for (int k = 0; k < PERTURB_KIND_COUNT; k++) {
		if (k > 0)
			strcat(s, ", ");
		strcat(s, kinds[k].name);
	}
	return s;
}

static char *unknown_kind(const char *name)
{
	char *list = kind_list();
	char *msg = xasprintf("unknown perturbation kind '%s' (expected one of %s)", name, list);
	free(list);
	return msg;
}

/* strtod that must consume all of s and give a finite number; no leading
 * blanks, so "prune: 0.5" is as wrong as "prune:0.5x". */
static int number_parse(const char *s, double *out)
{
	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int level_check(enum perturb_kind k, double v, char **cause)
{
	const struct kind_info *ki = &kinds[k];
	if (!isfinite(v) || v < ki->lo || v > ki->hi) {
		*cause = xasprintf("level %g out of range for %s (%g..%g)", v, ki->name, ki->lo, ki->hi);
		return -1;
	}
	if (ki->integer && v != floor(v)) {
		*cause = xasprintf("%s must be an integer for %s (got %g)", ki->noun, ki->name, v);
		return -1;
	}
	return 0;
}

static int level_parse(enum perturb_kind k, const char *s, double *out, char **cause)
{
	const struct kind_info *ki = &kinds[k];
	if (*s == '\0') {
		*cause = xasprintf("missing level for %s (expected a %s %g..%g)", ki->name, ki->noun, ki->lo, ki->hi);
		return -1;
	}
	if (number_parse(s, out) != 0) {
		*cause = xasprintf("level '%s' for %s is not a number (expected a %s %g..%g)",
		    s, ki->name, ki->noun, ki->lo, ki->hi);
		return -1;
	}
	return level_check(k, *out, cause);
}

/* Splits "KIND:REST" in place; *rest points after the first colon. */
static int kind_split(char *text, enum perturb_kind *k, char **rest, const char *form, char **cause)
{
	char *colon = strchr(text, ':');
	if (*text == '\0') {
		*cause = xasprintf("empty perturbation spec (expected %s)", form);
		return -1;
	}
	if (colon != NULL)
		*colon = '\0';
	if (perturb_kind_from_name(text, k) != 0) {
		*cause = unknown_kind(text);
		return -1;
	}
	if (colon == NULL) {
		*cause = xasprintf("missing level after '%s' (expected %s)", text, form);
		return -1;
	}
	*rest = colon + 1;
	return 0;
}

int perturb_parse(const char *text, struct perturb *out, char **cause)
{
	char *copy = xstrdup(text), *rest;
	enum perturb_kind k;
	double level;
	int rc = -1;

	if (kind_split(copy, &k, &rest, "KIND:LEVEL, e.g. prune:0.5", cause) == 0 &&
	    level_parse(k, rest, &level, cause) == 0) {
		memset(out, 0, sizeof *out);
		out->kind = k;
		out->level = level;
		out->rate = PERTURB_DEFAULT_RATE;
		rc = 0;
	}
	free(copy);
	return rc;
}

static int grid_range(struct perturb_grid *g, char *rest, char **cause)
{
	char *to_s = strchr(rest, ':'), *step_s;
	*to_s++ = '\0';
	step_s = strchr(to_s, ':');
	if (step_s == NULL || strchr(step_s + 1, ':') != NULL) {
		*cause = xasprintf("a %s range needs exactly FROM:TO:STEP", kinds[g->kind].name);
		return -1;
	}
	*step_s++ = '\0';

	double from, to, step;
	if (level_parse(g->kind, rest, &from, cause) != 0 || level_parse(g->kind, to_s, &to, cause) != 0)
		return -1;
	if (number_parse(step_s, &step) != 0 || step == 0) {
		*cause = xasprintf("step '%s' is not a non-zero number", step_s);
		return -1;
	}
	if ((to - from) * step < 0) {
		*cause = xasprintf("step %g never gets from %g to %g", step, from, to);
		return -1;
	}
	double span = (to - from) / step + GRID_TOLERANCE;
	if (span >= GRID_MAX_LEVELS) {
		*cause = xasprintf("range %g:%g:%g has more than %d levels", from, to, step, GRID_MAX_LEVELS);
		return -1;
	}
	int n = (int)floor(span) + 1;
	g->levels = xreallocarray(NULL, (size_t)n, sizeof *g->levels);
	for (int i = 0; i < n; i++) {
		double v = from + i * step;	/* no accumulated drift */
		if (fabs(v - to) <= GRID_TOLERANCE * fabs(step))
			v = to;
		g->levels[g->nlevels++] = v;
		if (level_check(g->kind, v, cause) != 0)
			return -1;
	}
	return 0;
}

static int grid_list(struct perturb_grid *g, char *rest, char **cause)
{
	g->levels = xreallocarray(NULL, GRID_MAX_LEVELS, sizeof *g->levels);
	for (char *item = rest;;) {
		char *comma = strchr(item, ',');
		if (comma != NULL)
			*comma = '\0';
		if (g->nlevels == GRID_MAX_LEVELS) {
			*cause = xasprintf("level list has more than %d levels", GRID_MAX_LEVELS);
			return -1;
		}
		if (*item == '\0' && (comma != NULL || item != rest)) {
			*cause = xasprintf("empty level in the %s list", kinds[g->kind].name);
			return -1;
		}
		if (level_parse(g->kind, item, &g->levels[g->nlevels], cause) != 0)
			return -1;
		g->nlevels++;
		if (comma == NULL) {
			g->levels = xreallocarray(g->levels, (size_t)g->nlevels, sizeof *g->levels);
			return 0;
		}
		item = comma + 1;
	}
}

int perturb_grid_parse(const char *text, struct perturb_grid *out, char **cause)
{
	char *copy = xstrdup(text), *rest;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (kind_split(copy, &out->kind, &rest,
	    "KIND:L1,L2,... or KIND:FROM:TO:STEP, e.g. prune:0.1:0.9:0.1", cause) == 0) {
		if (strchr(rest, ':') != NULL) {
			if (strchr(rest, ',') != NULL)
				*cause = xasprintf("mix of ',' and ':' in '%s' (use L1,L2,... or FROM:TO:STEP)", text);
			else
				rc = grid_range(out, rest, cause);
		} else
			rc = grid_list(out, rest, cause);
	}
	free(copy);
	if (rc != 0)
		perturb_grid_free(out);
	return rc;
}

void perturb_grid_free(struct perturb_grid *g)
{
	free(g->levels);
	g->levels = NULL;
	g->nlevels = 0;
}

/* ---- helpers on tensors ------------------------------------------------- */

/* Rounded count of a fraction of n, as the spec says: round(F * n). */
static size_t fraction_count(double f, size_t n)
{
	double k = round(f * (double)n);
	if (k <= 0)
		return 0;
	return k >= (double)n ? n : (size_t)k;
}

static float absmax(const float *w, size_t n)
{
	float m = 0;
	for (size_t i = 0; i < n; i++)
		if (fabsf(w[i]) > m)
			m = fabsf(w[i]);
	return m;
}

static int all_finite(const float *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(w[i]))
			return 0;
	return 1;
}

/* Selection sampling (Knuth's algorithm S): visit 0..n-1 in order and decide
 * whether this item is one of *need out of the remaining; exact counts, no
 * index array. */
static int pick_next(struct rng *r, size_t i, size_t n, size_t *need)
{
	if (*need == 0 || rng_below(r, n - i) >= *need)
		return 0;
	(*need)--;
	return 1;
}

/* Float bits are moved with memcpy, never through float registers, so NaN
 * payloads made by flips survive unchanged. */
static uint32_t bits_get(const float *w)
{
	uint32_t u;
	memcpy(&u, w, sizeof u);
	return u;
}

static void bits_put(float *w, uint32_t u)
{
	memcpy(w, &u, sizeof u);
}

/* ---- pruning ------------------------------------------------------------ */

struct ranked {
	double key;
	size_t index;
};

/* Ascending by key, NaN last, ties by index so the result is deterministic. */
static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int xn = isnan(x->key), yn = isnan(y->key);
	if (xn != yn)
		return xn - yn;
	if (!xn && x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static void prune_magnitude(float *w, size_t n, double f)
{
	size_t k = fraction_count(f, n);
	if (k == 0)
		return;
	struct ranked *r = xreallocarray(NULL, n, sizeof *r);
	for (size_t i = 0; i < n; i++) {
		r[i].key = fabsf(w[i]);
		r[i].index = i;
	}
	qsort(r, n, sizeof *r, ranked_cmp);
	for (size_t i = 0; i < k; i++)
		w[r[i].index] = 0;
	free(r);
}

static void prune_random(float *w, size_t n, double f, struct rng *r)
{
	size_t need = fraction_count(f, n);
	for (size_t i = 0; i < n && need > 0; i++)
		if (pick_next(r, i, n, &need))
			w[i] = 0;
}

/* Removing a filter must make its output exactly 0 before the activation.
 * Without batch norm the output is dot(w, x) + bias, so zeroing the row and
 * the bias suffices.  With batch norm Darknet computes
 * scale * (dot - mean) / sqrt(var + eps) + bias; zeroing the scale (gamma) as
 * well kills the normalized term whatever the rolling mean and variance are,
 * so those are left untouched. */
static void prune_filter(struct weight_tensor *t, double f)
{
	size_t nf = (size_t)t->filters, per = t->per_filter;
	size_t k = fraction_count(f, nf);
	if (k == 0)
		return;
	struct ranked *r = xreallocarray(NULL, nf, sizeof *r);
	for (size_t i = 0; i < nf; i++) {
		double l1 = 0;
		for (size_t j = 0; j < per; j++)
			l1 += fabsf(t->weights[i * per + j]);
		r[i].key = l1;
		r[i].index = i;
	}
	qsort(r, nf, sizeof *r, ranked_cmp);
	for (size_t i = 0; i < k; i++) {
		size_t row = r[i].index;
		memset(t->weights + row * per, 0, per * sizeof *t->weights);
		if (t->biases != NULL)
			t->biases[row] = 0;
		if (t->scales != NULL)
			t->scales[row] = 0;
	}
	free(r);
}

/* ---- quantization ------------------------------------------------------- */

/* Symmetric uniform grid {-qmax..qmax} * scale with scale = max|w| / qmax. */
static void quant_span(float *w, size_t n, int bits)
{
	float qmax = (float)((1 << (bits - 1)) - 1);
	float scale = absmax(w, n) / qmax;
	if (!(scale > 0))
		return;		/* all zero: nothing to round */
	for (size_t i = 0; i < n; i++) {
		float q = roundf(w[i] / scale);
		if (q > qmax)
			q = qmax;
		else if (q < -qmax)
			q = -qmax;
		w[i] = q * scale;
	}
}

void perturb_quantize_activations(float *x, size_t n, int bits, float lo, float hi)
{
	if (bits < 2)
		bits = 2;
	else if (bits > 24)
		bits = 24;	/* beyond float's mantissa the grid means nothing */
	float qlo, qhi, step;
	if (lo >= 0) {
		qlo = 0;
		qhi = (float)((1L << bits) - 1);
		step = hi / qhi;
	} else {
		float a = fmaxf(fabsf(lo), fabsf(hi));
		qhi = (float)((1L << (bits - 1)) - 1);
		qlo = -qhi;
		step = a / qhi;
	}
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;	/* a broken activation stays visible */
		float q = step > 0 ? roundf(x[i] / step) : 0;
		if (q > qhi)
			q = qhi;
		else if (q < qlo)
			q = qlo;
		x[i] = q * (step > 0 ? step : 0);
	}
}

/* ---- bit faults --------------------------------------------------------- */

/* Walks, in increasing order, the positions in [0, total) hit by independent
 * Bernoulli(p) trials.  Gaps between hits are geometric, so one draw per hit
 * replaces one draw per bit (p = 1e-7 over 1e8 bits costs 10 draws). */
struct hits {
	struct rng *r;
	double p, lq;		/* lq = log(1 - p) */
	uint64_t next, total;
};

static void hits_init(struct hits *h, struct rng *r, double p, uint64_t total)
{
	h->r = r;
	h->p = p;
	h->lq = log1p(-p);
	h->next = 0;
	h->total = total;
}

static int hits_next(struct hits *h, uint64_t *pos)
{
	if (!(h->p > 0) || h->next >= h->total)
		return 0;
	uint64_t gap = 0;
	if (h->p < 1) {
		/* u in [0, 1): gap 0 iff u > 1 - p; u = 0 gives +inf, no more hits. */
		double g = floor(log(rng_uniform(h->r)) / h->lq);
		if (!(g < (double)(h->total - h->next))) {
			h->next = h->total;
			return 0;
		}
		gap = (uint64_t)g;
	}
	*pos = h->next + gap;
	h->next = *pos + 1;
	return 1;
}

enum bitop { BIT_FLIP, BIT_CLEAR, BIT_SET };

/* Hits bits first..first+width-1 of every float, each with probability p. */
static void bits_float(float *w, size_t n, int first, int width, double p, enum bitop op, struct rng *r)
{
	struct hits h;
	uint64_t pos;

	hits_init(&h, r, p, (uint64_t)n * (uint64_t)width);
	while (hits_next(&h, &pos)) {
		float *f = w + pos / (uint64_t)width;
		uint32_t mask = 1u << (first + (int)(pos % (uint64_t)width));
		uint32_t u = bits_get(f);
		if (op == BIT_FLIP)
			u ^= mask;
		else if (op == BIT_CLEAR)
			u &= ~mask;
		else
			u |= mask;
		bits_put(f, u);
	}
}

/* Quantize to int8 (symmetric, scale = max|w| / 127), flip each of the 8 bits
 * of every code with probability p, dequantize.  Hits come in order, so one
 * pass handles each weight without an int8 buffer. */
static void bitflip_int8(float *w, size_t n, double p, struct rng *r)
{
	float scale = absmax(w, n) / 127.0f;
	if (!(scale > 0))
		return;
	struct hits h;
	uint64_t pos;
	hits_init(&h, r, p, (uint64_t)n * 8);
	int more = hits_next(&h, &pos);
	for (size_t i = 0; i < n; i++) {
		float q = roundf(w[i] / scale);
		q = q > 127 ? 127 : q < -127 ? -127 : q;
		unsigned code = (unsigned)((int)q & 0xff);
		while (more && pos / 8 == i) {
			code ^= 1u << (pos % 8);
			more = hits_next(&h, &pos);
		}
		int v = code >= 128 ? (int)code - 256 : (int)code;
		w[i] = (float)v * scale;
	}
}

static void bitpos_flip(float *w, size_t n, int bit, double rate, struct rng *r)
{
	size_t need = fraction_count(rate, n);
	if (need == 0 && rate > 0 && n > 0)
		need = 1;	/* a positive rate must hit something */
	for (size_t i = 0; i < n && need > 0; i++)
		if (pick_next(r, i, n, &need))
			bits_put(w + i, bits_get(w + i) ^ (1u << bit));
}

/* ---- noise -------------------------------------------------------------- */

static void noise_add(float *w, size_t n, double s, struct rng *r)
{
	if (n == 0)
		return;
	double mean = 0, var = 0;
	for (size_t i = 0; i < n; i++)
		mean += w[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		var += (w[i] - mean) * (w[i] - mean);
	double sd = s * sqrt(var / (double)n);
	if (!(sd > 0))
		return;		/* adding 0 would still turn -0.0 into 0.0 */
	for (size_t i = 0; i < n; i++)
		w[i] = (float)(w[i] + sd * rng_normal(r));
}

/* ---- apply / restore ---------------------------------------------------- */

static int needs_rows(enum perturb_kind k)
{
	return k == PERTURB_PRUNE_FILTER || k == PERTURB_QUANT_PC;
}

static int needs_finite(enum perturb_kind k)
{
	return k == PERTURB_QUANT || k == PERTURB_QUANT_PC || k == PERTURB_BITFLIP_INT8 ||
	    k == PERTURB_NOISE;
}

static int apply_check(const struct perturb *p, const struct weight_tensor *t, char **cause)
{
	if ((unsigned)p->kind >= PERTURB_KIND_COUNT) {
		*cause = xasprintf("invalid perturbation kind %d", (int)p->kind);
		return -1;
	}
	const char *name = kinds[p->kind].name;
	if (level_check(p->kind, p->level, cause) != 0)
		return -1;
	if (t->weights == NULL && t->nweights > 0) {
		*cause = xasprintf("%s: layer has %zu weights but no weight array", name, t->nweights);
		return -1;
	}
	if (needs_rows(p->kind) && (t->filters <= 0 ||
	    (size_t)t->filters * t->per_filter != t->nweights)) {
		*cause = xasprintf("%s needs filters x per_filter = weights, layer has %d x %zu != %zu",
		    name, t->filters, t->per_filter, t->nweights);
		return -1;
	}
	if (p->kind == PERTURB_BITPOS && !(p->rate >= 0 && p->rate <= 1)) {
		*cause = xasprintf("bitpos rate %g out of range (0..1)", p->rate);
		return -1;
	}
	if (needs_finite(p->kind) && !all_finite(t->weights, t->nweights)) {
		*cause = xasprintf("%s needs finite weights, layer has NaN or infinity", name);
		return -1;
	}
	return 0;
}

static float *floats_dup(const float *src, size_t n)
{
	float *d = xreallocarray(NULL, n, sizeof *d);
	if (n > 0)
		memcpy(d, src, n * sizeof *d);
	return d;
}

/* Byte copies taken before anything changes: restore is a memcpy, exact. */
static void undo_save(struct perturb_undo *u, const struct weight_tensor *t, int rows)
{
	memset(u, 0, sizeof *u);
	u->nweights = t->nweights;
	u->weights = floats_dup(t->weights, t->nweights);
	if (rows) {
		u->filters = t->filters;
		if (t->biases != NULL)
			u->biases = floats_dup(t->biases, (size_t)t->filters);
		if (t->scales != NULL)
			u->scales = floats_dup(t->scales, (size_t)t->filters);
	}
	u->active = 1;
}

static void quant_rows(struct weight_tensor *t, int bits)
{
	for (int i = 0; i < t->filters; i++)
		quant_span(t->weights + (size_t)i * t->per_filter, t->per_filter, bits);
}

int perturb_apply(const struct perturb *p, struct weight_tensor *t, struct perturb_undo *undo, char **cause)
{
	if (undo->active) {
		*cause = xstrdup("a perturbation is already applied to this layer (restore it first)");
		return -1;
	}
	if (apply_check(p, t, cause) != 0)
		return -1;
	undo_save(undo, t, p->kind == PERTURB_PRUNE_FILTER);

	struct rng r;
	float *w = t->weights;
	size_t n = t->nweights;
	double lv = p->level;
	rng_seed(&r, p->seed);
	switch (p->kind) {
	case PERTURB_PRUNE:		prune_magnitude(w, n, lv); break;
	case PERTURB_PRUNE_RANDOM:	prune_random(w, n, lv, &r); break;
	case PERTURB_PRUNE_FILTER:	prune_filter(t, lv); break;
	case PERTURB_QUANT:		quant_span(w, n, (int)lv); break;
	case PERTURB_QUANT_PC:		quant_rows(t, (int)lv); break;
	case PERTURB_ACTQUANT:		break;	/* the engine quantizes outputs */
	case PERTURB_BITFLIP:		bits_float(w, n, 0, 32, lv, BIT_FLIP, &r); break;
	case PERTURB_BITFLIP_EXP:	bits_float(w, n, 23, 8, lv, BIT_FLIP, &r); break;
	case PERTURB_BITFLIP_SIGN:	bits_float(w, n, 31, 1, lv, BIT_FLIP, &r); break;
	case PERTURB_BITFLIP_INT8:	bitflip_int8(w, n, lv, &r); break;
	case PERTURB_NOISE:		noise_add(w, n, lv, &r); break;
	case PERTURB_BITPOS:		bitpos_flip(w, n, (int)lv, p->rate, &r); break;
	case PERTURB_STUCK0:		bits_float(w, n, 0, 32, lv, BIT_CLEAR, &r); break;
	case PERTURB_STUCK1:		bits_float(w, n, 0, 32, lv, BIT_SET, &r); break;
	case PERTURB_KIND_COUNT:	break;
	}
	return 0;
}

void perturb_restore(struct weight_tensor *t, struct perturb_undo *undo)
{
	if (!undo->active)
		return;
	if (undo->nweights > 0)
		memcpy(t->weights, undo->weights, undo->nweights * sizeof *t->weights);
	if (undo->biases != NULL)
		memcpy(t->biases, undo->biases, (size_t)undo->filters * sizeof *t->biases);
	if (undo->scales != NULL)
		memcpy(t->scales, undo->scales, (size_t)undo->filters * sizeof *t->scales);
	perturb_undo_free(undo);
}

void perturb_undo_free(struct perturb_undo *undo)
{
	free(undo->weights);
	free(undo->biases);
	free(undo->scales);
	free(undo->rolling_mean);
	memset(undo, 0, sizeof *undo);
}

int perturb_apply_layer(const struct perturb *p, const struct model *m, int layer, const char *file,
    struct weight_tensor *t, struct perturb_undo *undo, char **cause)
{
	if (perturb_apply(p, t, undo, cause) == 0)
		return 0;
	char *why = *cause;
	*cause = xasprintf("%s: layer %d (%s): %s", file, layer, m->layers[layer].kind_name, why);
	free(why);
	return -1;
}
