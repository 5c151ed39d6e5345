/* cmd_compare.c - `safer compare`: how well each importance criterion of a
 * rank file predicts the drops a scan measured, per perturbation kind and level. */
#include "core/atomic.h"
#include "cli/cmd.h"
#include "engine/criteria.h"
#include "cli/options.h"
#include "formats/rank_file.h"
#include "formats/scan_file.h"
#include "formats/table.h"
#include "core/inputs.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char compare_help[] =
"For every perturbation kind and level of the scan (trials averaged), the\n"
"agreement of each criterion of the rank file with the measured drop per\n"
"layer: Spearman rho, Kendall tau-b and the overlap of the K most critical\n"
"layers; then which criterion predicts best (highest mean rho over levels).\n"
"rho and tau come with 95% intervals from a paired bootstrap over images (each\n"
"scan row's counts resampled, seeded by the scan's seed); a criterion is\n"
"indistinguishable from the best when the bootstrap difference of their mean\n"
"rho includes 0.  Both files must come from the same weights (weights_checksum).\n\n"
"      --scan FILE       scan results (safer scan -o)\n"
"      --rank FILE       criteria (safer rank -o)\n"
"  -k, --top K           top-K overlap (default 3)\n"
"  -o, --output FILE     long table as CSV (.csv) or JSON (.json)\n"
"  -j, --json            JSON on stdout\n"
"      --wide            tables with every column (default: fit the terminal,\n"
"                        80 columns when stdout is not one)\n";

struct group {
	enum perturb_kind kind;
	double level;
	int n;				/* layers with a finite measured drop */
	struct criteria_agreement *a;	/* owned: one per rank column */
	double *rho_lo, *rho_hi, *tau_lo, *tau_hi;	/* owned: per column, 95% bootstrap */
};

struct comparison {
	const struct scan_file *scan;
	const struct rank_file *rank;
	const char *rank_path;		/* the file, not the cfg its header names */
	int k;
	int width;			/* of the text tables (0: no limit) */
	int ngroups;
	struct group *g;		/* owned */
	double *mean_rho, *mean_tau, *mean_top;	/* owned: per column */
	int *nrho;			/* owned: levels with a defined rho */
	/* owned, per column: 95% bootstrap intervals of the means, and whether
	 * its mean rho is indistinguishable from the best criterion's */
	double *mrho_lo, *mrho_hi, *mtau_lo, *mtau_hi;
	unsigned char *same_as_best;
	int best;			/* column of the best mean rho, or -1 */
	char *reading;			/* owned */
};

static int group_index(struct comparison *c, enum perturb_kind kind, double level)
{
	for (int i = 0; i < c->ngroups; i++)
		if (c->g[i].kind == kind && fabs(c->g[i].level - level) <= 1e-9 * fmax(1, fabs(level)))
			return i;
	c->g = xreallocarray(c->g, (size_t)c->ngroups + 1, sizeof *c->g);
	c->g[c->ngroups] = (struct group){ .kind = kind, .level = level };
	return c->ngroups++;
}

/* Mean drop over trials of each rank-file layer for one kind and level. */
static int truth_of(const struct comparison *c, const struct group *g, double *truth)
{
	const struct criteria_table *t = &c->rank->table;
	int n = 0;
	for (int i = 0; i < t->n; i++) {
		double sum = 0;
		int cnt = 0;
		for (int r = 0; r < c->scan->n; r++) {
			const struct scan_row *row = &c->scan->rows[r];
			if (row->layer == t->layers[i] && row->kind == g->kind && isfinite(row->drop) &&
			    fabs(row->level - g->level) <= 1e-9 * fmax(1, fabs(g->level))) {
				sum += row->drop;
				cnt++;
			}
		}
		truth[i] = cnt ? sum / cnt : NAN;
		n += cnt > 0;
	}
	return n;
}

static void bootstrap(struct comparison *c);

