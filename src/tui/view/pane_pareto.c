/* pane_pareto.c - the accuracy/size front (pareto.c) as a plot: top-1 against
 * storage size, one point per target as its measurement arrives, the cursor's
 * point as a dotted column, and below it the point's target, size, bits,
 * sparsity and measured accuracy. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/metric.h"
#include "tui/view/canvas.h"
#include "tui/state/autobudget.h"
#include "tui/state/pareto.h"
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define YLABEL 4

struct frame {
	double xmin, xmax, ymin, ymax;
};

static void frame_get(const struct tui *t, struct frame *f)
{
	const struct tui_pareto *p = &t->pareto;
	double base = 100 * progress_top1(engine_baseline(t->eng)), lo = base - 10;
	f->xmin = p->pt[0].cost.bytes;
	f->xmax = p->pt[p->n - 1].cost.bytes;
	for (int i = 0; i < p->n; i++)
		if (p->pt[i].state == 1 && 100 * p->pt[i].top1 < lo)
			lo = 100 * p->pt[i].top1;
	f->ymax = fmin(100, ceil((base + 0.5) / 5) * 5);
	f->ymin = fmax(0, floor(lo / 10) * 10);
	if (!(f->ymax > f->ymin))
		f->ymin = f->ymax - 10;
}

static int x_of(const struct tui_canvas *c, const struct frame *f, double bytes)
{
	if (!(f->xmax > f->xmin))
		return c->pw / 2;
	return (int)lround((bytes - f->xmin) / (f->xmax - f->xmin) * (c->pw - 1));
}

static int y_of(const struct tui_canvas *c, const struct frame *f, double top1)
{
	double v = (f->ymax - top1) / (f->ymax - f->ymin);
	return (int)lround(fmin(1, fmax(0, v)) * (c->ph - 1));
}

static void plot(const struct tui *t, struct tui_canvas *c, const struct frame *f)
{
	const struct tui_pareto *p = &t->pareto;
	int yb = y_of(c, f, 100 * progress_top1(engine_baseline(t->eng))), prev = -1;
	for (int x = 0; x < c->pw; x += 2)
		tui_canvas_dot(c, x, yb, CV_BASE);
	int xc = x_of(c, f, p->pt[p->cur].cost.bytes);
	for (int y = 0; y < c->ph; y += 2)
		tui_canvas_dot(c, xc, y, CV_CURSOR);
	for (int i = 0; i < p->n; i++) {
		if (p->pt[i].state != 1)
			continue;
		if (prev >= 0)
			tui_canvas_line(c, x_of(c, f, p->pt[prev].cost.bytes), y_of(c, f, 100 * p->pt[prev].top1),
			    x_of(c, f, p->pt[i].cost.bytes), y_of(c, f, 100 * p->pt[i].top1), CV_LINE);
		prev = i;
	}
	for (int i = 0; i < p->n; i++)
		if (p->pt[i].state == 1) {
			int x = x_of(c, f, p->pt[i].cost.bytes), y = y_of(c, f, 100 * p->pt[i].top1);
			tui_canvas_dot(c, x, y, CV_POINT);
			if (c->utf8)
				tui_canvas_dot(c, x + (x % 2 ? -1 : 1), y, CV_POINT);
		}
}

/* The cursor's point in words: the longest form that fits, top-1 and drop
 * in every one (shorter labels, never a lost figure). */
