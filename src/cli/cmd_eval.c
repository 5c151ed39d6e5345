/* cmd_eval.c - `safer eval`: top-1 / top-k of a network on a data set. */
#include "core/budget.h"
#include "cli/cmd.h"
#include "cli/eval_det.h"
#include "core/format.h"
#include "engine/engine.h"
#include "cli/options.h"
#include "core/stats.h"
#include "core/util.h"
#include "formats/table.h"

#include <math.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char eval_help[] =
"Top-1 and top-k accuracy with 95% Wilson intervals, images evaluated and\n"
"images per second.  Without data options: the Fashion-MNIST test set.\n"
"With --budget, the whole budget is applied at once and the report adds its\n"
"drop against the unperturbed network (paired 95% interval), storage size,\n"
"compression ratio, MACs and bit operations.\n"
"A detector reports mAP@.5 (COCO's 101-point interpolation, or VOC's with\n"
"--voc), mAP@[.5:.95] and per-class AP on the boxes `darknet detector valid`\n"
"computes, with 95% intervals from a paired bootstrap over images; with\n"
"--budget also the agreement (F1, mean IoU) with the unperturbed boxes.\n\n"
"  -b, --budget FILE     evaluate the network with this budget applied\n"
"      --results DIR     detectors: write the boxes as darknet detector valid\n"
"                        does, DIR/comp4_det_test_<class>.txt\n"
"      --stock           run Darknet's own layer code instead of safer's kernels\n"
"                        (slower; for comparisons with Darknet's output files)\n\n"
COMMON_HELP;

struct eval_report {
	double top1, lo, hi, topk, klo, khi, seconds;
	double decode_seconds, infer_seconds;	/* summed over workers */
	long images, labelled;
	int k;
	/* with a budget */
	int budget;
	double base_top1, drop, drop_lo, drop_hi, agree, kl;
	struct budget_cost cost;
};

static void report_fill(const struct engine_progress *p, int k, struct eval_report *r)
{
	r->images = p->done;
	r->labelled = p->labelled;
	r->top1 = progress_top1(p);
	r->topk = progress_topk(p);
	stats_wilson(p->correct, p->labelled, &r->lo, &r->hi);
	stats_wilson(p->topk_correct, p->labelled, &r->klo, &r->khi);
	r->k = k;
	r->seconds = p->seconds;
	r->decode_seconds = p->decode_seconds;
	r->infer_seconds = p->infer_seconds;
}

/* Where the time went: decoding at load (wall clock and CPU), then in the
 * pass decoding again and inference (CPU seconds summed over the workers:
 * comparable whatever else the machine runs). */
static void time_json(json_t *root, const struct dataset *d, const struct eval_report *r)
{
	json_object_set_new(root, "load_seconds", json_real(d->load_seconds));
	json_object_set_new(root, "load_cpu_seconds", json_real(d->load_cpu_seconds));
	json_object_set_new(root, "decode_seconds", json_real(r->decode_seconds));
	json_object_set_new(root, "infer_seconds", json_real(r->infer_seconds));
	json_object_set_new(root, "cached_images", json_integer(dataset_cached(d)));
}

/* [lo, hi], or null where nothing was measured (unlabeled data: json_pack
 * would fail on NaN and print nothing at all). */
static json_t *interval(int defined, double lo, double hi)
{
	return defined ? json_pack("[ff]", lo, hi) : json_null();
}

