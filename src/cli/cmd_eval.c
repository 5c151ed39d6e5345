/* cmd_eval.c - `safer eval`: top-1 / top-k of a network on a data set. */
#include "core/budget.h"
#include "cli/cmd.h"
#include "core/format.h"
#include "engine/engine.h"
#include "cli/options.h"
#include "core/stats.h"
#include "core/util.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char eval_help[] =
"Usage: safer eval [-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--limit N]\n"
"                  [--budget FILE] [--json]\n"
"Top-1 and top-k accuracy with 95% Wilson intervals, images evaluated and\n"
"images per second.  Without data options: the Fashion-MNIST test set.\n"
"With --budget, the whole budget is applied at once and the report adds its\n"
"drop against the unperturbed network (paired 95% interval), storage size,\n"
"compression ratio, MACs and bit operations.\n\n"
"  -b, --budget FILE     evaluate the network with this budget applied\n\n"
COMMON_HELP;

struct eval_report {
	double top1, lo, hi, topk, klo, khi, seconds;
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
}

static void print_json(const struct setup_opts *o, const struct dataset *d, const struct eval_report *r, int threads)
{
	json_t *root = json_pack("{s:s, s:s, s:s, s:f, s:[ff], s:f, s:[ff], s:i, s:I, s:I, s:i, s:f, s:f, s:i}",
	    "cfg", o->cfg, "weights", o->weights, "data", d->source,
	    "top1", r->top1, "ci95", r->lo, r->hi, "topk", r->topk, "topk_ci95", r->klo, r->khi,
	    "k", r->k, "images", (json_int_t)r->images, "labelled", (json_int_t)r->labelled,
	    "skipped", d->skipped, "seconds", r->seconds,
	    "images_per_s", r->seconds > 0 ? r->images / r->seconds : 0.0, "threads", threads);
	if (r->budget) {
		json_object_set_new(root, "baseline_top1", json_real(r->base_top1));
		json_object_set_new(root, "drop", json_real(r->drop));
		json_object_set_new(root, "drop_ci95", json_pack("[ff]", r->drop_lo, r->drop_hi));
		json_object_set_new(root, "agree", json_real(r->agree));
		json_object_set_new(root, "kl", json_real(r->kl));
		json_object_set_new(root, "size_bytes", json_real(r->cost.bytes));
		json_object_set_new(root, "float_bytes", json_real(r->cost.float_bytes));
		json_object_set_new(root, "compression", json_real(r->cost.ratio));
		json_object_set_new(root, "macs", json_integer((json_int_t)r->cost.macs));
		json_object_set_new(root, "effective_macs", json_real(r->cost.effective_macs));
		json_object_set_new(root, "bops", json_real(r->cost.bops));
		json_object_set_new(root, "avg_bits", json_real(r->cost.avg_bits));
		json_object_set_new(root, "sparsity", json_real(r->cost.sparsity));
	}
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(root);
}

static void print_budget(const struct eval_report *r)
{
	char a[32], b[32], c[32], d[32];
	printf("budget  baseline %.2f%%, drop %.2f points, 95%% CI [%.2f, %.2f], agreement %.2f%%\n",
	    100 * r->base_top1, r->drop, r->drop_lo, r->drop_hi, 100 * r->agree);
	printf("size    %s (float32 %s), %.2fx smaller; %.2f bits per weight, %.1f%% sparse\n",
	    fmt_bytes(r->cost.bytes, a, sizeof a), fmt_bytes(r->cost.float_bytes, b, sizeof b), r->cost.ratio,
	    r->cost.avg_bits, 100 * r->cost.sparsity);
	printf("compute %s MACs per image (%s after pruning), %s BOPs (float32 %s)\n",
	    fmt_si((double)r->cost.macs, c, sizeof c), fmt_si(r->cost.effective_macs, d, sizeof d),
	    fmt_si(r->cost.bops, a, sizeof a), fmt_si(r->cost.float_bops, b, sizeof b));
}

