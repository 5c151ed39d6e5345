/* crit.c - the importance criteria the explorer shows next to the measured
 * sensitivity: the weight statistics (magnitude, l2, l2pp, params, macs)
 * computed at start from the pristine weights, plus the other columns of a
 * `safer rank` file (gradients, Taylor, Fisher, ...) loaded with --rank or R;
 * and their agreement with the drops measured at the current kind and level,
 * computed the way `safer compare` does (criteria_agree). */
#include "tui/state/crit.h"
#include "tui/state/results.h"
#include "formats/rank_file.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/util.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP_K 3		/* as safer compare's default */
#define BG_SAMPLES 256	/* images for the gradient criteria: about a second on the plain CNN */
#define BG_MASK ((1u << CRIT_GRAD) | (1u << CRIT_TAYLOR) | (1u << CRIT_FISHER))

/* Called before any job runs: the master weights are pristine. */
void tui_crit_init(struct tui *t)
{
	criteria_static(t->model, CRITERIA_STATIC_MASK, &t->crit.table);
	t->crit.k = TOP_K;
}

/* The noise of the one explorer's agreement: here rather than in
 * state/types.h, refreshed and freed with the agreement. */
static struct tui_crit_noise noise;

static void noise_free(void)
{
	free(noise.rank_lo);
	free(noise.rank_hi);
	free(noise.tied);
	memset(&noise, 0, sizeof noise);
}