static void print_json(const struct setup_opts *o, const struct dataset *d, const struct eval_report *r, int threads)
{
	int lab = r->labelled > 0;	/* unlabeled: accuracies and drops are null */
	json_t *root = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:I, s:I, s:i, s:f, s:f, s:i}",
	    "cfg", table_json_string(o->cfg), "weights", table_json_string(o->weights), "data", table_json_string(d->source),
	    "top1", table_json_real(r->top1), "ci95", interval(lab, r->lo, r->hi), "topk", table_json_real(r->topk),
	    "topk_ci95", interval(lab, r->klo, r->khi),
	    "k", r->k, "images", (json_int_t)r->images, "labelled", (json_int_t)r->labelled,
	    "skipped", d->skipped, "seconds", r->seconds,
	    "images_per_s", r->seconds > 0 ? r->images / r->seconds : 0.0, "threads", threads);
	time_json(root, d, r);
	if (r->budget) {
		json_object_set_new(root, "baseline_top1", table_json_real(r->base_top1));
		json_object_set_new(root, "drop", table_json_real(r->drop));
		json_object_set_new(root, "drop_ci95", interval(lab, r->drop_lo, r->drop_hi));
		json_object_set_new(root, "agree", table_json_real(r->agree));
		json_object_set_new(root, "kl", table_json_real(r->kl));
		json_object_set_new(root, "size_bytes", json_real(r->cost.bytes));
		json_object_set_new(root, "float_bytes", json_real(r->cost.float_bytes));
		json_object_set_new(root, "compression", json_real(r->cost.ratio));
		json_object_set_new(root, "macs", json_integer((json_int_t)r->cost.macs));
		json_object_set_new(root, "effective_macs", json_real(r->cost.effective_macs));
		json_object_set_new(root, "bops", json_real(r->cost.bops));
		json_object_set_new(root, "avg_bits", json_real(r->cost.avg_bits));
		json_object_set_new(root, "sparsity", json_real(r->cost.sparsity));
	}
	table_json_write(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
}

static void print_budget(const struct eval_report *r)
{
	char a[32], b[32], c[32], d[32];
	if (r->labelled > 0)
		printf("budget  baseline %.2f%%, drop %.2f points, 95%% CI [%.2f, %.2f], agreement %.2f%%\n",
		    100 * r->base_top1, r->drop, r->drop_lo, r->drop_hi, 100 * r->agree);
	else
		printf("budget  drop n/a (unlabeled data), agreement %.2f%%\n", 100 * r->agree);
	printf("size    %s (float32 %s), %.2fx smaller; %.2f bits per weight, %.1f%% sparse\n",
	    fmt_bytes(r->cost.bytes, a, sizeof a), fmt_bytes(r->cost.float_bytes, b, sizeof b), r->cost.ratio,
	    r->cost.avg_bits, 100 * r->cost.sparsity);
	printf("compute %s MACs per image (%s after pruning), %s BOPs (float32 %s)\n",
	    fmt_si((double)r->cost.macs, c, sizeof c), fmt_si(r->cost.effective_macs, d, sizeof d),
	    fmt_si(r->cost.bops, a, sizeof a), fmt_si(r->cost.float_bops, b, sizeof b));
}

static void print_text(const struct setup_opts *o, const struct dataset *d, const struct eval_report *r, int threads)
{
	int width = table_text_width(o->wide);	/* long paths: the lines wrapped to it */
	char *line = xasprintf("model   %s with %s", o->cfg, o->weights);
	table_wrap(stdout, line, width, 8);
	free(line);
	line = xasprintf("data    %s: %ld images, %d classes%s", d->source, r->images, d->classes,
	    d->skipped ? " (some skipped)" : "");
	table_wrap(stdout, line, width, 8);
	free(line);
	if (r->labelled > 0) {
		printf("top-1   %.2f%%  95%% CI [%.2f, %.2f]\n", 100 * r->top1, 100 * r->lo, 100 * r->hi);
		printf("top-%d   %.2f%%  95%% CI [%.2f, %.2f]\n", r->k, 100 * r->topk, 100 * r->klo, 100 * r->khi);
	} else {
		printf("top-1   n/a (unlabeled data)\n");
	}
	printf("speed   %.0f images/s (%.3f s, %d thread%s)\n", r->seconds > 0 ? r->images / r->seconds : 0,
	    r->seconds, threads, threads == 1 ? "" : "s");
	if (o->verbose)
		printf("time    load %.3f s, %.3f CPU s (decoding %d images, %d kept in memory); "
		    "pass: decode %.3f CPU s, inference %.3f CPU s\n", d->load_seconds, d->load_cpu_seconds,
		    d->count + d->skipped, dataset_cached(d), r->decode_seconds, r->infer_seconds);
	if (r->budget)
		print_budget(r);
}

