/* gallery.c - see gallery.h */
#include "tui/state/gallery.h"
#include "tui/state/levels.h"
#include "tui/state/msg.h"
#include "tui/state/results.h"
#include "formats/image.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void agree_one(struct tui_gallery *g, int i)
{
	memset(&g->agree[i], 0, sizeof g->agree[i]);
	if (g->npert[i] >= 0)
		det_agree_image(g->base[i], g->nbase[i], g->pert[i], g->npert[i], g->show, GALLERY_IOU, &g->agree[i]);
}

void tui_gallery_init(struct tui *t)
{
	struct tui_gallery *g = &t->gallery;
	const struct dataset *d = t->data;
	memset(g, 0, sizeof *g);
	g->pix_image = g->jump_image = -1;
	if (!engine_detector(t->eng) || !d->detection || d->paths == NULL || d->count == 0)
		return;
	g->show = engine_det_show(t->eng);
	g->n = d->count;
	g->base = xcalloc((size_t)g->n, sizeof *g->base);
	g->pert = xcalloc((size_t)g->n, sizeof *g->pert);
	g->nbase = xcalloc((size_t)g->n, sizeof *g->nbase);
	g->npert = xcalloc((size_t)g->n, sizeof *g->npert);
	g->agree = xcalloc((size_t)g->n, sizeof *g->agree);
	g->on = 1;
	for (int i = 0; i < g->n; i++) {
		g->nbase[i] = engine_det_boxes_copy(t->eng, 1, i, g->show, &g->base[i]);
		g->npert[i] = -1;
		if (g->nbase[i] < 0)
			g->on = 0;	/* the engine keeps no boxes (engine_config.det_keep) */
	}
}

void tui_gallery_free(struct tui_gallery *g)
{
	for (int i = 0; i < g->n; i++) {
		free(g->base[i]);
		free(g->pert[i]);
	}
	free(g->base);
	free(g->pert);
	free(g->nbase);
	free(g->npert);
	free(g->agree);
	free(g->pix);
	free(g->pix_error);
	memset(g, 0, sizeof *g);
	g->pix_image = g->jump_image = -1;
}

void tui_gallery_job_done(struct tui *t, const struct job_ref *ref)
{
	struct tui_gallery *g = &t->gallery;
	if (!g->on)
		return;
	for (int i = 0; i < g->n; i++) {
		free(g->pert[i]);
		g->npert[i] = engine_det_boxes_copy(t->eng, 0, i, g->show, &g->pert[i]);
		agree_one(g, i);
	}
	g->have_pert = 1;
	g->pert_ref = *ref;
	g->gen++;
}

int tui_gallery_wants(const struct tui *t, struct job_ref *out)
{
	const struct tui_gallery *g = &t->gallery;
	if (!g->on || t->view != VIEW_PICTURE || !t->model->layers[t->layer].has_weights)
		return 0;
	struct result_key k = tui_results_key(t->layer, t->kind, t->level[t->kind], t->seed);
	int whole = g->pert_ref.what == JOB_BUDGET || g->pert_ref.what == JOB_PARETO;
	if (g->have_pert && !whole && tui_results_same(&g->pert_ref.key, &k))
		return 0;
	if (g->boxes_failed && tui_results_same(&g->failed_key, &k))
		return 0;
	*out = (struct job_ref){ .what = JOB_BOXES, .key = k };
	return 1;
}

void tui_gallery_failed(struct tui *t, const struct job_ref *ref)
{
	t->gallery.boxes_failed = 1;
	t->gallery.failed_key = ref->key;
}

void tui_gallery_move(struct tui *t, int dir)
{
	struct tui_gallery *g = &t->gallery;
	if (g->n > 0)
		g->image = ((g->image + dir) % g->n + g->n) % g->n;
}

/* a before b in "most changed first" order */
static int changed_before(const struct tui_gallery *g, int a, int b)
{
	double fa = det_agree_f1(&g->agree[a]), fb = det_agree_f1(&g->agree[b]);
	if (fa != fb)
		return fa < fb;
	long ua = g->agree[a].ref + g->agree[a].test - 2 * g->agree[a].matched;
	long ub = g->agree[b].ref + g->agree[b].test - 2 * g->agree[b].matched;
	return ua != ub ? ua > ub : a < b;
}

