/* cmd_report.c - `safer report`: one self-contained HTML file of a scan (and
 * a rank file): provenance, baseline, the figures as inline SVG (the same
 * drawing as `safer plot`), the tables behind them, sortable by a few lines
 * of inline script; nothing is fetched from the network. */
#include "cli/cmd.h"
#include "cli/options.h"
#include "core/atomic.h"
#include "core/inputs.h"
#include "core/util.h"
#include "formats/figure.h"
#include "formats/rank_file.h"
#include "formats/scan_file.h"
#include "formats/svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char report_help[] =
"Writes one HTML file, readable offline and printable: the scan's provenance\n"
"and baseline, the heatmap and the sensitivity curves (and, with --rank, the\n"
"criteria against the measured ranks) as inline SVG, and the tables behind\n"
"them; a click on a column heading sorts a table.\n\n"
"      --rank FILE       criteria (safer rank -o) of the same weights\n"
"      --budget FILE     a budget (safer budget -o): its settings next to each\n"
"                        layer's measured sensitivity\n"
"  -o, --output FILE     the report (.html)\n"
"  -k, --kind LIST       only these perturbation kinds\n"
"  -l, --layers LIST     only these layers, e.g. 0,2,5-7\n"
"      --mono            greys instead of the colour scale\n";

static const char report_css[] =
"body{font-family:sans-serif;max-width:72em;margin:1em auto;padding:0 1em;color:#111}\n"
"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em;border-bottom:1px solid #ccc}\n"
"table{border-collapse:collapse;font-size:.85em;margin:.5em 0}\n"
"th,td{border:1px solid #ccc;padding:.2em .5em;text-align:right}\n"
"th{background:#f0f0f0;cursor:pointer}td.t,th.t{text-align:left}\n"
"figure{margin:.5em 0}figcaption{font-size:.85em;color:#444}svg{max-width:100%;height:auto}\n"
"@media print{th{cursor:auto}h2{break-after:avoid}figure{break-inside:avoid}}\n";

/* Sorts a table by the clicked column (numbers as numbers), offline. */
static const char report_js[] =
"document.querySelectorAll('table.sortable th').forEach(function(th,i){\n"
" th.addEventListener('click',function(){\n"
"  var tb=th.closest('table').tBodies[0],rows=Array.from(tb.rows),up=th.dataset.dir!=='up';\n"
"  th.dataset.dir=up?'up':'down';\n"
"  rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent,\n"
"   p=parseFloat(x),q=parseFloat(y),c=(isNaN(p)||isNaN(q))?x.localeCompare(y):p-q;return up?c:-c;});\n"
"  rows.forEach(function(r){tb.appendChild(r);});});});\n";

struct cmd_report {
	const char *scan_path, *rank_path, *budget_path, *output;
	const char *kinds_text, *layers_text;
	struct figure_opts o;
	int *layers;			/* owned */
	struct scan_file scan;		/* owned */
	struct rank_file rank;		/* owned */
	int have_rank;
	struct budget budget;		/* owned, with --budget */
	struct figure_grid grid;	/* owned */
};

enum cmd_report_code { CMD_REPORT_RANK = OPTIONS_OWN, CMD_REPORT_MONO, CMD_REPORT_BUDGET };

static const struct options_spec cmd_report_options[] = {
	{ "rank", CMD_REPORT_RANK, OPTIONS_VALUE },
	{ "budget", CMD_REPORT_BUDGET, OPTIONS_VALUE },
	{ "output", 'o', OPTIONS_VALUE },
	{ "kind", 'k', OPTIONS_VALUE },
	{ "layers", 'l', OPTIONS_VALUE },
	{ "mono", CMD_REPORT_MONO, OPTIONS_FLAG },
	{ NULL, 0, OPTIONS_FLAG },
};

static int cmd_report_option(void *state, int code, const char *arg)
{
	struct cmd_report *s = state;
	switch (code) {
	case CMD_OPERAND: s->scan_path = arg; return 0;
	case CMD_REPORT_RANK: s->rank_path = arg; return 0;
	case CMD_REPORT_BUDGET: s->budget_path = arg; return 0;
	case 'o': s->output = arg; return 0;
	case 'k': s->kinds_text = arg; return 0;
	case 'l': s->layers_text = arg; return 0;
	case CMD_REPORT_MONO: s->o.mono = 1; return 0;
	default:	/* not in cmd_report_options */
		return -1;
	}
}

static void cell_text(FILE *f, const char *cls, const char *text)
{
	fprintf(f, "<td%s>", cls);
	svg_escape(f, text);
	fputs("</td>", f);
}

