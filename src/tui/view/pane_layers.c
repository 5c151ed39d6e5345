/* pane_layers.c - the layer list: index, kind, output shape, params, MACs,
 * budget setting and a sensitivity bar (drop at the current level of the
 * selected kind), scrolling for deep networks; the budget totals below. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/jobs.h"
#include "tui/state/levels.h"
#include "tui/state/marks.h"
#include "tui/state/metric.h"
#include "tui/state/results.h"
#include "tui/view/canvas.h"
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum col { C_IDX, C_KIND, C_OUT, C_PARAMS, C_MACS, C_BUDGET, C_DROP, C_BAR, NCOLS };

static const char *const heads[NCOLS] = { "#", "kind", "output", "param", "MACs", "budget", "drop", "" };
#define BAR_MIN 5
#define BAR_MAX 16
#define FOOTER 2

struct cols {
	int w[NCOLS], x[NCOLS];	/* w 0: hidden */
};

static const char *kind_short(const struct layer_desc *l)
{
	static const char *const names[] = {
		[LAYER_CONV] = "conv", [LAYER_CONNECTED] = "fc", [LAYER_MAXPOOL] = "maxp",
		[LAYER_AVGPOOL] = "avgp", [LAYER_DROPOUT] = "drop", [LAYER_SOFTMAX] = "soft",
		[LAYER_SHORTCUT] = "shct", [LAYER_ROUTE] = "rout", [LAYER_BATCHNORM] = "bn",
		[LAYER_COST] = "cost", [LAYER_CROP] = "crop", [LAYER_YOLO] = "yolo",
		[LAYER_REGION] = "regn", [LAYER_UPSAMPLE] = "up", [LAYER_REORG] = "reor",
	};
	return (unsigned)l->kind < sizeof names / sizeof names[0] ? names[l->kind] : "?";
}

static void out_shape(const struct layer_desc *l, char *buf, size_t size)
{
	if (l->out.w == 1 && l->out.h == 1)
		snprintf(buf, size, "%d", l->out.c);
	else
		fmt_shape(l->out.w, l->out.h, l->out.c, buf, size);
}

/* Fits the columns to the width, hiding the least useful first: the drop
 * is the list's key figure, so MACs go before it (80 columns). */
static void cols_plan(const struct tui *t, int width, struct cols *c)
{
	static const enum col hide_order[] = { C_MACS, C_DROP, C_PARAMS, C_OUT };
	char buf[32];
	int outw = 6, digits = 1;
	for (int n = t->model->n - 1; n >= 10; n /= 10)
		digits++;
	for (int l = 0; l < t->model->n; l++) {
		out_shape(&t->model->layers[l], buf, sizeof buf);
		outw = (int)strlen(buf) > outw ? (int)strlen(buf) : outw;
	}
	/* marks take a column left of the index when there are any */
	int idxw = (digits < 2 ? 2 : digits) + (t->nmarks > 0 && digits >= 2);
	const int want[NCOLS] = { idxw, 4, outw > 11 ? 11 : outw, 5, 5, 6, 5, BAR_MIN };
	memcpy(c->w, want, sizeof want);
	for (size_t h = 0;; h++) {
		int used = 0;
		for (int i = 0; i < NCOLS; i++)
			used += c->w[i] ? c->w[i] + 1 : 0;
		if (used - 1 <= width || h == sizeof hide_order / sizeof hide_order[0]) {
			int extra = width - (used - 1);
			c->w[C_BAR] += extra > 0 ? (extra > BAR_MAX - BAR_MIN ? BAR_MAX - BAR_MIN : extra) : 0;
			break;
		}
		c->w[hide_order[h]] = 0;
	}
	for (int i = 0, x = 0; i < NCOLS; i++) {
		c->x[i] = x;
		x += c->w[i] ? c->w[i] + 1 : 0;
	}
}

static void cell(const struct tui_rect *r, int y, const struct cols *c, enum col i, attr_t attr, const char *s, int right)
{
	if (c->w[i] == 0)
		return;
	char buf[96];
	int pad = c->w[i] - tui_draw_width(s);	/* in columns: "≈" is 3 bytes, 1 column */
	pad = pad < 0 ? 0 : pad;
	if (right)
		snprintf(buf, sizeof buf, "%*s%s", pad, "", s);
	else
		snprintf(buf, sizeof buf, "%s%*s", s, pad, "");
	tui_draw_text_fit(r, y, c->x[i], c->w[i], attr, buf);
}

static void draw_bar(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y, const struct cols *c, int layer)
{
	struct result_key k = tui_results_key(layer, t->kind, t->level[t->kind], t->seed);
	const struct result *res = tui_results_find(&t->results, &k);
	if (!t->model->layers[layer].has_weights)
		return;
	if (res == NULL) {
		const char *s = tui_jobs_progress_for(t, &k, NULL) ? v->g.ellipsis : v->g.dot;
		tui_draw_text(r, y, c->x[C_BAR], v->attr[R_DIM], s);
		return;
	}
	double drop = tui_results_drop(res), base = 100 * progress_top1(engine_baseline(t->eng));
	char buf[16];
	double lo, hi;
	tui_results_interval(res, &lo, &hi);
	if (drop < 0 && hi >= 0) {	/* a negative drop within its interval: no measurable effect, no gain */
		snprintf(buf, sizeof buf, "none");
		drop = 0;
	} else if (tui_results_exact(res))
		snprintf(buf, sizeof buf, "%.1f", drop);
	else	/* an early-stopped estimate says so, in the same 5 columns */
		snprintf(buf, sizeof buf, fabs(drop) >= 99.95 ? "%s%.0f" : "%s%.1f", v->g.utf8 ? "≈" : "~", drop);
	cell(r, y, c, C_DROP, v->attr[tui_draw_heat_role(drop)], buf, 1);
	double frac = base > 0 ? drop / base : 0;
	if (frac < 0.02 && drop > 0.1)
		frac = 0.02;	/* a visible sliver for a small but real drop */
	tui_draw_hbar(v, r, y, c->x[C_BAR], c->w[C_BAR], frac, v->attr[tui_draw_heat_role(drop)], " ");
}

