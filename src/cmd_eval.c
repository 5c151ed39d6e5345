/* cmd_eval.c - `safer eval`: top-1 / top-k of a network on a data set. */
#include "cmd.h"
#include "engine.h"
#include "options.h"
#include "stats.h"
#include "util.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static const char eval_help[] =
"Usage: safer eval [-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--limit N] [--json]\n"
"Top-1 and top-k accuracy with 95% Wilson intervals, images evaluated and\n"
"images per second.  Without data options: the Fashion-MNIST test set.\n\n"
COMMON_HELP;

struct eval_report {
	double top1, lo, hi, topk, klo, khi, seconds;
	long images, labelled;
	int k;
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

static void print_json(const struct common_opts *o, const struct dataset *d, const struct eval_report *r, int threads)
{
	json_t *root = json_pack("{s:s, s:s, s:s, s:f, s:[ff], s:f, s:[ff], s:i, s:I, s:I, s:i, s:f, s:f, s:i}",
	    "cfg", o->cfg, "weights", o->weights, "data", d->source,
	    "top1", r->top1, "ci95", r->lo, r->hi, "topk", r->topk, "topk_ci95", r->klo, r->khi,
	    "k", r->k, "images", (json_int_t)r->images, "labelled", (json_int_t)r->labelled,
	    "skipped", d->skipped, "seconds", r->seconds,
	    "images_per_s", r->seconds > 0 ? r->images / r->seconds : 0.0, "threads", threads);
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(root);
}

static void print_text(const struct common_opts *o, const struct dataset *d, const struct eval_report *r, int threads)
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
}

static int eval_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct common_opts o;
	common_opts_init(&o);
	int c, r;
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "h", longopts, NULL)) != -1) {
		if ((r = common_opts_handle(&o, c, optarg, argc, argv)) == 1)
			continue;
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
	if (common_opts_finish(&o, &cause) != 0) {
		common_opts_free(&o);
		return cmd_fail(cause);
	}
	struct engine *e = common_load_engine(&o, &d, &cause);
	if (e == NULL) {
		common_opts_free(&o);
		return cmd_fail(cause);
	}
	struct eval_report rep;
	report_fill(engine_baseline(e), d.topk, &rep);
	if (o.json)
		print_json(&o, &d, &rep, engine_threads(e));
	else
		print_text(&o, &d, &rep, engine_threads(e));
	engine_free(e);
	dataset_free(&d);
	common_opts_free(&o);
	return EXIT_OK;
}

const struct cmd_entry cmd_eval_entry = {
	"eval", "[-c CFG -w WEIGHTS] [-d DATA | --idx IMAGES LABELS] [--json]",
	"top-1/top-k accuracy with 95% intervals", eval_exec,
};
