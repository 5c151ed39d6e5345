/* cmd_plot.c - `safer plot`: a figure of a scan file (heatmap, sensitivity
 * curves, bit positions) or of a rank file against it (criteria), as SVG,
 * or the heatmap's cells and legend as a PNG.  The drawing is formats/figure. */
#include "cli/cmd.h"
#include "cli/options.h"
#include "core/atomic.h"
#include "core/inputs.h"
#include "core/util.h"
#include "formats/figure.h"
#include "formats/rank_file.h"
#include "formats/scan_file.h"

#include <errno.h>
#include <signal.h>
#include <stb_image_write.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

static const char plot_help[] =
"Draws a figure of a scan file (safer scan -o, CSV or JSON): SVG with real\n"
"text, axis labels with units and the scan's provenance in its <metadata>;\n"
"OUT ending in .png is the same figure rasterised by rsvg-convert (Debian's\n"
"librsvg2-bin), text and all; with --cells, only the heatmap's cells and its\n"
"legend bar as pixels (no text, no rsvg-convert needed).\n"
"Trials are averaged: one cell per weight layer, kind and level.\n\n"
"  -o, --output FILE     the figure: .svg, or .png\n"
"  -f, --figure NAME     heatmap (default): weight layers x levels per kind, the\n"
"                        drop written in each cell, cells not measured hatched;\n"
"                        curves: the metric against the level per layer, with\n"
"                        the 95% band and the baseline; bitpos: the heatmap of\n"
"                        the bitpos rows (layer x bit position); criteria: each\n"
"                        criterion's rank against the measured rank (needs RANK);\n"
"                        budget: a budget file's bits and sparsity per layer as\n"
"                        bars next to the layer's mean drop per kind (needs BUDGET);\n"
"                        pareto: FRONT (the JSON of safer budget --pareto) as\n"
"                        accuracy against size, sensitivity and uniform budgets\n"
"  -k, --kind LIST       only these perturbation kinds (prune,quant,...)\n"
"  -l, --layers LIST     only these layers, e.g. 0,2,5-7\n"
"      --mono            greys for print instead of the colour scale\n"
"      --size WxH        PNG size in pixels (default: the figure's own, times --scale)\n"
"      --scale S         PNG: the figure's size times S (default 2, for slides)\n"
"      --bops            pareto: against bit operations instead of storage size\n"
"      --cells           PNG: the heatmap's cells and legend bar only, as pixels\n"
"                        (default size 800x600)\n";

struct cmd_plot {
	const char *scan_path, *rank_path, *output;
	const char *kinds_text, *layers_text;
	struct figure_opts o;
	long png_w, png_h;	/* 0: the figure's own size times scale */
	double scale;
	int cells, bops;
	int *layers;			/* owned */
	struct scan_file scan;		/* owned */
	struct rank_file rank;		/* owned */
	int have_rank;
	struct budget budget;		/* owned, --figure budget */
	struct figure_front front;	/* owned, --figure pareto */
	struct figure_grid grid;	/* owned */
};

enum cmd_plot_code { CMD_PLOT_MONO = OPTIONS_OWN, CMD_PLOT_SIZE, CMD_PLOT_SCALE, CMD_PLOT_CELLS, CMD_PLOT_BOPS };

static const struct options_spec cmd_plot_options[] = {
	{ "output", 'o', OPTIONS_VALUE },
	{ "figure", 'f', OPTIONS_VALUE },
	{ "kind", 'k', OPTIONS_VALUE },
	{ "layers", 'l', OPTIONS_VALUE },
	{ "mono", CMD_PLOT_MONO, OPTIONS_FLAG },
	{ "size", CMD_PLOT_SIZE, OPTIONS_VALUE },
	{ "scale", CMD_PLOT_SCALE, OPTIONS_VALUE },
	{ "cells", CMD_PLOT_CELLS, OPTIONS_FLAG },
	{ "bops", CMD_PLOT_BOPS, OPTIONS_FLAG },
	{ NULL, 0, OPTIONS_FLAG },
};

static void cmd_plot_init(void *state)
{
	struct cmd_plot *s = state;
	s->scale = 2;
}

static int parse_size(const char *arg, long *w, long *h)
{
	char *x = strchr(arg, 'x');
	if (x == NULL || parse_long(x + 1, 1, 10000, h) != 0) {
		fprintf(stderr, "safer: --size: '%s' is not WxH, e.g. 800x600 (1 to 10000 each)\n", arg);
		return -1;
	}
	char *wtext = xasprintf("%.*s", (int)(x - arg), arg);
	int rc = parse_long(wtext, 1, 10000, w);
	free(wtext);
	if (rc != 0)
		fprintf(stderr, "safer: --size: '%s' is not WxH, e.g. 800x600 (1 to 10000 each)\n", arg);
	return rc;
}

