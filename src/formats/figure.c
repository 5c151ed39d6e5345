/* figure.c - see figure.h */
#include "config.h"
#include "formats/figure.h"
#include "formats/svg.h"
#include "core/stats.h"
#include "core/util.h"
#include "formats/table.h"

#include <jansson.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = { "heatmap", "curves", "bitpos", "criteria", "budget", "pareto" };

int figure_type_from_name(const char *name, enum figure_type *out)
{
	for (int i = 0; i < (int)(sizeof type_names / sizeof type_names[0]); i++)
		if (strcmp(name, type_names[i]) == 0) {
			*out = (enum figure_type)i;
			return 0;
		}
	return -1;
}

const char *figure_type_name(enum figure_type t)
{
	return type_names[t];
}

/* ---- the grid --------------------------------------------------------------------- */

static int same_level(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1, fabs(a));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int kept(const struct figure_opts *o, const struct scan_row *r)
{
	if (o->kinds != 0 && !(o->kinds & (1u << r->kind)))
		return 0;
	if (o->type == FIGURE_BITPOS && r->kind != PERTURB_BITPOS)
		return 0;
	if (o->layers == NULL)
		return 1;
	for (int i = 0; i < o->nlayers; i++)
		if (o->layers[i] == r->layer)
			return 1;
	return 0;
}

static int kind_index(const struct figure_grid *g, enum perturb_kind k)
{
	for (int i = 0; i < g->nkinds; i++)
		if (g->kinds[i] == k)
			return i;
	return -1;
}

static int layer_index(const struct figure_grid *g, int layer)
{
	int *p = bsearch(&layer, g->layers, (size_t)g->nlayers, sizeof *g->layers, cmp_int);
	return p ? (int)(p - g->layers) : -1;
}

static int level_index(const struct figure_grid *g, int ki, double level)
{
	for (int i = 0; i < g->nlevels[ki]; i++)
		if (same_level(g->levels[ki][i], level))
			return i;
	return -1;
}

/* The layers, kinds and levels the kept rows use. */
static void grid_axes(struct figure_grid *g, const struct scan_file *s, const struct figure_opts *o)
{
	unsigned kinds = 0;
	g->layers = xcalloc((size_t)s->n + 1, sizeof *g->layers);
	g->layer_kinds = xcalloc((size_t)s->n + 1, sizeof *g->layer_kinds);
	for (int r = 0; r < s->n; r++) {
		const struct scan_row *row = &s->rows[r];
		if (!kept(o, row))
			continue;
		kinds |= 1u << row->kind;
		int known = 0;
		for (int i = 0; i < g->nlayers && !known; i++)
			known = g->layers[i] == row->layer;
		if (!known)
			g->layers[g->nlayers++] = row->layer;
	}
	qsort(g->layers, (size_t)g->nlayers, sizeof *g->layers, cmp_int);
	for (int k = 0; k < PERTURB_KIND_COUNT; k++)
		if (kinds & (1u << k))
			g->kinds[g->nkinds++] = (enum perturb_kind)k;
	for (int ki = 0; ki < g->nkinds; ki++)
		g->levels[ki] = xcalloc((size_t)s->n + 1, sizeof **g->levels);
	for (int r = 0; r < s->n; r++) {
		const struct scan_row *row = &s->rows[r];
		if (!kept(o, row))
			continue;
		int ki = kind_index(g, row->kind), li = layer_index(g, row->layer);
		snprintf(g->layer_kinds[li], sizeof g->layer_kinds[li], "%s", row->layer_kind);
		if (level_index(g, ki, row->level) < 0)
			g->levels[ki][g->nlevels[ki]++] = row->level;
	}
	for (int ki = 0; ki < g->nkinds; ki++)
		qsort(g->levels[ki], (size_t)g->nlevels[ki], sizeof **g->levels, cmp_double);
}

/* Trials averaged into one cell per (layer, kind, level). */
static void grid_cells(struct figure_grid *g, const struct scan_file *s, const struct figure_opts *o)
{
	g->cells = xcalloc((size_t)s->n + 1, sizeof *g->cells);
	double *n_drop = xcalloc((size_t)s->n + 1, sizeof *n_drop);
	for (int r = 0; r < s->n; r++) {
		const struct scan_row *row = &s->rows[r];
		if (!kept(o, row))
			continue;
		int li = layer_index(g, row->layer), ki = kind_index(g, row->kind);
		int c;
		for (c = 0; c < g->ncells; c++)
			if (g->cells[c].layer == li && g->cells[c].kind == row->kind && same_level(g->cells[c].level, row->level))
				break;
		if (c == g->ncells)
			g->cells[g->ncells++] = (struct figure_cell){ .layer = li, .kind = row->kind,
			    .level = g->levels[ki][level_index(g, ki, row->level)] };
		struct figure_cell *cell = &g->cells[c];
		double v = g->agreement ? 100 * row->agree : 100 * row->top1;
		cell->value += v;
		if (g->agreement && isfinite(row->agree)) {
			/* no labels, no drop: the agreement lost stands in for it */
			double loss = 100 * (1 - row->agree);
			cell->drop += loss;
			cell->drop_lo += loss;
			cell->drop_hi += loss;
			n_drop[c]++;
		} else if (!g->agreement && isfinite(row->drop)) {
			cell->drop += row->drop;
			cell->drop_lo += isfinite(row->drop_lo) ? row->drop_lo : row->drop;
			cell->drop_hi += isfinite(row->drop_hi) ? row->drop_hi : row->drop;
			n_drop[c]++;
		}
		cell->trials++;
	}
	g->lo = INFINITY;
	g->hi = -INFINITY;
	for (int c = 0; c < g->ncells; c++) {
		struct figure_cell *cell = &g->cells[c];
		cell->value /= cell->trials;
		if (n_drop[c] > 0) {
			cell->drop /= n_drop[c];
			cell->drop_lo /= n_drop[c];
			cell->drop_hi /= n_drop[c];
			g->lo = fmin(g->lo, cell->drop);
			g->hi = fmax(g->hi, cell->drop);
		} else {
			cell->drop = cell->drop_lo = cell->drop_hi = NAN;
		}
	}
	free(n_drop);
	/* a scale from 0 (no drop) unless gains go below it; never empty */
	g->lo = isfinite(g->lo) ? fmin(0, g->lo) : 0;
	g->hi = isfinite(g->hi) ? fmax(g->hi, g->lo + 1e-9) : 1;
}

int figure_grid_build(struct figure_grid *g, const char *path, const struct scan_file *scan,
    const struct figure_opts *o, char **cause)
{
	*g = (struct figure_grid){ .scan = scan };
	if (scan->n == 0) {
		*cause = xasprintf("%s: the scan has no rows: nothing to plot", path);
		return -1;
	}
	g->agreement = !isfinite(scan->header.baseline_top1);
	grid_axes(g, scan, o);
	if (g->nlayers == 0) {
		*cause = xasprintf("%s: no rows %s", path, o->type == FIGURE_BITPOS ? "of kind bitpos (the bitpos figure needs a bitpos scan)"
		    : "of the kinds and layers asked for");
		return -1;
	}
	grid_cells(g, scan, o);
	return 0;
}