static void compare_groups(struct comparison *c)
{
	const struct criteria_table *t = &c->rank->table;
	double *truth = xcalloc((size_t)(t->n > 0 ? t->n : 1), sizeof *truth);
	double *col = xcalloc((size_t)(t->n > 0 ? t->n : 1), sizeof *col);
	for (int r = 0; r < c->scan->n; r++)
		group_index(c, c->scan->rows[r].kind, c->scan->rows[r].level);
	for (int i = 0; i < c->ngroups; i++) {
		struct group *g = &c->g[i];
		g->n = truth_of(c, g, truth);
		g->a = xcalloc((size_t)(t->ncols > 0 ? t->ncols : 1), sizeof *g->a);
		for (int j = 0; j < t->ncols; j++) {
			for (int l = 0; l < t->n; l++)
				col[l] = t->score[(size_t)l * t->ncols + j];
			criteria_agree(col, truth, t->n, c->k, &g->a[j]);
		}
	}
	free(truth);
	free(col);
}

/* Means over levels, and the one-line reading. */
static void summarise(struct comparison *c)
{
	const struct criteria_table *t = &c->rank->table;
	size_t nc = (size_t)(t->ncols > 0 ? t->ncols : 1);
	c->mean_rho = xcalloc(nc, sizeof *c->mean_rho);
	c->mean_tau = xcalloc(nc, sizeof *c->mean_tau);
	c->mean_top = xcalloc(nc, sizeof *c->mean_top);
	c->nrho = xcalloc(nc, sizeof *c->nrho);
	for (int j = 0; j < t->ncols; j++) {
		int ntop = 0;
		for (int i = 0; i < c->ngroups; i++) {
			const struct criteria_agreement *a = &c->g[i].a[j];
			if (isfinite(a->spearman)) {
				c->mean_rho[j] += a->spearman;
				c->mean_tau[j] += isfinite(a->kendall) ? a->kendall : 0;
				c->nrho[j]++;
			}
			if (a->k > 0) {
				c->mean_top[j] += (double)a->topk / a->k;
				ntop++;
			}
		}
		c->mean_rho[j] = c->nrho[j] ? c->mean_rho[j] / c->nrho[j] : NAN;
		c->mean_tau[j] = c->nrho[j] ? c->mean_tau[j] / c->nrho[j] : NAN;
		c->mean_top[j] = ntop ? c->mean_top[j] / ntop : NAN;
	}
	int second, best = criteria_best(c->mean_rho, t->ncols, &second);
	c->best = best;
	bootstrap(c);
	if (best < 0) {
		int measured = 0;
		for (int r = 0; r < c->scan->n; r++)
			measured |= isfinite(c->scan->rows[r].drop);
		c->reading = xstrdup(measured ? "no criterion could be scored (too few layers or constant drops)"
		    : "no criterion could be scored (the scan has no drops: it was made on unlabeled data)");
		return;
	}
	char next[160] = "";
	if (second >= 0)
		snprintf(next, sizeof next, "; next %s %.2f%s", criterion_name(t->cols[second]), c->mean_rho[second],
		    c->same_as_best[second] ? ", indistinguishable from it" : ", distinguishably worse");
	c->reading = xasprintf("%s predicts the measured drops best: mean Spearman %.2f (95%% [%.2f, %.2f]) over %d "
	    "kind/levels (Kendall %.2f, top-%d overlap %.0f%%)%s", criterion_name(t->cols[best]), c->mean_rho[best],
	    c->mrho_lo[best], c->mrho_hi[best], c->nrho[best], c->mean_tau[best], c->k, 100 * c->mean_top[best], next);
}

/* The 2.5% and 97.5% quantiles of the finite draws src[0..B) (x: scratch
 * of B); NaN when the point estimate is. */
static void interval(const double *src, int B, double point, double *x, double *lo, double *hi)
{
	int m = 0;
	for (int b = 0; b < B; b++)
		if (isfinite(src[b]))
			x[m++] = src[b];
	*lo = isfinite(point) && m ? stats_quantile(x, m, 0.025) : NAN;
	*hi = isfinite(point) && m ? stats_quantile(x, m, 0.975) : NAN;
}

