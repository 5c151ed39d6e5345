/* view_budget.c - the budget builder: the selected layer's budget fields
 * edited in place, the totals (size, compression, BOPs from budget_cost) and
 * the whole budget's accuracy, re-measured after every edit. */
#include "tui/tui.h"
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct bfield {
	const char *name;
	int integer;
	double lo, hi, step, start;	/* start: the value a field gets when switched on */
} bf[BF_COUNT] = {
	[BF_PRUNE] = { "prune", 0, 0, 1, 0.05, 0.5 },
	[BF_PRUNE_FILTER] = { "prune-filter", 0, 0, 1, 0.05, 0.25 },
	[BF_BITS] = { "bits", 1, 2, 16, 1, 8 },
	[BF_BITS_PC] = { "bits-pc", 1, 2, 16, 1, 8 },
	[BF_ACTBITS] = { "actbits", 1, 2, 16, 1, 8 },
};

static double field_get(const struct budget_layer *l, enum budget_field f)
{
	if (l == NULL)
		return 0;
	switch (f) {
	case BF_PRUNE: return l->prune;
	case BF_PRUNE_FILTER: return l->prune_filter;
	case BF_BITS: return l->bits;
	case BF_BITS_PC: return l->bits_pc;
	case BF_ACTBITS: return l->actbits;
	default: return 0;
	}
}

/* bits and bits-pc are exclusive (budget.h): setting one clears the other. */
static void field_set(struct budget_layer *l, enum budget_field f, double v)
{
	switch (f) {
	case BF_PRUNE: l->prune = v; break;
	case BF_PRUNE_FILTER: l->prune_filter = v; break;
	case BF_BITS: l->bits = (int)v; if (v) l->bits_pc = 0; break;
	case BF_BITS_PC: l->bits_pc = (int)v; if (v) l->bits = 0; break;
	case BF_ACTBITS: l->actbits = (int)v; break;
	default: break;
	}
}

static void changed(struct tui *t)
{
	budget_compact(&t->budget.b);
	t->budget.dirty = 1;
	t->dirty = 1;
	jobs_budget_changed(t);
}

static int editable(struct tui *t)
{
	if (t->model->layers[t->layer].has_weights)
		return 1;
	tui_msg(t, 1, "budget: layer %d (%s) has no weights", t->layer, t->model->layers[t->layer].kind_name);
	return 0;
}

void view_budget_change(struct tui *t, int dir)
{
	if (!editable(t))
		return;
	const struct bfield *f = &bf[t->budget.field];
	struct budget_layer *l = budget_get(&t->budget.b, t->layer);
	double v = field_get(l, t->budget.field);
	if (v == 0)
		v = f->start;
	else
		v = round((v + dir * f->step) * 100) / 100;
	v = v < f->lo ? f->lo : v > f->hi ? f->hi : v;
	field_set(l, t->budget.field, v);
	changed(t);
}

void view_budget_clear(struct tui *t, int whole_layer)
{
	struct budget_layer *l = budget_get(&t->budget.b, t->layer);
	if (whole_layer)
		for (int f = 0; f < BF_COUNT; f++)
			field_set(l, (enum budget_field)f, 0);
	else
		field_set(l, t->budget.field, 0);
	changed(t);
}

/* `a`: the current perturbation becomes the layer's budget setting. */
void view_budget_apply(struct tui *t)
{
	static const struct { enum perturb_kind kind; enum budget_field field; } map[] = {
		{ PERTURB_PRUNE, BF_PRUNE }, { PERTURB_PRUNE_FILTER, BF_PRUNE_FILTER }, { PERTURB_QUANT, BF_BITS },
		{ PERTURB_QUANT_PC, BF_BITS_PC }, { PERTURB_ACTQUANT, BF_ACTBITS },
	};
	if (!editable(t))
		return;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].kind == t->kind) {
			double v = t->level[t->kind];
			field_set(budget_get(&t->budget.b, t->layer), map[i].field, v);
			t->budget.field = map[i].field;
			tui_msg(t, 0, "budget: layer %d %s=%g", t->layer, bf[map[i].field].name, v);
			changed(t);
			return;
		}
	tui_msg(t, 1, "budget: %s is not a compression (use prune, prune-filter, quant, quant-pc or actquant)",
	    perturb_kind_name(t->kind));
}