void tui_crit_free(struct tui_criteria *c)
{
	noise_free();
	tui_crit_agreement_free(&c->agree);
	c->agree_valid = 0;
	free(c->bg_error);
	c->bg_error = NULL;
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

/* Replaces cur by cur with the columns of `in` (same layers, any order).
 * The weight statistics stay ours (the same numbers); a column both have
 * comes from `in` when `replace` (a rank file the user loads wins over what
 * was there), else stays (the background gradients never override a file). */
static void merge_columns(struct criteria_table *cur, const struct criteria_table *in, int replace)
{
	struct criteria_table merged;
	unsigned mask = 0;
	for (int j = 0; j < cur->ncols; j++)
		mask |= 1u << cur->cols[j];
	for (int j = 0; j < in->ncols; j++)
		mask |= 1u << in->cols[j];
	criteria_table_init(&merged, cur->n, mask);
	memcpy(merged.layers, cur->layers, (size_t)cur->n * sizeof *cur->layers);
	memcpy(merged.kinds, cur->kinds, (size_t)cur->n * sizeof *cur->kinds);
	for (int j = 0; j < merged.ncols; j++) {
		enum criterion c = merged.cols[j];
		int from = criteria_column(cur, c), other = criteria_column(in, c);
		if (from >= 0 && other >= 0 && replace && (CRITERIA_STATIC_MASK & (1u << c)) == 0)
			from = -1;
		for (int i = 0; i < merged.n; i++)
			merged.score[(size_t)i * merged.ncols + j] = from >= 0 ? cur->score[(size_t)i * cur->ncols + from] : NAN;
		if (from >= 0 || other < 0)
			continue;
		for (int r = 0; r < in->n; r++)
			merged.score[(size_t)row_of(&merged, in->layers[r]) * merged.ncols + j] =
			    in->score[(size_t)r * in->ncols + other];
	}
	criteria_rank(&merged);
	criteria_table_free(cur);
	*cur = merged;
}

int tui_crit_load(struct tui *t, const char *path, char **cause)
{
	struct rank_file rf;
	struct criteria_table *cur = &t->crit.table;
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
	merge_columns(cur, &rf.table, 1);
	free(t->crit.rank_path);
	t->crit.rank_path = xstrdup(path);
	rank_file_free(&rf);
	t->crit.table_gen++;
	t->dirty = 1;
	return 0;
}

/* The measured ranking: larger drops rank first (1), unmeasured rows NaN. */
static void measured_ranks(struct tui_crit_agreement *v)
{
	int n = v->n, m = 0;
	size_t size = (size_t)(n > 0 ? n : 1);
	double *x = xcalloc(size, sizeof *x), *rk = xcalloc(size, sizeof *rk);
	int *idx = xcalloc(size, sizeof *idx);
	v->mrank = xcalloc(size, sizeof *v->mrank);
	for (int i = 0; i < n; i++) {
		v->mrank[i] = NAN;
		if (isfinite(-v->truth[i])) {
			idx[m] = i;
			x[m++] = -v->truth[i];
		}
	}
	stats_ranks(x, m, rk);
	for (int i = 0; i < m; i++)
		v->mrank[idx[i]] = rk[i];
	free(x);
	free(rk);
	free(idx);
}

/* Measured drop per table row at the current kind/level (trials averaged,
 * as safer compare averages a scan's trials). */
void tui_crit_agreement(const struct tui *t, struct tui_crit_agreement *v)
{
	const struct criteria_table *ct = &t->crit.table;
	memset(v, 0, sizeof *v);
	v->n = ct->n;
	v->truth = xcalloc((size_t)(ct->n > 0 ? ct->n : 1), sizeof *v->truth);
	for (int i = 0; i < ct->n; i++) {
		struct result_key k = tui_results_key(ct->layers[i], t->kind, t->level[t->kind], t->seed);
		const struct result *r = tui_results_find(&t->results, &k);
		v->truth[i] = r ? tui_results_drop(r) : NAN;
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
	measured_ranks(v);
}

/* A measured drop as its paired counts (the mean over trials: approximate). */
static struct stats_paired result_counts(const struct result *r)
{
	double lo, hi, d = tui_results_drop(r);
	struct stats_paired p = { r->images, 0, 0 };
	tui_results_interval(r, &lo, &hi);
	if (stats_paired_counts(r->images, d, lo, hi, &p.n10, &p.n01) != 0) {
		long k = isfinite(d) ? lround(d * (double)r->images / 100.0) : 0;
		p.n10 = k > 0 ? k : 0;
		p.n01 = k < 0 ? -k : 0;
	}
	return p;
}

/* The agreement's noise (struct tui_crit_noise): fewer draws than safer
 * compare, the pane redraws it after every measured layer. */
#define NOISE_DRAWS 400
static void noise_compute(const struct tui *t, const struct tui_crit_agreement *v)
{
	const struct criteria_table *ct = &t->crit.table;
	size_t n = (size_t)(ct->n > 0 ? ct->n : 1);
	noise_free();
	noise.n = ct->n;
	noise.rank_lo = xcalloc(n, sizeof *noise.rank_lo);
	noise.rank_hi = xcalloc(n, sizeof *noise.rank_hi);
	noise.tied = xcalloc(n * n, 1);
	struct stats_paired *p = xcalloc(n, sizeof *p);
	int *item = xcalloc(n, sizeof *item);
	double *rank = xcalloc(n, sizeof *rank), *pgt = xcalloc(n * n, sizeof *pgt);
	for (int i = 0; i < ct->n; i++) {
		struct result_key k = tui_results_key(ct->layers[i], t->kind, t->level[t->kind], t->seed);
		const struct result *r = tui_results_find(&t->results, &k);
		item[i] = i;
		if (r)
			p[i] = result_counts(r);
	}
	stats_rank_bootstrap(p, v->truth, item, ct->n, ct->n, NOISE_DRAWS, t->seed, rank, noise.rank_lo, noise.rank_hi, pgt);
	for (size_t k = 0; k < (size_t)ct->n * (size_t)ct->n; k++)
		noise.tied[k] = k / (size_t)ct->n != k % (size_t)ct->n && stats_tied(pgt[k]);
	for (int j = 0; j < CRIT_COUNT; j++)
		noise.rho_lo[j] = noise.rho_hi[j] = NAN;
	if (v->measured >= TUI_CRIT_MIN_MEASURED && ct->ncols > 0) {
		size_t nc = (size_t)ct->ncols;
		double *rho = xcalloc(nc * NOISE_DRAWS, sizeof *rho), *d = xcalloc(n, sizeof *d);
		double *col = xcalloc(n, sizeof *col), *x = xcalloc(NOISE_DRAWS, sizeof *x);
		struct rng rg;
		rng_seed(&rg, rng_mix64(t->seed ^ 0x637269746572ULL));	/* "criter" */
		for (int b = 0; b < NOISE_DRAWS; b++) {
			for (int i = 0; i < ct->n; i++)
				d[i] = isfinite(v->truth[i]) ? stats_paired_resample(&rg, &p[i]) : NAN;
			for (int j = 0; j < ct->ncols; j++) {
				struct criteria_agreement a;
				for (int i = 0; i < ct->n; i++)
					col[i] = ct->score[(size_t)i * nc + (size_t)j];
				criteria_agree(col, d, ct->n, t->crit.k, &a);
				/* a constant draw agrees with nothing: 0, as compare counts it */
				rho[(size_t)j * NOISE_DRAWS + (size_t)b] = isfinite(a.spearman) ? a.spearman : 0;
			}
		}
		for (int j = 0; j < ct->ncols; j++) {
			if (!isfinite(v->rho[j]))
				continue;
			memcpy(x, &rho[(size_t)j * NOISE_DRAWS], NOISE_DRAWS * sizeof *x);
			noise.rho_lo[j] = stats_quantile(x, NOISE_DRAWS, 0.025);
			noise.rho_hi[j] = stats_quantile(x, NOISE_DRAWS, 0.975);
			if (v->best < 0 || j == v->best)
				continue;
			for (int b = 0; b < NOISE_DRAWS; b++)
				x[b] = rho[(size_t)v->best * NOISE_DRAWS + (size_t)b] - rho[(size_t)j * NOISE_DRAWS + (size_t)b];
			noise.same_as_best[j] = stats_quantile(x, NOISE_DRAWS, 0.025) <= 0 &&
			    stats_quantile(x, NOISE_DRAWS, 0.975) >= 0;
		}
		free(rho);
		free(d);
		free(col);
		free(x);
	}
	free(p);
	free(item);
	free(rank);
	free(pgt);
}

const struct tui_crit_noise *tui_crit_noise(const struct tui *t)
{
	(void)t;	/* one explorer per process */
	return &noise;
}

void tui_crit_agreement_free(struct tui_crit_agreement *v)
{
	free(v->truth);
	free(v->mrank);
	v->truth = v->mrank = NULL;
}

void tui_crit_refresh(struct tui *t)
{
	struct tui_criteria *c = &t->crit;
	struct result_key k = tui_results_key(0, t->kind, t->level[t->kind], t->seed);
	if (c->agree_valid && c->agree_results_gen == t->results.gen && c->agree_table_gen == c->table_gen &&
	    tui_results_same(&c->agree_key, &k))
		return;
	tui_crit_agreement_free(&c->agree);
	tui_crit_agreement(t, &c->agree);
	noise_compute(t, &c->agree);
	c->agree_valid = 1;
	c->agree_key = k;
	c->agree_results_gen = t->results.gen;
	c->agree_table_gen = c->table_gen;
}

char *tui_crit_reading(const struct tui *t, const struct tui_crit_agreement *v, char *buf, size_t size)
{
	const struct criteria_table *ct = &t->crit.table;
	if (v->measured < 2) {
		snprintf(buf, size, "measure the layers at this level (s scans %s) to score the criteria",
		    perturb_kind_name(t->kind));
		return buf;
	}
	if (v->measured < TUI_CRIT_MIN_MEASURED) {
		snprintf(buf, size, "too few layers measured (%d) for a ranking: rho and tau need %d (s scans %s)",
		    v->measured, TUI_CRIT_MIN_MEASURED, perturb_kind_name(t->kind));
		return buf;
	}
	if (v->best < 0) {
		snprintf(buf, size, "no criterion can be scored yet (constant drops over %d layers)", v->measured);
		return buf;
	}
	const struct criteria_agreement *a = &v->a[v->best];
	char next[96] = "", ival[48] = "";
	if (v->second >= 0)
		snprintf(next, sizeof next, "; next %s %.2f%s", criterion_name(ct->cols[v->second]), v->rho[v->second],
		    noise.n == ct->n && noise.same_as_best[v->second] ? ", indistinguishable from it" : "");
	if (noise.n == ct->n && isfinite(noise.rho_lo[v->best]))
		snprintf(ival, sizeof ival, " [%.2f, %.2f]", noise.rho_lo[v->best], noise.rho_hi[v->best]);
	snprintf(buf, size, "%s predicts best: rho %.2f%s, tau %.2f, top-%d %d/%d over %d layers%s",
	    criterion_name(ct->cols[v->best]), a->spearman, ival, a->kendall, t->crit.k, a->topk, a->k, v->measured, next);
	return buf;
}

/* ---- gradient criteria in the background ---------------------------------- */

/* An engine task: shared with the main thread only through the task's stop
 * flag (read by criteria_compute between passes); the task owns `table`,
 * `rc` and `cause` until the engine says it is done. */
struct crit_background {
	struct engine_task *task;
	const char *cfg, *weights;	/* the explorer's options: outlive the task */
	const struct dataset *data;	/* read only, as the engine reads it */
	int samples, rc;
	struct criteria_table table;
	char *cause;
};

static int background_main(void *arg, volatile sig_atomic_t *stop)
{
	struct crit_background *bg = arg;
	struct criteria_opts o;
	criteria_opts_init(&o);
	o.mask = BG_MASK;
	o.samples = bg->samples;
	o.interrupt = stop;
	bg->rc = criteria_compute(bg->cfg, bg->weights, bg->data, &o, &bg->table, &bg->cause);
	return bg->rc;
}

void tui_crit_background_start(struct tui *t)
{
	int samples = t->data->count < BG_SAMPLES ? t->data->count : BG_SAMPLES;
	int labelled = 1;
	for (int i = 0; i < samples && labelled; i++)
		labelled = t->data->labels[i] >= 0;
	if (samples < 1 || !labelled || t->crit.bg != NULL)
		return;		/* gradients need labels: unlabelled data shows the weight statistics */
	struct crit_background *bg = xcalloc(1, sizeof *bg);
	bg->cfg = t->opts->cfg;
	bg->weights = t->opts->weights;
	bg->data = t->data;
	bg->samples = samples;
	char *cause = NULL;
	bg->task = engine_task_start(t->eng, background_main, bg, &cause);
	if (bg->task == NULL) {
		free(cause);	/* as before: no thread, no gradient columns */
		free(bg);
		return;
	}
	t->crit.bg = bg;
}

int tui_crit_wake_fd(const struct tui *t)
{
	return t->crit.bg ? engine_task_fd(t->crit.bg->task) : -1;
}

/* Waits for the task (cancelled first when `stop`); returns what it left
 * (the caller frees). */
static struct crit_background *background_join(struct tui *t, int stop)
{
	struct crit_background *bg = t->crit.bg;
	if (bg == NULL)
		return NULL;
	if (stop)
		engine_task_cancel(bg->task);
	else
		engine_task_wait(bg->task);
	bg->task = NULL;
	t->crit.bg = NULL;
	return bg;
}

static void background_free(struct crit_background *bg)
{
	criteria_table_free(&bg->table);
	free(bg->cause);
	free(bg);
}

void tui_crit_background_done(struct tui *t)
{
	struct crit_background *bg = background_join(t, 0);
	if (bg == NULL)
		return;
	if (bg->rc == 0) {
		merge_columns(&t->crit.table, &bg->table, 0);
		t->crit.table_gen++;
		t->crit.bg_samples = bg->samples;
	} else if (bg->rc < 0) {
		free(t->crit.bg_error);
		t->crit.bg_error = bg->cause;
		bg->cause = NULL;
	}
	background_free(bg);
	t->dirty = 1;
}

void tui_crit_background_stop(struct tui *t)
{
	struct crit_background *bg = background_join(t, 1);
	if (bg != NULL)
		background_free(bg);
}