/* The paired bootstrap over images (core/stats.h): every draw resamples each
 * scan row's counts, gives each group its mean drops per layer and every
 * criterion its rho and tau against them; the 2.5% and 97.5% quantiles are
 * the intervals.  A criterion is indistinguishable from the best one when
 * the 95% interval of the draws' difference of their mean rho includes 0. */
static void bootstrap(struct comparison *c)
{
	const struct criteria_table *t = &c->rank->table;
	int nl = t->n > 0 ? t->n : 1, nc = t->ncols > 0 ? t->ncols : 1, B = STATS_BOOT_DRAWS;
	size_t per = (size_t)B;
	double *rho = xcalloc((size_t)c->ngroups * (size_t)nc * per + 1, sizeof *rho);
	double *tau = xcalloc((size_t)c->ngroups * (size_t)nc * per + 1, sizeof *tau);
	double *mrho = xcalloc((size_t)nc * per, sizeof *mrho), *mtau = xcalloc((size_t)nc * per, sizeof *mtau);
	double *sum = xcalloc((size_t)nl, sizeof *sum), *col = xcalloc((size_t)nl, sizeof *col);
	int *cnt = xcalloc((size_t)nl, sizeof *cnt);
	struct stats_paired *pr = xcalloc((size_t)c->scan->n + 1, sizeof *pr);
	int *layer_of = xcalloc((size_t)c->scan->n + 1, sizeof *layer_of);	/* rank-file index, -1 */
	for (int r = 0; r < c->scan->n; r++) {
		const struct scan_row *row = &c->scan->rows[r];
		pr[r] = scan_row_counts(row);
		layer_of[r] = -1;
		for (int i = 0; i < t->n; i++)
			if (t->layers[i] == row->layer)
				layer_of[r] = i;
	}
	struct rng rg;
	rng_seed(&rg, rng_mix64(c->scan->header.seed ^ 0x636f6d70617265ULL));	/* "compare" */
	for (int b = 0; b < B; b++) {
		double *d = xcalloc((size_t)c->scan->n + 1, sizeof *d);
		for (int r = 0; r < c->scan->n; r++)
			d[r] = isfinite(c->scan->rows[r].drop) ? stats_paired_resample(&rg, &pr[r]) : NAN;
		for (int j = 0; j < t->ncols; j++)
			mrho[(size_t)j * per + (size_t)b] = mtau[(size_t)j * per + (size_t)b] = 0;
		int *nm = xcalloc((size_t)nc, sizeof *nm);
		for (int g = 0; g < c->ngroups; g++) {
			const struct group *gr = &c->g[g];
			for (int i = 0; i < t->n; i++) {
				sum[i] = 0;
				cnt[i] = 0;
			}
			for (int r = 0; r < c->scan->n; r++) {
				const struct scan_row *row = &c->scan->rows[r];
				if (layer_of[r] >= 0 && row->kind == gr->kind && isfinite(d[r]) &&
				    fabs(row->level - gr->level) <= 1e-9 * fmax(1, fabs(gr->level))) {
					sum[layer_of[r]] += d[r];
					cnt[layer_of[r]]++;
				}
			}
			for (int i = 0; i < t->n; i++)
				sum[i] = cnt[i] ? sum[i] / cnt[i] : NAN;
			for (int j = 0; j < t->ncols; j++) {
				struct criteria_agreement a;
				for (int l = 0; l < t->n; l++)
					col[l] = t->score[(size_t)l * t->ncols + j];
				criteria_agree(col, sum, t->n, c->k, &a);
				size_t at = ((size_t)g * (size_t)nc + (size_t)j) * per + (size_t)b;
				rho[at] = a.spearman;
				tau[at] = a.kendall;
				/* the levels the point estimate averages; a draw with a
				 * constant side counts as no agreement (0) */
				if (isfinite(gr->a[j].spearman)) {
					mrho[(size_t)j * per + (size_t)b] += isfinite(a.spearman) ? a.spearman : 0;
					mtau[(size_t)j * per + (size_t)b] += isfinite(a.kendall) ? a.kendall : 0;
					nm[j]++;
				}
			}
		}
		for (int j = 0; j < t->ncols; j++) {
			mrho[(size_t)j * per + (size_t)b] = nm[j] ? mrho[(size_t)j * per + (size_t)b] / nm[j] : NAN;
			mtau[(size_t)j * per + (size_t)b] = nm[j] ? mtau[(size_t)j * per + (size_t)b] / nm[j] : NAN;
		}
		free(nm);
		free(d);
	}
	double *x = xcalloc(per, sizeof *x);
	for (int g = 0; g < c->ngroups; g++) {
		struct group *gr = &c->g[g];
		gr->rho_lo = xcalloc((size_t)nc, sizeof *gr->rho_lo);
		gr->rho_hi = xcalloc((size_t)nc, sizeof *gr->rho_hi);
		gr->tau_lo = xcalloc((size_t)nc, sizeof *gr->tau_lo);
		gr->tau_hi = xcalloc((size_t)nc, sizeof *gr->tau_hi);
		for (int j = 0; j < t->ncols; j++) {
			size_t at = ((size_t)g * (size_t)nc + (size_t)j) * per;
			interval(&rho[at], B, gr->a[j].spearman, x, &gr->rho_lo[j], &gr->rho_hi[j]);
			interval(&tau[at], B, gr->a[j].kendall, x, &gr->tau_lo[j], &gr->tau_hi[j]);
		}
	}
	c->mrho_lo = xcalloc((size_t)nc, sizeof *c->mrho_lo);
	c->mrho_hi = xcalloc((size_t)nc, sizeof *c->mrho_hi);
	c->mtau_lo = xcalloc((size_t)nc, sizeof *c->mtau_lo);
	c->mtau_hi = xcalloc((size_t)nc, sizeof *c->mtau_hi);
	c->same_as_best = xcalloc((size_t)nc, 1);
	for (int j = 0; j < t->ncols; j++) {
		interval(&mrho[(size_t)j * per], B, c->mean_rho[j], x, &c->mrho_lo[j], &c->mrho_hi[j]);
		interval(&mtau[(size_t)j * per], B, c->mean_tau[j], x, &c->mtau_lo[j], &c->mtau_hi[j]);
	}
	for (int j = 0; c->best >= 0 && j < t->ncols; j++) {
		if (j == c->best || !isfinite(c->mean_rho[j]))
			continue;
		double *diff = xcalloc(per, sizeof *diff), lo, hi;
		for (int b = 0; b < B; b++)
			diff[b] = mrho[(size_t)c->best * per + (size_t)b] - mrho[(size_t)j * per + (size_t)b];
		interval(diff, B, c->mean_rho[j], x, &lo, &hi);
		c->same_as_best[j] = lo <= 0 && hi >= 0;
		free(diff);
	}
	free(x);
	free(rho);
	free(tau);
	free(mrho);
	free(mtau);
	free(sum);
	free(col);
	free(cnt);
	free(pr);
	free(layer_of);
}

