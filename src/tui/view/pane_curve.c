/* pane_curve.c - top-1 accuracy (a detector's mAP@.5) against level for the selected layer and
 * kind: the measured points (filled in as they arrive) joined by lines, the
 * baseline as a dotted line, the current level as a dotted column.  Marked
 * layers (M) are overlaid, each in its colour with its glyph on its points,
 * named in a legend on the first row. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/view/canvas.h"
#include "tui/state/levels.h"
#include "tui/state/marks.h"
#include "tui/state/metric.h"
#include "tui/state/results.h"

#include <math.h>
#include <stdio.h>

#define YLABEL 4	/* "100" and a space */

struct series {
	int n;
	double level[LADDER_MAX], top1[LADDER_MAX];	/* top1 in percent, NAN: not measured */
	int cursor;	/* ladder index of the current level, -1 if off the ladder */
	double ymin, ymax, base;
	int nmarks;
	double mark[TUI_MARKS_MAX][LADDER_MAX];	/* the marked layers' top1, as top1 */
};

/* One layer's measured points; returns the lowest, or lo. */
static double layer_points(const struct tui *t, int layer, const struct series *s, double *top1, double lo)
{
	for (int i = 0; i < s->n; i++) {
		struct result_key key = tui_results_key(layer, t->kind, s->level[i], t->seed);
		const struct result *r = tui_results_find(&t->results, &key);
		top1[i] = r ? 100 * tui_results_top1(r) : NAN;
		if (r && top1[i] < lo)
			lo = top1[i];
	}
	return lo;
}

static void series_get(const struct tui *t, struct series *s)
{
	enum perturb_kind k = t->kind;
	s->n = tui_levels_ladder(k, t->step[k], s->level, LADDER_MAX);
	s->base = 100 * progress_top1(engine_baseline(t->eng));
	s->cursor = -1;
	double lo = layer_points(t, t->layer, s, s->top1, s->base - 10);
	s->nmarks = t->nmarks;
	for (int m = 0; m < t->nmarks; m++)
		if (t->marks[m] == t->layer)	/* the selected curve is drawn as such */
			for (int i = 0; i < s->n; i++)
				s->mark[m][i] = NAN;
		else
			lo = layer_points(t, t->marks[m], s, s->mark[m], lo);
	for (int i = 0; i < s->n; i++)
		if (tui_levels_same(s->level[i], t->level[k]))
			s->cursor = i;
	s->ymax = fmin(100, ceil((s->base + 0.5) / 5) * 5);
	s->ymin = fmax(0, floor(lo / 10) * 10);
	if (!(s->ymax > s->ymin))
		s->ymin = s->ymax - 10;
}

static int x_of(const struct tui_canvas *c, const struct series *s, int i)
{
	return s->n > 1 ? (int)lround((double)i * (c->pw - 1) / (s->n - 1)) : c->pw / 2;
}

static int y_of(const struct tui_canvas *c, const struct series *s, double v)
{
	double f = (s->ymax - v) / (s->ymax - s->ymin);
	return (int)lround(fmin(1, fmax(0, f)) * (c->ph - 1));
}

static void plot_line(struct tui_canvas *c, const struct series *s, const double *top1, enum canvas_class cls)
{
	int prev = -1;
	for (int i = 0; i < s->n; i++) {
		if (isnan(top1[i]))
			continue;
		if (prev >= 0)
			tui_canvas_line(c, x_of(c, s, prev), y_of(c, s, top1[prev]), x_of(c, s, i), y_of(c, s, top1[i]), cls);
		prev = i;
	}
}

static void plot(struct tui_canvas *c, const struct series *s)
{
	int yb = y_of(c, s, s->base);
	for (int x = 0; x < c->pw; x += 2)
		tui_canvas_dot(c, x, yb, CV_BASE);
	if (s->cursor >= 0)
		for (int y = 0; y < c->ph; y += 2)
			tui_canvas_dot(c, x_of(c, s, s->cursor), y, CV_CURSOR);
	for (int m = 0; m < s->nmarks; m++)
		plot_line(c, s, s->mark[m], (enum canvas_class)(CV_MARK0 + m));
	plot_line(c, s, s->top1, CV_LINE);
	for (int i = 0; i < s->n; i++)
		if (!isnan(s->top1[i])) {
			int x = x_of(c, s, i), y = y_of(c, s, s->top1[i]);
			tui_canvas_dot(c, x, y, CV_POINT);
			if (c->utf8)	/* a 2x2 blob reads as a point among lines */
				tui_canvas_dot(c, x + (x % 2 ? -1 : 1), y, CV_POINT);
		}
}

/* The marked curves' points as their glyphs: they tell the curves apart
 * without colour (braille dots alone do not). */
static void marks_points(const struct tui_view *v, const struct tui_canvas *c, const struct series *s,
    const struct tui_rect *r)
{
	int sx = c->utf8 ? 2 : 1, sy = c->utf8 ? 4 : 1;
	for (int m = 0; m < s->nmarks; m++)
		for (int i = 0; i < s->n; i++)
			if (!isnan(s->mark[m][i]))
				tui_draw_text(r, y_of(c, s, s->mark[m][i]) / sy, YLABEL + x_of(c, s, i) / sx,
				    v->attr[tui_canvas_mark_role(m)], tui_canvas_mark_glyph(m));
}