void figure_grid_free(struct figure_grid *g)
{
	free(g->layers);
	free(g->layer_kinds);
	for (int i = 0; i < PERTURB_KIND_COUNT; i++)
		free(g->levels[i]);
	free(g->cells);
	*g = (struct figure_grid){ 0 };
}

const struct figure_cell *figure_grid_at(const struct figure_grid *g, int li, int ki, int vi)
{
	for (int c = 0; c < g->ncells; c++) {
		const struct figure_cell *cell = &g->cells[c];
		if (cell->layer == li && cell->kind == g->kinds[ki] && same_level(cell->level, g->levels[ki][vi]))
			return cell;
	}
	return NULL;
}

/* ---- colours ---------------------------------------------------------------------- */

void figure_colour(double t, int mono, unsigned char rgb[3])
{
	/* viridis as a degree-6 polynomial per channel (Matt Zucker's fit, CC0) */
	static const double c[7][3] = {
		{ 0.2777273272234177, 0.005407344544966578, 0.3340998053353061 },
		{ 0.1050930431085774, 1.404613529898575, 1.384590162594685 },
		{ -0.3308618287255563, 0.214847559468213, 0.09509516302823659 },
		{ -4.634230498983486, -5.799100973351585, -19.33244095627987 },
		{ 6.228269936347081, 14.17993336680509, 56.69055260068105 },
		{ 4.776384997670288, -13.74514537774601, -65.35303263337234 },
		{ -5.435455855934631, 4.645852612178535, 26.3124352495832 },
	};
	t = isfinite(t) ? fmin(1, fmax(0, t)) : 0;
	for (int ch = 0; ch < 3; ch++) {
		double v = mono ? (245 - 205 * t) / 255 : c[6][ch];
		if (!mono)
			for (int k = 5; k >= 0; k--)
				v = c[k][ch] + t * v;
		rgb[ch] = (unsigned char)lround(255 * fmin(1, fmax(0, v)));
	}
}

static double scale_t(const struct figure_grid *g, double drop)
{
	return (drop - g->lo) / (g->hi - g->lo);
}

static void colour_hex(double t, int mono, char out[8])
{
	unsigned char rgb[3];
	figure_colour(t, mono, rgb);
	snprintf(out, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

/* Dark cells get white figures, light ones black. */
static const char *ink_on(double t, int mono)
{
	unsigned char rgb[3];
	figure_colour(t, mono, rgb);
	return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] < 128 ? "#ffffff" : "#000000";
}

/* Okabe & Ito's eight colours, distinguishable with every common colour blindness. */
static const char *const palette[] = { "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
	"#f0e442", "#000000" };
#define NPALETTE 8

/* ---- words ------------------------------------------------------------------------ */

static const char *level_unit(enum perturb_kind k)
{
	switch (k) {
	case PERTURB_PRUNE: case PERTURB_PRUNE_RANDOM: return "fraction of weights pruned";
	case PERTURB_PRUNE_FILTER: return "fraction of filters removed";
	case PERTURB_QUANT: case PERTURB_QUANT_PC: case PERTURB_ACTQUANT: return "bits";
	case PERTURB_NOISE: return "sigma, times the weights' sd";
	case PERTURB_BITPOS: return "bit position";
	default: return "probability per bit";
	}
}

static const char *metric_label(const struct figure_grid *g)
{
	const char *m = g->scan->header.metric;
	if (g->agreement)
		return "agreement with the unperturbed network (%)";
	if (m != NULL && strcmp(m, "map50") == 0)
		return "mAP@.5 (%)";
	if (m != NULL && strcmp(m, "map50_voc") == 0)
		return "mAP@.5, VOC (%)";
	return "top-1 accuracy (%)";
}

static const char *drop_unit(const struct figure_grid *g)
{
	return g->agreement ? "agreement lost (points)" : "drop (points)";
}

/* Two lines: "cfg; weights W (checksum)", "data D; N images; seed; trials; version". */
static void caption(const struct scan_header *h, char **model, char **run)
{
	char ck[20] = "";
	if (h->weights_checksum != NULL && h->weights_checksum[0] != '\0')
		snprintf(ck, sizeof ck, " (%.16s)", h->weights_checksum);
	*model = xasprintf("%s; weights %s%s", h->cfg ? h->cfg : "?", h->weights ? h->weights : "?", ck);
	*run = xasprintf("data %s; %ld images; seed %llu; %d trial%s; safer %s", h->data ? h->data : "?", h->images,
	    (unsigned long long)h->seed, h->trials, h->trials == 1 ? "" : "s", h->version ? h->version : "?");
}

static void provenance(struct svg *s, const struct scan_header *h, const char *figure)
{
	char images[32], seed[32], trials[16], base[32];
	snprintf(images, sizeof images, "%ld", h->images);
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)h->seed);
	snprintf(trials, sizeof trials, "%d", h->trials);
	snprintf(base, sizeof base, "%.6f", h->baseline_top1);
	const char *keys[] = { "figure", "version", "cfg", "weights", "weights_checksum", "data", "data_checksum",
		"images", "seed", "trials", "baseline_top1", "metric" };
	const char *values[] = { figure, h->version, h->cfg, h->weights, h->weights_checksum, h->data,
		h->data_checksum, images, seed, trials, isfinite(h->baseline_top1) ? base : NULL,
		h->metric ? h->metric : "top1" };
	svg_metadata(s, keys, values, (int)(sizeof keys / sizeof keys[0]));
}

/* The caption's two lines, the second at y. */
static void caption_text(struct svg *s, const struct scan_header *h, double x, double y)
{
	char *model, *run;
	caption(h, &model, &run);
	svg_text(s, x, y - 12, "start", 9, model, "class=\"caption\" fill=\"#555555\"");
	svg_text(s, x, y, "start", 9, run, "class=\"caption\" fill=\"#555555\"");
	free(model);
	free(run);
}

static const char figure_css[] =
    ".cell text{pointer-events:none} .axis-label{font-size:12px} .tick{font-size:10px}";

/* ---- the heatmap ------------------------------------------------------------------ */

#define HM_LEFT 120.0
#define HM_CW 56.0
#define HM_CH 20.0
#define HM_TOP 30.0

