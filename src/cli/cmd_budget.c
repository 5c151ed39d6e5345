/* cmd_budget.c - `safer budget`: an automatic per-layer budget for a target,
 * measured next to a uniform budget of the same target. */
#include "engine/allocate.h"
#include "core/atomic.h"
#include "core/budget.h"
#include "cli/cmd.h"
#include "engine/criteria.h"
#include "engine/engine.h"
#include "core/format.h"
#include "cli/options.h"
#include "formats/rank_file.h"
#include "formats/scan_file.h"
#include "formats/table.h"
#include "core/inputs.h"
#include "core/progress.h"
#include "engine/scan.h"
#include "core/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The levels budget measures when given neither a scan nor a criterion. */
#define BUDGET_QUANT_LEVELS "quant:16,12,8,6,5,4,3,2"
#define BUDGET_PRUNE_LEVELS "prune:0.1:0.9:0.1"

static const char budget_help[] =
"Allocates per-layer bits or pruning fractions to meet a target, evaluates the\n"
"budget on the data (exact) next to a uniform budget of the same target, and\n"
"reports size, bit operations, accuracy and additivity.\n\n"
"  -T, --target T        bits=B (average weight bits), sparsity=F, size=BYTES\n"
"                        (B, KB, MB, KiB, MiB) or drop=POINTS (largest top-1 drop)\n"
"  -f, --from SCAN       allocate from a scan's measured curves: the settings with the\n"
"                        smallest sum of single-layer drops that meet the target\n"
"                        (multiple-choice knapsack)\n"
"  -C, --criterion NAME  no scan: allocate by importance (more important layers get\n"
"                        more bits / less sparsity), computed on --samples images\n"
"                        (neither: budget measures its curves first, on every\n"
"                        weight layer: -p " BUDGET_QUANT_LEVELS "\n"
"                        or -p " BUDGET_PRUNE_LEVELS ")\n"
"      --rank RANK       take the criterion's scores from a rank file instead\n"
"      --knob K          quant or prune, for size and drop targets (default quant)\n"
"  -o, --output FILE     write the budget (eval --budget FILE); without -o the\n"
"                        budget follows the report on stdout (JSON: \"budget\")\n"
"      --pareto          measured accuracy/size front over a range of targets\n"
"  -S, --samples N       images for --criterion (default 512)\n\n"
COMMON_HELP;

struct budget_opts {
	const struct setup_opts *common;
	struct alloc_target target;
	int have_target, knob_set, pareto, have_crit;
	enum criterion crit;
	const char *from, *rank, *output;
	struct criteria_opts copt;
};

/* Where the sensitivity comes from: a scan's curves or one criterion's scores. */
struct source {
	int curves_ok;
	struct sens_curves curves;
	int n;
	int *layers;		/* owned */
	double *scores;		/* owned */
	char *what;		/* owned: for the report */
};

struct evaluated {
	struct budget b;	/* owned */
	struct budget_cost cost;
	double top1, drop, lo, hi, assumed;
	int ok;			/* allocated and measured */
	char *error;		/* owned: why not */
};

/* ---- measuring ---------------------------------------------------------------- */

static int measure(struct engine *e, const struct budget *b, struct engine_progress *p, char **cause)
{
	struct job_item *items = NULL;
	int n = budget_items(b, &items);
	struct engine_job job = { .nitems = n, .items = items };
	int rc = engine_run(e, &job, p, &interrupt_signal, cause);
	free(items);
	if (rc == 0 && !p->finished) {
		*cause = xstrdup("interrupted");
		return -1;
	}
	return rc;
}

static int measure_drop(const struct budget *b, double *drop, void *ctx, char **cause)
{
	struct engine_progress p;
	double lo, hi;
	if (measure(ctx, b, &p, cause) != 0)
		return -1;
	progress_drop(&p, drop, &lo, &hi);
	return 0;
}

static void evaluated_free(struct evaluated *v)
{
	budget_free(&v->b);
	free(v->error);
	memset(v, 0, sizeof *v);
}

