/* cmd_info.c - `safer info`: the layer table of a network and its totals. */
#include "backend.h"
#include "cmd.h"
#include "format.h"
#include "options.h"
#include "util.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static const char info_help[] =
"Usage: safer info [-c CFG] [-w WEIGHTS] [--json]\n"
"One row per layer: index, kind, input and output shape, parameters,\n"
"multiply-accumulates per image and activation; then the totals.\n"
"Weights are optional: without them the figures come from the cfg alone.\n\n"
COMMON_HELP;

static json_t *shape_json(struct shape s)
{
	return json_pack("[iii]", s.w, s.h, s.c);
}

static void print_json(const char *cfg, const char *weights, const struct model *m)
{
	json_t *layers = json_array();
	for (int i = 0; i < m->n; i++) {
		const struct layer_desc *l = &m->layers[i];
		json_array_append_new(layers, json_pack("{s:i, s:s, s:o, s:o, s:I, s:I, s:s}",
		    "index", l->index, "kind", l->kind_name, "input", shape_json(l->in),
		    "output", shape_json(l->out), "params", (json_int_t)l->params,
		    "macs", (json_int_t)l->macs, "activation", l->activation));
	}
	json_t *root = json_pack("{s:s, s:s?, s:o, s:o, s:I, s:I, s:I, s:i}",
	    "cfg", cfg, "weights", weights, "input", shape_json(m->input), "layers", layers,
	    "total_params", (json_int_t)m->total_params, "total_macs", (json_int_t)m->total_macs,
	    "weight_bytes", (json_int_t)m->weight_bytes, "weight_layers", model_weight_layers(m));
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(root);
}

static void print_table(const char *cfg, const char *weights, const struct model *m)
{
	char a[32], b[32], c[32], d[32];
	printf("%s%s%s\n", cfg, weights ? " with " : "", weights ? weights : "");
	printf("%5s  %-10s %-12s %-12s %12s %14s  %s\n", "layer", "kind", "input", "output",
	    "params", "MACs", "activation");
	for (int i = 0; i < m->n; i++) {
		const struct layer_desc *l = &m->layers[i];
		printf("%5d  %-10s %-12s %-12s %12s %14s  %s\n", l->index, l->kind_name,
		    fmt_shape(l->in.w, l->in.h, l->in.c, a, sizeof a),
		    fmt_shape(l->out.w, l->out.h, l->out.c, b, sizeof b),
		    fmt_thousands(l->params, c, sizeof c), fmt_thousands(l->macs, d, sizeof d),
		    l->activation);
	}
	printf("total: %s parameters in %d weight layers, %s MACs per image, %s of float32 weights\n",
	    fmt_thousands(m->total_params, a, sizeof a), model_weight_layers(m),
	    fmt_thousands(m->total_macs, b, sizeof b), fmt_bytes((double)m->weight_bytes, c, sizeof c));
}

static int info_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct common_opts o;
	common_opts_init(&o);
	o.weights_required = 0;
	int c, r;
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "h", longopts, NULL)) != -1) {
		if ((r = common_opts_handle(&o, c, optarg, argc, argv)) == 1)
			continue;
		if (r == 0 && c == 'h') {
			fputs(info_help, stdout);
			return EXIT_OK;
		}
		if (r == 0)
			fprintf(stderr, "%s", "Try 'safer info --help'.\n");
		return EXIT_BAD_INPUT;
	}
	if (optind < argc) {
		fprintf(stderr, "safer: info: unexpected argument '%s'\n", argv[optind]);
		return EXIT_BAD_INPUT;
	}
	char *cause = NULL;
	if (common_opts_finish(&o, &cause) != 0) {
		common_opts_free(&o);
		return cmd_fail(cause);
	}
	struct backend_net *net = backend_load(o.cfg, o.weights, 1, &cause);
	if (net == NULL) {
		common_opts_free(&o);
		return cmd_fail(cause);
	}
	if (o.json)
		print_json(o.cfg, o.weights, backend_model(net));
	else
		print_table(o.cfg, o.weights, backend_model(net));
	backend_free(net);
	common_opts_free(&o);
	return EXIT_OK;
}

const struct cmd_entry cmd_info_entry = {
	"info", "[-c CFG] [-w WEIGHTS] [--json]",
	"layer table: shapes, parameters, MACs, activations", info_exec,
};