static void provenance_table(FILE *f, const struct scan_header *h)
{
	char images[32], seed[32], trials[16];
	snprintf(images, sizeof images, "%ld", h->images);
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)h->seed);
	snprintf(trials, sizeof trials, "%d", h->trials);
	const char *rows[][2] = { { "safer version", h->version }, { "cfg", h->cfg }, { "weights", h->weights },
		{ "weights checksum", h->weights_checksum }, { "data", h->data }, { "data checksum", h->data_checksum },
		{ "images", images }, { "seed", seed }, { "trials", trials },
		{ "metric", h->metric && h->metric[0] ? h->metric : "top1" } };
	fputs("<table class=\"provenance\">\n", f);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		fputs("<tr><th class=\"t\">", f);
		svg_escape(f, rows[i][0]);
		fputs("</th>", f);
		cell_text(f, " class=\"t\"", rows[i][1] ? rows[i][1] : "");
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void cells_table(FILE *f, const struct figure_grid *g)
{
	fputs("<table class=\"sortable\" id=\"cells\">\n<thead><tr><th>layer</th><th class=\"t\">layer kind</th>"
	    "<th class=\"t\">kind</th><th>level</th><th>trials</th><th>value (%)</th><th>drop (points)</th>"
	    "<th>drop 95% low</th><th>drop 95% high</th></tr></thead>\n<tbody>\n", f);
	for (int c = 0; c < g->ncells; c++) {
		const struct figure_cell *x = &g->cells[c];
		fprintf(f, "<tr><td>%d</td><td class=\"t\">%s</td><td class=\"t\">%s</td><td>%g</td><td>%d</td>"
		    "<td>%.2f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td></tr>\n", g->layers[x->layer],
		    g->layer_kinds[x->layer], perturb_kind_name(x->kind), x->level, x->trials, x->value, x->drop,
		    x->drop_lo, x->drop_hi);
	}
	fputs("</tbody></table>\n", f);
}