static void legend_bar(struct svg *s, const struct figure_grid *g, int mono, double x, double y, double h)
{
	enum { STEPS = 32 };
	char buf[96], hex[8];
	svg_group_begin(s, "class=\"legend\"");
	svg_text(s, x, y - 12, "start", 11, drop_unit(g), "class=\"legend-title\"");
	for (int i = 0; i < STEPS; i++) {
		double t = 1 - (i + 0.5) / STEPS;	/* the largest drop at the top */
		colour_hex(t, mono, hex);
		snprintf(buf, sizeof buf, "class=\"legend-step\" data-t=\"%.4f\"", t);
		svg_rect(s, x, y + i * h / STEPS, 16, h / STEPS + 0.5, hex, buf);
	}
	for (int i = 0; i <= 4; i++) {
		double v = g->hi - i * (g->hi - g->lo) / 4;
		snprintf(buf, sizeof buf, "%.2f", v);
		svg_line(s, x + 16, y + i * h / 4, x + 20, y + i * h / 4, "#000000", NULL);
		svg_text(s, x + 23, y + i * h / 4 + 3.5, "start", 10, buf, "class=\"tick\"");
	}
	svg_rect(s, x, y + h + 14, 16, 12, "url(#hatch)", "class=\"legend-missing\" stroke=\"#999999\"");
	svg_text(s, x + 23, y + h + 24, "start", 10, "not measured", "class=\"tick\"");
	svg_group_end(s);
}

static void heatmap(FILE *f, const struct figure_grid *g, const struct figure_opts *o, int standalone)
{
	struct svg s;
	int maxlev = 1;
	for (int ki = 0; ki < g->nkinds; ki++)
		maxlev = g->nlevels[ki] > maxlev ? g->nlevels[ki] : maxlev;
	double panel_h = 36 + g->nlayers * HM_CH + 16;
	/* the legend right of the cells and clear of the panel titles */
	double grid_w = fmax(HM_LEFT + maxlev * HM_CW, HM_LEFT + 250);
	double w = fmax(grid_w + 130, 560), h = HM_TOP + g->nkinds * panel_h + 44;
	double legend_h = fmin(200, fmax(100, h - HM_TOP - 90));
	h = fmax(h, HM_TOP + 30 + legend_h + 60);
	char buf[256], hex[8];

	svg_begin(&s, f, w, h, standalone);
	snprintf(buf, sizeof buf, "safer %s: drop per weight layer and level", figure_type_name(o->type));
	svg_title(&s, buf);
	provenance(&s, &g->scan->header, figure_type_name(o->type));
	svg_style(&s, figure_css);
	svg_raw(&s, "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
	    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999999\" stroke-width=\"2\"/></pattern></defs>");
	svg_rect(&s, 0, 0, w, h, "#ffffff", NULL);
	if (g->agreement)
		snprintf(buf, sizeof buf, "Agreement lost per weight layer (points; unlabeled data: no accuracy)");
	else
		snprintf(buf, sizeof buf, "%s drop per weight layer (points; baseline %.2f%%)",
		    metric_label(g)[0] == 'm' ? "mAP@.5" : "Top-1", 100 * g->scan->header.baseline_top1);
	svg_text(&s, 10, 18, "start", 14, buf, "class=\"figure-title\"");
	for (int ki = 0; ki < g->nkinds; ki++) {
		enum perturb_kind k = g->kinds[ki];
		double y0 = HM_TOP + ki * panel_h;
		snprintf(buf, sizeof buf, "class=\"panel\" data-kind=\"%s\"", perturb_kind_name(k));
		svg_group_begin(&s, buf);
		snprintf(buf, sizeof buf, "%s: level (%s)", perturb_kind_name(k), level_unit(k));
		svg_text(&s, HM_LEFT, y0 + 14, "start", 12, buf, "class=\"axis-label\" font-weight=\"bold\"");
		svg_text(&s, HM_LEFT - 8, y0 + 30, "end", 11, "weight layer", "class=\"axis-label\"");
		for (int vi = 0; vi < g->nlevels[ki]; vi++) {
			snprintf(buf, sizeof buf, "%g", g->levels[ki][vi]);
			svg_text(&s, HM_LEFT + (vi + 0.5) * HM_CW, y0 + 30, "middle", 10, buf, "class=\"tick\"");
		}
		for (int li = 0; li < g->nlayers; li++) {
			double y = y0 + 36 + li * HM_CH;
			snprintf(buf, sizeof buf, "%d %s", g->layers[li], g->layer_kinds[li]);
			svg_text(&s, HM_LEFT - 8, y + HM_CH / 2 + 3.5, "end", 10, buf, "class=\"tick\"");
			for (int vi = 0; vi < g->nlevels[ki]; vi++) {
				const struct figure_cell *c = figure_grid_at(g, li, ki, vi);
				double x = HM_LEFT + vi * HM_CW;
				double lv = g->levels[ki][vi];
				if (c == NULL || !isfinite(c->drop)) {
					snprintf(buf, sizeof buf, "class=\"missing\" data-layer=\"%d\" data-kind=\"%s\" data-level=\"%.9g\" stroke=\"#ffffff\"",
					    g->layers[li], perturb_kind_name(k), lv);
					svg_rect(&s, x, y, HM_CW, HM_CH, "url(#hatch)", buf);
					svg_text(&s, x + HM_CW / 2, y + HM_CH / 2 + 3.5, "middle", 10, "\u2013", "class=\"missing-mark\"");
					continue;
				}
				double t = scale_t(g, c->drop);
				char title[160], attrs[240];
				colour_hex(t, o->mono, hex);
				snprintf(attrs, sizeof attrs, "class=\"cell\" data-layer=\"%d\" data-kind=\"%s\" data-level=\"%.9g\" "
				    "data-drop=\"%.6g\" data-trials=\"%d\" stroke=\"#ffffff\"", g->layers[li], perturb_kind_name(k), lv,
				    c->drop, c->trials);
				snprintf(title, sizeof title, "layer %d %s:%g: drop %.4f points [%.4f, %.4f]", g->layers[li],
				    perturb_kind_name(k), lv, c->drop, c->drop_lo, c->drop_hi);
				svg_rect_titled(&s, x, y, HM_CW, HM_CH, hex, attrs, title);
				snprintf(buf, sizeof buf, "%.2f", c->drop);
				snprintf(attrs, sizeof attrs, "class=\"cell-value\" fill=\"%s\"", ink_on(t, o->mono));
				svg_text(&s, x + HM_CW / 2, y + HM_CH / 2 + 3.5, "middle", 10, buf, attrs);
			}
		}
		svg_group_end(&s);
	}
	legend_bar(&s, g, o->mono, grid_w + 30, HM_TOP + 30, legend_h);
	caption_text(&s, &g->scan->header, 10, h - 10);
	svg_end(&s);
}

/* ---- curves ------------------------------------------------------------------------ */

/* About n ticks at 1, 2 or 5 times a power of ten over [lo, hi]. */
static double tick_step(double lo, double hi, int n)
{
	double raw = (hi - lo) / n, p = pow(10, floor(log10(raw))), m = raw / p;
	return p * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
}

struct axes {
	double x0, y0, w, h;		/* the plot area */
	double xlo, xhi, ylo, yhi;
	int xlog;
};

