/* autobudget.c - budgets for a target inside the explorer (the f key and the
 * Pareto front), through the same allocators as `safer budget`: the
 * knapsack over the measured curves when every weight layer has some
 * (allocate_budget), else rate allocation by one criterion's scores
 * (allocate_from_scores).  Pure computation on the main thread: milliseconds. */
#include "tui/state/autobudget.h"
#include "tui/state/budget.h"
#include "tui/state/crit.h"
#include "tui/state/curves.h"
#include "tui/state/msg.h"
#include "core/format.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tui_autobudget_source_free(struct tui_autobudget_source *s)
{
	sens_curves_free(&s->curves);
}

void tui_autobudget_source(const struct tui *t, struct alloc_target *target, struct tui_autobudget_source *s)
{
	memset(s, 0, sizeof *s);
	if (target->kind == TARGET_SIZE || target->kind == TARGET_DROP)	/* the knob of the kind on screen */
		target->knob = t->kind == PERTURB_PRUNE ? KNOB_PRUNE : KNOB_QUANT;
	const char *kname = target->knob == KNOB_QUANT ? "quant" : "prune";
	int want = model_weight_layers(t->model);
	int have = tui_curves_from_results(t, target->knob, &s->curves);
	if (have > 0 && have == want) {
		s->curves_ok = 1;
		snprintf(s->what, sizeof s->what, "measured %s curves of %d layers (knapsack)", kname, have);
		return;
	}
	sens_curves_free(&s->curves);
	struct tui_crit_agreement v;
	tui_crit_agreement(t, &v);
	const struct criteria_table *ct = &t->crit.table;
	s->col = v.measured >= TUI_CRIT_MIN_MEASURED && v.best >= 0 ? v.best : criteria_column(ct, CRIT_MAGNITUDE);
	snprintf(s->what, sizeof s->what, "criterion %s (%s; %s curves measured for %d/%d layers)",
	    s->col >= 0 ? criterion_name(ct->cols[s->col]) : "?",
	    v.measured >= TUI_CRIT_MIN_MEASURED && v.best >= 0 ? "best agreement here" : "no agreement measured", kname, have, want);
	tui_crit_agreement_free(&v);
}

int tui_autobudget_allocate(const struct tui *t, const struct tui_autobudget_source *s, const struct alloc_target *target,
    struct budget *out, double *assumed, char **cause)
{
	struct alloc_info info;
	*assumed = NAN;
	if (s->curves_ok) {
		if (allocate_budget(t->model, &s->curves, target, NULL, NULL, out, &info, cause) != 0)
			return -1;
		*assumed = info.assumed_drop;
		return 0;
	}
	if (target->kind == TARGET_DROP) {
		*cause = xasprintf("a drop target needs measured %s curves for every layer (s scans them)",
		    target->knob == KNOB_QUANT ? "quant" : "prune");
		return -1;
	}
	const struct criteria_table *ct = &t->crit.table;
	if (s->col < 0) {
		*cause = xstrdup("no criterion to allocate by");
		return -1;
	}
	double *scores = xcalloc((size_t)(ct->n > 0 ? ct->n : 1), sizeof *scores);
	for (int i = 0; i < ct->n; i++)
		scores[i] = ct->score[(size_t)i * ct->ncols + s->col];
	int rc = allocate_from_scores(t->model, ct->layers, scores, ct->n, target, NULL, NULL, out, &info, cause);
	free(scores);
	return rc;
}

char *tui_autobudget_target_text(const struct alloc_target *target, char *buf, size_t size)
{
	char sz[32];
	if (target->kind != TARGET_SIZE || !target->has_value)
		return alloc_target_text(target, buf, size);
	snprintf(buf, size, "size=%s", fmt_bytes_short(target->value, sz, sizeof sz));
	return buf;
}

int tui_autobudget_outcome(const struct alloc_target *target, const struct budget_cost *c, char *buf, size_t size)
{
	char sz[32];
	switch (target->kind) {
	case TARGET_SPARSITY:
		snprintf(buf, size, "%.0f%%", 100 * c->sparsity);
		return c->sparsity > target->value + 0.01;
	case TARGET_BITS:
		snprintf(buf, size, "%.2f bits", c->avg_bits);
		return c->avg_bits < target->value - 0.1;
	case TARGET_SIZE:
		snprintf(buf, size, "%s", fmt_bytes_short(c->bytes, sz, sizeof sz));
		return c->bytes < 0.97 * target->value;
	default:
		snprintf(buf, size, "%s", fmt_bytes_short(c->bytes, sz, sizeof sz));
		return 0;
	}
}

void tui_autobudget_fill(struct tui *t, const char *text)
{
	struct alloc_target target;
	struct tui_autobudget_source s;
	struct budget nb = { 0 };
	char *cause = NULL, tt[64], sz[32];
	double assumed;
	snprintf(t->fill_last, sizeof t->fill_last, "%s", text);
	if (alloc_target_parse(text, &target, &cause) != 0) {
		tui_msg_fail(t, "fill", cause);
		return;
	}
	if (!target.has_value) {
		tui_msg(t, 1, "fill: give a value (bits=4, sparsity=0.6, size=200KiB, drop=1.0)");
		return;
	}
	tui_autobudget_source(t, &target, &s);
	if (tui_autobudget_allocate(t, &s, &target, &nb, &assumed, &cause) != 0) {
		tui_autobudget_source_free(&s);
		tui_msg_fail(t, "fill", cause);
		return;
	}
	char what[96];
	snprintf(what, sizeof what, "fill %s", text);
	tui_budget_set(t, &nb, what);
	t->budget.dirty = 1;
	char got[32], how[160];
	const struct budget_cost *c = &t->budget.cost;
	int over = tui_autobudget_outcome(&target, c, got, sizeof got);
	tui_autobudget_target_text(&target, tt, sizeof tt);
	/* the target and what it gave first: the status line may cut the rest */
	snprintf(how, sizeof how, "%.60s -> %.31s%s", tt, got, over ? " (overshoots: per-layer levels are discrete)" : "");
	snprintf(t->budget.source, sizeof t->budget.source, "%.100s from %.110s", how, s.curves_ok ? "measured curves" : s.what);
	if (t->view != VIEW_BUDGET)
		t->last_view = t->view;
	t->view = VIEW_BUDGET;
	t->focus = PANE_VIEW;
	int met = target.kind == TARGET_DROP || alloc_target_met(&target, &t->budget.b, t->model, NAN);
	tui_msg(t, !met, "filled %s%s from %s: %d layers, %.2f bits/w, sparsity %.0f%%, %s", how,
	    met ? "" : " (misses the target)", s.what, t->budget.b.n, c->avg_bits, 100 * c->sparsity,
	    fmt_bytes_short(c->bytes, sz, sizeof sz));
	tui_autobudget_source_free(&s);
}