/* Allocates (sensitivity or uniform) and measures; v->error on failure. */
static void evaluate(struct engine *e, const struct source *src, const struct alloc_target *t, int uniform,
    struct evaluated *v)
{
	const struct model *m = engine_model(e);
	struct alloc_info info;
	struct engine_progress p;
	int rc;
	memset(v, 0, sizeof *v);
	v->assumed = NAN;
	if (uniform)
		rc = allocate_uniform(m, t, measure_drop, e, &v->b, &info, &v->error);
	else if (src->curves_ok)
		rc = allocate_budget(m, &src->curves, t, measure_drop, e, &v->b, &info, &v->error);
	else
		rc = allocate_from_scores(m, src->layers, src->scores, src->n, t, measure_drop, e, &v->b, &info,
		    &v->error);
	if (rc != 0 || measure(e, &v->b, &p, &v->error) != 0)
		return;
	budget_cost(&v->b, m, &v->cost);
	v->top1 = progress_top1(&p);
	progress_drop(&p, &v->drop, &v->lo, &v->hi);
	v->assumed = src->curves_ok ? sens_curves_predict(&src->curves, &v->b) : NAN;
	v->ok = 1;
}

/* ---- sources ------------------------------------------------------------------ */

static void source_free(struct source *s)
{
	sens_curves_free(&s->curves);
	free(s->layers);
	free(s->scores);
	free(s->what);
}

static int same_weights(const char *path, const char *hex, const struct model *m, char **cause)
{
	char *now = hash_hex(model_checksum(m));
	int same = hex != NULL && strcmp(hex, now) == 0;
	if (!same)
		*cause = xasprintf("%s: made from other weights (checksum %s) than the model (%s)", path,
		    hex && hex[0] ? hex : "none", now);
	free(now);
	return same ? 0 : -1;
}

static int source_from_scan(const struct budget_opts *bo, const struct model *m, struct source *src, char **cause)
{
	struct scan_file s;
	inputs_note(bo->from);	/* -o may not name it */
	int rc = scan_file_read(bo->from, &s, cause);
	if (rc == 0)
		rc = same_weights(bo->from, s.header.weights_checksum, m, cause);
	if (rc == 0)
		rc = sens_curves_from_scan(&s, m, bo->target.knob, &src->curves, cause);
	if (rc == 0) {
		src->curves_ok = 1;
		src->what = xasprintf("scan %s: knapsack over %d measured %s curves", bo->from,
		    src->curves.n, alloc_knob_name(bo->target.knob));
	}
	scan_file_free(&s);
	return rc;
}

/* Neither --from nor --criterion: the knob's curves measured here, a scan of
 * every weight layer kept in memory (safer scan -p SPEC -o FILE saves one
 * for --from).  0, 1 when interrupted, or -1 with *cause. */