static void draw_row(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y, const struct cols *c, int layer)
{
	const struct layer_desc *l = &t->model->layers[layer];
	char buf[64];
	int sel = layer == t->layer;
	int focused = t->focus == PANE_LAYERS || (t->focus == PANE_VIEW && t->view != VIEW_CURVE);
	attr_t attr = sel ? (focused ? v->attr[R_SELECT] : A_BOLD | A_UNDERLINE) : l->has_weights ? A_NORMAL : v->attr[R_DIM];
	if (sel) {
		move(r->y + y, r->x);
		attrset(attr);
		for (int x = 0; x < r->w; x++)
			addch(' ');
		attrset(A_NORMAL);
	}
	snprintf(buf, sizeof buf, "%d", layer);
	cell(r, y, c, C_IDX, attr, buf, 1);
	int m = tui_marks_slot(t, layer);
	if (m >= 0)	/* the glyph of its curve, in its colour */
		tui_draw_text(r, y, c->x[C_IDX], sel ? attr : v->attr[tui_canvas_mark_role(m)], tui_canvas_mark_glyph(m));
	cell(r, y, c, C_KIND, attr, kind_short(l), 0);
	out_shape(l, buf, sizeof buf);
	cell(r, y, c, C_OUT, attr, buf, 1);
	cell(r, y, c, C_PARAMS, attr, l->params ? fmt_si((double)l->params, buf, sizeof buf) : "-", 1);
	cell(r, y, c, C_MACS, attr, l->macs ? fmt_si((double)l->macs, buf, sizeof buf) : "-", 1);
	const struct budget_layer *bl = budget_find(&t->budget.b, layer);
	if (bl != NULL) {
		char sum[64], *o = buf;
		budget_layer_summary(bl, sum, sizeof sum);
		for (const char *s = sum; *s; s++)	/* "p.50 q4" -> "p.50q4": a narrow column */
			if (*s != ' ')
				*o++ = *s;
		*o = '\0';
		cell(r, y, c, C_BUDGET, sel ? attr : v->attr[R_ACCENT], buf, 0);
	}
	draw_bar(v, t, r, y, c, layer);
}

/* Rows of layers that fit between the header and the footer. */
static int visible_rows(const struct tui_rect *r)
{
	return r->h - 2 - FOOTER;
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	struct tui_rect body = { r->y, r->x, r->h, r->w - 1 };
	int vis = visible_rows(r), n = t->model->n;
	if (t->layer < v->top)
		v->top = t->layer;
	if (t->layer >= v->top + vis)
		v->top = t->layer - vis + 1;
	if (v->top > n - vis)
		v->top = n - vis > 0 ? n - vis : 0;
	char title[128];
	if (vis < n)
		snprintf(title, sizeof title, "Layers %d-%d of %d %s %s", v->top, v->top + vis - 1 < n - 1 ? v->top + vis - 1 : n - 1,
		    n, v->g.dot, t->cfg_base);
	else
		snprintf(title, sizeof title, "Layers %s %s", v->g.dot, t->cfg_base);
	tui_draw_title(v, r, title, t->focus == PANE_LAYERS);
	struct cols c;
	cols_plan(t, body.w, &c);
	for (int i = 0; i < NCOLS; i++)
		if (i != C_BAR)
			cell(&body, 1, &c, (enum col)i, v->attr[R_DIM], heads[i], i != C_KIND && i != C_BUDGET);
	/* the bar is the drop column when the number does not fit */
	tui_draw_text(&body, 1, c.x[C_BAR], v->attr[R_DIM], c.w[C_DROP] ? "" : "drop");
	for (int i = 0; i < vis && v->top + i < n; i++)
		draw_row(v, t, &body, 2 + i, &c, v->top + i);
	tui_pane_budget_totals(v, t, &body, r->h - FOOTER, FOOTER);
}

int tui_pane_layers_hit(const struct tui_view *v, const struct tui *t, int y, int x)
{
	const struct tui_rect *r = &v->r_layers;
	int row = y - r->y - 2;
	if (x < r->x || x >= r->x + r->w || row < 0 || row >= visible_rows(r) || v->top + row >= t->model->n)
		return -1;
	return v->top + row;
}

static void explain(const struct tui *t, char *buf, size_t size)
{
	const struct layer_desc *l = &t->model->layers[t->layer];
	char lv[32];
	tui_levels_format(t->kind, t->level[t->kind], lv, sizeof lv);
	if (!l->has_weights)
		snprintf(buf, size, "L%d %s: no weights to perturb (drops are for weight layers)", l->index,
		    l->kind_name);
	else
		snprintf(buf, size, "L%d %s: drop = %s pts lost at %s %s; budget: its setting", l->index,
		    l->kind_name, tui_metric_name(t), perturb_kind_name(t->kind), lv);
}

const struct tui_pane tui_pane_layers = { "Layers", draw, NULL, NULL, explain };
