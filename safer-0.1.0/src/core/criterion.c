/* criterion.c - see criterion.h */
#include "core/criterion.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *explain;
} crit_info[CRIT_COUNT] = {
	[CRIT_MAGNITUDE] = { "magnitude", "mean |w|" },
	[CRIT_L2] = { "l2", "L2 norm of the weights" },
	[CRIT_L2PP] = { "l2pp", "L2 norm per parameter: ||w|| / sqrt(n), the RMS weight" },
	[CRIT_PARAMS] = { "params", "stored parameters (weights, biases, batch norm)" },
	[CRIT_MACS] = { "macs", "multiply-accumulates per image" },
	[CRIT_GRAD] = { "grad", "mean over mini-batches of the gradient norm of the loss" },
	[CRIT_TAYLOR] = { "taylor", "mean over mini-batches of sum |w * dL/dw|" },
	[CRIT_FISHER] = { "fisher", "mean over mini-batches of sum (dL/dw)^2 (empirical Fisher trace)" },
	[CRIT_HESSIAN] = { "hessian", "Hessian trace of the layer's block (Hutchinson, finite-difference Hv)" },
	[CRIT_IG] = { "ig", "sum |w * mean_alpha dL/dw(alpha w)|, integrated gradients from 0 to w" },
	[CRIT_QUICK] = { "quick", "measured top-1 drop (points) of one perturbation on a small subset" },
};

const char *criterion_name(enum criterion c)
{
	return (unsigned)c < CRIT_COUNT ? crit_info[c].name : "?";
}

const char *criterion_explain(enum criterion c)
{
	return (unsigned)c < CRIT_COUNT ? crit_info[c].explain : "?";
}

int criterion_from_name(const char *name, enum criterion *out)
{
	for (int c = 0; c < CRIT_COUNT; c++)
		if (strcmp(name, crit_info[c].name) == 0) {
			*out = (enum criterion)c;
			return 0;
		}
	return -1;
}

void criteria_table_init(struct criteria_table *t, int n, unsigned mask)
{
	memset(t, 0, sizeof *t);
	t->n = n;
	for (int c = 0; c < CRIT_COUNT; c++)
		if (mask & (1u << c))
			t->cols[t->ncols++] = (enum criterion)c;
	size_t cells = (size_t)(n > 0 ? n : 1) * (size_t)(t->ncols > 0 ? t->ncols : 1);
	t->layers = xcalloc((size_t)(n > 0 ? n : 1), sizeof *t->layers);
	t->kinds = xcalloc((size_t)(n > 0 ? n : 1), sizeof *t->kinds);
	t->score = xcalloc(cells, sizeof *t->score);
	t->rank = xcalloc(cells, sizeof *t->rank);
}

void criteria_table_free(struct criteria_table *t)
{
	free(t->layers);
	free(t->kinds);
	free(t->score);
	free(t->rank);
	memset(t, 0, sizeof *t);
}

int criteria_column(const struct criteria_table *t, enum criterion c)
{
	for (int j = 0; j < t->ncols; j++)
		if (t->cols[j] == c)
			return j;
	return -1;
}
