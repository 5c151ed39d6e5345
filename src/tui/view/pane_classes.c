/* pane_classes.c - a classifier's classes under the current perturbation:
 * per-class top-1 before -> after on the images the job evaluated (the most
 * hurt first), and beside it one image whose top-1 flipped, drawn with the
 * picture module (half blocks in colour, a grey ramp otherwise) and
 * captioned "class before -> after". */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/view/picture.h"
#include "tui/state/classes.h"
#include "tui/state/levels.h"
#include "tui/state/results.h"
#include "tui/state/select.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_W 27	/* "Sandal      93→71    -22.0" */
#define NARROW_W 16	/* "Sandal    93→71" (80 columns: room for the picture) */

static void table(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int w)
{
	const struct tui_classes *c = &t->classes;
	int *order = xmalloc((size_t)t->data->classes * sizeof *order);
	int m = tui_classes_order(t, order);
	char name[64], buf[96];
	int narrow = w < TABLE_W;
	tui_draw_text_fit(r, 1, 0, w, v->attr[R_DIM], narrow ? "class    top-1 %" : "class      top-1 %  change");
	for (int i = 0; i < m && 2 + i < r->h; i++) {
		int k = order[i];
		double b = 100.0 * c->right_base[k] / c->n[k], a = 100.0 * c->right_pert[k] / c->n[k];
		if (narrow)
			snprintf(buf, sizeof buf, "%-8.8s%4.0f%s%-3.0f", tui_classes_name(t, k, name, sizeof name), b,
			    v->g.arrow, a);
		else
			snprintf(buf, sizeof buf, "%-10.10s %4.0f%s%-4.0f %+6.1f", tui_classes_name(t, k, name, sizeof name),
			    b, v->g.arrow, a, a - b);
		tui_draw_text_fit(r, 2 + i, 0, w, v->attr[tui_draw_heat_role(b - a)], buf);
	}
	free(order);
}

/* The image as 3 planes (a grey image's one plane three times). */
static float *planes(const struct tui *t, int i)
{
	const struct dataset *d = t->data;
	size_t px = (size_t)d->shape.w * (size_t)d->shape.h;
	float *p = xmalloc(3 * px * sizeof *p);
	const float *src = d->x + (size_t)i * d->image_size;
	for (int ch = 0; ch < 3; ch++)
		memcpy(p + ch * px, src + (d->shape.c >= 3 ? (size_t)ch * px : 0), px * sizeof *p);
	return p;
}

static void flipped(const struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct tui_classes *c = &t->classes;
	char before[64], after[64], buf[192];
	if (c->nflips == 0) {
		tui_draw_text_fit(r, 0, 0, r->w, v->attr[R_DIM], "no image flipped");
		return;
	}
	int i = c->flips[c->cur];
	snprintf(buf, sizeof buf, "flip %d/%d img %d", c->cur + 1, c->nflips, i);
	tui_draw_text_fit(r, 0, 0, r->w, v->attr[R_DIM], buf);
	snprintf(buf, sizeof buf, "%s %s %s", tui_classes_name(t, c->base[i], before, sizeof before), v->g.arrow,
	    tui_classes_name(t, c->pert[i], after, sizeof after));
	int right = c->base[i] == t->data->labels[i];
	tui_draw_text_fit(r, r->h - 1, 0, r->w, v->attr[right ? R_HEAT3 : R_WARN], buf);
	struct tui_rect img = { r->y + 1, r->x, r->h - 2, r->w };
	struct tui_picture_fit f;
	if (i >= t->data->cached || (t->data->shape.c != 1 && t->data->shape.c != 3)) {
		tui_draw_text_fit(&img, 0, 0, img.w, v->attr[R_DIM], "(image not in memory)");
		return;
	}
	if (!tui_picture_fit(&img, t->data->shape.w, t->data->shape.h, &f))
		return;
	float *p = planes(t, i);
	tui_picture_draw(v, &img, p, &f);
	free(p);
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct tui_classes *c = &t->classes;
	char lv[32], buf[160];
	if (!c->on) {
		tui_draw_text(r, 0, 0, v->attr[R_DIM], "classes: a classifier's per-class top-1 (v: a detector's pictures)");
		return;
	}
	if (!c->have) {
		tui_draw_text(r, 0, 0, v->attr[R_DIM], "classes: Enter measures the selection");
		return;
	}
	struct result_key sel = tui_select_key(t);
	tui_levels_format(c->key.kind, c->key.level, lv, sizeof lv);
	snprintf(buf, sizeof buf, "L%d %s %s: %ld img, %d flipped%s", c->key.layer, perturb_kind_name(c->key.kind), lv,
	    c->evaluated, c->nflips, tui_results_same(&c->key, &sel) ? "" : " (not the selection: Enter)");
	tui_draw_text_fit(r, 0, 0, r->w, v->attr[R_TITLE], buf);
	int tw = r->w >= TABLE_W + 16 ? TABLE_W : r->w >= NARROW_W + 14 ? NARROW_W : r->w;
	table(v, t, r, tw);
	if (r->w - tw - 1 >= 12) {
		struct tui_rect pr = { r->y + 1, r->x + tw + 1, r->h - 1, r->w - tw - 1 };
		flipped(v, t, &pr);
	}
}

static int act_flip(struct tui_view *v, int dir)
{
	tui_classes_move(v->t, dir);
	return TUI_REDRAW;
}

static const struct tui_key keys[] = {
	{ KEY_LEFT, act_flip, -1, NULL, NULL },
	{ 'h', act_flip, -1, NULL, NULL },
	{ KEY_RIGHT, act_flip, 1, NULL, NULL },
	{ 'l', act_flip, 1, NULL, NULL },
	{ 'n', act_flip, 1, NULL, NULL },
	{ 'N', act_flip, -1, NULL, NULL },
	{ 0, NULL, 0, NULL, NULL },
};

static void explain(const struct tui *t, char *buf, size_t size)
{
	(void)t;
	snprintf(buf, size, "classes: top-1 %% per class, before -> after; h/l: the flipped images");
}

const struct tui_pane tui_pane_classes = { "Classes", draw, keys, "h/l n/N flipped image", explain };