static double ax_x(const struct axes *a, double v)
{
	double t = a->xlog ? (log10(v) - log10(a->xlo)) / (log10(a->xhi) - log10(a->xlo)) : (v - a->xlo) / (a->xhi - a->xlo);
	return a->x0 + t * a->w;
}

static double ax_y(const struct axes *a, double v)
{
	return a->y0 + a->h - (v - a->ylo) / (a->yhi - a->ylo) * a->h;
}

static void draw_axes(struct svg *s, const struct axes *a, const double *levels, int nlevels, const char *xlabel,
    const char *ylabel)
{
	char buf[64];
	svg_group_begin(s, "class=\"axes\"");
	svg_line(s, a->x0, a->y0 + a->h, a->x0 + a->w, a->y0 + a->h, "#000000", NULL);
	svg_line(s, a->x0, a->y0, a->x0, a->y0 + a->h, "#000000", NULL);
	/* x ticks at the measured levels: they are what the scan chose */
	for (int i = 0; i < nlevels; i++) {
		double x = ax_x(a, levels[i]);
		snprintf(buf, sizeof buf, "%g", levels[i]);
		svg_line(s, x, a->y0 + a->h, x, a->y0 + a->h + 4, "#000000", NULL);
		svg_text(s, x, a->y0 + a->h + 15, "middle", 10, buf, "class=\"tick\"");
	}
	double step = tick_step(a->ylo, a->yhi, 5);
	for (double v = ceil(a->ylo / step) * step; v <= a->yhi + 1e-9 * step; v += step) {
		double y = ax_y(a, v);
		snprintf(buf, sizeof buf, "%g", fabs(v) < 1e-9 * step ? 0 : v);
		svg_line(s, a->x0 - 4, y, a->x0, y, "#000000", NULL);
		svg_line(s, a->x0, y, a->x0 + a->w, y, "#e5e5e5", NULL);
		svg_text(s, a->x0 - 6, y + 3.5, "end", 10, buf, "class=\"tick\"");
	}
	svg_text(s, a->x0 + a->w / 2, a->y0 + a->h + 32, "middle", 12, xlabel, "class=\"axis-label x-label\"");
	snprintf(buf, sizeof buf, "class=\"axis-label y-label\" transform=\"rotate(-90 %.2f %.2f)\"", a->x0 - 40,
	    a->y0 + a->h / 2);
	svg_text(s, a->x0 - 40, a->y0 + a->h / 2, "middle", 12, ylabel, buf);
	svg_group_end(s);
}

static void curves_panel(struct svg *s, const struct figure_grid *g, int ki, double y0)
{
	enum perturb_kind k = g->kinds[ki];
	int nl = g->nlevels[ki];
	const double *lv = g->levels[ki];
	double base = g->agreement ? 100 : 100 * g->scan->header.baseline_top1;
	struct axes a = { .x0 = 80, .y0 = y0 + 24, .w = 360, .h = 220, .xlo = lv[0], .xhi = lv[nl - 1],
		.ylo = base, .yhi = base };
	a.xlog = lv[0] > 0 && lv[nl - 1] / lv[0] >= 100;
	if (a.xhi <= a.xlo) {	/* one level: centre it */
		a.xlo = a.xlog ? a.xlo / 2 : a.xlo - 0.5;
		a.xhi = a.xlog ? a.xhi * 2 : a.xhi + 0.5;
	}
	for (int c = 0; c < g->ncells; c++) {
		const struct figure_cell *cell = &g->cells[c];
		if (cell->kind != k || !isfinite(cell->value))
			continue;
		a.ylo = fmin(a.ylo, cell->value);
		a.yhi = fmax(a.yhi, cell->value);
		if (!g->agreement && isfinite(cell->drop_hi)) {
			a.ylo = fmin(a.ylo, base - cell->drop_hi);
			a.yhi = fmax(a.yhi, base - cell->drop_lo);
		}
	}
	double pad = fmax(1, (a.yhi - a.ylo) * 0.05);
	a.ylo = fmax(0, a.ylo - pad);
	a.yhi = fmin(100, a.yhi + pad);
	if (a.yhi <= a.ylo)
		a.yhi = a.ylo + 1;
	char buf[256], xlabel[96];
	snprintf(buf, sizeof buf, "class=\"panel\" data-kind=\"%s\"", perturb_kind_name(k));
	svg_group_begin(s, buf);
	snprintf(xlabel, sizeof xlabel, "%s level (%s%s)", perturb_kind_name(k), level_unit(k), a.xlog ? ", log scale" : "");
	draw_axes(s, &a, lv, nl, xlabel, metric_label(g));
	double *xy = xcalloc((size_t)nl * 4 + 4, sizeof *xy);
	for (int li = 0; li < g->nlayers; li++) {
		const char *colour = palette[li % NPALETTE];
		const char *dash = li >= NPALETTE ? " stroke-dasharray=\"2 2\"" : "";
		int n = 0, nb = 0;
		/* the band: upper edge left to right, lower edge back */
		for (int vi = 0; vi < nl; vi++) {
			const struct figure_cell *c = figure_grid_at(g, li, ki, vi);
			if (c != NULL && !g->agreement && isfinite(c->drop_lo) && c->drop_hi > c->drop_lo) {
				xy[2 * nb] = ax_x(&a, lv[vi]);
				xy[2 * nb + 1] = ax_y(&a, base - c->drop_lo);
				nb++;
			}
		}
		for (int vi = nl - 1, m = nb; vi >= 0 && nb > 1; vi--) {
			const struct figure_cell *c = figure_grid_at(g, li, ki, vi);
			if (c != NULL && !g->agreement && isfinite(c->drop_lo) && c->drop_hi > c->drop_lo) {
				xy[2 * m] = ax_x(&a, lv[vi]);
				xy[2 * m + 1] = ax_y(&a, base - c->drop_hi);
				m++;
			}
		}
		snprintf(buf, sizeof buf, "class=\"band\" data-layer=\"%d\" fill-opacity=\"0.18\"", g->layers[li]);
		if (nb > 1)
			svg_polygon(s, xy, 2 * nb, colour, buf);
		for (int vi = 0; vi < nl; vi++) {
			const struct figure_cell *c = figure_grid_at(g, li, ki, vi);
			if (c == NULL || !isfinite(c->value))
				continue;
			xy[2 * n] = ax_x(&a, lv[vi]);
			xy[2 * n + 1] = ax_y(&a, c->value);
			n++;
		}
		snprintf(buf, sizeof buf, "class=\"curve\" data-layer=\"%d\" data-points=\"%d\" stroke-width=\"1.5\"%s",
		    g->layers[li], n, dash);
		if (n > 0)
			svg_polyline(s, xy, n, colour, buf);
		for (int i = 0; i < n; i++)
			svg_circle(s, xy[2 * i], xy[2 * i + 1], 2.2, colour, "class=\"point\"");
	}
	free(xy);
	double by = ax_y(&a, base);
	svg_line(s, a.x0, by, a.x0 + a.w, by, "#000000", "class=\"baseline\" stroke-dasharray=\"6 4\"");
	snprintf(buf, sizeof buf, "baseline %.2f%%", base);
	svg_text(s, a.x0 + a.w - 2, by - 4, "end", 10, buf, "class=\"baseline-label\"");
	/* the legend: one entry per layer */
	svg_group_begin(s, "class=\"legend\"");
	for (int li = 0; li < g->nlayers; li++) {
		double y = a.y0 + 6 + li * 15;
		snprintf(buf, sizeof buf, "class=\"legend-entry\" data-layer=\"%d\"%s", g->layers[li],
		    li >= NPALETTE ? " stroke-dasharray=\"2 2\"" : "");
		svg_line(s, a.x0 + a.w + 14, y, a.x0 + a.w + 34, y, palette[li % NPALETTE], buf);
		snprintf(buf, sizeof buf, "layer %d %s", g->layers[li], g->layer_kinds[li]);
		svg_text(s, a.x0 + a.w + 38, y + 3.5, "start", 10, buf, NULL);
	}
	svg_group_end(s);
	svg_group_end(s);
}