static int source_from_measuring(const struct budget_opts *bo, struct engine *e, const struct dataset *d,
    struct source *src, char **cause)
{
	static const char *const spec[] = { [KNOB_QUANT] = BUDGET_QUANT_LEVELS, [KNOB_PRUNE] = BUDGET_PRUNE_LEVELS };
	const struct model *m = engine_model(e);
	enum alloc_knob knob = bo->target.knob;
	struct perturb_grid grid;
	if (perturb_grid_parse(spec[knob], &grid, cause) != 0)
		return -1;
	struct scan_opts so = { .cfg = bo->common->cfg, .weights = bo->common->weights, .grids = &grid, .ngrids = 1,
		.trials = 1, .seed = 1, .rate = PERTURB_DEFAULT_RATE };
	unsigned char *pick = xcalloc((size_t)m->n, 1);
	for (int l = 0; l < m->n; l++)
		pick[l] = (unsigned char)m->layers[l].has_weights;
	struct scan_state s;
	struct scan_file f;
	scan_state_init(&s, &so, e, d, pick);
	scan_file_init(&f, "the curves measured", &s.h);
	fprintf(stderr, "safer: budget: no --from SCAN or --criterion NAME: measuring the %s curves it needs "
	    "(-p %s on %d weight layers, %d rows, %d images)\n", alloc_knob_name(knob), spec[knob],
	    model_weight_layers(m), s.nplan, d->count);
	struct progress pr;
	progress_start(&pr, "budget: curves", "rows", 1, bo->common->quiet);
	int rc = 0, bar = 0;
	for (int i = 0; i < s.nplan && rc == 0; i++) {
		struct job_item item;
		struct engine_job job = scan_row_job(&s, i, &item);
		struct engine_progress p;
		struct scan_row row;
		if (engine_run(e, &job, &p, &interrupt_signal, cause) != 0) {
			rc = -1;
		} else if (!p.finished || interrupt_signal) {
			rc = 1;
		} else {
			scan_row_result(&s, i, &p, &row);
			scan_file_add(&f, &row);
			if (progress_update(&pr, i + 1, s.nplan)) {
				scan_progress_bar(i + 1, s.nplan, s.t0);
				bar = 1;
			}
		}
	}
	if (bar)
		fputc('\n', stderr);
	if (rc == 0)
		rc = sens_curves_from_scan(&f, m, knob, &src->curves, cause);
	if (rc == 0) {
		src->curves_ok = 1;
		src->what = xasprintf("%d %s curves measured here (-p %s, %.1f s): knapsack over them", src->curves.n,
		    alloc_knob_name(knob), spec[knob], now_seconds() - s.t0);
	}
	scan_file_free(&f);
	scan_state_free(&s);
	free(pick);
	perturb_grid_free(&grid);
	return rc;
}

static void source_take_column(struct source *src, const struct criteria_table *t, int col)
{
	src->n = t->n;
	src->layers = xcalloc((size_t)(t->n > 0 ? t->n : 1), sizeof *src->layers);
	src->scores = xcalloc((size_t)(t->n > 0 ? t->n : 1), sizeof *src->scores);
	for (int i = 0; i < t->n; i++) {
		src->layers[i] = t->layers[i];
		src->scores[i] = t->score[(size_t)i * t->ncols + col];
	}
}

static int source_from_criterion(const struct budget_opts *bo, const struct model *m, const struct dataset *d,
    struct source *src, char **cause)
{
	struct rank_file rf;
	memset(&rf, 0, sizeof rf);
	int rc;
	if (bo->rank) {
		inputs_note(bo->rank);
		rc = rank_file_read(bo->rank, &rf, cause);
		if (rc == 0)
			rc = same_weights(bo->rank, rf.header.weights_checksum, m, cause);
	} else {
		struct criteria_opts o = bo->copt;
		o.mask = 1u << bo->crit;
		o.interrupt = &interrupt_signal;
		o.threads = bo->common->threads;
		rc = criteria_compute(bo->common->cfg, bo->common->weights, d, &o, &rf.table, cause);
		if (rc > 0)
			*cause = xstrdup("interrupted");
	}
	int col = rc == 0 ? criteria_column(&rf.table, bo->crit) : -1;
	if (rc == 0 && col < 0) {
		*cause = xasprintf("%s: has no '%s' column", bo->rank, criterion_name(bo->crit));
		rc = -1;
	}
	for (int i = 0; rc == 0 && i < rf.table.n; i++)
		if (rf.table.layers[i] >= m->n || !m->layers[rf.table.layers[i]].has_weights) {
			*cause = xasprintf("%s: layer %d has no weights in this model", bo->rank, rf.table.layers[i]);
			rc = -1;
		}
	if (rc == 0) {
		source_take_column(src, &rf.table, col);
		src->what = xasprintf("criterion %s%s%s: rate allocation by importance per weight",
		    criterion_name(bo->crit), bo->rank ? " from " : "", bo->rank ? bo->rank : "");
	}
	rank_file_free(&rf);
	return rc < 0 ? -1 : rc;
}

/* ---- reports ------------------------------------------------------------------ */