/* The best criterion per perturbation kind (mean rho over that kind's levels). */
static void print_by_kind(FILE *o, const struct comparison *c)
{
	const struct criteria_table *t = &c->rank->table;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);	/* one paragraph, wrapped to the width */
	if (out == NULL)
		return;
	fprintf(out, "best by kind:");
	for (int k = 0; k < PERTURB_KIND_COUNT; k++) {
		int best = -1, any = 0;
		double bv = -INFINITY;
		for (int j = 0; j < t->ncols; j++) {
			double s = 0;
			int n = 0;
			for (int i = 0; i < c->ngroups; i++)
				if ((int)c->g[i].kind == k && isfinite(c->g[i].a[j].spearman)) {
					s += c->g[i].a[j].spearman;
					n++;
				}
			for (int i = 0; i < c->ngroups; i++)
				any |= (int)c->g[i].kind == k;
			if (n > 0 && s / n > bv) {
				bv = s / n;
				best = j;
			}
		}
		if (best >= 0)
			fprintf(out, " %s: %s (%.2f)", perturb_kind_name((enum perturb_kind)k), criterion_name(t->cols[best]), bv);
		else if (any)
			fprintf(out, " %s: none defined", perturb_kind_name((enum perturb_kind)k));
	}
	fclose(out);
	table_wrap(o, text, c->width, 2);
	free(text);
}