static void curves(FILE *f, const struct figure_grid *g, int standalone)
{
	struct svg s;
	double panel_h = 290, w = 600;
	double h = 30 + g->nkinds * fmax(panel_h, 24 + 15.0 * g->nlayers + 20) + 34;
	char buf[160];
	svg_begin(&s, f, w, h, standalone);
	svg_title(&s, "safer curves: the metric against the level, per weight layer");
	provenance(&s, &g->scan->header, "curves");
	svg_style(&s, figure_css);
	svg_rect(&s, 0, 0, w, h, "#ffffff", NULL);
	snprintf(buf, sizeof buf, "Sensitivity curves (%s%s)", metric_label(g),
	    g->agreement ? "" : "; shaded: 95% interval of the paired drop");
	svg_text(&s, 10, 18, "start", 13, buf, "class=\"figure-title\"");
	double y = 30;
	for (int ki = 0; ki < g->nkinds; ki++) {
		curves_panel(&s, g, ki, y);
		y += fmax(panel_h, 24 + 15.0 * g->nlayers + 20);
	}
	caption_text(&s, &g->scan->header, 10, h - 8);
	svg_end(&s);
}

/* ---- criteria against the measured ranks ------------------------------------------ */

/* Mean drop per rank-file layer over the grid's cells; NaN where none. */
static int measured(const struct figure_grid *g, const struct criteria_table *t, double *drop)
{
	int n = 0;
	for (int i = 0; i < t->n; i++) {
		int li = layer_index(g, t->layers[i]), cnt = 0;
		double sum = 0;
		for (int c = 0; c < g->ncells && li >= 0; c++)
			if (g->cells[c].layer == li && isfinite(g->cells[c].drop)) {
				sum += g->cells[c].drop;
				cnt++;
			}
		drop[i] = cnt ? sum / cnt : NAN;
		n += cnt > 0;
	}
	return n;
}

int figure_check_rank(const struct figure_grid *g, const char *scan_path, const char *rank_path,
    const struct rank_file *rank, char **cause)
{
	const char *a = g->scan->header.weights_checksum, *b = rank->header.weights_checksum;
	if (a == NULL || b == NULL || a[0] == '\0' || b[0] == '\0' || strcmp(a, b) != 0) {
		*cause = xasprintf("%s: made from other weights (checksum %s) than %s (checksum %s)", rank_path,
		    b && b[0] ? b : "none", scan_path, a && a[0] ? a : "none");
		return -1;
	}
	if (rank->table.n == 0 || rank->table.ncols == 0) {
		*cause = xasprintf("%s: no criteria to plot", rank_path);
		return -1;
	}
	double *drop = xcalloc((size_t)rank->table.n, sizeof *drop);
	int common = measured(g, &rank->table, drop);
	free(drop);
	if (common < 2) {
		*cause = xasprintf("%s: %s layers in common with the plotted rows of %s", rank_path,
		    common ? "only 1 of its" : "none of its", scan_path);
		return -1;
	}
	return 0;
}

static void criteria(FILE *f, const struct figure_grid *g, const struct rank_file *rank, int standalone)
{
	const struct criteria_table *t = &rank->table;
	struct svg s;
	enum { SIDE = 150, GAP = 60, PER_ROW = 4 };
	int rows = (t->ncols + PER_ROW - 1) / PER_ROW;
	double w = 30 + PER_ROW * (SIDE + GAP), h = 50 + rows * (SIDE + 70) + 34;
	size_t n = (size_t)t->n + 1;
	double *drop = xcalloc(n, sizeof *drop), *dk = xcalloc(n, sizeof *dk);
	int *idx = xcalloc(n, sizeof *idx);
	char buf[256];
	int m = 0, nm = measured(g, t, drop);
	for (int i = 0; i < t->n; i++)
		if (isfinite(drop[i])) {
			idx[m] = i;
			dk[m++] = drop[i];
		}

	svg_begin(&s, f, w, h, standalone);
	svg_title(&s, "safer criteria: each criterion's rank against the measured rank");
	provenance(&s, &g->scan->header, "criteria");
	svg_style(&s, figure_css);
	svg_rect(&s, 0, 0, w, h, "#ffffff", NULL);
	snprintf(buf, sizeof buf, "Criteria against measured drops (%d layers; measured: mean drop over the plotted kinds and levels)", nm);
	svg_text(&s, 10, 18, "start", 13, buf, "class=\"figure-title\"");
	for (int j = 0; j < t->ncols; j++) {
		double x0 = 60 + (j % PER_ROW) * (SIDE + GAP), y0 = 50 + (j / PER_ROW) * (SIDE + 70);
		/* the layers both measured and scored by this criterion */
		int k = 0;
		double *sc = xcalloc(n, sizeof *sc), *dd = xcalloc(n, sizeof *dd);
		double *crank = xcalloc(n, sizeof *crank), *drank = xcalloc(n, sizeof *drank);
		int *which = xcalloc(n, sizeof *which);
		for (int i = 0; i < m; i++) {
			double v = t->score[(size_t)idx[i] * t->ncols + j];
			if (isfinite(v)) {
				sc[k] = v;
				dd[k] = dk[i];
				which[k++] = idx[i];
			}
		}
		double rho = stats_spearman(sc, dd, k), tau = stats_kendall(sc, dd, k);
		/* rank 1: the highest score, the largest drop */
		for (int q = 0; q < k; q++) {
			sc[q] = -sc[q];
			dd[q] = -dd[q];
		}
		stats_ranks(sc, k, crank);
		stats_ranks(dd, k, drank);
		snprintf(buf, sizeof buf, "class=\"criterion\" data-criterion=\"%s\" data-rho=\"%.6g\" data-tau=\"%.6g\" data-n=\"%d\"",
		    criterion_name(t->cols[j]), rho, tau, k);
		svg_group_begin(&s, buf);
		svg_rect(&s, x0, y0, SIDE, SIDE, "none", "stroke=\"#000000\"");
		svg_line(&s, x0, y0, x0 + SIDE, y0 + SIDE, "#aaaaaa", "class=\"diagonal\" stroke-dasharray=\"3 3\"");
		for (int q = 0; q < k; q++) {
			double span = k > 1 ? k - 1 : 1;
			double px = x0 + (drank[q] - 1) / span * SIDE, py = y0 + (crank[q] - 1) / span * SIDE;
			snprintf(buf, sizeof buf, "class=\"point\" data-layer=\"%d\" data-measured-rank=\"%g\" data-criterion-rank=\"%g\"",
			    t->layers[which[q]], drank[q], crank[q]);
			svg_circle(&s, px, py, 3, palette[0], buf);
		}
		snprintf(buf, sizeof buf, "%s", criterion_name(t->cols[j]));
		svg_text(&s, x0, y0 - 8, "start", 12, buf, "class=\"criterion-name\" font-weight=\"bold\"");
		if (isfinite(rho) && isfinite(tau))
			snprintf(buf, sizeof buf, "\u03c1 %.2f   \u03c4 %.2f", rho, tau);
		else	/* too few layers, or constant scores or drops */
			snprintf(buf, sizeof buf, "\u03c1, \u03c4 undefined (%d layers)", k);
		svg_text(&s, x0 + SIDE, y0 - 8, "end", 11, buf, "class=\"agreement\"");
		svg_text(&s, x0 + SIDE / 2, y0 + SIDE + 16, "middle", 10, "measured rank (1: largest drop)", "class=\"axis-label\"");
		snprintf(buf, sizeof buf, "class=\"axis-label\" transform=\"rotate(-90 %.2f %.2f)\"", x0 - 10, y0 + SIDE / 2);
		svg_text(&s, x0 - 10, y0 + SIDE / 2, "middle", 10, "criterion rank", buf);
		svg_group_end(&s);
		free(crank);
		free(drank);
		free(sc);
		free(dd);
		free(which);
	}
	caption_text(&s, &g->scan->header, 10, h - 8);
	svg_end(&s);
	free(drop);
	free(dk);
	free(idx);
}