/* The report's table; at 80 columns assumed, BOPs and ratio are left out. */
enum { BC_NAME, BC_BITS, BC_SPARSITY, BC_SIZE, BC_RATIO, BC_BOPS, BC_TOP1, BC_DROP, BC_CI, BC_ASSUMED, BC_N };
static struct table_col budget_cols[BC_N] = {
	{ "budget", -12, 0 }, { "avg bits", 8, 0 }, { "sparsity", 9, 0 }, { "size", 11, 0 }, { "ratio", 7, 3 },
	{ "BOPs", 8, 2 }, { "top1%", 7, 0 }, { "drop", 6, 0 }, { "95% CI", -16, 4 }, { "assumed", 7, 1 },
};

static void print_budget_line(const char *name, const struct evaluated *v, const unsigned char *show)
{
	char c[BC_N][48];
	const char *cells[BC_N];
	if (!v->ok) {
		printf("%-12s %s\n", name, v->error ? v->error : "failed");
		return;
	}
	snprintf(c[BC_NAME], sizeof c[0], "%s", name);
	snprintf(c[BC_BITS], sizeof c[0], "%.2f", v->cost.avg_bits);
	snprintf(c[BC_SPARSITY], sizeof c[0], "%.1f%%", 100 * v->cost.sparsity);
	fmt_bytes(v->cost.bytes, c[BC_SIZE], sizeof c[0]);
	snprintf(c[BC_RATIO], sizeof c[0], "%.2fx", v->cost.ratio);
	fmt_si(v->cost.bops, c[BC_BOPS], sizeof c[0]);
	snprintf(c[BC_TOP1], sizeof c[0], "%.2f", 100 * v->top1);
	snprintf(c[BC_DROP], sizeof c[0], "%.2f", v->drop);
	snprintf(c[BC_CI], sizeof c[0], "[%.2f, %.2f]", v->lo, v->hi);
	if (isfinite(v->assumed))
		snprintf(c[BC_ASSUMED], sizeof c[0], "%.2f", v->assumed);
	else
		snprintf(c[BC_ASSUMED], sizeof c[0], "-");
	for (int i = 0; i < BC_N; i++)
		cells[i] = c[i];
	table_line(stdout, budget_cols, BC_N, show, cells);
}

static void print_layers(const struct model *m, const struct evaluated *s, const struct evaluated *u)
{
	printf("\n%5s %-10s %9s  %-12s %-12s\n", "layer", "kind", "weights", "sensitivity", "uniform");
	for (int l = 0; l < m->n; l++) {
		if (!m->layers[l].has_weights)
			continue;
		char a[48], b[48];
		const struct budget_layer *ls = budget_find(&s->b, l), *lu = budget_find(&u->b, l);
		printf("%5d %-10s %9zu  %-12s %-12s\n", l, m->layers[l].kind_name, m->layers[l].wt.nweights,
		    ls ? budget_layer_summary(ls, a, sizeof a) : "-", lu ? budget_layer_summary(lu, b, sizeof b) : "-");
	}
}

static void print_text(const struct budget_opts *bo, struct engine *e, const struct source *src,
    const struct evaluated *s, const struct evaluated *u)
{
	char t[64];
	const struct engine_progress *base = engine_baseline(e);
	const char *metric = engine_metric_label(e);
	char col[16];
	snprintf(col, sizeof col, "%s%%", metric);
	int width = table_text_width(bo->common->wide);
	printf("target  %s (knob %s)\n", alloc_target_text(&bo->target, t, sizeof t), alloc_knob_name(bo->target.knob));
	char *line = xasprintf("source  %s", src->what);
	table_wrap(stdout, line, width, 8);
	free(line);
	printf("data    %d images, baseline %s %.2f%%\n\n", base->done, metric, 100 * progress_top1(base));
	unsigned char show[BC_N];
	budget_cols[BC_TOP1].title = col;
	table_fit(budget_cols, BC_N, width, show);
	table_line(stdout, budget_cols, BC_N, show, NULL);
	print_budget_line("sensitivity", s, show);
	print_budget_line("uniform", u, show);
	table_note_left_out(stdout, budget_cols, BC_N, show, width);
	if (s->ok && u->ok)
		printf("\nsensitivity vs uniform: %+.2f points of %s at %.1f%% of the uniform size\n",
		    100 * (s->top1 - u->top1), metric, 100 * s->cost.bytes / u->cost.bytes);
	char *add = NULL;
	if (s->ok && isfinite(s->assumed))
		add = xasprintf("additivity: the allocation assumed %.2f points (sum of its single-layer drops); "
		    "measured jointly %.2f", s->assumed, s->drop);
	else if (s->ok)
		add = xstrdup("additivity: n/a (no single-layer drops without a scan)");
	if (add)
		table_wrap(stdout, add, width, 2);
	free(add);
	if (s->ok && u->ok)
		print_layers(engine_model(e), s, u);
}