static void point_line(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y)
{
	const struct tui_pareto *p = &t->pareto;
	const struct tui_pareto_point *pt = &p->pt[p->cur];
	char tt[96], sz[32], c[5][192], line[192];
	tui_autobudget_target_text(&pt->target, tt, sizeof tt);
	char got[32];
	size_t n = strlen(tt);
	if (pt->same_as >= 0)	/* the same budget as an earlier target's */
		snprintf(tt + n, sizeof tt - n, " =%d/%d", pt->same_as + 1, p->n);
	else if (tui_autobudget_outcome(&pt->target, &pt->cost, got, sizeof got))
		snprintf(tt + n, sizeof tt - n, "%s%s", v->g.arrow, got);	/* overshoots: levels are discrete */
	fmt_bytes_short(pt->cost.bytes, sz, sizeof sz);
	double bits = pt->cost.avg_bits, sp = 100 * pt->cost.sparsity;
	if (pt->state == 1) {
		double top1 = 100 * pt->top1;
		snprintf(c[0], sizeof c[0], "%d/%d %s  %s %.2fb sp%.0f%% %s %.2f%% drop %.2f", p->cur + 1, p->n, tt, sz, bits,
		    sp, tui_metric_name(t), top1, pt->drop);
		snprintf(c[1], sizeof c[1], "%d/%d %s %s %.1fb sp%.0f%% %.2f%% drop %.2f", p->cur + 1, p->n, tt, sz, bits, sp,
		    top1, pt->drop);
		snprintf(c[2], sizeof c[2], "%d/%d %s %s %.2f%% drop %.2f", p->cur + 1, p->n, tt, sz, top1, pt->drop);
		snprintf(c[3], sizeof c[3], "%s %s %.2f%% drop %.2f", tt, sz, top1, pt->drop);
		snprintf(c[4], sizeof c[4], "%s %.1f%% d%.2f", sz, top1, pt->drop);
	} else {
		const char *state = pt->state < 0 ? "failed" : "measuring...";
		snprintf(c[0], sizeof c[0], "%d/%d %s  %s %.2fb sp%.0f%% %s %s", p->cur + 1, p->n, tt, sz, bits, sp,
		    tui_metric_name(t), state);
		snprintf(c[1], sizeof c[1], "%d/%d %s %s %.1fb sp%.0f%% %s", p->cur + 1, p->n, tt, sz, bits, sp, state);
		snprintf(c[2], sizeof c[2], "%d/%d %s %s %s", p->cur + 1, p->n, tt, sz, state);
		snprintf(c[3], sizeof c[3], "%s %s %s", tt, sz, state);
		snprintf(c[4], sizeof c[4], "%s %s", sz, state);
	}
	const char *cand[5] = { c[0], c[1], c[2], c[3], c[4] };
	tui_draw_pick(line, sizeof line, r->w, 5, cand);
	tui_draw_text(r, y, 0, v->attr[pt->state == 1 ? R_NORMAL : R_DIM], line);
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct tui_pareto *p = &t->pareto;
	if (p->n == 0) {
		tui_draw_text(r, 0, 0, v->attr[R_DIM], "no front yet: P computes one");
		tui_draw_text(r, 1, 0, v->attr[R_DIM], "(bits, sparsity, size or drop targets)");
		return;
	}
	if (r->h < 6 || r->w < YLABEL + 16) {
		point_line(v, t, r, 0);
		return;
	}
	struct frame f;
	frame_get(t, &f);
	struct tui_canvas c;
	tui_canvas_init(&c, r->w - YLABEL, r->h - 3, v->g.utf8);
	plot(t, &c, &f);
	tui_canvas_draw(&c, v, r, 0, YLABEL);
	char a[32], b[32];
	tui_draw_textf(r, 0, 0, v->attr[R_DIM], "%3.0f", f.ymax);
	tui_draw_textf(r, c.h - 1, 0, v->attr[R_DIM], "%3.0f", f.ymin);
	fmt_bytes_short(f.xmin, a, sizeof a);
	fmt_bytes_short(f.xmax, b, sizeof b);
	tui_draw_text(r, c.h, YLABEL, v->attr[R_DIM], a);
	tui_draw_text(r, c.h, r->w - tui_draw_width(b), v->attr[R_DIM], b);
	if (r->w - tui_draw_width(b) - YLABEL - tui_draw_width(a) > 6)
		tui_draw_text(r, c.h, YLABEL + tui_draw_width(a) + 1, v->attr[R_DIM], "size");
	point_line(v, t, r, c.h + 1);
	tui_draw_textf(r, c.h + 2, 0, v->attr[R_DIM], "%s %s %s", tui_pane_pareto.help, v->g.dot, p->what);
	tui_canvas_free(&c);
}

static int act_move(struct tui_view *v, int dir)
{
	tui_pareto_move(v->t, dir);
	return TUI_REDRAW;
}

/* Focused, the pane takes left/right and +/- to move along the front. */
static const struct tui_key keys[] = {
	{ KEY_LEFT, act_move, -1, NULL, NULL },
	{ 'h', act_move, -1, NULL, NULL },
	{ KEY_RIGHT, act_move, 1, NULL, NULL },
	{ 'l', act_move, 1, NULL, NULL },
	{ '+', act_move, 1, NULL, NULL },
	{ '=', act_move, 1, NULL, NULL },
	{ ']', act_move, 1, NULL, NULL },
	{ '-', act_move, -1, NULL, NULL },
	{ '[', act_move, -1, NULL, NULL },
	{ 0, NULL, 0, NULL, NULL },
};

static void explain(const struct tui *t, char *buf, size_t size)
{
	snprintf(buf, size, "front: a budget per target; %s (%%) against size; h/l, a applies", tui_metric_name(t));
}

const struct tui_pane tui_pane_pareto = { "Pareto", draw, keys, "h/l point a apply P new", explain };
