/* cmd_export.c - `safer export`: apply a budget and write a Darknet weights
 * file that stock Darknet loads. */
#include "core/atomic.h"
#include "core/budget.h"
#include "core/inputs.h"
#include "backend/backend.h"
#include "cli/cmd.h"
#include "engine/export.h"
#include "core/format.h"
#include "cli/options.h"
#include "formats/table.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>

static const char export_help[] =
"Writes a Darknet weights file with the budget applied: pruned weights are\n"
"zero, quantized weights hold their dequantized values.  The file is written\n"
"atomically and never over an input file.  Activation bits (actbits) cannot be\n"
"stored in a weights file and are reported as skipped.\n\n"
"  -b, --budget FILE     the budget to apply\n"
"  -o, --output FILE     the weights file to write\n\n"
COMMON_HELP;

struct cmd_export {
	const char *budget_path, *out;
	struct backend_net *net;	/* owned */
	struct budget budget;		/* owned */
};

static const struct options_spec cmd_export_options[] = {
	{ "budget", 'b', OPTIONS_VALUE },
	{ "output", 'o', OPTIONS_VALUE },
	{ NULL, 0, OPTIONS_FLAG },
};

static int cmd_export_option(void *state, int code, const char *arg)
{
	struct cmd_export *s = state;
	if (code == 'b')
		s->budget_path = arg;
	else
		s->out = arg;
	return 0;
}

static int cmd_export_exec(void *state, struct setup_opts *o)
{
	struct cmd_export *s = state;
	char *cause = NULL;
	if (s->budget_path == NULL || s->out == NULL) {
		fprintf(stderr, "safer: export: needs --budget FILE and -o OUT.weights\n");
		return EXIT_BAD_INPUT;
	}
	if (setup_opts_finish(o, &cause) != 0)
		return cmd_fail(cause);
	inputs_note(s->budget_path);
	if (atomic_check_target(s->out, &cause) != 0)
		return cmd_fail(cause);
	/* the budget is checked against the model before anything is written */
	s->net = backend_load(o->cfg, o->weights, 1, &cause);
	if (s->net == NULL || budget_load(s->budget_path, backend_model(s->net), &s->budget, &cause) != 0)
		return cmd_fail(cause);
	struct budget_cost cost;
	budget_cost(&s->budget, backend_model(s->net), &cost);
	backend_free(s->net);	/* export_budget loads its own copy */
	s->net = NULL;
	struct export_result res;
	int rc = export_budget(o->cfg, o->weights, &s->budget, s->out, &res, &cause);
	if (rc != 0)
		return cmd_fail_status(rc, cause);
	if (o->json) {
		json_t *root = json_pack("{s:o, s:i, s:I, s:f, s:f, s:i}", "output", table_json_string(s->out),
		    "applied", res.applied, "file_bytes", (json_int_t)res.bytes, "budget_bytes", cost.bytes,
		    "compression", cost.ratio, "actbits_not_stored", res.activation_skipped);
		table_json_write(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(root);
		return EXIT_OK;
	}
	char sz[32], st[32];
	printf("wrote %s: %d weight setting%s applied, %s on disk (float32 file); budget storage %s, %.2fx smaller\n",
	    s->out, res.applied, res.applied == 1 ? "" : "s", fmt_bytes((double)res.bytes, sz, sizeof sz),
	    fmt_bytes(cost.bytes, st, sizeof st), cost.ratio);
	if (res.activation_skipped)
		printf("note: %d actbits setting%s not stored: a Darknet weights file cannot carry activation quantization\n",
		    res.activation_skipped, res.activation_skipped == 1 ? " is" : "s are");
	return EXIT_OK;
}

static void cmd_export_free(void *state)
{
	struct cmd_export *s = state;
	backend_free(s->net);
	budget_free(&s->budget);
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.args = "[-c CFG -w WEIGHTS] --budget FILE -o OUT.weights",
	.summary = "write Darknet weights with a budget applied",
	.help = export_help,
	.options = cmd_export_options,
	.common = 1,
	.size = sizeof(struct cmd_export),
	.option = cmd_export_option,
	.exec = cmd_export_exec,
	.free = cmd_export_free,
};