static int cmd_plot_option(void *state, int code, const char *arg)
{
	struct cmd_plot *s = state;
	switch (code) {
	case CMD_OPERAND:
		if (s->scan_path == NULL)
			s->scan_path = arg;
		else
			s->rank_path = arg;
		return 0;
	case 'o': s->output = arg; return 0;
	case 'f':
		if (figure_type_from_name(arg, &s->o.type) != 0) {
			fprintf(stderr, "safer: --figure: '%s' is not heatmap, curves, bitpos, criteria, budget or pareto\n", arg);
			return -1;
		}
		return 0;
	case 'k': s->kinds_text = arg; return 0;
	case 'l': s->layers_text = arg; return 0;
	case CMD_PLOT_MONO: s->o.mono = 1; return 0;
	case CMD_PLOT_SIZE: return parse_size(arg, &s->png_w, &s->png_h);
	case CMD_PLOT_CELLS: s->cells = 1; return 0;
	case CMD_PLOT_BOPS: s->bops = 1; return 0;
	case CMD_PLOT_SCALE:
		if (parse_double(arg, &s->scale) != 0 || !(s->scale >= 0.1 && s->scale <= 20)) {
			fprintf(stderr, "safer: --scale: '%s' is not a factor from 0.1 to 20\n", arg);
			return -1;
		}
		return 0;
	default:	/* not in cmd_plot_options */
		return -1;
	}
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcasecmp(s + n - m, tail) == 0;
}

static void png_out(void *ctx, void *data, int size)
{
	fwrite(data, 1, (size_t)size, ctx);
}

static void figure_to(FILE *f, const struct cmd_plot *s)
{
	if (s->o.type == FIGURE_BUDGET)
		figure_budget_svg(f, &s->grid, &s->budget, 1);
	else if (s->o.type == FIGURE_PARETO)
		figure_front_svg(f, &s->front, 1);
	else
		figure_svg(f, &s->grid, s->have_rank ? &s->rank : NULL, &s->o, 1);
}

/* The figure as PNG: its SVG piped through rsvg-convert (librsvg), which
 * writes into out.  A well-kept rasteriser with real text layout, in its own
 * process: its libraries never enter ours.  0, or an exit status with
 * *cause. */
