/* cmd_rank.c - `safer rank`: score every weight layer by cheap importance
 * criteria instead of a full perturbation sweep. */
#include "config.h"
#include "backend/backend.h"
#include "formats/cfgcheck.h"
#include "cli/cmd.h"
#include "engine/criteria.h"
#include "cli/options.h"
#include "formats/rank_file.h"
#include "formats/table.h"
#include "core/progress.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The columns a rank file gets without --criterion, in their order; l2 brings
 * l2pp along in any case, so the list names both. */
#define RANK_DEFAULT_CRITERIA "magnitude,l2,l2pp,params,macs,grad,taylor,fisher"

static const char rank_help[] =
"Scores every weight layer by importance criteria; rank 1 = highest score =\n"
"most important.  Criteria (all: every one; l2 comes with l2pp):\n"
"  magnitude  mean |w|               l2, l2pp  ||w||_2 and ||w||_2/sqrt(n)\n"
"  params     stored parameters      macs      multiply-accumulates per image\n"
"  grad       mean over mini-batches of ||dL/dw||\n"
"  taylor     mean over mini-batches of sum |w dL/dw|\n"
"  fisher     mean over mini-batches of sum (dL/dw)^2\n"
"  hessian    Hessian trace (Hutchinson, finite-difference Hessian-vector products)\n"
"  ig         sum |integrated gradients| on the path 0 -> w of the layer\n"
"  quick      measured top-1 drop of --quick-spec on the --samples images\n"
"Gradients: Darknet's backward pass, training mode, true labels, dropout off.\n\n"
"  -C, --criterion LIST  criteria (default " RANK_DEFAULT_CRITERIA ")\n"
"  -S, --samples N       images for gradients and quick (default 512)\n"
"  -o, --output FILE     CSV (.csv) or JSON (.json), written atomically\n"
"      --quick-spec SPEC perturbation of quick (default prune:0.5)\n"
"      --probes P        Hutchinson probes per layer (default 4)\n"
"      --ig-steps S      integrated-gradient steps (default 8)\n"
"      --grad-batch B    images per gradient pass, 1..32 (default 32)\n"
"      --hvp-eps E       Hessian finite-difference step, relative to the layer's\n"
"                        RMS weight (default 0.1)\n"
"  -s, --seed S          seed of probes and stochastic quick specs (default 1)\n\n"
COMMON_HELP;

/* The criteria's stages, each counted on its own: in place on a terminal,
 * else a plain line every few seconds (core/progress.h). */
struct rank_progress {
	struct progress p;
	const char *stage;	/* borrowed from criteria_compute */
	char what[48];		/* "rank: gradients" */
};

