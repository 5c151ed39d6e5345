/* help.c - the `?` overlay: every key from the key table, in one or two
 * columns depending on the room; `?` again turns to the glossary of the
 * abbreviations on screen (README's explorer section has the same list). */
#include "tui/view/help.h"
#include "tui/view/draw.h"
#include "tui/view/keys.h"

#include <curses.h>

#define KEYS_W 15	/* key names are at most 14 columns, descriptions 22 */
#define TERM_W 12

static const struct {
	const char *term, *what;
	const char *ascii;	/* the term outside UTF-8, when it differs */
} glossary[] = {
	{ "pts", "percentage points of top-1: 92.5% -> 90.5% is a drop of 2 pts", NULL },
	{ "drop", "baseline top-1 less perturbed top-1, paired on the same images", NULL },
	{ "exact, est.", "on every image / an early-stopped estimate on n of N images", NULL },
	{ "± min max", "spread of the drop over trials: sd, smallest, largest", "+- min max" },
	{ "[lo, hi]", "95% interval of one trial's drop", NULL },
	{ "agree", "images whose top-1 class is the unperturbed network's", NULL },
	{ "KL", "mean KL divergence of the outputs from the unperturbed ones", NULL },
	{ "MACs", "multiply-accumulates of one image's forward pass", NULL },
	{ "BOPs", "bit operations: MACs x weight bits x activation bits", NULL },
	{ "p.50q6", "budget cell: prune 50% of the weights, quantize to 6 bits", NULL },
	{ "q3 qc3 a8", "quantize to 3 bits (qc: per channel), activations to 8 bits", NULL },
	{ "f.25", "budget cell: prune 25% of the filters (whole output channels)", NULL },
	{ "32.00b sp63%", "average bits per weight, share of weights that are zero", NULL },
	{ "step 1/dec", "level step: one level per decade (1e-4, 1e-3, ...)", NULL },
	{ "shct, rout", "shortcut (residual) and route layers; maxp/avgp: pooling", NULL },
	{ "l2pp", "criterion: root mean square of a layer's weights", NULL },
	{ "ρ rho", "Spearman rank correlation of a criterion with the drops", "rho" },
	{ "τ tau", "Kendall rank correlation: pairs ordered alike less unlike", "tau" },
	{ "top-3", "of the 3 most sensitive layers, how many a criterion puts first", NULL },
	{ "#L4", "where the selected layer (L4) stands in each ranking", NULL },
	{ "additivity", "sum of the single-layer drops against the measured joint drop", NULL },
};

/* The box, centred, with side borders; returns its inside. */
static struct tui_rect frame(const struct tui_view *v, int h, int w, const char *title)
{
	struct tui_rect box = { 0, 0, h, w };
	if (box.w > v->cols)
		box.w = v->cols;
	if (box.h > v->rows - 1)
		box.h = v->rows - 1;
	box.y = (v->rows - 1 - box.h) / 2;
	box.x = (v->cols - box.w) / 2;
	tui_draw_clear(&box);
	tui_draw_title(v, &box, title, 1);
	for (int x = 0; x < box.w; x++)
		tui_draw_text(&box, box.h - 1, x, v->attr[R_DIM], v->g.hline);
	for (int y = 1; y < box.h - 1; y++) {	/* side borders: the panes behind stay apart */
		tui_draw_text(&box, y, 0, v->attr[R_DIM], v->g.vline);
		tui_draw_text(&box, y, box.w - 1, v->attr[R_DIM], v->g.vline);
	}
	return (struct tui_rect){ box.y + 1, box.x + 1, box.h - 2, box.w - 2 };
}

static void glossary_draw(const struct tui_view *v)
{
	int n = (int)(sizeof glossary / sizeof glossary[0]);
	struct tui_rect in = frame(v, n + 2, TERM_W + 68, "Glossary (? keys, any other key closes)");
	for (int i = 0; i < n; i++) {
		const char *term = !v->g.utf8 && glossary[i].ascii ? glossary[i].ascii : glossary[i].term;
		tui_draw_text(&in, i, 1, v->attr[R_TITLE], term);	/* no blank line: 24 rows hold them */
		tui_draw_text(&in, i, 2 + TERM_W, A_NORMAL, glossary[i].what);
	}
}

void tui_help_draw(const struct tui_view *v)
{
	if (v->show_help == 2) {
		glossary_draw(v);
		return;
	}
	int n;
	const struct tui_key_help *h = tui_keys_help(&n);
	int cols = v->rows - 4 >= n + 2 ? 1 : 2;
	int per = (n + cols - 1) / cols;
	int colw = cols == 1 ? 50 : (v->cols - 3) / 2;
	struct tui_rect in = frame(v, per + 4, cols == 1 ? colw + 3 : v->cols, "Keys (? glossary, any other key closes)");
	for (int i = 0; i < n; i++) {
		int y = 1 + i % per, x = 1 + (i / per) * colw;
		tui_draw_text(&in, y, x, v->attr[R_TITLE], h[i].keys);
		tui_draw_text(&in, y, x + KEYS_W, A_NORMAL, h[i].what);
	}
}