static void print_text(const struct setup_opts *o, const struct dataset *d, const struct eval_report *r, int threads)
{
	printf("model   %s with %s\n", o->cfg, o->weights);
	printf("data    %s: %ld images, %d classes%s\n", d->source, r->images, d->classes,
	    d->skipped ? " (some skipped)" : "");
	if (r->labelled > 0) {
		printf("top-1   %.2f%%  95%% CI [%.2f, %.2f]\n", 100 * r->top1, 100 * r->lo, 100 * r->hi);
		printf("top-%d   %.2f%%  95%% CI [%.2f, %.2f]\n", r->k, 100 * r->topk, 100 * r->klo, 100 * r->khi);
	} else {
		printf("top-1   n/a (unlabeled data)\n");
	}
	printf("speed   %.0f images/s (%.3f s, %d thread%s)\n", r->seconds > 0 ? r->images / r->seconds : 0,
	    r->seconds, threads, threads == 1 ? "" : "s");
	if (r->budget)
		print_budget(r);
}

/* The whole budget at once, exact mode, compared image by image with the baseline. */
static int eval_budget(struct engine *e, const char *path, int k, struct eval_report *rep, char **cause)
{
	struct budget b;
	if (budget_load(path, engine_model(e), &b, cause) != 0)
		return -1;
	struct job_item *items = NULL;
	int n = budget_items(&b, &items);
	struct engine_job job = { .nitems = n, .items = items };
	struct engine_progress p;
	int rc = engine_run(e, &job, &p, &interrupt_signal, cause);
	if (rc == 0 && !p.finished) {
		*cause = xstrdup("interrupted");
		rc = 1;
	}
	if (rc == 0) {
		report_fill(&p, k, rep);
		rep->budget = 1;
		rep->base_top1 = progress_top1(engine_baseline(e));
		progress_drop(&p, &rep->drop, &rep->drop_lo, &rep->drop_hi);
		rep->agree = progress_agree(&p);
		rep->kl = progress_kl(&p);
		budget_cost(&b, engine_model(e), &rep->cost);
	}
	free(items);
	budget_free(&b);
	return rc;
}

static int eval_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "budget", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct setup_opts o;
	setup_opts_init(&o);
	const char *budget_path = NULL;
	int c, r;
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "b:h", longopts, NULL)) != -1) {
		if ((r = options_handle_common(&o, c, optarg, argc, argv)) == 1)
			continue;
		if (r == 0 && c == 'b') {
			budget_path = optarg;
			continue;
		}
		if (r == 0 && c == 'h') {
			fputs(eval_help, stdout);
			return EXIT_OK;
		}
		if (r == 0)
			fprintf(stderr, "Try 'safer eval --help'.\n");
		return EXIT_BAD_INPUT;
	}
	if (optind < argc) {
		fprintf(stderr, "safer: eval: unexpected argument '%s'\n", argv[optind]);
		return EXIT_BAD_INPUT;
	}
	char *cause = NULL;
	struct dataset d;
	if (setup_opts_finish(&o, &cause) != 0) {
		setup_opts_free(&o);
		return cmd_fail(cause);
	}
	struct engine *e = setup_load_engine(&o, &d, &cause);
	if (e == NULL) {
		setup_opts_free(&o);
		return cmd_fail(cause);
	}
	struct eval_report rep;
	memset(&rep, 0, sizeof rep);
	report_fill(engine_baseline(e), d.topk, &rep);
	int status = EXIT_OK;
	if (budget_path) {
		interrupt_install();
		int br = eval_budget(e, budget_path, d.topk, &rep, &cause);
		if (br != 0) {
			status = br > 0 ? interrupt_exit_status() : cmd_fail(cause);
			if (br > 0)
				free(cause);
			goto out;
		}
	}
	if (o.json)
		print_json(&o, &d, &rep, engine_threads(e));
	else
		print_text(&o, &d, &rep, engine_threads(e));
out:
	engine_free(e);
	dataset_free(&d);
	setup_opts_free(&o);
	return status;
}

const struct cmd_entry cmd_eval_entry = {
	"eval", "[-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--json]",
	"top-1/top-k accuracy with 95% intervals", eval_exec,
};