/* The whole budget's measured accuracy, or what is happening to it. */
static void measured_line(struct tui *t, const struct tui_rect *r, int y)
{
	const struct tui_budget *b = &t->budget;
	const struct engine_progress *p = NULL;
	int running = t->run.active && t->run.ref.what == JOB_BUDGET && t->run.has_prog;
	if (b->b.n == 0) {
		draw_text(r, y, 0, t->attr[R_DIM], "empty: b edits, a adds the perturbation");
		return;
	}
	if (running)
		p = &t->run.prog;
	else if (b->prog_gen == b->gen)
		p = &b->prog;
	if (p == NULL || p->done == 0) {
		draw_text(r, y, 0, t->attr[R_DIM], b->want ? "top-1: measuring..." : "top-1: not measured");
		return;
	}
	double drop, lo, hi;
	progress_drop(p, &drop, &lo, &hi);
	int x = draw_width("top-1 ");
	draw_text(r, y, 0, t->attr[R_DIM], "top-1 ");
	draw_textf(r, y, x, t->attr[draw_heat_role(drop)], "%.2f%%", 100 * progress_top1(p));
	if (running)
		draw_textf(r, y, x + 7, t->attr[R_ACCENT], " %d/%d", p->done, p->total);
	else
		draw_textf(r, y, x + 7, t->attr[R_DIM], " drop %.2f [%.2f,%.2f]", drop, lo, hi);
}

/* The sum of the single-layer drops measured for the budget's settings
 * against the joint drop: does additivity hold for this budget? */
static void additivity_line(struct tui *t, const struct tui_rect *r, int y)
{
	const struct tui_budget *b = &t->budget;
	if (b->b.n == 0)
		return;
	if (!isfinite(b->assumed)) {
		draw_text(r, y, 0, t->attr[R_DIM], "additivity: singles not all measured");
		return;
	}
	if (b->prog_gen == b->gen && b->prog.done > 0) {
		double drop, lo, hi;
		progress_drop(&b->prog, &drop, &lo, &hi);
		draw_textf(r, y, 0, A_NORMAL, "additivity: sum of singles %.2f, joint %.2f", b->assumed, drop);
	} else {
		draw_textf(r, y, 0, A_NORMAL, "additivity: sum of singles %.2f", b->assumed);
	}
}

void view_budget_totals(struct tui *t, const struct tui_rect *r, int y, int lines)
{
	const struct budget_cost *c = &t->budget.cost;
	char a[32], b[32], ops[32];
	fmt_si(c->float_bytes, a, sizeof a);
	fmt_si(c->bytes, b, sizeof b);
	fmt_si(c->bops, ops, sizeof ops);
	draw_text(r, y, 0, t->attr[t->budget.dirty ? R_WARN : R_TITLE], t->budget.dirty ? "budget*" : "budget");
	draw_textf(r, y, 8, A_NORMAL, "%sB%s%sB %.2fx %s BOPs", a, t->g.arrow, b, c->ratio, ops);
	if (lines > 1)
		measured_line(t, r, y + 1);
}

static void field_rows(struct tui *t, const struct tui_rect *r, int y0)
{
	const struct budget_layer *l = budget_find(&t->budget.b, t->layer);
	for (int f = 0; f < BF_COUNT; f++) {
		int sel = (int)t->budget.field == f;
		double v = field_get(l, (enum budget_field)f);
		char val[32];
		if (v == 0)
			snprintf(val, sizeof val, "-");
		else
			snprintf(val, sizeof val, bf[f].integer ? "%.0f" : "%.2f", v);
		draw_text(r, y0 + f, 0, t->attr[R_ACCENT], sel ? t->g.mark : " ");
		draw_text(r, y0 + f, 2, sel && t->focus == PANE_VIEW ? t->attr[R_SELECT] : A_NORMAL, bf[f].name);
		draw_text(r, y0 + f, 16, v ? A_BOLD : t->attr[R_DIM], val);
	}
}

void view_budget_draw(struct tui *t, const struct tui_rect *r)
{
	const struct layer_desc *d = &t->model->layers[t->layer];
	const struct budget_cost *c = &t->budget.cost;
	char shape[32], n[32], a[32], b[32];
	fmt_shape(d->out.w, d->out.h, d->out.c, shape, sizeof shape);
	draw_textf(r, 0, 0, A_BOLD, "L%d %s %s %s %s params", d->index, d->kind_name, shape, t->g.dot,
	    fmt_si((double)d->params, n, sizeof n));
	if (d->has_weights)
		field_rows(t, r, 1);
	else
		draw_text(r, 1, 2, t->attr[R_DIM], "no weights: nothing to budget");
	int y = 1 + BF_COUNT;
	draw_textf(r, y++, 0, A_NORMAL, "size %sB%s%sB %.2fx %.1f bits/w", fmt_si(c->float_bytes, a, sizeof a),
	    t->g.arrow, fmt_si(c->bytes, b, sizeof b), c->ratio, c->avg_bits);
	draw_textf(r, y++, 0, A_NORMAL, "BOPs %s of %s %s sparsity %.0f%%", fmt_si(c->bops, a, sizeof a),
	    fmt_si(c->float_bops, b, sizeof b), t->g.dot, 100 * c->sparsity);
	measured_line(t, r, y++);
	additivity_line(t, r, y++);
	if (t->budget.source[0])
		draw_textf(r, y++, 0, t->attr[R_DIM], "filled: %s", t->budget.source);
	draw_text(r, y, 0, t->attr[R_DIM], "h/l field +/- value x clear a add f fill ? keys");
}
