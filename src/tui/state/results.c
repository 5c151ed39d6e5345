/* results.c - every measurement the session made, by (layer, kind, level,
 * seed): the averages the views draw, and the per-trial rows a heatmap save
 * writes.  Linear lookups: a session holds hundreds of cells, not millions. */
#include "tui/state/results.h"
#include "tui/state/levels.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct result_key tui_results_key(int layer, enum perturb_kind kind, double level, uint64_t seed)
{
	struct result_key k = { layer, kind, level, perturb_kind_is_stochastic(kind) ? seed : 0 };
	return k;
}

int tui_results_same(const struct result_key *a, const struct result_key *b)
{
	return a->layer == b->layer && a->kind == b->kind && a->seed == b->seed && tui_levels_same(a->level, b->level);
}

static int find_index(const struct results *r, const struct result_key *k)
{
	for (int i = 0; i < r->n; i++)
		if (tui_results_same(&r->v[i].key, k))
			return i;
	return -1;
}

const struct result *tui_results_find(const struct results *r, const struct result_key *k)
{
	int i = find_index(r, k);
	return i < 0 ? NULL : &r->v[i];
}

void tui_results_add(struct results *r, const struct result_key *k, const struct scan_row *row, double iou, long total)
{
	int i = find_index(r, k);
	if (i < 0) {
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			r->v = xreallocarray(r->v, (size_t)r->cap, sizeof *r->v);
		}
		i = r->n++;
		memset(&r->v[i], 0, sizeof r->v[i]);
		r->v[i].key = *k;
	}
	struct result *e = &r->v[i];
	if (e->trials == 0 || row->drop < e->drop_min)
		e->drop_min = row->drop;
	if (e->trials == 0 || row->drop > e->drop_max)
		e->drop_max = row->drop;
	if (e->trials == 0 || row->images < e->min_images)
		e->min_images = row->images;
	e->trials++;
	e->estimated += row->images < total;
	e->total = total;
	e->drop_sq += row->drop * row->drop;
	e->top1 += row->top1;
	e->drop += row->drop;
	e->lo += row->drop_lo;
	e->hi += row->drop_hi;
	e->agree += row->agree;
	e->kl += row->kl;
	e->iou += iou;
	e->images = row->images;

	if (r->nlog == r->caplog) {
		r->caplog = r->caplog ? 2 * r->caplog : 64;
		r->log = xreallocarray(r->log, (size_t)r->caplog, sizeof *r->log);
	}
	r->log[r->nlog].seed = k->seed;
	r->log[r->nlog++].row = *row;
	r->gen++;
}

/* Enter on a measured cell: measure it again from scratch. */
void tui_results_forget(struct results *r, const struct result_key *k)
{
	int i = find_index(r, k);
	if (i >= 0)
		r->v[i] = r->v[--r->n];
	int j = 0;
	for (int m = 0; m < r->nlog; m++) {
		const struct scan_row *row = &r->log[m].row;
		struct result_key lk = { row->layer, row->kind, row->level, r->log[m].seed };
		if (!tui_results_same(&lk, k))
			r->log[j++] = r->log[m];
	}
	r->nlog = j;
	r->gen++;
}

void tui_results_free(struct results *r)
{
	uint64_t gen = r->gen;
	free(r->v);
	free(r->log);
	memset(r, 0, sizeof *r);
	r->gen = gen + 1;
}

double tui_results_top1(const struct result *r)
{
	return r->trials ? r->top1 / r->trials : NAN;
}

double tui_results_drop(const struct result *r)
{
	return r->trials ? r->drop / r->trials : NAN;
}

void tui_results_interval(const struct result *r, double *lo, double *hi)
{
	*lo = r->trials ? r->lo / r->trials : NAN;
	*hi = r->trials ? r->hi / r->trials : NAN;
}

void tui_results_spread(const struct result *r, double *sd, double *min, double *max)
{
	*sd = *min = *max = NAN;
	if (r->trials == 0)
		return;
	double n = r->trials, mean = r->drop / n, var = n > 1 ? (r->drop_sq - n * mean * mean) / (n - 1) : 0;
	*sd = var > 0 ? sqrt(var) : 0;	/* rounding can make a zero variance negative */
	*min = r->drop_min;
	*max = r->drop_max;
}

int tui_results_exact(const struct result *r)
{
	return r->trials > 0 && r->estimated == 0;
}

int tui_results_trial_rows(const struct results *r, const struct result_key *k, const struct scan_row **out, int max)
{
	int n = 0;
	for (int m = 0; m < r->nlog; m++) {
		const struct scan_row *row = &r->log[m].row;
		struct result_key lk = { row->layer, row->kind, row->level, r->log[m].seed };
		if (tui_results_same(&lk, k)) {
			if (n < max)
				out[n] = row;
			n++;
		}
	}
	return n;
}

int tui_results_have(const struct tui *t, const struct result_key *k)
{
	const struct result *r = tui_results_find(&t->results, k);
	if (r == NULL || (t->exact && !tui_results_exact(r)))
		return 0;
	return r->trials;
}

int tui_results_trials_wanted(const struct tui *t, enum perturb_kind k)
{
	return perturb_kind_is_stochastic(k) ? t->trials : 1;
}
