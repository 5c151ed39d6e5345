/* pareto.c - the accuracy/size front in the explorer: one sensitivity budget
 * per target of `safer budget --pareto`'s range (alloc_pareto_targets),
 * allocated at once (autobudget.c), then each measured exactly by the engine
 * in the background (the scheduler in jobs.c pulls tui_pareto_next), sorted by size.  The
 * user moves a cursor along the points and applies one to the budget. */
#include "tui/state/pareto.h"
#include "tui/state/autobudget.h"
#include "tui/state/budget.h"
#include "tui/state/msg.h"
#include "core/atomic.h"
#include "core/format.h"
#include "formats/figure.h"
#include "engine/engine.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tui_pareto_free(struct tui_pareto *p)
{
	for (int i = 0; i < p->n; i++)
		budget_free(&p->pt[i].b);
	p->n = 0;
	p->cur = 0;
}

static int by_size(const void *a, const void *b)
{
	const struct tui_pareto_point *x = a, *y = b;
	if (x->cost.bytes != y->cost.bytes)
		return x->cost.bytes < y->cost.bytes ? -1 : 1;
	return x->target.value < y->target.value ? -1 : x->target.value > y->target.value;
}

static int same_budget(const struct budget *a, const struct budget *b)
{
	if (a->n != b->n)
		return 0;
	for (int i = 0; i < a->n; i++) {
		const struct budget_layer *x = &a->layers[i], *y = budget_find(b, x->layer);
		if (y == NULL || x->prune != y->prune || x->prune_filter != y->prune_filter || x->bits != y->bits ||
		    x->bits_pc != y->bits_pc || x->actbits != y->actbits)
			return 0;
	}
	return 1;
}

/* Targets a step apart can give one budget (sparsity 0.3, 0.4 and 0.5 all
 * at 54%): the later ones are marked and not measured again. */
static void mark_same(struct tui_pareto *p)
{
	p->distinct = 0;
	for (int i = 0; i < p->n; i++) {
		p->pt[i].same_as = -1;
		for (int j = 0; j < i && p->pt[i].same_as < 0; j++)
			if (p->pt[j].same_as < 0 && same_budget(&p->pt[i].b, &p->pt[j].b))
				p->pt[i].same_as = j;
		p->distinct += p->pt[i].same_as < 0;
	}
}

void tui_pareto_start(struct tui *t, const char *kind)
{
	struct tui_pareto *p = &t->pareto;
	struct alloc_target target;
	struct tui_autobudget_source s;
	double v[ALLOC_PARETO_MAX];
	char *cause = NULL, *last = NULL;
	snprintf(p->last, sizeof p->last, "%s", kind);
	if (alloc_target_parse(kind, &target, &cause) != 0) {
		tui_msg_fail(t, "front", cause);
		return;
	}
	tui_pareto_free(p);
	p->gen++;
	p->unreachable = 0;
	p->kind = target.kind;
	tui_autobudget_source(t, &target, &s);
	snprintf(p->what, sizeof p->what, "%s", s.what);
	int n = alloc_pareto_targets(&target, t->model, v);
	for (int i = 0; i < n; i++) {
		struct tui_pareto_point *pt = &p->pt[p->n];
		memset(pt, 0, sizeof *pt);
		pt->target = target;
		pt->target.value = v[i];
		pt->target.has_value = 1;
		if (tui_autobudget_allocate(t, &s, &pt->target, &pt->b, &pt->assumed, &cause) != 0) {
			free(last);
			last = cause;	/* the reason of the last miss, for the status line */
			cause = NULL;
			budget_free(&pt->b);
			p->unreachable++;
			continue;
		}
		budget_cost(&pt->b, t->model, &pt->cost);
		p->n++;
	}
	qsort(p->pt, (size_t)p->n, sizeof p->pt[0], by_size);
	mark_same(p);
	p->cur = p->n / 2;
	tui_autobudget_source_free(&s);
	if (p->n == 0)
		tui_msg(t, 1, "front: no target of %s could be met (%s)", kind, last ? last : "no source");
	else if (p->distinct < p->n)	/* say it before the user wonders why points coincide */
		tui_msg(t, 0, "front over %d %s targets from %s%s; only %d different budgets (=N: the same as point N)",
		    p->n, kind, p->what, p->unreachable ? " (some out of reach)" : "", p->distinct);
	else
		tui_msg(t, 0, "front over %d %s targets from %s%s; measuring each", p->n, kind, p->what,
		    p->unreachable ? " (some out of reach)" : "");
	free(last);
	t->dirty = 1;
	t->resched = 1;
}

int tui_pareto_next(const struct tui *t, struct job_ref *out)
{
	const struct tui_pareto *p = &t->pareto;
	for (int i = 0; i < p->n; i++)
		if (p->pt[i].state == 0 && p->pt[i].same_as < 0) {
			*out = (struct job_ref){ .what = JOB_PARETO, .trial = i, .gen = p->gen };
			return 1;
		}
	return 0;
}

