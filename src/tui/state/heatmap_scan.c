/* heatmap_scan.c - the background heatmap scan: every weight layer at every column
 * level of one kind, one engine job per cell, row by row.  Cells already in
 * the results (measured live, or before an interruption) are skipped. */
#include "config.h"
#include "tui/state/heatmap_scan.h"
#include "tui/state/levels.h"
#include "tui/state/msg.h"
#include "tui/state/results.h"
#include "core/atomic.h"
#include "core/util.h"
#include "formats/figure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tui_heatmap_scan_free(struct tui_heatmap_scan *s)
{
	free(s->levels);
	free(s->rows);
	memset(s, 0, sizeof *s);
}

void tui_heatmap_scan_start(struct tui *t)
{
	struct tui_heatmap_scan *s = &t->scan;
	tui_heatmap_scan_free(s);
	s->kind = t->kind;
	s->seed = t->seed;
	s->trials = tui_results_trials_wanted(t, t->kind);
	s->levels = xmalloc(LADDER_MAX * sizeof *s->levels);
	s->nlevels = tui_levels_columns(s->kind, t->step[t->kind], s->levels, LADDER_MAX);
	s->rows = xmalloc((size_t)t->model->n * sizeof *s->rows);
	for (int l = 0; l < t->model->n; l++)
		if (t->model->layers[l].has_weights)
			s->rows[s->nrows++] = l;
	s->t0 = now_seconds();
	s->active = s->nlevels > 0 && s->nrows > 0;
	tui_msg(t, 0, "scan: %s, %d layers x %d levels", perturb_kind_name(s->kind), s->nrows, s->nlevels);
	t->resched = 1;
}

void tui_heatmap_scan_stop(struct tui *t, const char *why)
{
	if (!t->scan.active)
		return;
	t->scan.active = 0;
	if (why)
		tui_msg(t, 0, "%s", why);
	t->resched = 1;
}

static struct result_key cell_key(const struct tui_heatmap_scan *s, int cell)
{
	return tui_results_key(s->rows[cell / s->nlevels], s->kind, s->levels[cell % s->nlevels], s->seed);
}

static int cell_trials(const struct tui *t, int cell)
{
	struct result_key k = cell_key(&t->scan, cell);
	return tui_results_have(t, &k);
}

int tui_heatmap_scan_next(struct tui *t, struct job_ref *out)
{
	struct tui_heatmap_scan *s = &t->scan;
	int total = s->nrows * s->nlevels;
	while (s->cell < total && cell_trials(t, s->cell) >= s->trials)
		s->cell++;
	if (s->cell >= total) {
		s->active = 0;
		tui_msg(t, 0, "scan done: %d cells in %.1f s%s", total - s->failed, now_seconds() - s->t0,
		    s->failed ? " (some failed)" : "; S saves it");
		return 0;
	}
	*out = (struct job_ref){ .what = JOB_SCAN, .key = cell_key(s, s->cell), .trial = cell_trials(t, s->cell) };
	return 1;
}

void tui_heatmap_scan_cell_failed(struct tui *t)
{
	t->scan.cell++;
	t->scan.failed++;
}

void tui_heatmap_scan_progress(const struct tui *t, int *done, int *total)
{
	const struct tui_heatmap_scan *s = &t->scan;
	*total = s->nrows * s->nlevels;
	*done = 0;
	for (int c = 0; c < *total; c++)
		*done += cell_trials(t, c) >= s->trials;
}

static void fill_header(const struct tui *t, struct scan_header *h)
{
	memset(h, 0, sizeof *h);
	h->cfg = xstrdup(t->opts->cfg);
	h->weights = xstrdup(t->opts->weights ? t->opts->weights : "");
	h->weights_checksum = xstrdup(t->weights_checksum);
	h->data = xstrdup(t->data->source);
	h->data_checksum = hash_hex(t->data->checksum);
	h->version = xstrdup(PACKAGE_VERSION);
	h->images = t->data->count;
	h->seed = t->seed;
	h->trials = tui_results_trials_wanted(t, t->kind);
	h->baseline_top1 = progress_top1(engine_baseline(t->eng));
	h->metric = xstrdup(engine_metric(t->eng));
}

/* The heatmap's grid for the kind on screen: the scan's levels when it
 * scanned this kind, else the columns at the current step. */
static int grid(const struct tui *t, double *lv, int max)
{
	const struct tui_heatmap_scan *s = &t->scan;
	if (s->levels != NULL && s->kind == t->kind) {
		int n = s->nlevels < max ? s->nlevels : max;
		memcpy(lv, s->levels, (size_t)n * sizeof *lv);
		return n;
	}
	return tui_levels_columns(t->kind, t->step[t->kind], lv, max);
}

static int on_grid(const double *lv, int n, double level)
{
	for (int i = 0; i < n; i++)
		if (tui_levels_same(lv[i], level))
			return 1;
	return 0;
}

static int by_cell(const void *a, const void *b)
{
	const struct scan_row *x = *(const struct scan_row *const *)a, *y = *(const struct scan_row *const *)b;
	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	if (!tui_levels_same(x->level, y->level))
		return x->level < y->level ? -1 : 1;
	if (x->trial != y->trial)
		return x->trial < y->trial ? -1 : 1;
	return x < y ? -1 : x > y;	/* the log's order: the later one last */
}

