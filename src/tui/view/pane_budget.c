/* pane_budget.c - the budget builder: the selected layer's budget fields
 * (edited in place by the keys of this pane, through state/budget.c), the totals (size, compression, BOPs from budget_cost) and
 * the whole budget's accuracy, re-measured after every edit. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/metric.h"
#include "tui/state/budget.h"
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The whole budget's measured accuracy, or what is happening to it. */
static void measured_line(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y)
{
	const struct tui_budget *b = &t->budget;
	const struct engine_progress *p = NULL;
	int running = t->run.active && t->run.ref.what == JOB_BUDGET && t->run.has_prog;
	if (b->b.n == 0) {
		tui_draw_text(r, y, 0, v->attr[R_DIM], "empty: b edits, a adds the perturbation");
		return;
	}
	if (running)
		p = &t->run.prog;
	else if (b->prog_gen == b->gen)
		p = &b->prog;
	if (p == NULL || p->done == 0) {
		tui_draw_textf(r, y, 0, v->attr[R_DIM], "%s: %s", tui_metric_name(t), b->want ? "measuring..." : "not measured");
		return;
	}
	double drop, lo, hi;
	progress_drop(p, &drop, &lo, &hi);
	char name[32];
	snprintf(name, sizeof name, "%s ", tui_metric_name(t));
	int x = tui_draw_width(name);
	tui_draw_text(r, y, 0, v->attr[R_DIM], name);
	tui_draw_textf(r, y, x, v->attr[tui_draw_heat_role(drop)], "%.2f%%", 100 * progress_top1(p));
	if (running)
		tui_draw_textf(r, y, x + 7, v->attr[R_ACCENT], " %d/%d", p->done, p->total);
	else
		tui_draw_textf(r, y, x + 7, v->attr[R_DIM], " drop %.2f [%.2f,%.2f]", drop, lo, hi);
}

/* The sum of the single-layer drops measured for the budget's settings
 * against the joint drop: does additivity hold for this budget? */
static void additivity_line(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y)
{
	const struct tui_budget *b = &t->budget;
	if (b->b.n == 0)
		return;
	if (!isfinite(b->assumed)) {
		tui_draw_text(r, y, 0, v->attr[R_DIM], "additivity: singles not all measured");
		return;
	}
	if (b->prog_gen == b->gen && b->prog.done > 0) {
		double drop, lo, hi;
		progress_drop(&b->prog, &drop, &lo, &hi);
		tui_draw_textf(r, y, 0, A_NORMAL, "additivity: sum of singles %.2f, joint %.2f", b->assumed, drop);
	} else {
		tui_draw_textf(r, y, 0, A_NORMAL, "additivity: sum of singles %.2f", b->assumed);
	}
}

void tui_pane_budget_totals(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y, int lines)
{
	const struct budget_cost *c = &t->budget.cost;
	char a[32], b[32], ops[32];
	fmt_bytes_short(c->float_bytes, a, sizeof a);
	fmt_bytes_short(c->bytes, b, sizeof b);
	fmt_si(c->bops, ops, sizeof ops);
	tui_draw_text(r, y, 0, v->attr[t->budget.dirty ? R_WARN : R_TITLE], t->budget.dirty ? "budget*" : "budget");
	tui_draw_textf(r, y, 8, A_NORMAL, "%s%s%s %.2fx %s BOPs", a, v->g.arrow, b, c->ratio, ops);
	if (lines > 1)
		measured_line(v, t, r, y + 1);
}

