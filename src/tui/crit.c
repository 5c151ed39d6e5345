/* crit.c - the importance criteria the explorer shows next to the measured
 * sensitivity: the weight statistics (magnitude, l2, l2pp, params, macs)
 * computed at start from the pristine weights, plus the other columns of a
 * `safer rank` file (gradients, Taylor, Fisher, ...) loaded with --rank or R;
 * and their agreement with the drops measured at the current kind and level,
 * computed the way `safer compare` does (criteria_agree). */
#include "tui.h"
#include "rankfile.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP_K 3		/* as safer compare's default */

/* Called before any job runs: the master weights are pristine. */
void crit_init(struct tui *t)
{
	criteria_static(t->model, CRITERIA_STATIC_MASK, &t->crit.table);
	t->crit.k = TOP_K;
}

void crit_free(struct tui_criteria *c)
{
	criteria_table_free(&c->table);
	free(c->rank_path);
	c->rank_path = NULL;
}

/* The table's row of a Darknet layer, -1 if none. */
static int row_of(const struct criteria_table *t, int layer)
{
	for (int i = 0; i < t->n; i++)
		if (t->layers[i] == layer)
			return i;
	return -1;
}

int crit_load(struct tui *t, const char *path, char **cause)
{
	struct rank_file rf;
	struct criteria_table *cur = &t->crit.table, merged;
	memset(&rf, 0, sizeof rf);
	if (rank_file_read(path, &rf, cause) != 0) {
		rank_file_free(&rf);
		return -1;
	}
	const char *hex = rf.header.weights_checksum;
	if (hex == NULL || strcmp(hex, t->weights_checksum) != 0) {
		*cause = xasprintf("%s: made from other weights (checksum %s) than the model (%s)", path,
		    hex && hex[0] ? hex : "none", t->weights_checksum);
		rank_file_free(&rf);
		return -1;
	}
	for (int i = 0; i < rf.table.n; i++)
		if (row_of(cur, rf.table.layers[i]) < 0) {
			*cause = xasprintf("%s: layer %d is not a weight layer of this model", path, rf.table.layers[i]);
			rank_file_free(&rf);
			return -1;
		}
	/* the weight statistics stay ours (the same numbers); the rest comes from the file */
	unsigned mask = CRITERIA_STATIC_MASK;
	for (int j = 0; j < rf.table.ncols; j++)
		mask |= 1u << rf.table.cols[j];
	criteria_table_init(&merged, cur->n, mask);
	memcpy(merged.layers, cur->layers, (size_t)cur->n * sizeof *cur->layers);
	memcpy(merged.kinds, cur->kinds, (size_t)cur->n * sizeof *cur->kinds);
	for (int j = 0; j < merged.ncols; j++) {
		enum criterion c = merged.cols[j];
		int from = criteria_column(cur, c), file = criteria_column(&rf.table, c);
		for (int i = 0; i < merged.n; i++)
			merged.score[(size_t)i * merged.ncols + j] = from >= 0 ? cur->score[(size_t)i * cur->ncols + from] : NAN;
		if (from >= 0 || file < 0)
			continue;
		for (int r = 0; r < rf.table.n; r++)
			merged.score[(size_t)row_of(&merged, rf.table.layers[r]) * merged.ncols + j] =
			    rf.table.score[(size_t)r * rf.table.ncols + file];
	}
	criteria_rank(&merged);
	criteria_table_free(cur);
	*cur = merged;
	free(t->crit.rank_path);
	t->crit.rank_path = xstrdup(path);
	rank_file_free(&rf);
	t->dirty = 1;
	return 0;
}

/* Measured drop per table row at the current kind/level (trials averaged,
 * as safer compare averages a scan's trials). */
void crit_agreement(const struct tui *t, struct crit_agreement_view *v)
{
	const struct criteria_table *ct = &t->crit.table;
	memset(v, 0, sizeof *v);
	v->n = ct->n;
	v->truth = xcalloc((size_t)(ct->n > 0 ? ct->n : 1), sizeof *v->truth);
	for (int i = 0; i < ct->n; i++) {
		struct result_key k = result_key_make(ct->layers[i], t->kind, t->level[t->kind], t->seed);
		const struct result *r = results_find(&t->results, &k);
		v->truth[i] = r ? result_drop(r) : NAN;
		v->measured += r != NULL;
	}
	double *col = xcalloc((size_t)(ct->n > 0 ? ct->n : 1), sizeof *col);
	for (int j = 0; j < ct->ncols; j++) {
		for (int i = 0; i < ct->n; i++)
			col[i] = ct->score[(size_t)i * ct->ncols + j];
		criteria_agree(col, v->truth, ct->n, t->crit.k, &v->a[j]);
		v->rho[j] = v->a[j].spearman;
	}
	free(col);
	v->best = criteria_best(v->rho, ct->ncols, &v->second);
}

void crit_agreement_free(struct crit_agreement_view *v)
{
	free(v->truth);
	v->truth = NULL;
}

char *crit_reading(const struct tui *t, const struct crit_agreement_view *v, char *buf, size_t size)
{
	const struct criteria_table *ct = &t->crit.table;
	if (v->measured < 2) {
		snprintf(buf, size, "measure the layers at this level (s scans %s) to score the criteria",
		    perturb_kind_name(t->kind));
		return buf;
	}
	if (v->best < 0) {
		snprintf(buf, size, "no criterion can be scored yet (constant drops over %d layers)", v->measured);
		return buf;
	}
	const struct criteria_agreement *a = &v->a[v->best];
	char next[64] = "";
	if (v->second >= 0)
		snprintf(next, sizeof next, "; next %s %.2f", criterion_name(ct->cols[v->second]), v->rho[v->second]);
	snprintf(buf, size, "%s predicts best: rho %.2f, tau %.2f, top-%d %d/%d over %d layers%s",
	    criterion_name(ct->cols[v->best]), a->spearman, a->kendall, t->crit.k, a->topk, a->k, v->measured, next);
	return buf;
}