static int rasterise(const struct cmd_plot *s, FILE *out, char **cause)
{
	char *svg = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&svg, &len);
	if (mem == NULL) {
		*cause = xasprintf("%s: %s", s->output, strerror(errno));
		return EXIT_FAILURE_RUNTIME;
	}
	figure_to(mem, s);
	fclose(mem);
	char w[32], h[32], z[32];
	snprintf(w, sizeof w, "%ld", s->png_w);
	snprintf(h, sizeof h, "%ld", s->png_h);
	snprintf(z, sizeof z, "%g", s->scale);
	const char *argv[12] = { "rsvg-convert", "-b", "white", "-f", "png" };
	int ac = 5;
	if (s->png_w > 0) {
		argv[ac++] = "-w";
		argv[ac++] = w;
		argv[ac++] = "-h";
		argv[ac++] = h;
	} else {
		argv[ac++] = "-z";
		argv[ac++] = z;
	}
	argv[ac] = NULL;
	int in[2], rc = 0;
	fflush(out);
	if (pipe(in) != 0) {
		free(svg);
		*cause = xasprintf("%s: %s", s->output, strerror(errno));
		return EXIT_FAILURE_RUNTIME;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(fileno(out), 1);
		close(in[0]);
		close(in[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	/* a dead child must not kill us with SIGPIPE: its status says why */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	for (size_t off = 0; pid > 0 && off < len;) {
		ssize_t k = write(in[1], svg + off, len - off);
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	close(in[1]);
	signal(SIGPIPE, old);
	free(svg);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		*cause = xasprintf("%s: cannot run rsvg-convert: %s", s->output, strerror(errno));
		rc = EXIT_FAILURE_RUNTIME;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		*cause = xasprintf("%s: a PNG figure needs rsvg-convert (Debian package librsvg2-bin); --cells draws "
		    "the heatmap's cells without it", s->output);
		rc = EXIT_BAD_INPUT;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		*cause = xasprintf("%s: rsvg-convert failed on the figure (status %d)", s->output,
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		rc = EXIT_FAILURE_RUNTIME;
	}
	return rc;
}

static int write_figure(struct cmd_plot *s)
{
	char *cause = NULL;
	struct atomic_file a;
	int png = ends_with(s->output, ".png");
	int rc = atomic_open(&a, s->output, &cause);
	if (rc != 0)
		return cmd_fail_status(rc, cause);
	if (png && s->cells) {
		int w = s->png_w > 0 ? (int)s->png_w : 800, h = s->png_h > 0 ? (int)s->png_h : 600;
		unsigned char *px = figure_heatmap_pixels(&s->grid, s->o.mono, w, h);
		int ok = stbi_write_png_to_func(png_out, a.f, w, h, 3, px, w * 3);
		free(px);
		if (!ok) {
			atomic_abort(&a);
			return cmd_fail_status(EXIT_FAILURE_RUNTIME, xasprintf("%s: the PNG encoder failed", s->output));
		}
	} else if (png) {
		if ((rc = rasterise(s, a.f, &cause)) != 0) {
			atomic_abort(&a);
			return cmd_fail_status(rc, cause);
		}
	} else {
		figure_to(a.f, s);
	}
	if ((rc = atomic_commit(&a, &cause)) != 0)
		return cmd_fail_status(rc, cause);
	return EXIT_OK;
}

static int cmd_plot_exec(void *state, struct setup_opts *unused)
{
	struct cmd_plot *s = state;
	char *cause = NULL;
	(void)unused;	/* plot reads result files only */
	if (s->scan_path == NULL || s->output == NULL) {
		fprintf(stderr, "safer: plot: give a scan file and -o OUT.svg (or OUT.png)\n");
		return EXIT_BAD_INPUT;
	}
	if (s->o.type == FIGURE_CRITERIA && s->rank_path == NULL) {
		fprintf(stderr, "safer: plot: --figure criteria needs a rank file after the scan file\n");
		return EXIT_BAD_INPUT;
	}
	if (s->o.type == FIGURE_BUDGET && s->rank_path == NULL) {
		fprintf(stderr, "safer: plot: --figure budget needs a budget file after the scan file\n");
		return EXIT_BAD_INPUT;
	}
	if (s->rank_path != NULL && s->o.type != FIGURE_CRITERIA && s->o.type != FIGURE_BUDGET) {
		fprintf(stderr, "safer: plot: a second file is drawn by --figure criteria (a rank file) or budget only\n");
		return EXIT_BAD_INPUT;
	}
	if (s->cells && (!ends_with(s->output, ".png") || (s->o.type != FIGURE_HEATMAP && s->o.type != FIGURE_BITPOS)))
		return cmd_fail(xasprintf("%s: --cells draws a heatmap's cells as PNG; here --figure %s to %s",
		    s->output, figure_type_name(s->o.type), ends_with(s->output, ".png") ? "PNG" : "SVG"));
	if (!ends_with(s->output, ".png") && !ends_with(s->output, ".svg"))
		return cmd_fail(xasprintf("%s: the figure's name must end in .svg or .png", s->output));
	if (s->kinds_text != NULL && figure_parse_kinds(s->kinds_text, &s->o.kinds, &cause) != 0)
		return cmd_fail(cause);
	if (s->layers_text != NULL && figure_parse_layers(s->layers_text, &s->layers, &s->o.nlayers, &cause) != 0)
		return cmd_fail(cause);
	s->o.layers = s->layers;
	inputs_note(s->scan_path);	/* -o may name neither input */
	if (s->rank_path != NULL)
		inputs_note(s->rank_path);
	if (atomic_check_target(s->output, &cause) != 0)
		return cmd_fail(cause);
	if (s->o.type == FIGURE_PARETO) {	/* a front file, not a scan */
		if (figure_front_read(s->scan_path, &s->front, &cause) != 0)
			return cmd_fail(cause);
		s->front.by_bops = s->bops;
		return write_figure(s);
	}
	if (scan_file_read(s->scan_path, &s->scan, &cause) != 0)
		return cmd_fail(cause);
	if (figure_grid_build(&s->grid, s->scan_path, &s->scan, &s->o, &cause) != 0)
		return cmd_fail(cause);
	if (s->o.type == FIGURE_BUDGET) {
		/* the scan's layers are all the model the figure knows: kinds
		 * and ranges are checked by the parser, layers against the scan */
		if (budget_load(s->rank_path, NULL, &s->budget, &cause) != 0 ||
		    figure_check_budget(&s->grid, s->rank_path, &s->budget, &cause) != 0)
			return cmd_fail(cause);
	} else if (s->rank_path != NULL) {
		if (rank_file_read(s->rank_path, &s->rank, &cause) != 0)
			return cmd_fail(cause);
		s->have_rank = 1;
		if (figure_check_rank(&s->grid, s->scan_path, s->rank_path, &s->rank, &cause) != 0)
			return cmd_fail(cause);
	}
	return write_figure(s);
}

static void cmd_plot_free(void *state)
{
	struct cmd_plot *s = state;
	figure_grid_free(&s->grid);
	rank_file_free(&s->rank);	/* zeroed or read: either frees */
	budget_free(&s->budget);
	figure_front_free(&s->front);
	scan_file_free(&s->scan);
	free(s->layers);
}

const struct cmd_entry cmd_plot_entry = {
	.name = "plot",
	.args = "SCAN [RANK|BUDGET] -o OUT.svg|OUT.png [--figure heatmap|curves|bitpos|criteria|budget|pareto]\n"
	    "[--kind LIST] [--layers LIST] [--mono] [--size WxH] [--scale S] [--cells] [--bops]",
	.summary = "a figure of a scan (heatmap, curves, bit positions, criteria) as SVG or PNG",
	.help = plot_help,
	.options = cmd_plot_options,
	.operands = 2,
	.size = sizeof(struct cmd_plot),
	.init = cmd_plot_init,
	.option = cmd_plot_option,
	.exec = cmd_plot_exec,
	.free = cmd_plot_free,
};