/* The rows to save, sorted (an array of pointers into the log, the caller's
 * to free); a cell measured twice keeps its later trial rows. */
static int collect(const struct tui *t, int exact_only, const struct scan_row ***out)
{
	double lv[LADDER_MAX];
	int nl = grid(t, lv, LADDER_MAX), n = 0;
	uint64_t seed = perturb_kind_is_stochastic(t->kind) ? t->seed : 0;
	const struct scan_row **v = xmalloc((size_t)(t->results.nlog > 0 ? t->results.nlog : 1) * sizeof *v);
	for (int i = 0; i < t->results.nlog; i++) {
		const struct logged_row *lr = &t->results.log[i];
		if (lr->row.kind != t->kind || lr->seed != seed || !on_grid(lv, nl, lr->row.level))
			continue;
		if (exact_only && lr->row.images < t->data->count)
			continue;
		v[n++] = &lr->row;
	}
	qsort(v, (size_t)n, sizeof *v, by_cell);
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (m > 0 && scan_row_same_key(v[m - 1], v[i]))
			m--;
		v[m++] = v[i];
	}
	*out = v;
	return m;
}

int tui_heatmap_scan_rows(const struct tui *t, int *estimates, long *min_images)
{
	const struct scan_row **v;
	int n = collect(t, 0, &v);
	*estimates = 0;
	*min_images = t->data->count;
	for (int i = 0; i < n; i++)
		if (v[i]->images < t->data->count) {
			(*estimates)++;
			if (v[i]->images < *min_images)
				*min_images = v[i]->images;
		}
	free(v);
	return n;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && strcmp(s + n - k, tail) == 0;
}

static enum figure_type view_figure(const struct tui *t)
{
	switch (t->view) {
	case VIEW_CURVE: return FIGURE_CURVES;
	case VIEW_CRITERIA: return FIGURE_CRITERIA;
	case VIEW_BUDGET: return FIGURE_BUDGET;
	default: return FIGURE_HEATMAP;
	}
}

/* The rows as `safer plot` draws them (formats/figure: one renderer for
 * both): the curves in the curve view, the criteria against the measured
 * ranks in the criteria view, the budget beside the layers' sensitivity in
 * the budget view, else the heatmap. */
static int save_svg(const struct tui *t, const struct scan_file *f, const char *path, char **cause)
{
	struct figure_opts o = { .type = view_figure(t) };
	struct figure_grid g;
	if (figure_grid_build(&g, path, f, &o, cause) != 0)
		return -1;
	/* the criteria pane's table as a rank file of these weights (a
	 * view: the table stays the explorer's) */
	struct rank_file rf;
	memset(&rf, 0, sizeof rf);
	rf.header.weights_checksum = t->weights_checksum;
	rf.table = t->crit.table;
	if ((o.type == FIGURE_CRITERIA && figure_check_rank(&g, path, "the criteria pane", &rf, cause) != 0) ||
	    (o.type == FIGURE_BUDGET && figure_check_budget(&g, "the budget", &t->budget.b, cause) != 0)) {
		figure_grid_free(&g);
		return -1;
	}
	struct atomic_file a;
	int rc = atomic_open(&a, path, cause) != 0 ? -1 : 0;
	if (rc == 0) {
		if (o.type == FIGURE_BUDGET)
			figure_budget_svg(a.f, &g, &t->budget.b, 1);
		else
			figure_svg(a.f, &g, o.type == FIGURE_CRITERIA ? &rf : NULL, &o, 1);
		rc = atomic_commit(&a, cause) != 0 ? -1 : 0;
	}
	figure_grid_free(&g);
	return rc;
}

/* Saves the rows of the kind on screen (CSV or JSON by extension; .svg:
 * the figure of the view on screen). */
int tui_heatmap_scan_save(struct tui *t, const char *path, int exact_only, char **cause)
{
	struct scan_header h;
	struct scan_file f;
	const struct scan_row **v;
	fill_header(t, &h);
	scan_file_init(&f, path, &h);
	scan_header_free(&h);
	f.n = f.cap = collect(t, exact_only, &v);
	f.rows = xmalloc((size_t)(f.n > 0 ? f.n : 1) * sizeof *f.rows);
	for (int i = 0; i < f.n; i++)
		f.rows[i] = *v[i];
	free(v);
	int rc = -1;
	if (f.n == 0)
		*cause = xasprintf("nothing %smeasured for %s on the heatmap's grid yet (%s)", exact_only ? "exactly " : "",
		    perturb_kind_name(t->kind), exact_only ? "E, then s, measures on every image" : "s scans");
	else if (ends_with(path, ".svg"))
		rc = save_svg(t, &f, path, cause);
	else
		rc = scan_file_save(&f, cause);
	int est = 0;
	for (int i = 0; i < f.n; i++)
		est += f.rows[i].images < t->data->count;
	if (rc == 0 && ends_with(path, ".svg"))
		tui_msg(t, 0, "drew the %s of %d rows to %s%s", figure_type_name(view_figure(t)), f.n, path,
		    est > 0 ? " (with estimates)" : "");
	else if (rc == 0 && est > 0)
		tui_msg(t, 0, "saved %d rows to %s (%d estimates: their images column)", f.n, path, est);
	else if (rc == 0)
		tui_msg(t, 0, "saved %d rows to %s%s", f.n, path, exact_only ? " (exact rows only)" : "");
	scan_file_free(&f);
	return rc;
}