/* The whole budget at once, exact mode, compared image by image with the baseline. */
static int eval_budget(struct engine *e, const char *path, int k, struct eval_report *rep,
    struct engine_progress *out, char **cause)
{
	struct budget b;
	if (budget_load(path, engine_model(e), &b, cause) != 0)
		return -1;
	struct job_item *items = NULL;
	int n = budget_items(&b, &items);
	struct engine_job job = { .nitems = n, .items = items };
	struct engine_progress p;
	int rc = engine_run(e, &job, &p, &interrupt_signal, cause);
	*out = p;
	if (rc == 0 && !p.finished) {
		*cause = xstrdup("interrupted");
		rc = 1;
	}
	if (rc == 0) {
		report_fill(&p, k, rep);
		rep->budget = 1;
		rep->base_top1 = progress_top1(engine_baseline(e));
		progress_drop(&p, &rep->drop, &rep->drop_lo, &rep->drop_hi);
		if (p.labelled == 0)	/* no labels, no drop (as in a scan row) */
			rep->drop = rep->drop_lo = rep->drop_hi = NAN;
		rep->agree = progress_agree(&p);
		rep->kl = progress_kl(&p);
		budget_cost(&b, engine_model(e), &rep->cost);
	}
	free(items);
	budget_free(&b);
	return rc;
}

struct cmd_eval {
	const char *budget_path;
	const char *results_dir;
	int stock;
	struct engine *e;	/* owned */
	struct dataset d;	/* owned */
};

enum cmd_eval_code { CMD_EVAL_RESULTS = OPTIONS_OWN, CMD_EVAL_STOCK };

static const struct options_spec cmd_eval_options[] = {
	{ "budget", 'b', OPTIONS_VALUE },
	{ "results", CMD_EVAL_RESULTS, OPTIONS_VALUE },
	{ "stock", CMD_EVAL_STOCK, OPTIONS_FLAG },
	{ NULL, 0, OPTIONS_FLAG },
};

static int cmd_eval_option(void *state, int code, const char *arg)
{
	struct cmd_eval *s = state;
	if (code == CMD_EVAL_RESULTS)
		s->results_dir = arg;
	else if (code == CMD_EVAL_STOCK)
		s->stock = 1;
	else
		s->budget_path = arg;
	return 0;
}

static int cmd_eval_exec(void *state, struct setup_opts *o)
{
	struct cmd_eval *s = state;
	char *cause = NULL;
	if (setup_opts_finish(o, &cause) != 0)
		return cmd_fail(cause);
	if (s->budget_path == NULL)
		o->cache_mb = 0;	/* only a perturbed run reads the prefix cache */
	o->det_keep = s->results_dir != NULL;
	o->stock = s->stock;
	o->det_rounds = 1000;	/* a report: intervals worth their time */
	s->e = setup_load_engine(o, &s->d, &cause);
	if (s->e == NULL)
		return cmd_fail(cause);
	if (s->results_dir && !engine_detector(s->e))
		return cmd_fail(xasprintf("--results %s: only a detector writes results files", s->results_dir));
	struct eval_report rep;
	memset(&rep, 0, sizeof rep);
	report_fill(engine_baseline(s->e), s->d.topk, &rep);
	struct engine_progress p = *engine_baseline(s->e);
	if (s->budget_path) {
		interrupt_install();
		int br = eval_budget(s->e, s->budget_path, s->d.topk, &rep, &p, &cause);
		if (br > 0) {
			free(cause);
			return interrupt_exit_status();
		}
		if (br < 0)
			return cmd_fail(cause);
	}
	if (engine_detector(s->e)) {
		int rc = eval_det_report(o, &s->d, s->e, &p, s->budget_path, s->results_dir, &cause);
		return rc == 0 ? EXIT_OK : cmd_fail_status(rc, cause);
	}
	if (o->json)
		print_json(o, &s->d, &rep, engine_threads(s->e));
	else
		print_text(o, &s->d, &rep, engine_threads(s->e));
	return EXIT_OK;
}

static void cmd_eval_free(void *state)
{
	struct cmd_eval *s = state;
	engine_free(s->e);
	dataset_free(&s->d);
}

const struct cmd_entry cmd_eval_entry = {
	.name = "eval",
	.args = "[-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--limit N]\n[--budget FILE] [--json]",
	.summary = "top-1/top-k accuracy with 95% intervals",
	.help = eval_help,
	.options = cmd_eval_options,
	.common = 1,
	.size = sizeof(struct cmd_eval),
	.option = cmd_eval_option,
	.exec = cmd_eval_exec,
	.free = cmd_eval_free,
};