static json_t *evaluated_json(const struct evaluated *v)
{
	if (!v->ok)
		return json_pack("{s:s}", "error", v->error ? v->error : "failed");
	json_t *layers = json_array();
	for (int i = 0; i < v->b.n; i++) {
		char a[48];
		json_array_append_new(layers, json_pack("{s:i, s:s}", "layer", v->b.layers[i].layer, "setting",
		    budget_layer_summary(&v->b.layers[i], a, sizeof a)));
	}
	/* top-1 and drops are null on unlabeled data (json_pack fails on NaN) */
	int lab = isfinite(v->top1);
	return json_pack("{s:f, s:f, s:f, s:f, s:f, s:o, s:o, s:f, s:o, s:o, s:o}", "avg_bits", v->cost.avg_bits,
	    "sparsity", v->cost.sparsity, "size_bytes", v->cost.bytes, "compression", v->cost.ratio, "bops",
	    v->cost.bops, "top1", table_json_real(v->top1), "drop", table_json_real(lab ? v->drop : NAN),
	    "effective_macs", v->cost.effective_macs, "drop_ci95", lab ? json_pack("[ff]", v->lo, v->hi) : json_null(),
	    "assumed_drop", table_json_real(v->assumed), "layers", layers);
}

static void print_json(const struct budget_opts *bo, struct engine *e, const struct source *src,
    const struct evaluated *s, const struct evaluated *u, const char *budget_text)
{
	char t[64];
	const struct engine_progress *base = engine_baseline(e);
	json_t *root = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:o}", "target",
	    alloc_target_text(&bo->target, t, sizeof t), "knob", alloc_knob_name(bo->target.knob), "source", src->what,
	    "images", base->done, "baseline_top1", table_json_real(progress_top1(base)), "sensitivity", evaluated_json(s), "uniform",
	    evaluated_json(u));
	if (budget_text)
		json_object_set_new(root, "budget", json_string(budget_text));
	table_json_write(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
}

/* ---- running ------------------------------------------------------------------- */

static int write_budget(const struct budget_opts *bo, const struct budget *b, const struct model *m, char **cause)
{
	struct atomic_file a;
	int rc = atomic_open(&a, bo->output, cause);
	if (rc != 0)
		return rc;
	if (budget_write(a.f, b, m) != 0) {
		*cause = xasprintf("%s: write failed", bo->output);
		atomic_abort(&a);
		return EXIT_FAILURE_RUNTIME;
	}
	return atomic_commit(&a, cause);
}

/* What the command owns once it runs. */
struct cmd_budget {
	struct budget_opts bo;
	struct engine *e;		/* owned */
	struct dataset d;		/* owned */
	struct source src;		/* owned */
	struct evaluated sens, uniform;	/* owned: one target's two budgets */
};