static void show_progress(const char *what, int done, int total, void *ctx)
{
	struct rank_progress *rp = ctx;
	if (rp->stage == NULL || strcmp(rp->stage, what) != 0) {
		double t0 = rp->stage ? rp->p.t0 : now_seconds();
		rp->stage = what;
		snprintf(rp->what, sizeof rp->what, "rank: %s", what);
		progress_start(&rp->p, rp->what, strcmp(what, "gradients") == 0 ? "batches" : "layers", 0, rp->p.quiet);
		rp->p.t0 = t0;	/* elapsed since rank started */
	}
	if (!progress_update(&rp->p, done, total))
		return;
	fprintf(stderr, "\r%-22s %4d/%-4d", what, done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The data set, sized for --samples when --limit does not say otherwise. */
static int load_data(struct setup_opts *o, int samples, struct dataset *d, char **cause)
{
	struct cfg_info info;
	if (cfgcheck_file_at(o->cfg, 1, &info, cause) != 0)
		return -1;
	struct shape in = { info.w, info.h, info.c };
	int detector = info.detector;
	cfg_info_free(&info);
	if (o->limit == 0)
		o->limit = samples;
	return setup_load_data(o, in, detector, d, cause);
}

static int model_checksum_hex(const char *cfg, const char *weights, char **hex, char **cause)
{
	struct backend_net *net = backend_load(cfg, weights, 1, cause);
	if (net == NULL)
		return -1;
	*hex = hash_hex(model_checksum(backend_model(net)));
	backend_free(net);
	return 0;
}

struct cmd_rank {
	struct criteria_opts copt;
	struct rank_progress progress;
	int mask_given;		/* else RANK_DEFAULT_CRITERIA */
	const char *output;
	struct dataset d;	/* owned */
	struct rank_file rf;	/* owned */
};

static int rank_run(struct cmd_rank *s, struct setup_opts *co)
{
	const struct criteria_opts *copt = &s->copt;
	char *cause = NULL;
	if (load_data(co, copt->samples, &s->d, &cause) != 0)
		return cmd_fail(cause);
	if (model_checksum_hex(co->cfg, co->weights, &s->rf.header.weights_checksum, &cause) != 0)
		return cmd_fail(cause);
	double t0 = now_seconds();
	int rc = criteria_compute(co->cfg, co->weights, &s->d, copt, &s->rf.table, &cause);
	if (rc > 0)
		return interrupt_exit_status();
	if (rc < 0)
		return cmd_fail(cause);
	struct rank_header *h = &s->rf.header;
	char spec[64];
	snprintf(spec, sizeof spec, "%s:%g", perturb_kind_name(copt->quick.kind), copt->quick.level);
	h->version = xstrdup(PACKAGE_VERSION);
	h->cfg = xstrdup(co->cfg);
	h->weights = xstrdup(co->weights);
	h->data = xstrdup(s->d.source);
	h->data_checksum = hash_hex(s->d.checksum);
	h->quick = xstrdup(spec);
	/* the loss grad, taylor, fisher, hessian and ig differentiate
	 * (engine/criteria: Darknet's own cost of the network's last layer) */
	h->loss = xstrdup(s->d.detection ? "darknet detection loss ([yolo]/[region] training cost against the boxes)"
	    : "softmax cross-entropy against the labels");
	h->samples = copt->samples < s->d.count ? copt->samples : s->d.count;
	h->batch = copt->batch > 0 ? copt->batch : h->samples < 32 ? (int)h->samples : 32;
	h->probes = copt->probes;
	h->ig_steps = copt->ig_steps;
	h->hvp_eps = copt->hvp_eps;
	h->seed = copt->seed;
	if (s->output) {
		int wr = rank_file_write(s->output, &s->rf, &cause);
		if (wr != 0)
			return cmd_fail_status(wr, cause);
		fprintf(stderr, "safer: %d layers x %d criteria in %s (%.1f s)\n", s->rf.table.n, s->rf.table.ncols,
		    s->output, now_seconds() - t0);
	} else if (co->json) {
		rank_file_dump(stdout, &s->rf, 1);
	} else {
		rank_print_table(stdout, &s->rf, table_text_width(co->wide));
	}
	return EXIT_OK;
}

enum cmd_rank_code {
	CMD_RANK_QUICK_SPEC = OPTIONS_OWN, CMD_RANK_PROBES, CMD_RANK_IG_STEPS, CMD_RANK_GRAD_BATCH, CMD_RANK_HVP_EPS
};

static const struct options_spec cmd_rank_options[] = {
	{ "criterion", 'C', OPTIONS_VALUE },
	{ "samples", 'S', OPTIONS_VALUE },
	{ "output", 'o', OPTIONS_VALUE },
	{ "quick-spec", CMD_RANK_QUICK_SPEC, OPTIONS_VALUE },
	{ "probes", CMD_RANK_PROBES, OPTIONS_VALUE },
	{ "ig-steps", CMD_RANK_IG_STEPS, OPTIONS_VALUE },
	{ "grad-batch", CMD_RANK_GRAD_BATCH, OPTIONS_VALUE },
	{ "hvp-eps", CMD_RANK_HVP_EPS, OPTIONS_VALUE },
	{ "seed", 's', OPTIONS_VALUE },
	{ NULL, 0, OPTIONS_FLAG },
};

static void cmd_rank_init(void *state)
{
	criteria_opts_init(&((struct cmd_rank *)state)->copt);
}

static int cmd_rank_option(void *state, int code, const char *arg)
{
	struct cmd_rank *s = state;
	struct criteria_opts *copt = &s->copt;
	long v;
	char *cause = NULL;
	switch (code) {
	case 'C':
		if (criteria_parse(arg, &copt->mask, &cause) != 0) {
			cmd_fail(cause);
			return -1;
		}
		s->mask_given = 1;
		return 0;
	case 'S':
		if (parse_count("samples", arg, 1, 1 << 24, &v) != 0)
			return -1;
		copt->samples = (int)v;
		return 0;
	case 'o': s->output = arg; return 0;
	case CMD_RANK_QUICK_SPEC:
		if (perturb_parse(arg, &copt->quick, &cause) != 0) {
			fprintf(stderr, "safer: --quick-spec %s: %s\n", arg, cause);
			free(cause);
			return -1;
		}
		return 0;
	case CMD_RANK_PROBES:
		if (parse_count("probes", arg, 1, 1000, &v) != 0)
			return -1;
		copt->probes = (int)v;
		return 0;
	case CMD_RANK_IG_STEPS:
		if (parse_count("ig-steps", arg, 1, 1000, &v) != 0)
			return -1;
		copt->ig_steps = (int)v;
		return 0;
	case CMD_RANK_GRAD_BATCH:
		if (parse_count("grad-batch", arg, 1, 32, &v) != 0)
			return -1;
		copt->batch = (int)v;
		return 0;
	case CMD_RANK_HVP_EPS:
		return parse_real("hvp-eps", arg, 1e-6, 1, &copt->hvp_eps);
	case 's':
		if (parse_u64(arg, &copt->seed) != 0) {
			fprintf(stderr, "safer: --seed: '%s' is not a non-negative integer\n", arg);
			return -1;
		}
		return 0;
	default:	/* not in cmd_rank_options */
		return -1;
	}
}

static int cmd_rank_exec(void *state, struct setup_opts *co)
{
	struct cmd_rank *s = state;
	char *cause = NULL;
	if (!s->mask_given && criteria_parse(RANK_DEFAULT_CRITERIA, &s->copt.mask, &cause) != 0)
		return cmd_fail(cause);
	if (setup_opts_finish(co, &cause) != 0)
		return cmd_fail(cause);
	interrupt_install();
	s->copt.threads = co->threads;
	s->copt.interrupt = &interrupt_signal;
	s->progress.p.quiet = co->quiet;
	s->copt.progress = show_progress;
	s->copt.progress_ctx = &s->progress;
	return rank_run(s, co);
}

static void cmd_rank_free(void *state)
{
	struct cmd_rank *s = state;
	rank_file_free(&s->rf);
	dataset_free(&s->d);
}

const struct cmd_entry cmd_rank_entry = {
	.name = "rank",
	.args = "[model/data options] [--criterion NAME[,NAME...]] [--samples N]\n"
	    "[-o FILE] [--quick-spec KIND:LEVEL] [--probes P] [--ig-steps S]",
	.summary = "score layers by importance criteria (magnitude ... hessian, quick)",
	.help = rank_help,
	.options = cmd_rank_options,
	.common = 1,
	.size = sizeof(struct cmd_rank),
	.init = cmd_rank_init,
	.option = cmd_rank_option,
	.exec = cmd_rank_exec,
	.free = cmd_rank_free,
};
