/* pane_heatmap.c - weight layers x levels of the selected kind, one cell per
 * measurement, shaded by accuracy drop; cells fill as the scan (or live
 * measurements) arrive.  Scrolls vertically with the selected layer and
 * horizontally with the current level. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/heatmap_scan.h"
#include "tui/state/jobs.h"
#include "tui/state/levels.h"
#include "tui/state/metric.h"
#include "tui/state/results.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>

struct grid {
	int n;			/* columns */
	double level[LADDER_MAX];
	int cursor;		/* column of the current level, -1 if none */
	int lw, cw;		/* label and cell widths */
	int first, shown;	/* visible columns */
};

static void grid_plan(const struct tui *t, const struct tui_rect *r, struct grid *g)
{
	enum perturb_kind k = t->kind;
	g->n = tui_levels_columns(k, t->step[k], g->level, LADDER_MAX);
	g->cursor = -1;
	for (int i = 0; i < g->n; i++)
		if (tui_levels_same(g->level[i], t->level[k]))
			g->cursor = i;
	g->lw = snprintf(NULL, 0, "L%d", t->model->n - 1) + 1;
	int room = r->w - g->lw;
	g->cw = g->n ? room / g->n : 1;
	g->cw = g->cw < 1 ? 1 : g->cw > 3 ? 3 : g->cw;
	g->shown = room / g->cw < g->n ? room / g->cw : g->n;
	g->first = 0;
	if (g->cursor >= g->shown)
		g->first = g->cursor - g->shown + 1;
}

static void draw_cell(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y, int x, const struct grid *g, int layer, int col)
{
	struct result_key k = tui_results_key(layer, t->kind, g->level[col], t->seed);
	const struct result *res = tui_results_find(&t->results, &k);
	const char *glyph = v->g.heat[0];
	attr_t attr = v->attr[R_DIM];
	if (res != NULL) {
		double drop = tui_results_drop(res);
		glyph = v->g.heat[tui_draw_heat_glyph(drop)];
		attr = v->attr[tui_draw_heat_role(drop)];
	} else if (tui_jobs_progress_for(t, &k, NULL) != NULL) {
		glyph = v->g.ellipsis;
		attr = v->attr[R_ACCENT];
	}
	if (layer == t->layer && col == g->cursor)
		attr |= A_REVERSE;
	for (int i = 0; i < g->cw; i++)
		tui_draw_text(r, y, x + i, attr, glyph);
}

static void header(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, const struct grid *g)
{
	char a[32], b[32];
	tui_levels_format(t->kind, g->level[g->first], a, sizeof a);
	tui_levels_format(t->kind, g->level[g->first + g->shown - 1], b, sizeof b);
	tui_draw_text(r, 0, g->lw, v->attr[R_DIM], a);
	int xb = g->lw + g->shown * g->cw - tui_draw_width(b);
	if (xb > g->lw + tui_draw_width(a))
		tui_draw_text(r, 0, xb, v->attr[R_DIM], b);
	if (g->cursor >= 0)
		tui_draw_text(r, 0, g->lw + (g->cursor - g->first) * g->cw, v->attr[R_ACCENT], v->g.utf8 ? "▼" : "v");
}

static void legend(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y)
{
	static const char *const bounds[] = { "<1", "<5", "<20", "20+" };
	int x = 0;
	for (int i = 1; i <= 4; i++) {
		tui_draw_text(r, y, x, v->attr[R_HEAT0 + i - 1], v->g.heat[i]);
		tui_draw_text(r, y, x + 1, v->attr[R_DIM], bounds[i - 1]);
		x += 2 + tui_draw_width(bounds[i - 1]) + 1;
	}
	tui_draw_text(r, y, x, v->attr[R_DIM], tui_metric_unit(t));
	char buf[64];
	int done, total;
	if (t->scan.active) {
		tui_heatmap_scan_progress(t, &done, &total);
		snprintf(buf, sizeof buf, "scan %d/%d", done, total);
	} else {
		snprintf(buf, sizeof buf, "s scans");
	}
	tui_draw_text(r, y, r->w - tui_draw_width(buf), v->attr[t->scan.active ? R_ACCENT : R_DIM], buf);
}