void tui_pareto_record(struct tui *t, const struct job_ref *ref, const struct engine_progress *pr)
{
	struct tui_pareto *p = &t->pareto;
	if (ref->gen != p->gen || ref->trial < 0 || ref->trial >= p->n)
		return;
	struct tui_pareto_point *pt = &p->pt[ref->trial];
	pt->state = 1;
	pt->top1 = progress_top1(pr);
	progress_drop(pr, &pt->drop, &pt->lo, &pt->hi);
	for (int i = 0; i < p->n; i++)
		if (p->pt[i].same_as == ref->trial) {
			p->pt[i].state = 1;
			p->pt[i].top1 = pt->top1;
			p->pt[i].drop = pt->drop;
			p->pt[i].lo = pt->lo;
			p->pt[i].hi = pt->hi;
		}
	t->dirty = 1;
}

void tui_pareto_failed(struct tui *t, const struct job_ref *ref)
{
	struct tui_pareto *p = &t->pareto;
	if (ref->gen == p->gen && ref->trial >= 0 && ref->trial < p->n)
		for (int i = 0; i < p->n; i++)
			if (i == ref->trial || p->pt[i].same_as == ref->trial)
				p->pt[i].state = -1;
}

void tui_pareto_move(struct tui *t, int dir)
{
	struct tui_pareto *p = &t->pareto;
	if (p->n == 0) {
		tui_msg(t, 1, "front: none yet (P computes one)");
		return;
	}
	int c = p->cur + dir;
	p->cur = c < 0 ? 0 : c >= p->n ? p->n - 1 : c;
	t->dirty = 1;
}

void tui_pareto_apply(struct tui *t)
{
	struct tui_pareto *p = &t->pareto;
	if (p->n == 0) {
		tui_msg(t, 1, "front: none yet (P computes one)");
		return;
	}
	const struct tui_pareto_point *pt = &p->pt[p->cur];
	struct budget nb = { .n = pt->b.n };
	char tt[64], sz[32];
	nb.layers = xcalloc((size_t)(nb.n > 0 ? nb.n : 1), sizeof *nb.layers);
	memcpy(nb.layers, pt->b.layers, (size_t)nb.n * sizeof *nb.layers);
	tui_autobudget_target_text(&pt->target, tt, sizeof tt);
	char what[96];
	snprintf(what, sizeof what, "front point %s", tt);
	tui_budget_set(t, &nb, what);
	t->budget.dirty = 1;
	snprintf(t->budget.source, sizeof t->budget.source, "front point %s", tt);
	tui_msg(t, 0, "budget: the front's %s point (%d layers, %s); b edits it", tt, t->budget.b.n,
	    fmt_bytes_short(pt->cost.bytes, sz, sizeof sz));
}

int tui_pareto_save_svg(struct tui *t, const char *path, char **cause)
{
	const struct tui_pareto *p = &t->pareto;
	struct figure_front fr;
	memset(&fr, 0, sizeof fr);
	fr.points = xcalloc((size_t)(p->n ? p->n : 1), sizeof *fr.points);
	for (int i = 0; i < p->n; i++) {
		const struct tui_pareto_point *q = &p->pt[i];
		char buf[64];
		struct front_point *fp = &fr.points[fr.n++];
		fp->target = xstrdup(alloc_target_text(&q->target, buf, sizeof buf));
		fp->sens = (struct front_budget){ q->cost.bytes, q->cost.bops, q->cost.avg_bits, q->cost.sparsity,
			q->state == 1 ? q->top1 : NAN, q->drop, q->lo, q->hi };
		if (q->state != 1)
			fp->sens.size_bytes = NAN;
		/* the explorer's front has no uniform budgets */
		fp->uni = (struct front_budget){ NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
	}
	fr.knob = xstrdup(p->n ? alloc_knob_name(p->pt[0].target.knob) : "");
	fr.source = xstrdup(p->what);
	fr.images = t->data->count;
	fr.baseline = progress_top1(engine_baseline(t->eng));
	int measured = 0, rc = -1;
	for (int i = 0; i < fr.n; i++)
		measured += isfinite(fr.points[i].sens.top1);
	if (measured == 0) {
		*cause = xasprintf("%s: no point of the front is measured yet (P makes one)", path);
	} else {
		struct atomic_file a;
		if (atomic_open(&a, path, cause) == 0) {
			figure_front_svg(a.f, &fr, 1);
			rc = atomic_commit(&a, cause) != 0 ? -1 : 0;
		}
	}
	if (rc == 0)
		tui_msg(t, 0, "drew the pareto front of %d measured points to %s", measured, path);
	figure_front_free(&fr);
	return rc;
}