static int run_single(struct cmd_budget *c)
{
	const struct budget_opts *bo = &c->bo;
	struct evaluated *s = &c->sens, *u = &c->uniform;
	char *cause = NULL;
	evaluate(c->e, &c->src, &bo->target, 0, s);
	if (interrupt_signal)
		return interrupt_exit_status();
	if (!s->ok) {
		cause = s->error;
		s->error = NULL;
		return cmd_fail(cause);
	}
	evaluate(c->e, &c->src, &bo->target, 1, u);
	if (interrupt_signal)
		return interrupt_exit_status();
	if (!alloc_target_met(&bo->target, &s->b, engine_model(c->e), s->drop)) {
		fprintf(stderr, "safer: the allocated budget misses its target (measured drop %.2f)\n", s->drop);
		return EXIT_FAILURE_RUNTIME;
	}
	int wr = bo->output ? write_budget(bo, &s->b, engine_model(c->e), &cause) : 0;
	if (wr != 0)
		return cmd_fail_status(wr, cause);
	/* without -o the budget itself goes to stdout, after the report */
	char *text = NULL;
	size_t len = 0;
	FILE *m = bo->output ? NULL : open_memstream(&text, &len);
	if (m) {
		budget_write(m, &s->b, engine_model(c->e));
		fclose(m);
	}
	if (bo->common->json) {
		print_json(bo, c->e, &c->src, s, u, text);
	} else {
		print_text(bo, c->e, &c->src, s, u);
		if (text)
			printf("\nbudget (-o FILE saves it; safer eval --budget FILE reads it):\n%s", text);
	}
	free(text);
	if (bo->output)
		fprintf(stderr, "safer: budget written to %s\n", bo->output);
	return EXIT_OK;
}

/* The front's table: target, then size, bits, sparsity, accuracy and drop
 * of the sensitivity budget and of the uniform one.  At 80 columns the knob
 * that does not turn (sparsity under quant, bits under prune) is left out,
 * then the accuracy (the drop says it against the baseline). */
enum { PF_TARGET, PF_BAR1, PF_S, PF_BAR2 = PF_S + 5, PF_U, PF_N = PF_U + 5 };

static void front_cols(struct table_col *c, int target_width, enum alloc_knob knob, const char *metric)
{
	c[PF_TARGET] = (struct table_col){ "target", -target_width, 0 };
	c[PF_BAR1] = c[PF_BAR2] = (struct table_col){ "|", 1, 0 };
	for (int g = PF_S; g <= PF_U; g += PF_U - PF_S) {
		c[g] = (struct table_col){ "size", 11, 0 };
		c[g + 1] = (struct table_col){ "bits", 5, knob == KNOB_PRUNE ? 1 : 3 };
		c[g + 2] = (struct table_col){ "sparsity", 8, knob == KNOB_PRUNE ? 3 : 1 };
		c[g + 3] = (struct table_col){ metric, 7, 2 };
		c[g + 4] = (struct table_col){ "drop", 6, 0 };
	}
}

static void front_cells(const struct evaluated *v, char (*c)[64])
{
	if (!v->ok) {
		snprintf(c[0], sizeof c[0], "not reached");	/* fits the size column */
		for (int k = 1; k < 5; k++)
			snprintf(c[k], sizeof c[k], "-");
		return;
	}
	fmt_bytes(v->cost.bytes, c[0], sizeof c[0]);
	snprintf(c[1], sizeof c[1], "%.2f", v->cost.avg_bits);
	snprintf(c[2], sizeof c[2], "%.1f%%", 100 * v->cost.sparsity);
	snprintf(c[3], sizeof c[3], "%.2f", 100 * v->top1);
	snprintf(c[4], sizeof c[4], "%.2f", v->drop);
}

/* "sensitivity" and "uniform" over their groups of shown columns. */
static void front_groups(const struct table_col *c, const unsigned char *show)
{
	int w[2] = { 0, 0 };
	for (int g = 0; g < 2; g++) {
		int base = g ? PF_U : PF_S, k = 0;
		for (int i = base; i < base + 5; i++)
			if (show[i])
				w[g] += abs(c[i].width) + (k++ > 0);
	}
	printf("%-*s | %-*s | %s\n", abs(c[PF_TARGET].width), "", w[0], "sensitivity", "uniform");
}

