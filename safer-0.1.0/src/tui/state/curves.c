/* curves.c - the measured cells as sensitivity curves, built exactly as from
 * a scan file (sens_curves_from_scan), for the knapsack allocator and for
 * the drop a budget is assumed to cost (the sum of its single-layer drops). */
#include "tui/state/curves.h"
#include "tui/state/results.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int tui_curves_from_results(const struct tui *t, enum alloc_knob knob, struct sens_curves *out)
{
	enum perturb_kind kind = knob == KNOB_QUANT ? PERTURB_QUANT : PERTURB_PRUNE;
	char path[] = "measured curves", *cause = NULL;
	struct scan_file f;
	memset(&f, 0, sizeof f);
	memset(out, 0, sizeof *out);
	f.path = path;
	f.rows = xcalloc((size_t)(t->results.n > 0 ? t->results.n : 1), sizeof *f.rows);
	for (int i = 0; i < t->results.n; i++) {
		const struct result *r = &t->results.v[i];
		if (r->key.kind != kind || r->trials == 0)
			continue;
		struct scan_row *row = &f.rows[f.n++];
		row->layer = r->key.layer;
		row->kind = kind;
		row->level = r->key.level;
		row->drop = tui_results_drop(r);
	}
	int rc = f.n > 0 ? sens_curves_from_scan(&f, t->model, knob, out, &cause) : -1;
	free(cause);
	free(f.rows);
	return rc == 0 ? out->n : 0;
}

double tui_curves_assumed(const struct tui *t, const struct budget *b)
{
	if (b->n == 0)
		return NAN;
	for (int k = KNOB_QUANT; k <= KNOB_PRUNE; k++) {
		struct sens_curves c;
		double v = NAN;
		if (tui_curves_from_results(t, (enum alloc_knob)k, &c) > 0)
			v = sens_curves_predict(&c, b);
		sens_curves_free(&c);
		if (isfinite(v))
			return v;
	}
	return NAN;
}
