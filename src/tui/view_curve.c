/* view_curve.c - top-1 accuracy against level for the selected layer and
 * kind: the measured points (filled in as they arrive) joined by lines, the
 * baseline as a dotted line, the current level as a dotted column. */
#include "tui/tui.h"

#include <math.h>
#include <stdio.h>

#define YLABEL 4	/* "100" and a space */

struct series {
	int n;
	double level[LADDER_MAX], top1[LADDER_MAX];	/* top1 in percent, NAN: not measured */
	int cursor;	/* ladder index of the current level, -1 if off the ladder */
	double ymin, ymax, base;
};

static void series_get(const struct tui *t, struct series *s)
{
	enum perturb_kind k = t->kind;
	s->n = levels_ladder(k, t->step[k], s->level, LADDER_MAX);
	s->base = 100 * progress_top1(engine_baseline(t->eng));
	s->cursor = -1;
	double lo = s->base - 10;
	for (int i = 0; i < s->n; i++) {
		struct result_key key = result_key_make(t->layer, k, s->level[i], t->seed);
		const struct result *r = results_find(&t->results, &key);
		s->top1[i] = r ? 100 * result_top1(r) : NAN;
		if (r && s->top1[i] < lo)
			lo = s->top1[i];
		if (levels_same(s->level[i], t->level[k]))
			s->cursor = i;
	}
	s->ymax = fmin(100, ceil((s->base + 0.5) / 5) * 5);
	s->ymin = fmax(0, floor(lo / 10) * 10);
	if (!(s->ymax > s->ymin))
		s->ymin = s->ymax - 10;
}

static int x_of(const struct canvas *c, const struct series *s, int i)
{
	return s->n > 1 ? (int)lround((double)i * (c->pw - 1) / (s->n - 1)) : c->pw / 2;
}

static int y_of(const struct canvas *c, const struct series *s, double v)
{
	double f = (s->ymax - v) / (s->ymax - s->ymin);
	return (int)lround(fmin(1, fmax(0, f)) * (c->ph - 1));
}

static void plot(struct canvas *c, const struct series *s)
{
	int yb = y_of(c, s, s->base), prev = -1;
	for (int x = 0; x < c->pw; x += 2)
		canvas_dot(c, x, yb, CV_BASE);
	if (s->cursor >= 0)
		for (int y = 0; y < c->ph; y += 2)
			canvas_dot(c, x_of(c, s, s->cursor), y, CV_CURSOR);
	for (int i = 0; i < s->n; i++) {
		if (isnan(s->top1[i]))
			continue;
		if (prev >= 0)
			canvas_line(c, x_of(c, s, prev), y_of(c, s, s->top1[prev]), x_of(c, s, i), y_of(c, s, s->top1[i]),
			    CV_LINE);
		prev = i;
	}
	for (int i = 0; i < s->n; i++)
		if (!isnan(s->top1[i])) {
			int x = x_of(c, s, i), y = y_of(c, s, s->top1[i]);
			canvas_dot(c, x, y, CV_POINT);
			if (c->utf8)	/* a 2x2 blob reads as a point among lines */
				canvas_dot(c, x + (x % 2 ? -1 : 1), y, CV_POINT);
		}
}

static void labels(const struct tui *t, const struct tui_rect *r, const struct canvas *c, const struct series *s)
{
	char a[32], b[32];
	draw_textf(r, 0, 0, t->attr[R_DIM], "%3.0f", s->ymax);
	draw_textf(r, c->h - 1, 0, t->attr[R_DIM], "%3.0f", s->ymin);
	int yb = y_of(c, s, s->base) / (c->utf8 ? 4 : 1);
	if (yb > 0 && yb < c->h - 1)
		draw_text(r, yb, 0, t->attr[R_DIM], "base");
	levels_format(t->kind, s->level[0], a, sizeof a);
	levels_format(t->kind, s->level[s->n - 1], b, sizeof b);
	draw_text(r, c->h, YLABEL, t->attr[R_DIM], a);
	draw_text(r, c->h, r->w - draw_width(b), t->attr[R_DIM], b);
	if (s->cursor > 0 && s->cursor < s->n - 1) {
		char cur[32];
		levels_format(t->kind, s->level[s->cursor], cur, sizeof cur);
		int x = YLABEL + x_of(c, s, s->cursor) / (c->utf8 ? 2 : 1) - draw_width(cur) / 2;
		if (x > YLABEL + draw_width(a) && x + draw_width(cur) < r->w - draw_width(b))
			draw_text(r, c->h, x, t->attr[R_ACCENT], cur);
	}
}

void view_curve_draw(struct tui *t, const struct tui_rect *r)
{
	if (!t->model->layers[t->layer].has_weights) {
		draw_textf(r, 0, 0, t->attr[R_DIM], "layer %d has no weights: pick a conv or fc layer", t->layer);
		return;
	}
	struct series s;
	series_get(t, &s);
	if (s.n == 0 || r->h < 3 || r->w < YLABEL + 8)
		return;
	struct canvas c;
	canvas_init(&c, r->w - YLABEL, r->h - 1, t->g.utf8);
	plot(&c, &s);
	canvas_draw(&c, t, r, 0, YLABEL);
	labels(t, r, &c, &s);
	canvas_free(&c);
}
