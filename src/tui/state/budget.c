/* budget.c - the working budget, edited one field of one layer at a time, or
 * replaced whole (a file, a fill, a front point).  Every change re-costs it
 * and asks for its accuracy to be measured again. */
#include "tui/state/budget.h"
#include "tui/state/curves.h"
#include "tui/state/msg.h"
#include "core/util.h"

#include <math.h>
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

const char *tui_budget_field_name(enum budget_field f)
{
	return bf[f].name;
}

int tui_budget_field_integer(enum budget_field f)
{
	return bf[f].integer;
}

double tui_budget_field_get(const struct budget_layer *l, enum budget_field f)
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

void tui_budget_changed(struct tui *t)
{
	t->budget.gen++;
	t->budget.want = t->budget.b.n > 0;
	budget_cost(&t->budget.b, t->model, &t->budget.cost);
	t->budget.assumed = tui_curves_assumed(t, &t->budget.b);
	t->budget.source[0] = '\0';	/* a fill sets it again after this */
	t->resched = 1;
	t->dirty = 1;
}

/* ---- undo/redo ------------------------------------------------------------ */

static void budget_copy(struct budget *dst, const struct budget *src)
{
	dst->n = src->n;
	dst->layers = xcalloc((size_t)(src->n > 0 ? src->n : 1), sizeof *dst->layers);
	if (src->n > 0)
		memcpy(dst->layers, src->layers, (size_t)src->n * sizeof *src->layers);
}

static void stack_clear(struct budget_snapshot *v, int *n)
{
	for (int i = 0; i < *n; i++)
		budget_free(&v[i].b);
	*n = 0;
}

/* Pushes the current budget onto a stack; a full stack forgets its oldest. */
static void stack_push(struct tui *t, struct budget_snapshot *v, int *n, const char *what)
{
	if (*n == BUDGET_HISTORY) {
		budget_free(&v[0].b);
		memmove(v, v + 1, (BUDGET_HISTORY - 1) * sizeof *v);
		(*n)--;
	}
	struct budget_snapshot *s = &v[(*n)++];
	budget_copy(&s->b, &t->budget.b);
	budget_compact(&s->b);	/* budget_get may have added an empty entry */
	snprintf(s->what, sizeof s->what, "%s", what);
}

void tui_budget_remember(struct tui *t, const char *what)
{
	struct budget_history *h = &t->budget.hist;
	stack_push(t, h->undo, &h->nundo, what);
	stack_clear(h->redo, &h->nredo);
}

/* Moves the top of from into the budget, the budget onto to. */
static int swap_top(struct tui *t, struct budget_snapshot *from, int *nfrom, struct budget_snapshot *to, int *nto,
    char *what, size_t size)
{
	if (*nfrom == 0)
		return 0;
	struct budget_snapshot s = from[--(*nfrom)];
	stack_push(t, to, nto, s.what);
	snprintf(what, size, "%s", s.what);
	budget_free(&t->budget.b);
	t->budget.b = s.b;
	t->budget.prog_gen = 0;
	tui_budget_changed(t);
	/* unsaved: a write since the snapshot holds another budget than this */
	t->budget.dirty = 1;
	return 1;
}

int tui_budget_undo(struct tui *t)
{
	struct budget_history *h = &t->budget.hist;
	char what[64];
	if (!swap_top(t, h->undo, &h->nundo, h->redo, &h->nredo, what, sizeof what)) {
		tui_msg(t, 0, "undo: nothing to undo");
		return 0;
	}
	tui_msg(t, 0, "undid: %s (%d more to undo, U redoes)", what, h->nundo);
	return 1;
}

int tui_budget_redo(struct tui *t)
{
	struct budget_history *h = &t->budget.hist;
	char what[64];
	if (!swap_top(t, h->redo, &h->nredo, h->undo, &h->nundo, what, sizeof what)) {
		tui_msg(t, 0, "redo: nothing to redo");
		return 0;
	}
	tui_msg(t, 0, "redid: %s (%d more to redo)", what, h->nredo);
	return 1;
}

void tui_budget_history_free(struct tui *t)
{
	struct budget_history *h = &t->budget.hist;
	stack_clear(h->undo, &h->nundo);
	stack_clear(h->redo, &h->nredo);
}

/* A hand edit. */
static void edited(struct tui *t)
{
	budget_compact(&t->budget.b);
	t->budget.dirty = 1;
	tui_budget_changed(t);
}

static int editable(struct tui *t)
{
	if (t->model->layers[t->layer].has_weights)
		return 1;
	tui_msg(t, 1, "budget: layer %d (%s) has no weights", t->layer, t->model->layers[t->layer].kind_name);
	return 0;
}

void tui_budget_step(struct tui *t, int dir)
{
	if (!editable(t))
		return;
	const struct bfield *f = &bf[t->budget.field];
	struct budget_layer *l = budget_get(&t->budget.b, t->layer);
	double v = tui_budget_field_get(l, t->budget.field);
	if (v == 0)
		v = f->start;
	else
		v = round((v + dir * f->step) * 100) / 100;
	v = v < f->lo ? f->lo : v > f->hi ? f->hi : v;
	char what[64];
	snprintf(what, sizeof what, "layer %d %s=%g", t->layer, f->name, v);
	tui_budget_remember(t, what);
	l = budget_get(&t->budget.b, t->layer);
	field_set(l, t->budget.field, v);
	edited(t);
}

void tui_budget_clear(struct tui *t, int whole_layer)
{
	char what[64];
	if (whole_layer)
		snprintf(what, sizeof what, "clear layer %d", t->layer);
	else
		snprintf(what, sizeof what, "clear layer %d %s", t->layer, bf[t->budget.field].name);
	tui_budget_remember(t, what);
	struct budget_layer *l = budget_get(&t->budget.b, t->layer);
	if (whole_layer)
		for (int f = 0; f < BF_COUNT; f++)
			field_set(l, (enum budget_field)f, 0);
	else
		field_set(l, t->budget.field, 0);
	edited(t);
}

void tui_budget_apply(struct tui *t)
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
			char what[64];
			snprintf(what, sizeof what, "layer %d %s=%g", t->layer, bf[map[i].field].name, v);
			tui_budget_remember(t, what);
			field_set(budget_get(&t->budget.b, t->layer), map[i].field, v);
			t->budget.field = map[i].field;
			tui_msg(t, 0, "budget: layer %d %s=%g", t->layer, bf[map[i].field].name, v);
			edited(t);
			return;
		}
	tui_msg(t, 1, "budget: %s is not a compression (use prune, prune-filter, quant, quant-pc or actquant)",
	    perturb_kind_name(t->kind));
}

void tui_budget_set(struct tui *t, struct budget *nb, const char *what)
{
	tui_budget_remember(t, what);
	budget_free(&t->budget.b);
	t->budget.b = *nb;
	memset(nb, 0, sizeof *nb);
	t->budget.prog_gen = 0;
	tui_budget_changed(t);
}