/* One matrix: kind:level x criterion.  Criterion columns are 9 wide, or
 * as wide as their names where that does not fit; the last criteria are
 * left out (and named) if even that is too wide. */
static void print_matrix(FILE *out, const struct comparison *c, int what)
{
	static const char *const title[] = { "Spearman rho", "Kendall tau-b", "Top-K overlap" };
	const struct criteria_table *t = &c->rank->table;
	int n = 2 + t->ncols;
	struct table_col *cols = xcalloc((size_t)n, sizeof *cols);
	unsigned char *show = xcalloc((size_t)n, 1);
	const char **cells = xcalloc((size_t)n, sizeof *cells);
	char (*buf)[48] = xcalloc((size_t)n, sizeof *buf);
	int kw = (int)strlen("mean fraction");	/* the longest key, so criteria get the room */
	for (int i = 0; i < c->ngroups; i++) {
		char key[48];
		int l = snprintf(key, sizeof key, "%s:%g", perturb_kind_name(c->g[i].kind), c->g[i].level);
		kw = l > kw ? l : kw;
	}
	cols[0] = (struct table_col){ "kind:level", -kw, 0 };
	cols[1] = (struct table_col){ "n", 3, 0 };
	for (int j = 0; j < t->ncols; j++)
		cols[2 + j] = (struct table_col){ criterion_name(t->cols[j]), 9, t->ncols - j };
	table_fit(cols, n, 0, show);
	if (c->width > 0 && table_fit_width(cols, n, show) > c->width)
		for (int j = 0; j < t->ncols; j++) {
			int w = (int)strlen(cols[2 + j].title);
			cols[2 + j].width = w < 5 ? 5 : w;	/* "-0.83" */
		}
	table_fit(cols, n, c->width, show);
	if (what == 2)
		fprintf(out, "Top-%d overlap (layers among the %d most critical, of %d)\n", c->k, c->k, c->k);
	else
		fprintf(out, "%s (criterion score vs measured drop per layer)\n", title[what]);
	table_line(out, cols, n, show, NULL);
	for (int i = 0; i <= c->ngroups; i++) {	/* the groups, then the means */
		if (i < c->ngroups) {
			snprintf(buf[0], sizeof buf[0], "%s:%g", perturb_kind_name(c->g[i].kind), c->g[i].level);
			snprintf(buf[1], sizeof buf[1], "%d", c->g[i].n);
		} else {
			snprintf(buf[0], sizeof buf[0], "%s", what == 2 ? "mean fraction" : "mean");
			buf[1][0] = '\0';
		}
		for (int j = 0; j < t->ncols; j++) {
			const struct criteria_agreement *a = i < c->ngroups ? &c->g[i].a[j] : NULL;
			double v = a ? (what == 0 ? a->spearman : what == 1 ? a->kendall : a->topk)
			    : what == 0 ? c->mean_rho[j] : what == 1 ? c->mean_tau[j] : c->mean_top[j];
			if (!isfinite(v))
				snprintf(buf[2 + j], sizeof buf[2 + j], "-");
			else
				snprintf(buf[2 + j], sizeof buf[2 + j], a && what == 2 ? "%.0f" : "%.2f", v);
		}
		for (int k = 0; k < n; k++)
			cells[k] = buf[k];
		table_line(out, cols, n, show, cells);
	}
	table_note_left_out(out, cols, n, show, c->width);
	fputc('\n', out);
	free(cols);
	free(show);
	free(cells);
	free(buf);
}

/* Mean rho and tau per criterion with their 95% bootstrap intervals, and
 * which criteria the scan's noise cannot tell from the best one. */