/* The image of the given rank in that order (an insertion pass per rank: n is small next to a job). */
static int nth_changed(const struct tui_gallery *g, int rank, int *count)
{
	int *order = xmalloc((size_t)g->n * sizeof *order), m = 0, pick = -1;
	for (int i = 0; i < g->n; i++) {
		if (g->npert[i] < 0)
			continue;
		int j = m++;
		while (j > 0 && changed_before(g, i, order[j - 1])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	if (m > 0)
		pick = order[rank % m];
	*count = m;
	free(order);
	return pick;
}

int tui_gallery_most_changed(struct tui *t)
{
	struct tui_gallery *g = &t->gallery;
	int count;
	if (!g->on || !g->have_pert) {
		tui_msg(t, 0, "nothing perturbed yet: measure a layer (Enter) first");
		return 0;
	}
	/* again on the image of the last jump: the next one in the order */
	g->jump_rank = g->image == g->jump_image ? g->jump_rank + 1 : 0;
	int i = nth_changed(g, g->jump_rank, &count);
	if (i < 0) {
		tui_msg(t, 0, "the last job evaluated none of the images");
		return 0;
	}
	g->image = g->jump_image = i;
	g->jump_rank %= count;
	tui_msg(t, 0, "image %d: F1 %.3f, %d of %d by change", i + 1, det_agree_f1(&g->agree[i]), g->jump_rank + 1,
	    count);
	return 1;
}

/* Box filter down to at most GALLERY_MAX_SIDE a side. */
static float *shrink(const float *src, int w, int h, int *ow, int *oh)
{
	double s = fmax(w, h) / GALLERY_MAX_SIDE;
	if (s < 1)
		s = 1;
	int nw = (int)fmax(1, floor(w / s)), nh = (int)fmax(1, floor(h / s));
	float *dst = xmalloc((size_t)3 * nw * nh * sizeof *dst);
	for (int y = 0; y < nh; y++) {
		int y0 = y * h / nh, y1 = (y + 1) * h / nh;
		for (int x = 0; x < nw; x++) {
			int x0 = x * w / nw, x1 = (x + 1) * w / nw;
			for (int c = 0; c < 3; c++) {
				const float *p = src + (size_t)c * w * h;
				double sum = 0;
				for (int yy = y0; yy < y1; yy++)
					for (int xx = x0; xx < x1; xx++)
						sum += p[(size_t)yy * w + xx];
				dst[(size_t)c * nw * nh + (size_t)y * nw + x] = (float)(sum / ((y1 - y0) * (x1 - x0)));
			}
		}
	}
	*ow = nw;
	*oh = nh;
	return dst;
}

void tui_gallery_refresh(struct tui *t)
{
	struct tui_gallery *g = &t->gallery;
	if (!g->on || t->view != VIEW_PICTURE || g->pix_image == g->image)
		return;
	free(g->pix);
	free(g->pix_error);
	g->pix = NULL;
	g->pix_error = NULL;
	g->pix_image = g->image;
	int w, h;
	char *cause = NULL;
	float *full = image_load_chw(t->data->paths[g->image], &w, &h, &cause);
	if (full == NULL) {
		g->pix_error = cause;
		return;
	}
	g->ow = w;
	g->oh = h;
	g->pix = shrink(full, w, h, &g->pw, &g->ph);
	free(full);
}

const char *tui_gallery_file(const struct tui *t)
{
	const char *p = t->data->paths[t->gallery.image], *slash = strrchr(p, '/');
	return slash ? slash + 1 : p;
}

void tui_gallery_pert_label(const struct tui *t, char *buf, size_t size)
{
	const struct job_ref *r = &t->gallery.pert_ref;
	char level[32];
	switch (r->what) {
	case JOB_BUDGET:
		snprintf(buf, size, "the budget");
		break;
	case JOB_PARETO:
		snprintf(buf, size, "front point %d", r->trial + 1);
		break;
	default:
		tui_levels_format(r->key.kind, r->key.level, level, sizeof level);
		snprintf(buf, size, "L%d %s %s", r->key.layer, perturb_kind_name(r->key.kind), level);
		break;
	}
}