/* One legend entry: glyph, layer and (when wide) its kind. */
static int legend_entry(const struct tui *t, const struct tui_rect *r, int x, int kinds,
    const char *glyph, int layer, attr_t attr)
{
	char buf[48];
	if (kinds)
		snprintf(buf, sizeof buf, "%s L%d %s", glyph, layer, t->model->layers[layer].kind_name);
	else
		snprintf(buf, sizeof buf, "%s L%d", glyph, layer);
	if (r != NULL)
		tui_draw_text_fit(r, 0, x, r->w - x, attr, buf);
	return x + tui_draw_width(buf) + 2;
}

/* "─ L0 conv  + L2 conv  x L4 conv" (narrow: without the kinds): which
 * curve is which layer; the selected layer, marked or not, is the line. */
static void legend(const struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	int kinds = 1;
	for (int pass = 0; pass < 2; pass++) {
		const struct tui_rect *dr = pass ? r : NULL;	/* pass 0 measures */
		int x = legend_entry(t, dr, 0, kinds, v->g.hline, t->layer, v->attr[R_GOOD]);
		for (int m = 0; m < t->nmarks; m++)
			if (t->marks[m] != t->layer)
				x = legend_entry(t, dr, x, kinds, tui_canvas_mark_glyph(m), t->marks[m],
				    v->attr[tui_canvas_mark_role(m)]);
		if (pass == 0 && x - 2 > r->w)
			kinds = 0;
	}
}

static void labels(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, const struct tui_canvas *c, const struct series *s)
{
	char a[32], b[32];
	const char *tag = tui_metric_tag(t);
	char ylab[48];
	tui_draw_textf(r, 0, 0, v->attr[R_DIM], "%3.0f", s->ymax);
	/* the axes say what they are: the y label in a corner the curve leaves
	 * free (top right for a falling curve, top left for a rising one) */
	snprintf(ylab, sizeof ylab, " %s %% ", tag ? tag : "top-1");
	int lw = tui_draw_width(ylab);
	const int corner[4][2] = { { 0, c->w - lw }, { 0, 0 }, { c->h - 1, c->w - lw }, { c->h - 1, 0 } };
	int pick = 0;		/* none free: top right */
	for (int k = 3; k >= 0; k--) {
		int free_ = corner[k][1] >= 0;
		for (int x = corner[k][1]; free_ && x < corner[k][1] + lw; x++)
			free_ = c->cls[corner[k][0] * c->w + x] < CV_MARK0;
		if (free_)
			pick = k;
	}
	if (corner[pick][1] >= 0)
		tui_draw_text(r, corner[pick][0], YLABEL + corner[pick][1], v->attr[R_DIM], ylab);
	tui_draw_textf(r, c->h - 1, 0, v->attr[R_DIM], "%3.0f", s->ymin);
	int yb = y_of(c, s, s->base) / (c->utf8 ? 4 : 1);
	if (yb > 0 && yb < c->h - 1)
		tui_draw_text(r, yb, 0, v->attr[R_DIM], "base");
	tui_levels_format(t->kind, s->level[0], a, sizeof a);
	tui_levels_format(t->kind, s->level[s->n - 1], b, sizeof b);
	tui_draw_text(r, c->h, YLABEL, v->attr[R_DIM], a);
	tui_draw_text(r, c->h, r->w - tui_draw_width(b), v->attr[R_DIM], b);
	int cx = r->w - tui_draw_width(b);	/* where the cursor's label starts, if shown */
	if (s->cursor > 0 && s->cursor < s->n - 1) {
		char cur[32];
		tui_levels_format(t->kind, s->level[s->cursor], cur, sizeof cur);
		int x = YLABEL + x_of(c, s, s->cursor) / (c->utf8 ? 2 : 1) - tui_draw_width(cur) / 2;
		if (x > YLABEL + tui_draw_width(a) && x + tui_draw_width(cur) < r->w - tui_draw_width(b)) {
			tui_draw_text(r, c->h, x, v->attr[R_ACCENT], cur);
			cx = x;
		}
	}
	const char *unit = tui_levels_unit(t->kind);
	int ux = YLABEL + tui_draw_width(a) + 1;
	if (ux + tui_draw_width(unit) <= cx - 1)
		tui_draw_text(r, c->h, ux, v->attr[R_DIM], unit);
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	if (!t->model->layers[t->layer].has_weights) {
		tui_draw_textf(r, 0, 0, v->attr[R_DIM], "layer %d has no weights: pick a conv or fc layer", t->layer);
		return;
	}
	struct series s;
	series_get(t, &s);
	if (s.n == 0 || r->h < 3 || r->w < YLABEL + 8)
		return;
	struct tui_rect pr = *r;
	if (s.nmarks > 0 && r->h >= 5) {	/* the legend's row */
		legend(v, t, r);
		pr.y++;
		pr.h--;
	}
	struct tui_canvas c;
	tui_canvas_init(&c, pr.w - YLABEL, pr.h - 1, v->g.utf8);
	plot(&c, &s);
	tui_canvas_draw(&c, v, &pr, 0, YLABEL);
	marks_points(v, &c, &s, &pr);
	labels(v, t, &pr, &c, &s);
	tui_canvas_free(&c);
}

static void explain(const struct tui *t, char *buf, size_t size)
{
	if (t->nmarks > 0)
		snprintf(buf, size, "curve: %s (%%) of L%d and %d marked layer%s (M marks/unmarks) against %s level",
		    tui_metric_name(t), t->layer, t->nmarks, t->nmarks == 1 ? "" : "s", perturb_kind_name(t->kind));
	else
		snprintf(buf, size, "curve: %s (%%) of L%d against %s level (%s); dotted: current; M marks to compare",
		    tui_metric_name(t), t->layer, perturb_kind_name(t->kind), tui_levels_unit(t->kind));
}

const struct tui_pane tui_pane_curve = { "Curve", draw, NULL, NULL, explain };
