/* cmd_info.c - `safer info`: the layer table of a network and its totals. */
#include "backend/backend.h"
#include "core/budget.h"
#include "cli/cmd.h"
#include "formats/table.h"
#include "core/format.h"
#include "cli/options.h"
#include "core/util.h"
#include "engine/layer_time.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char info_help[] =
"One row per layer: index, kind, input and output shape, parameters,\n"
"multiply-accumulates per image and activation; then the totals, and how\n"
"many keys of the cfg Darknet ignores (--verbose lists them) and how many\n"
"warnings it drew (keys another Darknet fork honours, unknown names).\n"
"Weights are optional: without them the figures come from the cfg alone.\n"
"With --budget, each row shows its budget setting and the totals add the\n"
"budget's storage size, compression ratio, MACs and bit operations.\n"
"With --time, each layer's measured forward time on this machine instead:\n"
"milliseconds per image through safer's engine (its batch, one thread) and\n"
"through stock Darknet's layer code (batch 1, one thread), on seeded random\n"
"inputs, each layer's fastest of at least 1 s of passes.\n\n"
"  -b, --budget FILE     a budget file to cost against this network\n"
"      --time            measure each layer's forward time (engine, stock)\n\n"
COMMON_HELP;

static json_t *shape_json(struct shape s)
{
	return json_pack("[iii]", s.w, s.h, s.c);
}

static json_t *cost_json(const struct budget_cost *c)
{
	return json_pack("{s:f, s:f, s:f, s:I, s:f, s:f, s:f, s:f, s:f}", "size_bytes", c->bytes,
	    "float_bytes", c->float_bytes, "compression", c->ratio, "macs", (json_int_t)c->macs,
	    "effective_macs", c->effective_macs, "bops", c->bops, "float_bops", c->float_bops,
	    "avg_bits", c->avg_bits, "sparsity", c->sparsity);
}

static void times_json(json_t *root, const struct layer_times *t)
{
	json_t *layers = json_object_get(root, "layers");
	for (int i = 0; i < t->n; i++) {
		json_t *row = json_array_get(layers, (size_t)i);
		json_object_set_new(row, "engine_ms", json_real(t->engine_ms[i]));
		json_object_set_new(row, "stock_ms", json_real(t->stock_ms[i]));
	}
	json_object_set_new(root, "time", json_pack("{s:f, s:f, s:i, s:i, s:i}", "engine_ms", t->engine_total,
	    "stock_ms", t->stock_total, "batch", t->batch, "engine_passes", t->engine_passes, "stock_passes",
	    t->stock_passes));
}

