/* cmd_export.c - `safer export`: apply a budget and write a Darknet weights
 * file that stock Darknet loads. */
#include "core/atomic.h"
#include "core/budget.h"
#include "core/inputs.h"
#include "backend/backend.h"
#include "cli/cmd.h"
#include "engine/compact.h"
#include "engine/export.h"
#include "core/format.h"
#include "cli/options.h"
#include "formats/table.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char export_help[] =
"Writes a Darknet weights file with the budget applied: pruned weights are\n"
"zero, quantized weights hold their dequantized values.  The file is written\n"
"atomically and never over an input file.  Activation bits (actbits) cannot be\n"
"stored in a weights file and are reported as skipped.\n\n"
"With --compact, the filters a budget's prune-filter settings zero are\n"
"removed instead: a new cfg with fewer filters (connected outputs), the\n"
"next layers' inputs cut to match, and its weights.  Stock Darknet runs it\n"
"and computes what the zero-filled network does, faster.  Refused with the\n"
"reason when a narrowed output reaches a [shortcut], a grouped convolution\n"
"or an output layer.\n\n"
"  -b, --budget FILE     the budget to apply\n"
"  -o, --output FILE     the weights file to write\n"
"      --compact CFG     also write the smaller network's cfg to CFG\n\n"
COMMON_HELP;

struct cmd_export {
	const char *budget_path, *out, *compact_cfg;
	struct backend_net *net;	/* owned */
	struct budget budget;		/* owned */
};

enum { EXPORT_COMPACT = OPTIONS_OWN };

static const struct options_spec cmd_export_options[] = {
	{ "budget", 'b', OPTIONS_VALUE },
	{ "output", 'o', OPTIONS_VALUE },
	{ "compact", EXPORT_COMPACT, OPTIONS_VALUE },
	{ NULL, 0, OPTIONS_FLAG },
};

static int cmd_export_option(void *state, int code, const char *arg)
{
	struct cmd_export *s = state;
	if (code == 'b')
		s->budget_path = arg;
	else if (code == EXPORT_COMPACT)
		s->compact_cfg = arg;
	else
		s->out = arg;
	return 0;
}

static int export_compact_report(struct cmd_export *s, const struct setup_opts *o)
{
	char *cause = NULL;
	struct compact_result r;
	int rc = export_compact(o->cfg, o->weights, &s->budget, s->budget_path, s->compact_cfg, s->out, &r, &cause);
	if (rc != 0)
		return cmd_fail_status(rc, cause);
	if (o->json) {
		json_t *root = json_pack("{s:o, s:o, s:I, s:i, s:I, s:I, s:I, s:I, s:I}", "cfg",
		    table_json_string(s->compact_cfg), "output", table_json_string(s->out), "removed",
		    (json_int_t)r.removed, "layers_narrowed", r.layers_narrowed, "params_before",
		    (json_int_t)r.params_before, "params_after", (json_int_t)r.params_after, "macs_before",
		    (json_int_t)r.macs_before, "macs_after", (json_int_t)r.macs_after, "file_bytes",
		    (json_int_t)r.weights_bytes);
		table_json_write(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(root);
		return EXIT_OK;
	}
	char sz[32];
	printf("wrote %s and %s: %ld filter%s removed in %d layer%s; parameters %llu -> %llu (%.1f%%), "
	    "MACs per image %llu -> %llu (%.1f%%); weights %s\n",
	    s->compact_cfg, s->out, r.removed, r.removed == 1 ? "" : "s", r.layers_narrowed,
	    r.layers_narrowed == 1 ? "" : "s", (unsigned long long)r.params_before,
	    (unsigned long long)r.params_after, 100.0 * (double)r.params_after / (double)r.params_before,
	    (unsigned long long)r.macs_before, (unsigned long long)r.macs_after,
	    100.0 * (double)r.macs_after / (double)r.macs_before, fmt_bytes((double)r.weights_bytes, sz, sizeof sz));
	return EXIT_OK;
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
	if (atomic_check_target(s->out, &cause) != 0 ||
	    (s->compact_cfg != NULL && atomic_check_target(s->compact_cfg, &cause) != 0))
		return cmd_fail(cause);
	if (s->compact_cfg != NULL && strcmp(s->compact_cfg, s->out) == 0) {
		fprintf(stderr, "safer: export: --compact %s and -o name the same file\n", s->out);
		return EXIT_BAD_INPUT;
	}
	/* the budget is checked against the model before anything is written */
	s->net = backend_load(o->cfg, o->weights, 1, &cause);
	if (s->net == NULL || budget_load(s->budget_path, backend_model(s->net), &s->budget, &cause) != 0)
		return cmd_fail(cause);
	struct budget_cost cost;
	budget_cost(&s->budget, backend_model(s->net), &cost);
	backend_free(s->net);	/* export_budget loads its own copy */
	s->net = NULL;
	if (s->compact_cfg != NULL)
		return export_compact_report(s, o);
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
	.args = "[-c CFG -w WEIGHTS] --budget FILE -o OUT.weights [--compact OUT.cfg]",
	.summary = "write Darknet weights with a budget applied",
	.help = export_help,
	.options = cmd_export_options,
	.common = 1,
	.size = sizeof(struct cmd_export),
	.option = cmd_export_option,
	.exec = cmd_export_exec,
	.free = cmd_export_free,
};
