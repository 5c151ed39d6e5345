/* cmd_export.c - `safer export`: apply a budget and write a Darknet weights
 * file that stock Darknet loads. */
#include "core/budget.h"
#include "backend/backend.h"
#include "cli/cmd.h"
#include "engine/export.h"
#include "core/format.h"
#include "cli/options.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char export_help[] =
"Usage: safer export [-c CFG -w WEIGHTS] --budget FILE -o OUT.weights\n"
"Writes a Darknet weights file with the budget applied: pruned weights are\n"
"zero, quantized weights hold their dequantized values.  The file is written\n"
"atomically and never over an input file.  Activation bits (actbits) cannot be\n"
"stored in a weights file and are reported as skipped.\n\n"
"  -b, --budget FILE     the budget to apply\n"
"  -o, --output FILE     the weights file to write\n\n"
COMMON_HELP;

static int export_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "budget", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct setup_opts o;
	setup_opts_init(&o);
	const char *budget_path = NULL, *out = NULL;
	int c, r;
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "b:o:h", longopts, NULL)) != -1) {
		if ((r = options_handle_common(&o, c, optarg, argc, argv)) == 1)
			continue;
		if (r < 0)
			return EXIT_BAD_INPUT;
		if (c == 'b')
			budget_path = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 'h') {
			fputs(export_help, stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "Try 'safer export --help'.\n");
			return EXIT_BAD_INPUT;
		}
	}
	if (optind < argc || budget_path == NULL || out == NULL) {
		fprintf(stderr, "safer: export: needs --budget FILE and -o OUT.weights\n");
		return EXIT_BAD_INPUT;
	}
	char *cause = NULL;
	if (setup_opts_finish(&o, &cause) != 0) {
		setup_opts_free(&o);
		return cmd_fail(cause);
	}
	/* the budget is checked against the model before anything is written */
	struct backend_net *net = backend_load(o.cfg, o.weights, 1, &cause);
	struct budget b = { 0 };
	int status = EXIT_OK;
	if (net == NULL || budget_load(budget_path, backend_model(net), &b, &cause) != 0) {
		status = cmd_fail(cause);
		goto out;
	}
	struct budget_cost cost;
	budget_cost(&b, backend_model(net), &cost);
	backend_free(net);
	net = NULL;
	struct export_result res;
	if (export_budget(o.cfg, o.weights, &b, out, &res, &cause) != 0) {
		status = cmd_fail(cause);
		goto out;
	}
	char sz[32], st[32];
	printf("wrote %s: %d weight setting%s applied, %s on disk (float32 file); budget storage %s, %.2fx smaller\n",
	    out, res.applied, res.applied == 1 ? "" : "s", fmt_bytes((double)res.bytes, sz, sizeof sz),
	    fmt_bytes(cost.bytes, st, sizeof st), cost.ratio);
	if (res.activation_skipped)
		printf("note: %d actbits setting%s not stored: a Darknet weights file cannot carry activation quantization\n",
		    res.activation_skipped, res.activation_skipped == 1 ? " is" : "s are");
out:
	backend_free(net);
	budget_free(&b);
	setup_opts_free(&o);
	return status;
}

const struct cmd_entry cmd_export_entry = {
	"export", "[-c CFG -w WEIGHTS] --budget FILE -o OUT.weights",
	"write Darknet weights with a budget applied", export_exec,
};