static void print_intervals(FILE *out, const struct comparison *c)
{
	static const struct table_col cols[] = {
		{ "criterion", -10, 0 }, { "rho", 6, 0 }, { "95% CI", 15, 0 }, { "tau", 6, 0 }, { "95% CI", 15, 1 },
		{ "vs best", -22, 0 },
	};
	enum { N = sizeof cols / sizeof cols[0] };
	const struct criteria_table *t = &c->rank->table;
	unsigned char show[N];
	table_fit(cols, N, c->width, show);
	fprintf(out, "Mean agreement over levels, 95%% paired bootstrap intervals over images\n");
	table_line(out, cols, N, show, NULL);
	for (int j = 0; j < t->ncols; j++) {
		char b[N][48];
		const char *cells[N];
		snprintf(b[0], sizeof b[0], "%s", criterion_name(t->cols[j]));
		if (!isfinite(c->mean_rho[j])) {
			for (int k = 1; k < N; k++)
				snprintf(b[k], sizeof b[k], "-");
		} else {
			snprintf(b[1], sizeof b[1], "%.2f", c->mean_rho[j]);
			snprintf(b[2], sizeof b[2], "[%.2f, %.2f]", c->mrho_lo[j], c->mrho_hi[j]);
			snprintf(b[3], sizeof b[3], "%.2f", c->mean_tau[j]);
			snprintf(b[4], sizeof b[4], "[%.2f, %.2f]", c->mtau_lo[j], c->mtau_hi[j]);
			snprintf(b[5], sizeof b[5], "%s", j == c->best ? "best" : c->same_as_best[j]
			    ? "\xe2\x89\x88 best (within noise)" : "worse");	/* ≈ */
		}
		for (int k = 0; k < N; k++)
			cells[k] = b[k];
		table_line(out, cols, N, show, cells);
	}
	table_note_left_out(out, cols, N, show, c->width);
	fputc('\n', out);
}

static void print_text(FILE *out, const struct comparison *c)
{
	char *head = xasprintf("scan %s (%d rows), rank %s (%d layers)", c->scan->path, c->scan->n, c->rank_path,
	    c->rank->table.n);
	table_wrap(out, head, c->width, 2);
	free(head);
	fputc('\n', out);
	for (int w = 0; w < 3; w++)
		print_matrix(out, c, w);
	print_intervals(out, c);
	char *reading = xasprintf("reading: %s", c->reading);
	table_wrap(out, reading, c->width, 2);
	free(reading);
	print_by_kind(out, c);
}

static void write_csv(FILE *out, const struct comparison *c)
{
	const struct criteria_table *t = &c->rank->table;
	fprintf(out, "# safer compare\n# scan: %s\n# rank: %s\n# rank_cfg: %s\n# weights_checksum: %s\n# reading: %s\n",
	    c->scan->path, c->rank_path, c->rank->header.cfg, c->rank->header.weights_checksum, c->reading);
	fprintf(out, "kind,level,layers,criterion,spearman,kendall,topk,k,spearman_lo,spearman_hi,kendall_lo,kendall_hi\n");
	for (int i = 0; i < c->ngroups; i++)
		for (int j = 0; j < t->ncols; j++) {
			const struct group *g = &c->g[i];
			const struct criteria_agreement *a = &g->a[j];
			fprintf(out, "%s,%.9g,%d,%s,%.6g,%.6g,%d,%d,%.6g,%.6g,%.6g,%.6g\n", perturb_kind_name(g->kind), g->level,
			    g->n, criterion_name(t->cols[j]), a->spearman, a->kendall, a->topk, a->k, g->rho_lo[j], g->rho_hi[j],
			    g->tau_lo[j], g->tau_hi[j]);
		}
}