static void rank_table(FILE *f, const struct rank_file *r)
{
	const struct criteria_table *t = &r->table;
	fputs("<table class=\"sortable\" id=\"ranks\">\n<thead><tr><th>layer</th><th class=\"t\">layer kind</th>", f);
	for (int j = 0; j < t->ncols; j++)
		fprintf(f, "<th>%s rank</th>", criterion_name(t->cols[j]));
	fputs("</tr></thead>\n<tbody>\n", f);
	for (int i = 0; i < t->n; i++) {
		fprintf(f, "<tr><td>%d</td><td class=\"t\">%s</td>", t->layers[i], t->kinds[i]);
		for (int j = 0; j < t->ncols; j++) {
			double v = t->rank[(size_t)i * t->ncols + j];
			if (isfinite(v))
				fprintf(f, "<td>%g</td>", v);
			else
				fputs("<td>-</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void figure_section(FILE *f, const struct cmd_report *s, enum figure_type type, const char *title,
    const char *caption)
{
	struct figure_opts o = s->o;
	o.type = type;
	fprintf(f, "<section id=\"%s\">\n<h2>%s</h2>\n<figure>\n", figure_type_name(type), title);
	figure_svg(f, &s->grid, s->have_rank ? &s->rank : NULL, &o, 0);
	fprintf(f, "<figcaption>%s</figcaption>\n</figure>\n</section>\n", caption);
}

static void write_report(FILE *f, const struct cmd_report *s)
{
	const struct scan_header *h = &s->scan.header;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>safer report: ", f);
	svg_escape(f, h->cfg ? h->cfg : s->scan_path);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>safer report: ", report_css);
	svg_escape(f, h->cfg ? h->cfg : "");
	fputs("</h1>\n<section id=\"provenance\">\n<h2>Provenance</h2>\n<p>Scan file <code>", f);
	svg_escape(f, s->scan_path);
	fputs("</code>", f);
	if (s->have_rank) {
		fputs(", rank file <code>", f);
		svg_escape(f, s->rank_path);
		fputs("</code>", f);
	}
	fputs(".</p>\n", f);
	provenance_table(f, h);
	if (isfinite(h->baseline_top1))
		fprintf(f, "<p id=\"baseline\">Baseline (no perturbation): <strong>%.2f%%</strong> %s on %ld images.</p>\n",
		    100 * h->baseline_top1, h->metric && h->metric[0] && h->metric[0] == 'm' ? "mAP@.5" : "top-1", h->images);
	else
		fprintf(f, "<p id=\"baseline\">Unlabeled data: no baseline accuracy; the curves show the agreement with "
		    "the unperturbed network on %ld images.</p>\n", h->images);
	fputs("</section>\n", f);
	figure_section(f, s, FIGURE_HEATMAP, "Heatmap: drop per weight layer and level",
	    "The drop in points of each weight layer at each level (trials averaged); hatched: not measured.");
	figure_section(f, s, FIGURE_CURVES, "Sensitivity curves",
	    "The metric against the level per layer; shaded: the 95% interval of the paired drop; dashed: the baseline.");
	if (s->have_rank)
		figure_section(f, s, FIGURE_CRITERIA, "Criteria against measured drops",
		    "Each criterion's rank against the rank of the measured mean drop, with Spearman &#961; and Kendall &#964;.");
	if (s->budget_path != NULL) {
		fputs("<section id=\"budget\">\n<h2>The budget: ", f);
		svg_escape(f, s->budget_path);
		fputs("</h2>\n<figure>\n", f);
		figure_budget_svg(f, &s->grid, &s->budget, 0);
		fputs("<figcaption>Each layer's weight bits and sparsity in the budget, next to its mean drop over the "
		    "measured levels of each kind.</figcaption>\n</figure>\n</section>\n", f);
	}
	fputs("<section id=\"tables\">\n<h2>The cells behind the figures</h2>\n", f);
	cells_table(f, &s->grid);
	if (s->have_rank) {
		fputs("<h2>Criteria ranks (1: most important)</h2>\n", f);
		rank_table(f, &s->rank);
	}
	fprintf(f, "</section>\n<script>\n%s</script>\n</body>\n</html>\n", report_js);
}

static int cmd_report_exec(void *state, struct setup_opts *unused)
{
	struct cmd_report *s = state;
	char *cause = NULL;
	(void)unused;	/* report reads result files only */
	if (s->scan_path == NULL || s->output == NULL) {
		fprintf(stderr, "safer: report: give a scan file and -o REPORT.html\n");
		return EXIT_BAD_INPUT;
	}
	if (s->kinds_text != NULL && figure_parse_kinds(s->kinds_text, &s->o.kinds, &cause) != 0)
		return cmd_fail(cause);
	if (s->layers_text != NULL && figure_parse_layers(s->layers_text, &s->layers, &s->o.nlayers, &cause) != 0)
		return cmd_fail(cause);
	s->o.layers = s->layers;
	inputs_note(s->scan_path);
	if (s->rank_path != NULL)
		inputs_note(s->rank_path);
	if (s->budget_path != NULL)
		inputs_note(s->budget_path);
	if (atomic_check_target(s->output, &cause) != 0)
		return cmd_fail(cause);
	if (scan_file_read(s->scan_path, &s->scan, &cause) != 0)
		return cmd_fail(cause);
	if (figure_grid_build(&s->grid, s->scan_path, &s->scan, &s->o, &cause) != 0)
		return cmd_fail(cause);
	if (s->rank_path != NULL) {
		if (rank_file_read(s->rank_path, &s->rank, &cause) != 0)
			return cmd_fail(cause);
		s->have_rank = 1;
		if (figure_check_rank(&s->grid, s->scan_path, s->rank_path, &s->rank, &cause) != 0)
			return cmd_fail(cause);
	}
	if (s->budget_path != NULL && (budget_load(s->budget_path, NULL, &s->budget, &cause) != 0 ||
	    figure_check_budget(&s->grid, s->budget_path, &s->budget, &cause) != 0))
		return cmd_fail(cause);
	struct atomic_file a;
	int rc = atomic_open(&a, s->output, &cause);
	if (rc != 0)
		return cmd_fail_status(rc, cause);
	write_report(a.f, s);
	if ((rc = atomic_commit(&a, &cause)) != 0)
		return cmd_fail_status(rc, cause);
	return EXIT_OK;
}

static void cmd_report_free(void *state)
{
	struct cmd_report *s = state;
	figure_grid_free(&s->grid);
	rank_file_free(&s->rank);	/* zeroed or read: either frees */
	budget_free(&s->budget);
	scan_file_free(&s->scan);
	free(s->layers);
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.args = "SCAN [--rank RANK] [--budget BUDGET] -o REPORT.html [--kind LIST] [--layers LIST] [--mono]",
	.summary = "one self-contained HTML report of a scan: provenance, figures, tables",
	.help = report_help,
	.options = cmd_report_options,
	.operands = 1,
	.size = sizeof(struct cmd_report),
	.option = cmd_report_option,
	.exec = cmd_report_exec,
	.free = cmd_report_free,
};
