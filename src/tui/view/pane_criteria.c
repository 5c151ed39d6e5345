/* pane_criteria.c - the criteria pane: for each importance criterion its
 * ranking of the weight layers (most important first) next to the ranking by
 * the drop measured at the current kind and level, its agreement with those
 * drops (Spearman rho, Kendall tau-b, top-K overlap, as `safer compare`
 * computes them) and the one-line reading of which criterion predicts best;
 * "≈" marks the measured order's ties and the criteria within noise of the
 * best one (tui_crit_noise), the top line the selected layer's rank interval. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/crit.h"
#include "tui/state/levels.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_W 10
#define ORDER_X 33	/* name, rho, tau, top-K, rank of the selected layer */
#define ORDER_X_NARROW 21	/* name, rho, top-K: 80 columns keep room for the order */
#define WIDE(r) ((r)->w >= ORDER_X + 16)

/* Rows of the table sorted by rank (NaN ranks left out); returns how many. */
static int order_of(const double *rank, int n, int *out)
{
	int m = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(rank[i]))
			out[m++] = i;
	for (int i = 1; i < m; i++)	/* insertion sort, stable: tens of layers */
		for (int j = i; j > 0 && rank[out[j]] < rank[out[j - 1]]; j--) {
			int x = out[j];
			out[j] = out[j - 1];
			out[j - 1] = x;
		}
	return m;
}

/* The layers in order, the selected one highlighted, "…" when cut; with
 * tied (the measured order), "≈" between neighbours whose order is within noise. */
static void draw_order(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y, int x, const double *rank,
    const unsigned char *tied)
{
	const struct criteria_table *ct = &t->crit.table;
	int *ord = xcalloc((size_t)(ct->n > 0 ? ct->n : 1), sizeof *ord);
	int m = order_of(rank, ct->n, ord);
	for (int i = 0; i < m; i++) {
		char s[16];
		int layer = ct->layers[ord[i]], w = snprintf(s, sizeof s, "%d", layer);
		if (x + w + (i < m - 1 ? 2 : 0) > r->w) {
			tui_draw_text(r, y, x, v->attr[R_DIM], v->g.ellipsis);
			break;
		}
		tui_draw_text(r, y, x, layer == t->layer ? v->attr[R_SELECT] : A_NORMAL, s);
		if (tied && i < m - 1 && tied[(size_t)ord[i] * (size_t)ct->n + (size_t)ord[i + 1]])
			tui_draw_text(r, y, x + w, v->attr[R_DIM], v->g.utf8 ? "\xe2\x89\x88" : "~");
		x += w + 1;
	}
	free(ord);
}

static void num(char *buf, size_t size, double v)
{
	if (isfinite(v))
		snprintf(buf, size, "%5.2f", v);
	else
		snprintf(buf, size, "%5s", "-");
}

/* mark: before rho, "≈" for a criterion within noise of the best; tied:
 * the measured row's ties (NULL for criteria). */
static void row(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y, const char *name, attr_t attr,
    const struct criteria_agreement *a, const double *rank, int sel, const char *mark, const unsigned char *tied)
{
	char rho[16] = "    -", tau[16] = "    -", top[16] = "   -", rk[16] = "  -";
	if (a) {
		num(rho, sizeof rho, a->spearman);
		num(tau, sizeof tau, a->kendall);
		if (a->k > 0)
			snprintf(top, sizeof top, "%2d/%d", a->topk, a->k);
	}
	if (sel >= 0 && isfinite(rank[sel]))
		snprintf(rk, sizeof rk, "%3g", rank[sel]);
	if (WIDE(r)) {
		tui_draw_textf(r, y, 0, attr, "%-*.*s%s%s %s %4s %3s", NAME_W - 1, NAME_W - 1, name, mark, rho, tau, top, rk);
		draw_order(v, t, r, y, ORDER_X, rank, tied);
	} else {
		tui_draw_textf(r, y, 0, attr, "%-*.*s%s%s %4s", NAME_W - 1, NAME_W - 1, name, mark, rho, top);
		draw_order(v, t, r, y, ORDER_X_NARROW, rank, tied);
	}
}

/* The reading, wrapped on at most `lines` lines at spaces. */
static int draw_wrapped(const struct tui_rect *r, int y, int lines, attr_t attr, const char *s)
{
	int used = 0;
	while (*s && used < lines) {
		int len = (int)strlen(s), cut = len;
		if (len > r->w) {
			cut = r->w;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = r->w;
		}
		char line[512];
		snprintf(line, sizeof line, "%.*s", cut < (int)sizeof line - 1 ? cut : (int)sizeof line - 1, s);
		tui_draw_text(r, y + used, 0, attr, line);
		used++;
		s += cut;
		while (*s == ' ')
			s++;
	}
	return used;
}