/* The cell under the cursor (selected layer, current level) in numbers:
 * the shade alone says only a bucket. */
static void readout(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y)
{
	char lv[32], where[64], what[96], state[48], c[3][192], line[192];
	struct result_key k = tui_results_key(t->layer, t->kind, t->level[t->kind], t->seed);
	const struct result *res = tui_results_find(&t->results, &k);
	tui_levels_format(t->kind, t->level[t->kind], lv, sizeof lv);
	snprintf(where, sizeof where, "L%d %s %s:", t->layer, perturb_kind_name(t->kind), lv);
	state[0] = '\0';
	if (!t->model->layers[t->layer].has_weights) {
		snprintf(what, sizeof what, "no weights");
	} else if (res == NULL) {
		snprintf(what, sizeof what, "not measured");
	} else {
		double sd, mn, mx;
		tui_results_spread(res, &sd, &mn, &mx);
		int n = snprintf(what, sizeof what, "drop %.2f", tui_results_drop(res));
		if (res->trials > 1)
			n += snprintf(what + n, sizeof what - (size_t)n, " %s%.2g", v->g.utf8 ? "±" : "+-", sd);
		snprintf(what + n, sizeof what - (size_t)n, " %s", tui_metric_unit(t));
		if (tui_results_exact(res))
			snprintf(state, sizeof state, "exact");
		else
			snprintf(state, sizeof state, "est. %ld/%ld", res->min_images, res->total);
	}
	snprintf(c[0], sizeof c[0], "%s %s%s%s%s", where, what, state[0] ? ", " : "", state,
	    state[0] && state[0] == 'e' && state[1] == 's' ? " img" : "");
	snprintf(c[1], sizeof c[1], "L%d %s: %s%s%s", t->layer, lv, what, state[0] ? ", " : "", state);
	snprintf(c[2], sizeof c[2], "%s %s", what, state);
	const char *cand[3] = { c[0], c[1], c[2] };
	tui_draw_text(r, y, 0, v->attr[R_NORMAL], tui_draw_pick(line, sizeof line, r->w, 3, cand));
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	struct grid g;
	grid_plan(t, r, &g);
	if (g.n == 0 || r->h < 4)
		return;
	int *rows = xmalloc((size_t)t->model->n * sizeof *rows), nrows = 0, sel = 0;
	for (int l = 0; l < t->model->n; l++)
		if (t->model->layers[l].has_weights) {
			if (l <= t->layer)
				sel = nrows;	/* the selected layer, or the weight layer above it */
			rows[nrows++] = l;
		}
	int vis = r->h - 3;	/* header, read-out, legend */
	if (sel < v->heat_top)
		v->heat_top = sel;
	if (sel >= v->heat_top + vis)
		v->heat_top = sel - vis + 1;
	if (v->heat_top > nrows - vis)
		v->heat_top = nrows - vis > 0 ? nrows - vis : 0;
	header(v, t, r, &g);
	for (int i = 0; i < vis && v->heat_top + i < nrows; i++) {
		int layer = rows[v->heat_top + i];
		tui_draw_textf(r, 1 + i, 0, layer == t->layer ? v->attr[R_SELECT] : v->attr[R_DIM], "L%d", layer);
		for (int j = 0; j < g.shown; j++)
			draw_cell(v, t, r, 1 + i, g.lw + j * g.cw, &g, layer, g.first + j);
	}
	readout(v, t, r, r->h - 2);
	legend(v, t, r, r->h - 1);
	free(rows);
}

static void explain(const struct tui *t, char *buf, size_t size)
{
	snprintf(buf, size, "heatmap: a row per weight layer, a column per %s level; shade: drop",
	    perturb_kind_name(t->kind));
}

const struct tui_pane tui_pane_heatmap = { "Heatmap", draw, NULL, NULL, explain };