/* ---- a budget ---------------------------------------------------------------------- */

int figure_check_budget(const struct figure_grid *g, const char *budget_path, const struct budget *b, char **cause)
{
	for (int i = 0; i < b->n; i++)
		if (layer_index(g, b->layers[i].layer) >= 0)
			return 0;
	*cause = xasprintf("%s: no layer of the budget is in the scan", budget_path);
	return -1;
}

/* Layer li's mean drop over the measured levels of kind index ki; NaN
 * when none was measured. */
static double mean_drop(const struct figure_grid *g, int li, int ki)
{
	double sum = 0;
	int n = 0;
	for (int vi = 0; vi < g->nlevels[ki]; vi++) {
		const struct figure_cell *c = figure_grid_at(g, li, ki, vi);
		if (c != NULL && isfinite(c->drop)) {
			sum += c->drop;
			n++;
		}
	}
	return n ? sum / n : NAN;
}

#define BF_LEFT 110.0	/* room for the layer names */
#define BF_ROW 22.0
#define BF_BAR 150.0	/* the longest bar */

/* A bar of frac (0..1) of BF_BAR on a grey track; the track carries attrs,
 * so every value has its element even when the bar is empty. */
static void bar(struct svg *s, double x, double y, double frac, const char *fill, const char *attrs, const char *label)
{
	svg_rect(s, x, y + 4, BF_BAR, BF_ROW - 8, "#eeeeee", attrs);
	if (frac > 0)
		svg_rect(s, x, y + 4, BF_BAR * fmin(frac, 1), BF_ROW - 8, fill, NULL);
	svg_text(s, x + BF_BAR + 4, y + BF_ROW / 2 + 4, "start", 10, label, "class=\"tick\"");
}

void figure_budget_svg(FILE *f, const struct figure_grid *g, const struct budget *b, int standalone)
{
	struct svg s;
	/* columns: bits, sparsity (magnitude + filter), then a sensitivity bar per kind */
	int ncols = 2 + g->nkinds;
	double colw = BF_BAR + 90, w = BF_LEFT + ncols * colw + 20, h = 70 + g->nlayers * BF_ROW + 40;
	char buf[256], attrs[200], hex[8];
	double top = 0;
	for (int ki = 0; ki < g->nkinds; ki++)
		for (int li = 0; li < g->nlayers; li++) {
			double d = mean_drop(g, li, ki);
			top = isfinite(d) && d > top ? d : top;
		}
	svg_begin(&s, f, w, h, standalone);
	svg_title(&s, "safer budget: per-layer settings next to measured sensitivity");
	provenance(&s, &g->scan->header, "budget");
	svg_style(&s, figure_css);
	svg_rect(&s, 0, 0, w, h, "#ffffff", NULL);
	svg_text(&s, 10, 18, "start", 14, "Budget per weight layer, next to each layer's measured sensitivity",
	    "class=\"figure-title\"");
	svg_text(&s, BF_LEFT, 44, "start", 11, "weight bits (of 16)", "class=\"axis-label\"");
	svg_text(&s, BF_LEFT + colw, 44, "start", 11, "sparsity (weights + filters)", "class=\"axis-label\"");
	for (int ki = 0; ki < g->nkinds; ki++) {
		snprintf(buf, sizeof buf, "%s: mean %s", perturb_kind_name(g->kinds[ki]), drop_unit(g));
		svg_text(&s, BF_LEFT + (2 + ki) * colw, 44, "start", 11, buf, "class=\"axis-label\"");
	}
	for (int li = 0; li < g->nlayers; li++) {
		double y = 56 + li * BF_ROW;
		const struct budget_layer *bl = budget_find(b, g->layers[li]);
		int bits = bl ? (bl->bits ? bl->bits : bl->bits_pc) : 0;
		double sp = bl ? 1 - (1 - bl->prune) * (1 - bl->prune_filter) : 0;
		snprintf(buf, sizeof buf, "%d %s", g->layers[li], g->layer_kinds[li]);
		svg_text(&s, BF_LEFT - 8, y + BF_ROW / 2 + 4, "end", 10, buf, "class=\"tick\"");
		snprintf(attrs, sizeof attrs, "class=\"budget-bits\" data-layer=\"%d\" data-bits=\"%d\"", g->layers[li], bits);
		snprintf(buf, sizeof buf, bits ? "%d bits%s" : "float32", bits, bl && bl->bits_pc ? " /channel" : "");
		bar(&s, BF_LEFT, y, bits ? bits / 16.0 : 0, "#0072b2", attrs, buf);
		snprintf(attrs, sizeof attrs, "class=\"budget-sparsity\" data-layer=\"%d\" data-sparsity=\"%.6g\"",
		    g->layers[li], sp);
		snprintf(buf, sizeof buf, "%.0f%%", 100 * sp);
		bar(&s, BF_LEFT + colw, y, sp, "#e69f00", attrs, buf);
		for (int ki = 0; ki < g->nkinds; ki++) {
			double d = mean_drop(g, li, ki);
			if (!isfinite(d)) {
				svg_text(&s, BF_LEFT + (2 + ki) * colw, y + BF_ROW / 2 + 4, "start", 10, "not measured",
				    "class=\"missing-mark\"");
				continue;
			}
			colour_hex(scale_t(g, d), 0, hex);
			snprintf(attrs, sizeof attrs, "class=\"sensitivity\" data-layer=\"%d\" data-kind=\"%s\" data-drop=\"%.6g\"",
			    g->layers[li], perturb_kind_name(g->kinds[ki]), d);
			snprintf(buf, sizeof buf, "%.2f", d);
			bar(&s, BF_LEFT + (2 + ki) * colw, y, top > 0 ? fmax(d, 0) / top : 0, hex, attrs, buf);
		}
	}
	caption_text(&s, &g->scan->header, 10, h - 10);
	svg_end(&s);
}