/* The agreement was computed when the results last changed (tui_crit_refresh). */
static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct criteria_table *ct = &t->crit.table;
	if (ct->n == 0 || ct->ncols == 0) {
		tui_draw_text(r, 0, 0, v->attr[R_DIM], "no weight layers: no criteria");
		return;
	}
	if (r->h < 4 || r->w < 30) {
		tui_draw_text(r, 0, 0, v->attr[R_DIM], "criteria: enlarge the window");
		return;
	}
	const struct tui_crit_agreement *ag = &t->crit.agree;
	char lv[32], reading[256], hdr[64];
	int sel = -1;
	for (int i = 0; i < ct->n; i++)
		if (ct->layers[i] == t->layer)
			sel = i;
	tui_levels_format(t->kind, t->level[t->kind], lv, sizeof lv);
	char grads[160] = "";
	if (t->crit.bg != NULL)
		snprintf(grads, sizeof grads, " %s grads%s", v->g.dot, v->g.ellipsis);
	else if (t->crit.bg_samples > 0)
		snprintf(grads, sizeof grads, " %s grads %d img", v->g.dot, t->crit.bg_samples);
	else if (t->crit.bg_error != NULL)
		snprintf(grads, sizeof grads, " %s no gradients: %s", v->g.dot, t->crit.bg_error);
	const struct tui_crit_noise *nz = tui_crit_noise(t);
	int noisy = nz->n == ct->n && t->crit.agree_valid;
	const char *approx = v->g.utf8 ? "\xe2\x89\x88" : "~";
	char rk[96] = "";	/* the selected layer's measured rank and its 95% interval */
	if (noisy && sel >= 0 && ag->measured >= 2 && isfinite(ag->mrank[sel]))
		snprintf(rk, sizeof rk, " %s L%d rank %g (95%% %g-%g)", v->g.dot, t->layer, ag->mrank[sel],
		    nz->rank_lo[sel], nz->rank_hi[sel]);
	tui_draw_textf(r, 0, 0, v->attr[R_DIM], "%s %s %s %d/%d measured%s%s%s%s", perturb_kind_name(t->kind), lv,
	    v->g.dot, ag->measured, ag->n, t->crit.rank_path ? " + " : "", t->crit.rank_path ? "rank file" : "", grads, rk);
	if (WIDE(r))
		snprintf(hdr, sizeof hdr, "%-*s  rho   tau top%d #L%d", NAME_W, "criterion", t->crit.k, t->layer);
	else
		snprintf(hdr, sizeof hdr, "%-*s  rho top%d", NAME_W, "criterion", t->crit.k);
	tui_draw_text(r, 1, 0, v->attr[R_TITLE], hdr);
	tui_draw_text(r, 1, WIDE(r) ? ORDER_X : ORDER_X_NARROW, v->attr[R_TITLE], "order");

	row(v, t, r, 2, "measured", v->attr[R_ACCENT], NULL, ag->mrank, sel, " ", noisy ? nz->tied : NULL);

	int reading_lines = r->h >= 9 ? 2 : 1;
	int room = r->h - 3 - reading_lines, y = 3;
	for (int j = 0; j < ct->ncols && y - 3 < room; j++, y++) {
		double *rank = xcalloc((size_t)ct->n, sizeof *rank);
		for (int i = 0; i < ct->n; i++)
			rank[i] = ct->rank[(size_t)i * ct->ncols + j];
		int last = j == room - 1 && ct->ncols > room;
		if (last) {
			tui_draw_textf(r, y, 0, v->attr[R_DIM], "%s %d more (a taller window shows them)", v->g.ellipsis,
			    ct->ncols - j);
		} else {
			const struct criteria_agreement *a = ag->measured >= TUI_CRIT_MIN_MEASURED ? &ag->a[j] : NULL;
			int best = j == ag->best && ag->measured >= TUI_CRIT_MIN_MEASURED;
			int same = a && noisy && nz->same_as_best[j];
			row(v, t, r, y, criterion_name(ct->cols[j]), best ? v->attr[R_GOOD] : A_NORMAL, a, rank, sel,
			    same ? approx : " ", NULL);
		}
		free(rank);
	}
	tui_crit_reading(t, ag, reading, sizeof reading);
	draw_wrapped(r, y, r->h - y, ag->best >= 0 && ag->measured >= TUI_CRIT_MIN_MEASURED ? A_BOLD : v->attr[R_DIM], reading);
}

static void explain(const struct tui *t, char *buf, size_t size)
{
	(void)t;
	snprintf(buf, size, "criteria: cheap importance guesses; rho, tau: agreement with drops; "
	    "~ within noise (95%% paired bootstrap)");
}

const struct tui_pane tui_pane_criteria = { "Criteria", draw, NULL, NULL, explain };