static json_t *to_json(const struct comparison *c)
{
	const struct criteria_table *t = &c->rank->table;
	json_t *rows = json_array(), *summary = json_array();
	for (int i = 0; i < c->ngroups; i++)
		for (int j = 0; j < t->ncols; j++) {
			const struct criteria_agreement *a = &c->g[i].a[j];
			json_array_append_new(rows, json_pack("{s:s, s:f, s:i, s:s, s:o, s:o, s:i, s:i, s:o, s:o, s:o, s:o}",
			    "kind", perturb_kind_name(c->g[i].kind), "level", c->g[i].level, "layers", c->g[i].n,
			    "criterion", criterion_name(t->cols[j]), "spearman", table_json_real(a->spearman),
			    "kendall", table_json_real(a->kendall), "topk", a->topk, "k", a->k,
			    "spearman_lo", table_json_real(c->g[i].rho_lo[j]), "spearman_hi", table_json_real(c->g[i].rho_hi[j]),
			    "kendall_lo", table_json_real(c->g[i].tau_lo[j]), "kendall_hi", table_json_real(c->g[i].tau_hi[j])));
		}
	for (int j = 0; j < t->ncols; j++)
		json_array_append_new(summary, json_pack("{s:s, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:o}", "criterion",
		    criterion_name(t->cols[j]), "mean_spearman", table_json_real(c->mean_rho[j]), "mean_kendall",
		    table_json_real(c->mean_tau[j]), "mean_topk_fraction", table_json_real(c->mean_top[j]), "levels", c->nrho[j],
		    "mean_spearman_lo", table_json_real(c->mrho_lo[j]), "mean_spearman_hi", table_json_real(c->mrho_hi[j]),
		    "mean_kendall_lo", table_json_real(c->mtau_lo[j]), "mean_kendall_hi", table_json_real(c->mtau_hi[j]),
		    /* null for the best itself and for undefined means */
		    "indistinguishable_from_best", j == c->best || c->best < 0 || !isfinite(c->mean_rho[j]) ? json_null()
		    : json_boolean(c->same_as_best[j])));
	return json_pack("{s:o, s:o, s:o, s:s, s:i, s:o, s:o, s:s}", "scan", table_json_string(c->scan->path), "rank",
	    table_json_string(c->rank_path), "rank_cfg", table_json_string(c->rank->header.cfg), "weights_checksum", c->rank->header.weights_checksum, "k", c->k, "rows", rows,
	    "summary", summary, "reading", c->reading);
}

static void comparison_free(struct comparison *c)
{
	for (int i = 0; i < c->ngroups; i++) {
		free(c->g[i].a);
		free(c->g[i].rho_lo);
		free(c->g[i].rho_hi);
		free(c->g[i].tau_lo);
		free(c->g[i].tau_hi);
	}
	free(c->g);
	free(c->mrho_lo);
	free(c->mrho_hi);
	free(c->mtau_lo);
	free(c->mtau_hi);
	free(c->same_as_best);
	free(c->mean_rho);
	free(c->mean_tau);
	free(c->mean_top);
	free(c->nrho);
	free(c->reading);
}

/* Scan and rank must describe the same weights. */
static int check_match(const char *scan_path, const struct scan_file *s, const char *rank_path,
    const struct rank_file *r, char **cause)
{
	const char *a = s->header.weights_checksum, *b = r->header.weights_checksum;
	if (a == NULL || b == NULL || a[0] == '\0' || b[0] == '\0') {
		*cause = xasprintf("%s: no weights_checksum header; cannot tell whether it matches %s",
		    a == NULL || a[0] == '\0' ? scan_path : rank_path, a == NULL || a[0] == '\0' ? rank_path : scan_path);
		return -1;
	}
	if (strcmp(a, b) != 0) {
		*cause = xasprintf("%s: made from other weights (checksum %s) than %s (checksum %s); refusing to compare",
		    rank_path, b, scan_path, a);
		return -1;
	}
	return 0;
}