/* ---- a Pareto front ---------------------------------------------------------------- */

#define FRONT_MAX_FILE (16u << 20)

static int front_budget_read(json_t *o, struct front_budget *b)
{
	json_t *ci = json_object_get(o, "drop_ci95");
	b->size_bytes = json_number_value(json_object_get(o, "size_bytes"));
	b->bops = json_number_value(json_object_get(o, "bops"));
	b->avg_bits = json_number_value(json_object_get(o, "avg_bits"));
	b->sparsity = json_number_value(json_object_get(o, "sparsity"));
	b->top1 = json_number_value(json_object_get(o, "top1"));
	b->drop = json_number_value(json_object_get(o, "drop"));
	b->drop_lo = json_is_array(ci) ? json_number_value(json_array_get(ci, 0)) : NAN;
	b->drop_hi = json_is_array(ci) ? json_number_value(json_array_get(ci, 1)) : NAN;
	/* a target the scan's levels cannot reach has no measured budget */
	if (!json_is_number(json_object_get(o, "top1")) || !(b->size_bytes > 0))
		b->top1 = b->size_bytes = NAN;
	return json_is_object(o) ? 0 : -1;
}

static int front_parse(const char *path, const char *text, size_t len, int json, void *vout, char **cause)
{
	struct figure_front *out = vout;
	(void)json;	/* a front is JSON whatever its name */
	json_t *root = table_json_load(path, text, len, cause);
	if (root == NULL)
		return -1;
	json_t *front = json_object_get(root, "front");
	int rc = -1;
	if (!json_is_array(front) || json_array_size(front) == 0) {
		*cause = xasprintf("%s: not a Pareto front (safer budget --pareto --json): no \"front\" list", path);
		goto out;
	}
	out->knob = xstrdup(json_string_value(json_object_get(root, "knob")) ? json_string_value(json_object_get(root, "knob")) : "");
	out->source = xstrdup(json_string_value(json_object_get(root, "source")) ? json_string_value(json_object_get(root, "source")) : "");
	out->images = (long)json_integer_value(json_object_get(root, "images"));
	const char *metric = json_string_value(json_object_get(root, "metric"));
	out->map = metric != NULL && strncmp(metric, "map", 3) == 0;
	out->baseline = json_number_value(json_object_get(root, "baseline_top1"));
	out->points = xcalloc(json_array_size(front), sizeof *out->points);
	for (size_t i = 0; i < json_array_size(front); i++) {
		json_t *p = json_array_get(front, i);
		const char *t = json_string_value(json_object_get(p, "target"));
		struct front_point *fp = &out->points[out->n];
		if (t == NULL || front_budget_read(json_object_get(p, "sensitivity"), &fp->sens) != 0 ||
		    front_budget_read(json_object_get(p, "uniform"), &fp->uni) != 0) {
			*cause = xasprintf("%s: front point %zu lacks a target or a measured budget", path, i + 1);
			goto out;
		}
		fp->target = xstrdup(t);
		out->n++;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int figure_front_read(const char *path, struct figure_front *out, char **cause)
{
	memset(out, 0, sizeof *out);
	int rc = table_read(path, FRONT_MAX_FILE, front_parse, out, cause), any = 0;
	for (int i = 0; rc == 0 && i < out->n; i++)
		any |= isfinite(out->points[i].sens.top1) || isfinite(out->points[i].uni.top1);
	if (rc == 0 && !any) {
		*cause = xasprintf("%s: no target of the front was measured", path);
		rc = -1;
	}
	if (rc != 0)
		figure_front_free(out);
	return rc;
}

void figure_front_free(struct figure_front *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->points[i].target);
	free(f->points);
	free(f->knob);
	free(f->source);
	memset(f, 0, sizeof *f);
}

/* The x of a budget: KiB of storage, or millions of bit operations. */
static double front_x(const struct figure_front *fr, const struct front_budget *b)
{
	return fr->by_bops ? b->bops / 1e6 : b->size_bytes / 1024;
}

static void front_series(struct svg *s, const struct axes *a, const struct figure_front *fr, int uniform,
    const char *colour)
{
	double *xy = xmalloc((size_t)fr->n * 2 * sizeof *xy);
	int *at = xmalloc((size_t)fr->n * sizeof *at), m = 0;
	char attrs[240];
	for (int i = 0; i < fr->n; i++) {
		const struct front_budget *b = uniform ? &fr->points[i].uni : &fr->points[i].sens;
		if (!isfinite(b->top1))
			continue;	/* not measured: no point */
		xy[2 * m] = ax_x(a, front_x(fr, b));
		xy[2 * m + 1] = ax_y(a, 100 * b->top1);
		at[m++] = i;
	}
	snprintf(attrs, sizeof attrs, "class=\"front-line\" data-budget=\"%s\" stroke-width=\"1.5\"",
	    uniform ? "uniform" : "sensitivity");
	if (m > 1)
		svg_polyline(s, xy, m, colour, attrs);
	for (int k = 0; k < m; k++) {
		const struct front_point *p = &fr->points[at[k]];
		const struct front_budget *b = uniform ? &p->uni : &p->sens;
		char *target = svg_escaped(p->target);
		snprintf(attrs, sizeof attrs, "class=\"front-point\" data-budget=\"%s\" data-target=\"%s\" "
		    "data-size=\"%.9g\" data-bops=\"%.9g\" data-top1=\"%.9g\"", uniform ? "uniform" : "sensitivity", target,
		    b->size_bytes, b->bops, b->top1);
		free(target);
		svg_circle(s, xy[2 * k], xy[2 * k + 1], 3.5, colour, attrs);
	}
	free(at);
	free(xy);
}

void figure_front_svg(FILE *f, const struct figure_front *fr, int standalone)
{
	struct svg s;
	double w = 640, h = 420;
	struct axes a = { 70, 40, 400, 300, INFINITY, -INFINITY, INFINITY, -INFINITY, 1 };
	for (int i = 0; i < fr->n; i++)
		for (int u = 0; u < 2; u++) {
			const struct front_budget *b = u ? &fr->points[i].uni : &fr->points[i].sens;
			if (!isfinite(b->top1))
				continue;
			a.xlo = fmin(a.xlo, front_x(fr, b));
			a.xhi = fmax(a.xhi, front_x(fr, b));
			a.ylo = fmin(a.ylo, 100 * b->top1);
			a.yhi = fmax(a.yhi, 100 * b->top1);
		}
	if (isfinite(fr->baseline))
		a.yhi = fmax(a.yhi, 100 * fr->baseline);
	a.xlo /= 1.15;
	a.xhi *= 1.15;
	a.ylo = fmax(0, a.ylo - 0.05 * (a.yhi - a.ylo) - 0.5);
	a.yhi = fmin(100, a.yhi + 0.05 * (a.yhi - a.ylo) + 0.5);
	/* x ticks at 1, 2, 5 times powers of ten inside the range */
	double ticks[32];
	int nt = 0;
	for (double p = pow(10, floor(log10(a.xlo))); p <= a.xhi && nt < 30; p *= 10)
		for (int m = 1; m <= 5; m += m == 1 ? 1 : 3)
			if (p * m >= a.xlo && p * m <= a.xhi)
				ticks[nt++] = p * m;
	char buf[256];
	svg_begin(&s, f, w, h, standalone);
	svg_title(&s, "safer pareto: accuracy against size or bit operations, sensitivity and uniform budgets");
	svg_style(&s, figure_css);
	svg_rect(&s, 0, 0, w, h, "#ffffff", NULL);
	snprintf(buf, sizeof buf, "%s against %s: %s budgets by sensitivity and uniform (%ld images)",
	    fr->map ? "mAP@.5" : "Accuracy", fr->by_bops ? "bit operations" : "size", fr->knob, fr->images);
	svg_text(&s, 10, 18, "start", 14, buf, "class=\"figure-title\"");
	draw_axes(&s, &a, ticks, nt, fr->by_bops ? "bit operations per image (millions, log scale)" :
	    "weight storage (KiB, log scale)", fr->map ? "mAP@.5 (%)" : "top-1 accuracy (%)");
	if (isfinite(fr->baseline)) {
		double y = ax_y(&a, 100 * fr->baseline);
		svg_line(&s, a.x0, y, a.x0 + a.w, y, "#555555", "stroke-dasharray=\"5,4\" class=\"baseline\"");
		snprintf(buf, sizeof buf, "baseline %.2f%%", 100 * fr->baseline);
		svg_text(&s, a.x0 + a.w - 4, y - 4, "end", 10, buf, "class=\"tick\"");
	}
	front_series(&s, &a, fr, 1, palette[1]);
	front_series(&s, &a, fr, 0, palette[0]);
	double lx = a.x0 + a.w + 16, ly = a.y0 + 20;
	svg_circle(&s, lx, ly, 3.5, palette[0], NULL);
	svg_text(&s, lx + 8, ly + 3.5, "start", 11, "by sensitivity", "class=\"legend\"");
	int uniform = 0;
	for (int i = 0; i < fr->n; i++)
		uniform |= isfinite(fr->points[i].uni.top1);
	if (uniform) {
		svg_circle(&s, lx, ly + 18, 3.5, palette[1], NULL);
		svg_text(&s, lx + 8, ly + 21.5, "start", 11, "uniform", "class=\"legend\"");
	}
	svg_text(&s, 10, h - 10, "start", 9, fr->source, "class=\"caption\"");
	svg_end(&s);
}

void figure_svg(FILE *f, const struct figure_grid *g, const struct rank_file *rank,
    const struct figure_opts *o, int standalone)
{
	switch (o->type) {
	case FIGURE_CURVES: curves(f, g, standalone); break;
	case FIGURE_CRITERIA: criteria(f, g, rank, standalone); break;
	default: heatmap(f, g, o, standalone); break;
	}
}

/* ---- pixels ----------------------------------------------------------------------- */

unsigned char *figure_heatmap_pixels(const struct figure_grid *g, int mono, int w, int h)
{
	unsigned char *px = xmalloc((size_t)w * h * 3);
	memset(px, 255, (size_t)w * h * 3);
	int ncols = 0;
	for (int ki = 0; ki < g->nkinds; ki++)
		ncols += g->nlevels[ki];
	int cells_w = w * 85 / 100, bar_x = w * 90 / 100;
	for (int y = 0; y < h; y++) {
		int li = y * g->nlayers / h;
		for (int x = 0; x < w; x++) {
			unsigned char rgb[3] = { 255, 255, 255 };
			if (x < cells_w) {
				int col = x * ncols / cells_w, ki = 0;
				while (col >= g->nlevels[ki])
					col -= g->nlevels[ki++];
				const struct figure_cell *c = figure_grid_at(g, li, ki, col);
				if (c != NULL && isfinite(c->drop))
					figure_colour(scale_t(g, c->drop), mono, rgb);
				else
					rgb[0] = rgb[1] = rgb[2] = ((x / 4 + y / 4) & 1) ? 160 : 220;
			} else if (x >= bar_x) {
				figure_colour(1 - (y + 0.5) / h, mono, rgb);
			}
			memcpy(px + ((size_t)y * w + x) * 3, rgb, 3);
		}
	}
	return px;
}

/* ---- options ---------------------------------------------------------------------- */

int figure_parse_layers(const char *text, int **layers, int *n, char **cause)
{
	int cap = 16;
	*n = 0;
	*layers = xcalloc((size_t)cap, sizeof **layers);
	const char *p = text;
	for (;;) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0 || a > (1 << 24))
			break;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a || b > (1 << 24))
				break;
			p = end;
		}
		for (long l = a; l <= b; l++) {
			if (*n == cap)
				*layers = xreallocarray(*layers, (size_t)(cap *= 2), sizeof **layers);
			(*layers)[(*n)++] = (int)l;
		}
		if (*p == '\0') {
			qsort(*layers, (size_t)*n, sizeof **layers, cmp_int);
			return 0;
		}
		if (*p++ != ',')
			break;
	}
	free(*layers);
	*layers = NULL;
	*n = 0;
	*cause = xasprintf("--layers: '%s' is not a list like 0,2,5-7", text);
	return -1;
}

int figure_parse_kinds(const char *text, unsigned *kinds, char **cause)
{
	char *copy = xstrdup(text), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		enum perturb_kind k;
		if (perturb_kind_from_name(tok, &k) != 0) {
			*cause = xasprintf("--kind: unknown perturbation kind '%s'", tok);
			rc = -1;
		} else {
			*kinds |= 1u << k;
		}
	}
	free(copy);
	return rc;
}
