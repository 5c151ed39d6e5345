/* hist.c - what a perturbation does to one layer's weights: histograms of the
 * pristine weights and of a private perturbed copy, zeros and distinct values.
 * The engine's weights are never touched; recomputed only when the selection
 * (layer, kind, level, seed) changes. */
#include "tui/state/hist.h"
#include "tui/state/results.h"
#include "tui/state/select.h"
#include "tui/state/types.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISTINCT_MAX_WEIGHTS (16u << 20)	/* beyond this, distinct is not counted */

static uint32_t float_key(float v)
{
	uint32_t b;
	if (v == 0)
		v = 0;		/* -0 and +0 are one value */
	if (isnan(v))
		v = NAN;	/* so are all NaNs */
	memcpy(&b, &v, sizeof b);
	return b;
}

/* Distinct values with an open-addressing set of bit patterns; -1 if too big. */
static long distinct_count(const float *w, size_t n)
{
	if (n > DISTINCT_MAX_WEIGHTS)
		return -1;
	size_t cap = 16;
	while (cap < 2 * n)
		cap <<= 1;
	uint32_t *slot = xmalloc(cap * sizeof *slot);
	unsigned char *used = xcalloc(cap, 1);
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t k = float_key(w[i]);
		size_t h = (size_t)(k * 2654435761u) & (cap - 1);
		while (used[h] && slot[h] != k)
			h = (h + 1) & (cap - 1);
		if (!used[h]) {
			used[h] = 1;
			slot[h] = k;
			count++;
		}
	}
	free(slot);
	free(used);
	return count;
}

static void bin_all(const float *w, size_t n, double lo, double hi, long *bins, long *outside, long *zeros)
{
	double width = hi > lo ? (hi - lo) / HIST_BINS : 1;
	for (size_t i = 0; i < n; i++) {
		double v = w[i];
		if (v == 0)
			++*zeros;
		if (!(v >= lo && v <= hi)) {
			++*outside;
			continue;
		}
		int b = (int)((v - lo) / width);
		bins[b >= HIST_BINS ? HIST_BINS - 1 : b]++;
	}
}

/* Applies the selection's perturbation to a copy; NULL (note set) on error. */
static float *perturbed_copy(struct tui *t, const struct weight_tensor *src, const struct result_key *k)
{
	struct weight_tensor w = *src;
	w.weights = xdup_floats(src->weights, src->nweights);
	w.biases = xdup_floats(src->biases, (size_t)src->filters);
	w.scales = xdup_floats(src->scales, (size_t)src->filters);
	struct perturb p = { .kind = k->kind, .level = k->level, .rate = PERTURB_DEFAULT_RATE,
		.seed = perturb_trial_seed(k->seed, k->layer, (int)k->kind, k->level, 0) };
	struct perturb_undo undo = { 0 };
	char *cause = NULL;
	if (perturb_apply(&p, &w, &undo, &cause) != 0) {
		snprintf(t->hist.note, sizeof t->hist.note, "%s", cause);
		free(cause);
		free(w.weights);
		w.weights = NULL;
	}
	perturb_undo_free(&undo);
	free(w.biases);
	free(w.scales);
	return w.weights;
}

static void range_of(const float *w, size_t n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(w[i]))
			continue;
		*lo = fmin(*lo, w[i]);
		*hi = fmax(*hi, w[i]);
	}
	if (*lo > *hi)
		*lo = *hi = 0;
}

void tui_hist_update(struct tui *t)
{
	struct tui_hist *h = &t->hist;
	struct result_key k = tui_select_key(t);
	if (h->valid && tui_results_same(&h->key, &k))
		return;
	memset(h, 0, sizeof *h);
	h->key = k;
	h->valid = 1;
	if (!t->model->layers[k.layer].has_weights) {
		snprintf(h->note, sizeof h->note, "no weights in this layer");
		return;
	}
	const struct weight_tensor *src = engine_pristine(t->eng, k.layer);
	h->n = (long)src->nweights;
	range_of(src->weights, src->nweights, &h->lo, &h->hi);
	long ignore = 0;
	bin_all(src->weights, src->nweights, h->lo, h->hi, h->before, &ignore, &h->zero_before);
	h->distinct_before = distinct_count(src->weights, src->nweights);
	float *after = perturbed_copy(t, src, &k);
	if (after == NULL)
		return;
	bin_all(after, src->nweights, h->lo, h->hi, h->after, &h->outside, &h->zero_after);
	h->distinct_after = distinct_count(after, src->nweights);
	if (perturb_kind_is_activation(k.kind))
		snprintf(h->note, sizeof h->note, "weights unchanged: the layer's outputs are quantized");
	free(after);
}
