/* view_heatmap.c - weight layers x levels of the selected kind, one cell per
 * measurement, shaded by accuracy drop; cells fill as the scan (or live
 * measurements) arrive.  Scrolls vertically with the selected layer and
 * horizontally with the current level. */
#include "tui/tui.h"
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
	g->n = levels_columns(k, t->step[k], g->level, LADDER_MAX);
	g->cursor = -1;
	for (int i = 0; i < g->n; i++)
		if (levels_same(g->level[i], t->level[k]))
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

static void draw_cell(struct tui *t, const struct tui_rect *r, int y, int x, const struct grid *g, int layer, int col)
{
	struct result_key k = result_key_make(layer, t->kind, g->level[col], t->seed);
	const struct result *res = results_find(&t->results, &k);
	const char *glyph = t->g.heat[0];
	attr_t attr = t->attr[R_DIM];
	if (res != NULL) {
		double drop = result_drop(res);
		glyph = t->g.heat[draw_heat_glyph(drop)];
		attr = t->attr[draw_heat_role(drop)];
	} else if (jobs_progress_for(t, &k, NULL) != NULL) {
		glyph = t->g.ellipsis;
		attr = t->attr[R_ACCENT];
	}
	if (layer == t->layer && col == g->cursor)
		attr |= A_REVERSE;
	for (int i = 0; i < g->cw; i++)
		draw_text(r, y, x + i, attr, glyph);
}

static void header(struct tui *t, const struct tui_rect *r, const struct grid *g)
{
	char a[32], b[32];
	levels_format(t->kind, g->level[g->first], a, sizeof a);
	levels_format(t->kind, g->level[g->first + g->shown - 1], b, sizeof b);
	draw_text(r, 0, g->lw, t->attr[R_DIM], a);
	int xb = g->lw + g->shown * g->cw - draw_width(b);
	if (xb > g->lw + draw_width(a))
		draw_text(r, 0, xb, t->attr[R_DIM], b);
	if (g->cursor >= 0)
		draw_text(r, 0, g->lw + (g->cursor - g->first) * g->cw, t->attr[R_ACCENT], t->g.utf8 ? "▼" : "v");
}

static void legend(struct tui *t, const struct tui_rect *r, int y)
{
	static const char *const bounds[] = { "<1", "<5", "<20", "20+" };
	int x = 0;
	for (int i = 1; i <= 4; i++) {
		draw_text(r, y, x, t->attr[R_HEAT0 + i - 1], t->g.heat[i]);
		draw_text(r, y, x + 1, t->attr[R_DIM], bounds[i - 1]);
		x += 2 + draw_width(bounds[i - 1]) + 1;
	}
	draw_text(r, y, x, t->attr[R_DIM], "pts");
	char buf[64];
	int done, total;
	if (t->scan.active) {
		scan_progress(t, &done, &total);
		snprintf(buf, sizeof buf, "scan %d/%d", done, total);
	} else {
		snprintf(buf, sizeof buf, "s scans");
	}
	draw_text(r, y, r->w - draw_width(buf), t->attr[t->scan.active ? R_ACCENT : R_DIM], buf);
}

void view_heatmap_draw(struct tui *t, const struct tui_rect *r)
{
	struct grid g;
	grid_plan(t, r, &g);
	if (g.n == 0 || r->h < 3)
		return;
	int *rows = xmalloc((size_t)t->model->n * sizeof *rows), nrows = 0, sel = 0;
	for (int l = 0; l < t->model->n; l++)
		if (t->model->layers[l].has_weights) {
			if (l <= t->layer)
				sel = nrows;	/* the selected layer, or the weight layer above it */
			rows[nrows++] = l;
		}
	int vis = r->h - 2;
	if (sel < t->heat_top)
		t->heat_top = sel;
	if (sel >= t->heat_top + vis)
		t->heat_top = sel - vis + 1;
	if (t->heat_top > nrows - vis)
		t->heat_top = nrows - vis > 0 ? nrows - vis : 0;
	header(t, r, &g);
	for (int i = 0; i < vis && t->heat_top + i < nrows; i++) {
		int layer = rows[t->heat_top + i];
		draw_textf(r, 1 + i, 0, layer == t->layer ? t->attr[R_SELECT] : t->attr[R_DIM], "L%d", layer);
		for (int j = 0; j < g.shown; j++)
			draw_cell(t, r, 1 + i, g.lw + j * g.cw, &g, layer, g.first + j);
	}
	legend(t, r, r->h - 1);
	free(rows);
}
