/* cmd_rank.c - `safer rank`: score every weight layer by cheap importance
 * criteria instead of a full perturbation sweep. */
#include "config.h"
#include "backend/backend.h"
#include "formats/cfgcheck.h"
#include "cli/cmd.h"
#include "engine/criteria.h"
#include "cli/options.h"
#include "formats/rank_file.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RANK_DEFAULT_CRITERIA "magnitude,l2,params,macs,grad,taylor,fisher"

static const char rank_help[] =
"Usage: safer rank [model/data options] [--criterion NAME[,NAME...]] [--samples N]\n"
"                  [-o FILE] [--quick-spec KIND:LEVEL] [--probes P] [--ig-steps S]\n"
"Scores every weight layer by importance criteria; rank 1 = highest score =\n"
"most important.  Criteria (all: every one):\n"
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

static void show_progress(const char *what, int done, int total, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "\r%-22s %4d/%-4d", what, done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The data set, sized for --samples when --limit does not say otherwise. */
static int load_data(struct setup_opts *o, int samples, struct dataset *d, char **cause)
{
	struct cfg_info info;
	if (cfgcheck_file(o->cfg, &info, cause) != 0)
		return -1;
	struct shape in = { info.w, info.h, info.c };
	cfg_info_free(&info);
	if (o->limit == 0)
		o->limit = samples;
	return setup_load_data(o, in, d, cause);
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

static int rank_run(struct setup_opts *co, const struct criteria_opts *copt, const char *output)
{
	char *cause = NULL;
	struct dataset d;
	struct rank_file rf;
	memset(&rf, 0, sizeof rf);
	if (load_data(co, copt->samples, &d, &cause) != 0)
		return cmd_fail(cause);
	if (model_checksum_hex(co->cfg, co->weights, &rf.header.weights_checksum, &cause) != 0) {
		dataset_free(&d);
		return cmd_fail(cause);
	}
	double t0 = now_seconds();
	int rc = criteria_compute(co->cfg, co->weights, &d, copt, &rf.table, &cause), status = EXIT_OK;
	if (rc > 0) {
		status = interrupt_exit_status();
		goto out;
	}
	if (rc < 0) {
		status = cmd_fail(cause);
		goto out;
	}
	struct rank_header *h = &rf.header;
	char spec[64];
	snprintf(spec, sizeof spec, "%s:%g", perturb_kind_name(copt->quick.kind), copt->quick.level);
	h->version = xstrdup(PACKAGE_VERSION);
	h->cfg = xstrdup(co->cfg);
	h->weights = xstrdup(co->weights);
	h->data = xstrdup(d.source);
	h->data_checksum = hash_hex(d.checksum);
	h->quick = xstrdup(spec);
	h->samples = copt->samples < d.count ? copt->samples : d.count;
	h->batch = copt->batch > 0 ? copt->batch : h->samples < 32 ? (int)h->samples : 32;
	h->probes = copt->probes;
	h->ig_steps = copt->ig_steps;
	h->hvp_eps = copt->hvp_eps;
	h->seed = copt->seed;
	if (output) {
		const char *inputs[] = { co->cfg, co->weights, co->data, co->idx_images, co->idx_labels, NULL };
		if (rank_file_write(output, &rf, inputs, &cause) != 0) {
			status = cmd_fail(cause);
			goto out;
		}
		fprintf(stderr, "safer: %d layers x %d criteria in %s (%.1f s)\n", rf.table.n, rf.table.ncols, output,
		    now_seconds() - t0);
	} else if (co->json) {
		rank_file_dump(stdout, &rf, 1);
	} else {
		rank_print_table(stdout, &rf);
	}
out:
	rank_file_free(&rf);
	dataset_free(&d);
	return status;
}

static int rank_option(struct criteria_opts *copt, int c, const char *arg, const char **output)
{
	long v;
	char *cause = NULL;
	switch (c) {
	case 'C':
		if (criteria_parse(arg, &copt->mask, &cause) != 0) {
			cmd_fail(cause);
			return -1;
		}
		return 0;
	case 'S':
		if (parse_count("samples", arg, 1, 1 << 24, &v) != 0)
			return -1;
		copt->samples = (int)v;
		return 0;
	case 'o': *output = arg; return 0;
	case 0x300:
		if (perturb_parse(arg, &copt->quick, &cause) != 0) {
			fprintf(stderr, "safer: --quick-spec %s: %s\n", arg, cause);
			free(cause);
			return -1;
		}
		return 0;
	case 0x301:
		if (parse_count("probes", arg, 1, 1000, &v) != 0)
			return -1;
		copt->probes = (int)v;
		return 0;
	case 0x302:
		if (parse_count("ig-steps", arg, 1, 1000, &v) != 0)
			return -1;
		copt->ig_steps = (int)v;
		return 0;
	case 0x303:
		if (parse_count("grad-batch", arg, 1, 32, &v) != 0)
			return -1;
		copt->batch = (int)v;
		return 0;
	case 0x304:
		if (parse_real("hvp-eps", arg, 1e-6, 1, &copt->hvp_eps) != 0)
			return -1;
		return 0;
	case 's':
		if (parse_u64(arg, &copt->seed) != 0) {
			fprintf(stderr, "safer: --seed: '%s' is not a non-negative integer\n", arg);
			return -1;
		}
		return 0;
	default:
		fprintf(stderr, "Try 'safer rank --help'.\n");
		return -1;
	}
}

static int rank_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "criterion", required_argument, NULL, 'C' },
		{ "samples", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "quick-spec", required_argument, NULL, 0x300 },
		{ "probes", required_argument, NULL, 0x301 },
		{ "ig-steps", required_argument, NULL, 0x302 },
		{ "grad-batch", required_argument, NULL, 0x303 },
		{ "hvp-eps", required_argument, NULL, 0x304 },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct setup_opts co;
	struct criteria_opts copt;
	const char *output = NULL;
	char *cause = NULL;
	int c, r, status = EXIT_BAD_INPUT;
	setup_opts_init(&co);
	criteria_opts_init(&copt);
	if (criteria_parse(RANK_DEFAULT_CRITERIA, &copt.mask, &cause) != 0)
		return cmd_fail(cause);
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "C:S:o:s:h", longopts, NULL)) != -1) {
		if ((r = options_handle_common(&co, c, optarg, argc, argv)) == 1)
			continue;
		if (r < 0)
			goto out;
		if (c == 'h') {
			fputs(rank_help, stdout);
			status = EXIT_OK;
			goto out;
		}
		if (rank_option(&copt, c, optarg, &output) != 0)
			goto out;
	}
	if (optind < argc) {
		fprintf(stderr, "safer: rank: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if (setup_opts_finish(&co, &cause) != 0) {
		status = cmd_fail(cause);
		goto out;
	}
	interrupt_install();
	copt.threads = co.threads;
	copt.interrupt = &interrupt_signal;
	if (isatty(2))
		copt.progress = show_progress;
	status = rank_run(&co, &copt, output);
out:
	setup_opts_free(&co);
	return status;
}

const struct cmd_entry cmd_rank_entry = {
	"rank", "[model/data options] [--criterion NAME[,NAME...]] [--samples N] [-o FILE]",
	"score layers by importance criteria (magnitude ... hessian, quick)", rank_exec,
};