static int emit(const struct comparison *c, const char *output, int json)
{
	char *cause = NULL;
	if (output == NULL) {
		if (json) {
			json_t *root = to_json(c);
			table_json_write(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			json_decref(root);
		} else {
			print_text(stdout, c);
		}
		return EXIT_OK;
	}
	struct atomic_file a;
	int rc = atomic_open(&a, output, &cause);
	if (rc != 0)
		return cmd_fail_status(rc, cause);
	if (table_is_json(output)) {
		json_t *root = to_json(c);
		table_json_write(a.f, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(root);
	} else {
		write_csv(a.f, c);
	}
	if ((rc = atomic_commit(&a, &cause)) != 0)
		return cmd_fail_status(rc, cause);
	fprintf(stderr, "safer: %s\n", c->reading);
	return EXIT_OK;
}

struct cmd_compare {
	const char *scan_path, *rank_path, *output;
	long k;
	int json, wide;
	struct scan_file scan;		/* owned */
	struct rank_file rank;		/* owned */
	struct comparison c;		/* owned */
};

enum cmd_compare_code { CMD_COMPARE_SCAN = OPTIONS_OWN, CMD_COMPARE_RANK, CMD_COMPARE_WIDE };

static const struct options_spec cmd_compare_options[] = {
	{ "scan", CMD_COMPARE_SCAN, OPTIONS_VALUE },
	{ "rank", CMD_COMPARE_RANK, OPTIONS_VALUE },
	{ "top", 'k', OPTIONS_VALUE },
	{ "output", 'o', OPTIONS_VALUE },
	{ "json", 'j', OPTIONS_FLAG },
	{ "wide", CMD_COMPARE_WIDE, OPTIONS_FLAG },
	{ NULL, 0, OPTIONS_FLAG },
};

static void cmd_compare_init(void *state)
{
	((struct cmd_compare *)state)->k = 3;
}

static int cmd_compare_option(void *state, int code, const char *arg)
{
	struct cmd_compare *s = state;
	switch (code) {
	case CMD_COMPARE_SCAN: s->scan_path = arg; return 0;
	case CMD_COMPARE_RANK: s->rank_path = arg; return 0;
	case 'k': return parse_count("top", arg, 1, 1 << 20, &s->k);
	case 'o': s->output = arg; return 0;
	case 'j': s->json = 1; return 0;
	case CMD_COMPARE_WIDE: s->wide = 1; return 0;
	default:	/* not in cmd_compare_options */
		return -1;
	}
}

static int cmd_compare_exec(void *state, struct setup_opts *unused)
{
	struct cmd_compare *s = state;
	char *cause = NULL;
	(void)unused;	/* compare reads files only: no model/data options */
	if (s->scan_path == NULL || s->rank_path == NULL) {
		fprintf(stderr, "safer: compare: give --scan SCAN and --rank RANK\n");
		return EXIT_BAD_INPUT;
	}
	inputs_note(s->scan_path);	/* -o may name neither */
	inputs_note(s->rank_path);
	if (scan_file_read(s->scan_path, &s->scan, &cause) != 0)
		return cmd_fail(cause);
	if (rank_file_read(s->rank_path, &s->rank, &cause) != 0 ||
	    check_match(s->scan_path, &s->scan, s->rank_path, &s->rank, &cause) != 0)
		return cmd_fail(cause);
	if (s->scan.n == 0 || s->rank.table.n == 0 || s->rank.table.ncols == 0)
		return cmd_fail(xasprintf("%s: nothing to compare (no rows)", s->scan.n == 0 ? s->scan_path : s->rank_path));
	s->c = (struct comparison){ .scan = &s->scan, .rank = &s->rank, .rank_path = s->rank_path, .k = (int)s->k,
	    .width = table_text_width(s->wide) };
	compare_groups(&s->c);
	summarise(&s->c);
	return emit(&s->c, s->output, s->json);
}

static void cmd_compare_free(void *state)
{
	struct cmd_compare *s = state;
	comparison_free(&s->c);
	rank_file_free(&s->rank);
	scan_file_free(&s->scan);
}

const struct cmd_entry cmd_compare_entry = {
	.name = "compare",
	.args = "--scan SCAN --rank RANK [--top K] [-o FILE] [--json]",
	.summary = "agreement of rank criteria with a scan's measured drops",
	.help = compare_help,
	.options = cmd_compare_options,
	.size = sizeof(struct cmd_compare),
	.init = cmd_compare_init,
	.option = cmd_compare_option,
	.exec = cmd_compare_exec,
	.free = cmd_compare_free,
};