static void field_rows(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y0)
{
	const struct budget_layer *l = budget_find(&t->budget.b, t->layer);
	for (int f = 0; f < BF_COUNT; f++) {
		int sel = (int)t->budget.field == f;
		double x = tui_budget_field_get(l, (enum budget_field)f);
		char val[32];
		if (x == 0)
			snprintf(val, sizeof val, "-");
		else
			snprintf(val, sizeof val, tui_budget_field_integer((enum budget_field)f) ? "%.0f" : "%.2f", x);
		tui_draw_text(r, y0 + f, 0, v->attr[R_ACCENT], sel ? v->g.mark : " ");
		tui_draw_text(r, y0 + f, 2, sel && t->focus == PANE_VIEW ? v->attr[R_SELECT] : A_NORMAL, tui_budget_field_name((enum budget_field)f));
		tui_draw_text(r, y0 + f, 16, x ? A_BOLD : v->attr[R_DIM], val);
	}
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct layer_desc *d = &t->model->layers[t->layer];
	const struct budget_cost *c = &t->budget.cost;
	char shape[32], n[32], a[32], b[32];
	fmt_shape(d->out.w, d->out.h, d->out.c, shape, sizeof shape);
	tui_draw_textf(r, 0, 0, A_BOLD, "L%d %s %s %s %s params", d->index, d->kind_name, shape, v->g.dot,
	    fmt_si((double)d->params, n, sizeof n));
	if (d->has_weights)
		field_rows(v, t, r, 1);
	else
		tui_draw_text(r, 1, 2, v->attr[R_DIM], "no weights: nothing to budget");
	int y = 1 + BF_COUNT;
	tui_draw_textf(r, y++, 0, A_NORMAL, "size %s%s%s %.2fx %.1f bits/w", fmt_bytes_short(c->float_bytes, a, sizeof a),
	    v->g.arrow, fmt_bytes_short(c->bytes, b, sizeof b), c->ratio, c->avg_bits);
	tui_draw_textf(r, y++, 0, A_NORMAL, "BOPs %s of %s %s sparsity %.0f%%", fmt_si(c->bops, a, sizeof a),
	    fmt_si(c->float_bops, b, sizeof b), v->g.dot, 100 * c->sparsity);
	measured_line(v, t, r, y++);
	additivity_line(v, t, r, y++);
	if (t->budget.source[0])
		tui_draw_textf(r, y++, 0, v->attr[R_DIM], "filled: %s", t->budget.source);
	tui_draw_text(r, y, 0, v->attr[R_DIM], tui_pane_budget.help);
}

static int act_field(struct tui_view *v, int dir)
{
	struct tui *t = v->t;
	int f = (int)t->budget.field + dir;
	t->budget.field = (enum budget_field)(f < 0 ? 0 : f >= BF_COUNT ? BF_COUNT - 1 : f);
	t->msg[0] = '\0';	/* the status line explains the field */
	return TUI_REDRAW;
}

static int act_value(struct tui_view *v, int dir)
{
	tui_budget_step(v->t, dir);
	return TUI_REDRAW;
}

static int act_clear(struct tui_view *v, int whole)
{
	tui_budget_clear(v->t, whole);
	return TUI_REDRAW;
}

/* Focused, the pane takes left/right (field), +/- (value) and x (one field). */
static const struct tui_key keys[] = {
	{ KEY_LEFT, act_field, -1, NULL, NULL },
	{ 'h', act_field, -1, NULL, NULL },
	{ KEY_RIGHT, act_field, 1, NULL, NULL },
	{ 'l', act_field, 1, NULL, NULL },
	{ '+', act_value, 1, NULL, NULL },
	{ '=', act_value, 1, NULL, NULL },
	{ ']', act_value, 1, NULL, NULL },
	{ '-', act_value, -1, NULL, NULL },
	{ '[', act_value, -1, NULL, NULL },
	{ 'x', act_clear, 0, NULL, NULL },
	{ KEY_DC, act_clear, 0, NULL, NULL },
	{ 0, NULL, 0, NULL, NULL },
};

static void explain(const struct tui *t, char *buf, size_t size)
{
	static const char *const what[BF_COUNT] = {
		[BF_PRUNE] = "prune: fraction of the smallest weights set to zero",
		[BF_PRUNE_FILTER] = "prune-filter: fraction of whole filters (channels) removed",
		[BF_BITS] = "bits: weights rounded to 2^B-1 levels, one scale",
		[BF_BITS_PC] = "bits-pc: the same, one scale per output channel",
		[BF_ACTBITS] = "actbits: outputs (activations) quantized to B bits",
	};
	snprintf(buf, size, "budget L%d %s", t->layer, what[t->budget.field]);
}

const struct tui_pane tui_pane_budget = {
	"Budget", draw, keys, "h/l field +/- value x clear a add f fill u undo ? keys", explain,
};