static int run_pareto(const struct budget_opts *bo, struct engine *e, const struct source *src)
{
	double v[ALLOC_PARETO_MAX];
	int n = alloc_pareto_targets(&bo->target, engine_model(e), v);
	int json = bo->common->json;
	json_t *front = json_array();	/* --json: printed at the end */
	struct table_col cols[PF_N];
	unsigned char show[PF_N];
	int tw = (int)strlen("target"), width = table_text_width(bo->common->wide);
	char col[16];
	snprintf(col, sizeof col, "%s%%", engine_metric_label(e));
	for (int i = 0; i < n; i++) {	/* the target column as wide as its longest */
		struct alloc_target t = bo->target;
		char name[64];
		t.value = v[i];
		t.has_value = 1;
		int l = (int)strlen(alloc_target_text(&t, name, sizeof name));
		tw = l > tw ? l : tw;
	}
	front_cols(cols, tw, bo->target.knob, col);
	table_fit(cols, PF_N, width, show);
	if (!json) {
		char *head = xasprintf("front (knob %s, %s, %d images, measured)", alloc_knob_name(bo->target.knob),
		    src->what, engine_baseline(e)->done);
		table_wrap(stdout, head, width, 2);
		free(head);
		front_groups(cols, show);
		table_line(stdout, cols, PF_N, show, NULL);
	}
	for (int i = 0; i < n && !interrupt_signal; i++) {
		struct alloc_target t = bo->target;
		struct evaluated s, u;
		char name[64];
		t.value = v[i];
		t.has_value = 1;
		evaluate(e, src, &t, 0, &s);
		evaluate(e, src, &t, 1, &u);
		alloc_target_text(&t, name, sizeof name);
		if (json) {
			json_array_append_new(front, json_pack("{s:s, s:o, s:o}", "target", name, "sensitivity",
			    evaluated_json(&s), "uniform", evaluated_json(&u)));
		} else {
			char c[PF_N][64];
			const char *cells[PF_N];
			snprintf(c[PF_TARGET], sizeof c[0], "%s", name);
			snprintf(c[PF_BAR1], sizeof c[0], "|");
			snprintf(c[PF_BAR2], sizeof c[0], "|");
			front_cells(&s, &c[PF_S]);
			front_cells(&u, &c[PF_U]);
			for (int k = 0; k < PF_N; k++)
				cells[k] = c[k];
			table_line(stdout, cols, PF_N, show, cells);
			fflush(stdout);
		}
		evaluated_free(&s);
		evaluated_free(&u);
	}
	if (!json)
		table_note_left_out(stdout, cols, PF_N, show, width);
	if (json) {	/* an interrupted front still shows the targets it measured */
		json_t *root = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "knob", alloc_knob_name(bo->target.knob),
		    "source", src->what, "metric", engine_metric(e), "images", engine_baseline(e)->done, "baseline_top1",
		    table_json_real(progress_top1(engine_baseline(e))), "front", front);
		table_json_write(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(root);
	} else {
		json_decref(front);
	}
	return interrupt_signal ? interrupt_exit_status() : EXIT_OK;
}

enum cmd_budget_code { CMD_BUDGET_RANK = OPTIONS_OWN, CMD_BUDGET_KNOB, CMD_BUDGET_PARETO };

static const struct options_spec cmd_budget_options[] = {
	{ "target", 'T', OPTIONS_VALUE },
	{ "from", 'f', OPTIONS_VALUE },
	{ "criterion", 'C', OPTIONS_VALUE },
	{ "rank", CMD_BUDGET_RANK, OPTIONS_VALUE },
	{ "knob", CMD_BUDGET_KNOB, OPTIONS_VALUE },
	{ "output", 'o', OPTIONS_VALUE },
	{ "pareto", CMD_BUDGET_PARETO, OPTIONS_FLAG },
	{ "samples", 'S', OPTIONS_VALUE },
	{ NULL, 0, OPTIONS_FLAG },
};

static void cmd_budget_init(void *state)
{
	criteria_opts_init(&((struct cmd_budget *)state)->bo.copt);
}