static void print_json(const struct setup_opts *o, const struct model *m, const struct budget *b,
    const struct layer_times *t)
{
	const char *cfg = o->cfg, *weights = o->weights;
	json_t *layers = json_array();
	for (int i = 0; i < m->n; i++) {
		const struct layer_desc *l = &m->layers[i];
		json_t *row = json_pack("{s:i, s:s, s:o, s:o, s:I, s:I, s:s}",
		    "index", l->index, "kind", l->kind_name, "input", shape_json(l->in),
		    "output", shape_json(l->out), "params", (json_int_t)l->params,
		    "macs", (json_int_t)l->macs, "activation", l->activation);
		const struct budget_layer *bl = b ? budget_find(b, i) : NULL;
		if (bl) {
			char buf[64];
			json_object_set_new(row, "budget", json_string(budget_layer_summary(bl, buf, sizeof buf)));
		}
		json_array_append_new(layers, row);
	}
	json_t *root = json_pack("{s:o, s:o?, s:o, s:o, s:I, s:I, s:I, s:i}",
	    "cfg", table_json_string(cfg), "weights", weights ? table_json_string(weights) : NULL, "input", shape_json(m->input), "layers", layers,
	    "total_params", (json_int_t)m->total_params, "total_macs", (json_int_t)m->total_macs,
	    "weight_bytes", (json_int_t)m->weight_bytes, "weight_layers", model_weight_layers(m));
	json_object_set_new(root, "detector", json_boolean(m->detector));
	json_object_set_new(root, "classes", json_integer(m->classes));
	json_object_set_new(root, "cfg_ignored", json_integer(o->cfg_ignored));
	json_object_set_new(root, "cfg_warnings", json_integer(o->cfg_warnings));
	if (b) {
		struct budget_cost c;
		budget_cost(b, m, &c);
		json_object_set_new(root, "budget", cost_json(&c));
	}
	if (t != NULL)
		times_json(root, t);
	table_json_write(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
}

static void print_table(const struct setup_opts *o, const struct model *m, const struct budget *b)
{
	const char *cfg = o->cfg, *weights = o->weights;
	char a[32], bb[32], c[32], d[32];
	int width = table_text_width(o->wide);	/* the long lines wrapped to it */
	char *line = xasprintf("%s%s%s", cfg, weights ? " with " : "", weights ? weights : "");
	table_wrap(stdout, line, width, 2);
	free(line);
	/* with a budget the row is ~90 columns: below 100 the input shape
	 * (the previous row's output) goes, and a line says so */
	int in_col = !b || width == 0 || width >= 100;	/* 0: --wide, no limit */
	char head[160];
	snprintf(head, sizeof head, b ? "%5s  %-10s %-13s%-12s %10s %13s  %-10s%s" : "%5s  %-10s %-13s%-12s %10s %13s  %s%s",
	    "layer", "kind", in_col ? "input" : "", "output", "params", "MACs", "activation", b ? " budget" : "");
	if (!in_col)	/* the empty column's room */
		memmove(head + 18, head + 31, strlen(head + 31) + 1);
	printf("%s\n", head);
	for (int i = 0; i < m->n; i++) {
		const struct layer_desc *l = &m->layers[i];
		char e[64] = "", in[32] = "";
		const struct budget_layer *bl = b ? budget_find(b, i) : NULL;
		if (bl)
			budget_layer_summary(bl, e, sizeof e);
		if (in_col)
			snprintf(in, sizeof in, "%-12s ", fmt_shape(l->in.w, l->in.h, l->in.c, a, sizeof a));
		printf(b ? "%5d  %-10s %s%-12s %10s %13s  %-10s%s%s\n" : "%5d  %-10s %s%-12s %10s %13s  %s%s%s\n",
		    l->index, l->kind_name, in,
		    fmt_shape(l->out.w, l->out.h, l->out.c, bb, sizeof bb),
		    fmt_thousands(l->params, c, sizeof c), fmt_thousands(l->macs, d, sizeof d),
		    l->activation, *e ? " " : "", e);
	}
	if (!in_col)
		printf("(the input column is left out at %d columns: --wide shows it)\n", width);
	line = xasprintf("total: %s parameters in %d weight layers, %s MACs per image, %s of float32 weights",
	    fmt_thousands(m->total_params, a, sizeof a), model_weight_layers(m),
	    fmt_thousands(m->total_macs, bb, sizeof bb), fmt_bytes((double)m->weight_bytes, c, sizeof c));
	table_wrap(stdout, line, width, 2);
	free(line);
	if (m->detector)
		printf("detector: %d classes\n", m->classes);
	printf("cfg: %d key%s or line%s Darknet ignores%s, %d warning%s\n", o->cfg_ignored,
	    o->cfg_ignored == 1 ? "" : "s", o->cfg_ignored == 1 ? "" : "s",
	    o->cfg_ignored > 0 && !o->verbose ? " (--verbose lists them)" : "",
	    o->cfg_warnings, o->cfg_warnings == 1 ? "" : "s");
	if (b) {
		struct budget_cost k;
		char fb[32];
		budget_cost(b, m, &k);
		line = xasprintf("budget: %s (float32 %s), %.2fx smaller; %.2f bits per weight, %.1f%% sparse; "
		    "%s MACs after pruning; %s BOPs (float32 %s)",
		    fmt_bytes(k.bytes, a, sizeof a), fmt_bytes(k.float_bytes, bb, sizeof bb), k.ratio, k.avg_bits,
		    100 * k.sparsity, fmt_si(k.effective_macs, c, sizeof c), fmt_si(k.bops, d, sizeof d),
		    fmt_si(k.float_bops, fb, sizeof fb));
		table_wrap(stdout, line, width, 2);
		free(line);
	}
}

static void print_times(const struct setup_opts *o, const struct model *m, const struct layer_times *t)
{
	char a[32], d[32];
	printf("%s%s%s\n", o->cfg, o->weights ? " with " : "", o->weights ? o->weights : "");
	printf("%5s  %-10s %-12s %13s %10s %10s %7s\n", "layer", "kind", "output", "MACs", "engine ms", "stock ms",
	    "stock/");
	for (int i = 0; i < m->n; i++) {
		const struct layer_desc *l = &m->layers[i];
		double r = t->engine_ms[i] > 0 ? t->stock_ms[i] / t->engine_ms[i] : 0;
		printf("%5d  %-10s %-12s %13s %10.4f %10.4f %6.1fx\n", l->index, l->kind_name,
		    fmt_shape(l->out.w, l->out.h, l->out.c, a, sizeof a), fmt_thousands(l->macs, d, sizeof d),
		    t->engine_ms[i], t->stock_ms[i], r);
	}
	printf("total: %.3f ms per image through the engine (batch %d, 1 thread, %d passes), %.3f ms through "
	    "stock Darknet (batch 1, %d passes): %.1fx\n", t->engine_total, t->batch, t->engine_passes, t->stock_total,
	    t->stock_passes, t->engine_total > 0 ? t->stock_total / t->engine_total : 0);
}

struct cmd_info {
	const char *budget_path;
	int time;
	struct layer_times times;	/* owned, with --time */
	struct backend_net *net;	/* owned */
	struct budget budget;		/* owned */
};

enum { INFO_TIME = OPTIONS_OWN };

static const struct options_spec cmd_info_options[] = {
	{ "budget", 'b', OPTIONS_VALUE },
	{ "time", INFO_TIME, OPTIONS_FLAG },
	{ NULL, 0, OPTIONS_FLAG },
};

static int cmd_info_option(void *state, int code, const char *arg)
{
	struct cmd_info *s = state;
	if (code == INFO_TIME)
		s->time = 1;
	else
		s->budget_path = arg;
	return 0;
}

static int cmd_info_exec(void *state, struct setup_opts *o)
{
	struct cmd_info *s = state;
	char *cause = NULL;
	o->weights_required = 0;

	if (setup_opts_finish(o, &cause) != 0)
		return cmd_fail(cause);
	s->net = backend_load(o->cfg, o->weights, 1, &cause);
	if (s->net == NULL)
		return cmd_fail(cause);
	const struct budget *b = s->budget_path ? &s->budget : NULL;
	if (b && budget_load(s->budget_path, backend_model(s->net), &s->budget, &cause) != 0)
		return cmd_fail(cause);
	const struct layer_times *t = NULL;
	if (s->time) {
		int batch = o->batch > 0 ? o->batch : 32;
		if (layer_times_measure(o->cfg, o->weights, batch, 1.0, &s->times, &cause) != 0)
			return cmd_fail(cause);
		t = &s->times;
	}
	if (o->json)
		print_json(o, backend_model(s->net), b, t);
	else if (t != NULL)
		print_times(o, backend_model(s->net), t);
	else
		print_table(o, backend_model(s->net), b);
	return EXIT_OK;
}

static void cmd_info_free(void *state)
{
	struct cmd_info *s = state;
	layer_times_free(&s->times);
	budget_free(&s->budget);
	backend_free(s->net);
}

const struct cmd_entry cmd_info_entry = {
	.name = "info",
	.args = "[-c CFG] [-w WEIGHTS] [--budget FILE] [--time] [--json]",
	.summary = "layer table: shapes, parameters, MACs, activations",
	.help = info_help,
	.options = cmd_info_options,
	.common = 1,
	.size = sizeof(struct cmd_info),
	.option = cmd_info_option,
	.exec = cmd_info_exec,
	.free = cmd_info_free,
};
