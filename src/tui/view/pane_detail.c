/* pane_detail.c - the selected layer's weights before and after the current
 * perturbation (histograms on a shared log-count scale), zeroed fraction,
 * distinct values, and the kind's two-line explanation. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/metric.h"
#include "tui/state/results.h"
#include "tui/state/select.h"
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LABEL 7		/* "before " */

static void distinct_text(long v, char *buf, size_t size)
{
	if (v < 0)
		snprintf(buf, size, "?");
	else
		fmt_si((double)v, buf, size);
}

static void title(const struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct tui_hist *h = &t->hist;
	const struct layer_desc *l = &t->model->layers[t->layer];
	char buf[256], n[32], d0[32], d1[32];
	if (!l->has_weights || h->n == 0) {
		snprintf(buf, sizeof buf, "Detail %s L%d %s %s no weights", v->g.dot, l->index, l->kind_name, v->g.dot);
		tui_draw_title(v, r, buf, 0);
		return;
	}
	distinct_text(h->distinct_before, d0, sizeof d0);
	distinct_text(h->distinct_after, d1, sizeof d1);
	snprintf(buf, sizeof buf, "Detail %s L%d %s %s w %s zero %.1f%%%s%.1f%% %s distinct %s%s%s %s [%.3g, %.3g]%s",
	    v->g.dot, l->index, l->kind_name, fmt_si((double)h->n, n, sizeof n), v->g.dot,
	    100.0 * h->zero_before / h->n, v->g.arrow, 100.0 * h->zero_after / h->n, v->g.dot,
	    d0, v->g.arrow, d1, v->g.dot, h->lo, h->hi, h->outside ? " +outliers" : "");
	tui_draw_title(v, r, buf, 0);
}

/* Column heights in eighths of a cell, on a log scale shared by both sides. */
static void histogram(const struct tui_view *v, const struct tui_rect *r, int y, int x, int w, int rows, const long *bins,
    double logmax)
{
	for (int c = 0; c < w; c++) {
		int b0 = c * HIST_BINS / w, b1 = (c + 1) * HIST_BINS / w;
		long sum = 0;
		for (int b = b0; b < (b1 > b0 ? b1 : b0 + 1); b++)
			sum += bins[b];
		int e = logmax > 0 ? (int)lround(log1p((double)sum) / logmax * rows * 8) : 0;
		if (sum > 0 && e == 0)
			e = 1;	/* every populated bin shows */
		for (int row = 0; row < rows; row++) {
			int fill = e - 8 * (rows - 1 - row);
			fill = fill < 0 ? 0 : fill > 8 ? 8 : fill;
			if (fill > 0)
				tui_draw_text(r, y + row, x + c, v->attr[R_GOOD], v->g.column[fill]);
		}
	}
}

static void histograms(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int rows)
{
	const struct tui_hist *h = &t->hist;
	long mx = 1;
	for (int b = 0; b < HIST_BINS; b++)
		mx = h->before[b] > mx ? h->before[b] : h->after[b] > mx ? h->after[b] : mx;
	double logmax = log1p((double)mx);
	int half = r->w / 2, w = half - LABEL - 1;
	tui_draw_text(r, 1, 0, v->attr[R_DIM], "before");
	tui_draw_text(r, 1, half, v->attr[R_DIM], "after");
	if (w < 4)
		return;
	histogram(v, r, 1, LABEL, w, rows, h->before, logmax);
	int after_data = h->distinct_after != 0 || h->zero_after != 0;
	if (after_data)
		histogram(v, r, 1, half + LABEL, w, rows, h->after, logmax);
	if (h->note[0])
		tui_draw_text(r, rows, half + LABEL, v->attr[after_data ? R_DIM : R_ERROR], h->note);
}

static void explain(const struct tui *t, const struct tui_rect *r, int y)
{
	const char *text = perturb_kind_explain(t->kind);
	const char *nl = strchr(text, '\n');
	char line[256];
	int n = nl ? (int)(nl - text) : (int)strlen(text);
	snprintf(line, sizeof line, "%.*s", n, text);
	tui_draw_text(r, y, 0, A_NORMAL, line);	/* both lines fit in 80 columns */
	if (nl)
		tui_draw_text(r, y + 1, 0, A_NORMAL, nl + 1);
}

/* Each trial's drop of the selection, when it has several: the accuracy
 * pane shows their mean, spread and range, this line every value. */
static int trials_line(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y)
{
	struct result_key k = tui_select_key(t);
	const struct scan_row *rows[TUI_TRIALS_MAX];
	int n = tui_results_trial_rows(&t->results, &k, rows, TUI_TRIALS_MAX);
	if (n < 2)
		return 0;
	char line[512];
	int len = snprintf(line, sizeof line, "drop per trial (%s, seed %llu):", tui_metric_unit(t), (unsigned long long)k.seed);
	for (int i = 0; i < n && i < TUI_TRIALS_MAX && len < (int)sizeof line; i++)
		len += snprintf(line + len, sizeof line - (size_t)len, " %.2f", rows[i]->drop);
	tui_draw_text(r, y, 0, v->attr[R_NORMAL], line);
	return 1;
}

/* t->hist is brought up to date before each frame (tui_state_refresh). */
static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	title(v, t, r);
	int rows = r->h - 3;
	if (rows > 1 && trials_line(v, t, r, r->h - 3))
		rows--;
	if (t->model->layers[t->layer].has_weights && rows > 0)
		histograms(v, t, r, rows);
	explain(t, r, r->h - 2);
}

const struct tui_pane tui_pane_detail = { "Detail", draw, NULL, NULL, NULL };
