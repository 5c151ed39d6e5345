/* pane_picture.c - one image of a detector's data set (picture.c draws its
 * pixels) with the unperturbed detector's boxes and those of the last
 * finished job over it, both above the display threshold: which image,
 * its file, the box counts and their matching (gallery.c). */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/view/picture.h"
#include "tui/state/gallery.h"
#include "tui/state/metric.h"

#include <math.h>
#include <stdio.h>

#define GREEN 0x30e030
#define RED 0xff3030
#define HEAD 3		/* lines above the image */

static const struct tui_picture_box base_style = { .style = PICTURE_THIN, .rgb = GREEN, .role = R_GOOD };
static const struct tui_picture_box pert_style = { .style = PICTURE_HEAVY, .rgb = RED, .role = R_HEAT3 };

static void boxes(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, const struct tui_picture_fit *f,
    const struct det_pred *p, int n, const struct tui_picture_box *style)
{
	const struct tui_gallery *g = &t->gallery;
	for (int i = 0; i < n; i++) {
		char label[48];
		struct tui_picture_box b = *style;
		b.x0 = p[i].b.x - p[i].b.w / 2;
		b.x1 = p[i].b.x + p[i].b.w / 2;
		b.y0 = p[i].b.y - p[i].b.h / 2;
		b.y1 = p[i].b.y + p[i].b.h / 2;
		b.sw = g->ow;
		b.sh = g->oh;
		snprintf(label, sizeof label, "%s %.2f",
		    p[i].cls >= 0 && p[i].cls < t->data->classes ? t->data->names[p[i].cls] : "?", p[i].prob);
		b.label = label;
		tui_picture_outline(v, r, g->pix, f, &b);
	}
}

/* Image, file and agreement; the legend with counts; what "perturbed" is. */
static void header(const struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct tui_gallery *g = &t->gallery;
	int i = g->image, pert = g->have_pert && g->npert[i] >= 0;
	char buf[160], what[96];
	tui_draw_textf(r, 0, 0, A_BOLD, "%d/%d %s", i + 1, g->n, tui_gallery_file(t));
	if (pert) {
		snprintf(buf, sizeof buf, " F1 %.3f", det_agree_f1(&g->agree[i]));
		tui_draw_text(r, 0, r->w - tui_draw_width(buf), v->attr[R_DIM], buf);
	}
	int wide = r->w >= 52, x = 0;
	tui_picture_swatch(v, r, 1, x, &base_style);
	snprintf(buf, sizeof buf, "%s %d", wide ? "unperturbed" : "unpert", g->nbase[i]);
	tui_draw_text(r, 1, x + 2, v->attr[R_GOOD], buf);
	x += 2 + tui_draw_width(buf) + 2;
	tui_picture_swatch(v, r, 1, x, &pert_style);
	if (pert)
		snprintf(buf, sizeof buf, "%s %d  matched %ld", wide ? "perturbed" : "pert", g->npert[i], g->agree[i].matched);
	else
		snprintf(buf, sizeof buf, "perturbed: %s", g->have_pert ? "not evaluated" : "none yet");
	tui_draw_text(r, 1, x + 2, v->attr[R_HEAT3], buf);
	if (g->have_pert)
		tui_gallery_pert_label(t, what, sizeof what);
	else
		snprintf(what, sizeof what, "Enter measures");
	snprintf(buf, sizeof buf, "green: unperturbed, red: %s, class + score", what);
	tui_draw_text(r, 2, 0, v->attr[R_DIM], buf);
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct tui_gallery *g = &t->gallery;
	if (!g->on) {
		tui_draw_text(r, 0, 0, v->attr[R_DIM], "pictures: a detector's images and boxes");
		return;
	}
	header(v, t, r);
	struct tui_rect img = { r->y + HEAD, r->x, r->h - HEAD, r->w };
	struct tui_picture_fit f;
	if (g->pix_error != NULL) {
		tui_draw_text(&img, 0, 0, v->attr[R_ERROR], g->pix_error);
		return;
	}
	if (g->pix == NULL || g->pix_image != g->image || !tui_picture_fit(&img, g->pw, g->ph, &f))
		return;
	tui_picture_draw(v, &img, g->pix, &f);
	int i = g->image;
	if (g->have_pert && g->npert[i] > 0)
		boxes(v, t, &img, &f, g->pert[i], g->npert[i], &pert_style);
	boxes(v, t, &img, &f, g->base[i], g->nbase[i], &base_style);	/* on top: red shows what moved */
}

static int act_image(struct tui_view *v, int dir)
{
	tui_gallery_move(v->t, dir);
	return TUI_REDRAW;
}

static const struct tui_key keys[] = {
	{ KEY_LEFT, act_image, -1, NULL, NULL },
	{ 'h', act_image, -1, NULL, NULL },
	{ KEY_RIGHT, act_image, 1, NULL, NULL },
	{ 'l', act_image, 1, NULL, NULL },
	{ 0, NULL, 0, NULL, NULL },
};

static void explain(const struct tui *t, char *buf, size_t size)
{
	(void)t;
	snprintf(buf, size, "picture: thin green: unperturbed boxes, heavy red: the last job's");
}

const struct tui_pane tui_pane_picture = { "Picture", draw, keys, "h/l n/N image W most changed", explain };
