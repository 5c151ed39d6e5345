/* classes.c - per-class top-1 and the flipped images of a classifier.  The
 * per-image top-1 comes from the engine once a job of the selection has
 * finished, so what is shown is one whole job's. */
#include "tui/state/classes.h"
#include "tui/state/results.h"
#include "tui/state/select.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tui_classes_init(struct tui *t)
{
	struct tui_classes *c = &t->classes;
	int n = t->data->count, k = t->data->classes;
	memset(c, 0, sizeof *c);
	if (engine_detector(t->eng) || n <= 0 || k <= 0)
		return;
	c->base = xmalloc((size_t)n * sizeof *c->base);
	c->pert = xmalloc((size_t)n * sizeof *c->pert);
	c->flips = xmalloc((size_t)n * sizeof *c->flips);
	c->n = xcalloc((size_t)k, sizeof *c->n);
	c->right_base = xcalloc((size_t)k, sizeof *c->right_base);
	c->right_pert = xcalloc((size_t)k, sizeof *c->right_pert);
	c->on = engine_preds_copy(t->eng, 1, c->base) == n;
}

void tui_classes_free(struct tui_classes *c)
{
	free(c->base);
	free(c->pert);
	free(c->flips);
	free(c->n);
	free(c->right_base);
	free(c->right_pert);
	memset(c, 0, sizeof *c);
}

/* Right -> wrong first (what the perturbation broke), then wrong -> other
 * wrong, then wrong -> right; by image within each. */
static const struct tui *sort_t;

static int flip_rank(int i)
{
	const struct tui_classes *c = &sort_t->classes;
	int label = sort_t->data->labels[i];
	return c->base[i] == label ? 0 : c->pert[i] == label ? 2 : 1;
}

static int flip_cmp(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;
	int ri = flip_rank(i), rj = flip_rank(j);
	return ri != rj ? ri - rj : i - j;
}

void tui_classes_job_done(struct tui *t, const struct job_ref *ref)
{
	struct tui_classes *c = &t->classes;
	struct result_key sel = tui_select_key(t);
	if (!c->on || ref->what == JOB_BUDGET || ref->what == JOB_PARETO || !tui_results_same(&ref->key, &sel))
		return;
	int n = t->data->count, k = t->data->classes;
	if (engine_preds_copy(t->eng, 0, c->pert) != n)
		return;
	c->have = 1;
	c->key = ref->key;
	c->nflips = 0;
	c->evaluated = 0;
	memset(c->n, 0, (size_t)k * sizeof *c->n);
	memset(c->right_base, 0, (size_t)k * sizeof *c->right_base);
	memset(c->right_pert, 0, (size_t)k * sizeof *c->right_pert);
	for (int i = 0; i < n; i++) {
		int label = t->data->labels[i];
		if (c->pert[i] < 0)
			continue;
		c->evaluated++;
		if (c->pert[i] != c->base[i])
			c->flips[c->nflips++] = i;
		if (label < 0 || label >= k)
			continue;
		c->n[label]++;
		c->right_base[label] += c->base[i] == label;
		c->right_pert[label] += c->pert[i] == label;
	}
	sort_t = t;
	qsort(c->flips, (size_t)c->nflips, sizeof *c->flips, flip_cmp);
	c->cur = 0;
	t->dirty = 1;
}

void tui_classes_move(struct tui *t, int dir)
{
	struct tui_classes *c = &t->classes;
	if (c->nflips > 0)
		c->cur = (c->cur + dir + c->nflips) % c->nflips;
	t->dirty = 1;
}

static double class_drop(const struct tui_classes *c, int k)
{
	return c->n[k] ? (double)(c->right_base[k] - c->right_pert[k]) / c->n[k] : 0;
}

int tui_classes_order(const struct tui *t, int *order)
{
	const struct tui_classes *c = &t->classes;
	int m = 0, k = t->data->classes;
	for (int i = 0; i < k; i++)
		if (c->n[i] > 0)
			order[m++] = i;
	for (int i = 1; i < m; i++)	/* insertion sort: a handful of classes */
		for (int j = i; j > 0 && class_drop(c, order[j]) > class_drop(c, order[j - 1]); j--) {
			int x = order[j];
			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	return m;
}

const char *tui_classes_name(const struct tui *t, int c, char *buf, size_t size)
{
	if (c >= 0 && c < t->data->classes && t->data->names && t->data->names[c])
		snprintf(buf, size, "%s", t->data->names[c]);
	else
		snprintf(buf, size, "#%d", c);
	return buf;
}