static int cmd_budget_option(void *state, int code, const char *arg)
{
	struct budget_opts *bo = &((struct cmd_budget *)state)->bo;
	char *cause = NULL;
	long v;
	switch (code) {
	case 'T':
		if (alloc_target_parse(arg, &bo->target, &cause) != 0) {
			cmd_fail(cause);
			return -1;
		}
		bo->have_target = 1;
		return 0;
	case 'f': bo->from = arg; return 0;
	case 'C':
		if (criterion_from_name(arg, &bo->crit) != 0) {
			fprintf(stderr, "safer: --criterion: unknown criterion '%s'\n", arg);
			return -1;
		}
		bo->have_crit = 1;
		return 0;
	case CMD_BUDGET_RANK: bo->rank = arg; return 0;
	case CMD_BUDGET_KNOB:
		if (strcmp(arg, "quant") != 0 && strcmp(arg, "prune") != 0) {
			fprintf(stderr, "safer: --knob: '%s' is not quant or prune\n", arg);
			return -1;
		}
		bo->knob_set = strcmp(arg, "quant") == 0 ? 1 : 2;
		return 0;
	case 'o': bo->output = arg; return 0;
	case CMD_BUDGET_PARETO: bo->pareto = 1; return 0;
	case 'S':
		if (parse_count("samples", arg, 1, 1 << 24, &v) != 0)
			return -1;
		bo->copt.samples = (int)v;
		return 0;
	default:	/* not in cmd_budget_options */
		return -1;
	}
}

/* Option combinations that cannot work; message printed. */
static int budget_check(struct budget_opts *bo)
{
	const char *why = NULL;
	if (!bo->have_target)
		why = "give --target KIND=VALUE (bits=4, sparsity=0.6, size=200KB or drop=1.0)";
	else if (!bo->target.has_value && !bo->pareto)
		why = "--target needs a value (KIND=VALUE) unless --pareto";
	else if (bo->from != NULL && bo->have_crit)
		why = "give one of --from SCAN and --criterion NAME, not both";
	else if (bo->rank && !bo->have_crit)
		why = "--rank goes with --criterion NAME";
	else if (bo->pareto && bo->output)
		why = "--pareto prints a front; -o writes the budget of one target";
	else if (bo->knob_set && (bo->target.kind == TARGET_BITS || bo->target.kind == TARGET_SPARSITY))
		why = "--knob applies to size and drop targets (bits is quant, sparsity is prune)";
	if (why) {
		fprintf(stderr, "safer: budget: %s\n", why);
		return -1;
	}
	if (bo->knob_set)
		bo->target.knob = bo->knob_set == 1 ? KNOB_QUANT : KNOB_PRUNE;
	return 0;
}

static int cmd_budget_exec(void *state, struct setup_opts *common)
{
	struct cmd_budget *c = state;
	struct budget_opts *bo = &c->bo;
	char *cause = NULL;
	bo->common = common;
	if (budget_check(bo) != 0)
		return EXIT_BAD_INPUT;
	if (setup_opts_finish(common, &cause) != 0)
		return cmd_fail(cause);
	interrupt_install();
	c->e = setup_load_engine(common, &c->d, &cause);
	if (c->e == NULL)
		return cmd_fail(cause);
	int rc = bo->from ? source_from_scan(bo, engine_model(c->e), &c->src, &cause)
	    : bo->have_crit ? source_from_criterion(bo, engine_model(c->e), &c->d, &c->src, &cause)
	    : source_from_measuring(bo, c->e, &c->d, &c->src, &cause);
	if (rc != 0 && interrupt_signal) {
		free(cause);
		return interrupt_exit_status();
	}
	if (rc != 0)
		return cmd_fail(cause);
	return bo->pareto ? run_pareto(bo, c->e, &c->src) : run_single(c);
}

static void cmd_budget_free(void *state)
{
	struct cmd_budget *c = state;
	evaluated_free(&c->sens);
	evaluated_free(&c->uniform);
	source_free(&c->src);
	engine_free(c->e);
	dataset_free(&c->d);
}

const struct cmd_entry cmd_budget_entry = {
	.name = "budget",
	.args = "[model/data options] --target KIND=VALUE [--from SCAN | --criterion NAME]\n"
	    "[-o BUDGET] [--knob quant|prune] [--pareto]",
	.summary = "automatic per-layer budget for a target, against uniform",
	.help = budget_help,
	.options = cmd_budget_options,
	.common = 1,
	.size = sizeof(struct cmd_budget),
	.init = cmd_budget_init,
	.option = cmd_budget_option,
	.exec = cmd_budget_exec,
	.free = cmd_budget_free,
};
