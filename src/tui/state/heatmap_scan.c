/* heatmap_scan.c - the background heatmap scan: every weight layer at every column
 * level of one kind, one engine job per cell, row by row.  Cells already in
 * the results (measured live, or before an interruption) are skipped. */
#include "config.h"
#include "tui/state/heatmap_scan.h"
#include "tui/state/levels.h"
#include "tui/state/msg.h"
#include "tui/state/results.h"
#include "core/util.h"

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

/* Saves every trial measured for the kind on screen (CSV or JSON by extension). */
int tui_heatmap_scan_save(struct tui *t, const char *path, char **cause)
{
	struct scan_header h;
	struct scan_file f;
	fill_header(t, &h);
	scan_file_init(&f, path, &h);
	scan_header_free(&h);
	uint64_t seed = perturb_kind_is_stochastic(t->kind) ? t->seed : 0;
	for (int i = 0; i < t->results.nlog; i++) {
		const struct logged_row *lr = &t->results.log[i];
		if (lr->row.kind != t->kind || lr->seed != seed)
			continue;
		if (f.n == f.cap) {
			f.cap = f.cap ? 2 * f.cap : 64;
			f.rows = xreallocarray(f.rows, (size_t)f.cap, sizeof *f.rows);
		}
		f.rows[f.n++] = lr->row;
	}
	int rc = -1;
	if (f.n == 0)
		*cause = xasprintf("nothing measured for %s yet (s scans)", perturb_kind_name(t->kind));
	else
		rc = scan_file_save(&f, cause);
	if (rc == 0)
		tui_msg(t, 0, "saved %d rows to %s", f.n, path);
	scan_file_free(&f);
	return rc;
}
