/* detection.c - see detection.h */
#include "engine/detection.h"
#include "backend/backend.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Agreement intervals: resamples of the per-image counts (cheap). */
#define AGREE_ROUNDS 1000
/* Live mAP estimates are recomputed at most this often (seconds). */
#define MAP_EVERY 0.1

struct det_state {
	const struct dataset *d;
	struct det_params p;
	int labelled;			/* the data set has ground truth */
	struct det_set *base, *cur;
	int *done;			/* 1 for images the current job has committed */
	struct det_pred **show;		/* baseline boxes above p.show, per image */
	int *nshow;
	struct det_agree *agree;	/* the current job's, per image */
	struct det_pred **kept[2];	/* p.keep: per image, [0] the job's, [1] the baseline's */
	int *nkept[2];
	double last_map;		/* when the live estimate was last computed */
};

struct det_state *det_state_new(const struct dataset *d, int classes, const struct det_params *p)
{
	struct det_state *s = xcalloc(1, sizeof *s);
	s->d = d;
	s->p = *p;
	s->labelled = d->truth_first != NULL && d->labelled_files > 0;
	if (s->labelled) {
		s->base = det_set_new(classes, d->count);
		s->cur = det_set_new(classes, d->count);
	}
	s->done = xcalloc((size_t)d->count, sizeof *s->done);
	s->show = xcalloc((size_t)d->count, sizeof *s->show);
	s->nshow = xcalloc((size_t)d->count, sizeof *s->nshow);
	s->agree = xcalloc((size_t)d->count, sizeof *s->agree);
	for (int k = 0; k < 2 && p->keep; k++) {
		s->kept[k] = xcalloc((size_t)d->count, sizeof *s->kept[k]);
		s->nkept[k] = xcalloc((size_t)d->count, sizeof *s->nkept[k]);
	}
	return s;
}

void det_state_free(struct det_state *s)
{
	if (s == NULL)
		return;
	det_set_free(s->base);
	det_set_free(s->cur);
	for (int i = 0; i < s->d->count; i++)
		free(s->show[i]);
	free(s->show);
	free(s->nshow);
	for (int k = 0; k < 2; k++) {
		for (int i = 0; s->kept[k] && i < s->d->count; i++)
			free(s->kept[k][i]);
		free(s->kept[k]);
		free(s->nkept[k]);
	}
	free(s->done);
	free(s->agree);
	free(s);
}

int det_state_labelled(const struct det_state *s)
{
	return s->labelled;
}

void det_worker_init(struct det_worker *w, int batch)
{
	memset(w, 0, sizeof *w);
	w->first = xcalloc((size_t)batch + 1, sizeof *w->first);
}

void det_worker_free(struct det_worker *w)
{
	free(w->box);
	free(w->first);
	memset(w, 0, sizeof *w);
}

void det_boxes(struct det_state *s, struct det_worker *w, struct backend_net *net, int start, int m)
{
	w->n = 0;
	for (int i = 0; i < m; i++) {
		int idx = start + i;
		w->first[i] = w->n;
		backend_detections(net, i, s->d->img_w[idx], s->d->img_h[idx], s->p.thresh, s->p.nms, &w->box, &w->n,
		    &w->cap);
	}
	w->first[m] = w->n;
}

/* The boxes of one image above the display threshold, copied. */
static int shown(const struct det_state *s, const struct det_pred *p, int n, struct det_pred **out)
{
	int k = 0;
	*out = xmalloc((size_t)(n ? n : 1) * sizeof **out);
	for (int i = 0; i < n; i++)
		if (p[i].prob > s->p.show)	/* draw_detections' rule: above, not at */
			(*out)[k++] = p[i];
	return k;
}

void det_agree_batch(struct det_state *s, const struct det_worker *w, int start, int m, long *ref, long *test,
    long *matched, double *iou_sum)
{
	for (int i = 0; i < m; i++) {
		int idx = start + i;
		struct det_agree *a = &s->agree[idx];
		det_agree_image(s->show[idx], s->nshow[idx], w->box + w->first[i], w->first[i + 1] - w->first[i],
		    s->p.show, .5f, a);
		*ref += a->ref;
		*test += a->test;
		*matched += a->matched;
		*iou_sum += a->iou_sum;
	}
}

static const struct det_truth *truth_of(const struct dataset *d, int i, int *n)
{
	*n = (int)(d->truth_first[i + 1] - d->truth_first[i]);
	return d->truth + d->truth_first[i];
}

void det_commit(struct det_state *s, const struct det_worker *w, int start, int m, int baseline)
{
	for (int i = 0; i < m; i++) {
		int idx = start + i, np = w->first[i + 1] - w->first[i];
		const struct det_pred *p = w->box + w->first[i];
		if (baseline) {
			free(s->show[idx]);
			s->nshow[idx] = shown(s, p, np, &s->show[idx]);
		}
		s->done[idx] = 1;
		if (s->p.keep) {
			free(s->kept[baseline][idx]);
			s->kept[baseline][idx] = xmalloc((size_t)(np ? np : 1) * sizeof *p);
			memcpy(s->kept[baseline][idx], p, (size_t)np * sizeof *p);
			s->nkept[baseline][idx] = np;
		}
		if (s->labelled) {
			int nt;
			const struct det_truth *t = truth_of(s->d, idx, &nt);
			det_set_put(baseline ? s->base : s->cur, idx, p, np, t, nt);
		}
	}
}

void det_job_start(struct det_state *s)
{
	memset(s->done, 0, (size_t)s->d->count * sizeof *s->done);
	memset(s->agree, 0, (size_t)s->d->count * sizeof *s->agree);
	if (s->cur)
		det_set_clear(s->cur);
	s->last_map = 0;
}

void det_snapshot(struct det_state *s, struct det_progress *p, int done, int baseline, int force, int final)
{
	p->map_lo = p->map_hi = p->drop_lo = p->drop_hi = NAN;
	p->f1_lo = p->f1_hi = p->iou_lo = p->iou_hi = NAN;
	if (final && !baseline && done > 0) {
		double f1, iou;
		/* the images done, in index order (a cancelled job has holes) */
		struct det_agree *a = xmalloc((size_t)done * sizeof *a);
		int k = 0;
		for (int i = 0; i < s->d->count && k < done; i++)
			if (s->done[i])
				a[k++] = s->agree[i];
		det_agree_bootstrap(a, k, AGREE_ROUNDS, s->p.seed, &f1, &p->f1_lo, &p->f1_hi, &iou, &p->iou_lo,
		    &p->iou_hi);
		free(a);
	}
	if (!s->labelled)
		return;
	double t = now_seconds();
	if (!force && !final && t - s->last_map < MAP_EVERY)
		return;
	s->last_map = t;
	struct det_map m;
	det_set_map(baseline ? s->base : s->cur, s->p.interp, NULL, &m);
	p->map50 = m.map50;
	p->map5095 = m.map5095;
	det_map_free(&m);
	if (baseline) {
		p->base_map50 = p->map50;
		if (final)
			det_bootstrap(s->base, s->base, s->p.interp, s->p.rounds, s->p.seed, &p->map_lo, &p->map_hi,
			    &p->drop_lo, &p->drop_hi);
		return;
	}
	/* the baseline on the same images, so that the drop compares like with like */
	det_set_map(s->base, s->p.interp, s->done, &m);
	p->base_map50 = m.map50;
	det_map_free(&m);
	if (final)
		det_bootstrap(s->base, s->cur, s->p.interp, s->p.rounds, s->p.seed, &p->map_lo, &p->map_hi,
		    &p->drop_lo, &p->drop_hi);
}

const struct det_pred *det_state_boxes(const struct det_state *s, int baseline, int i, int *n)
{
	baseline = baseline != 0;
	*n = s->p.keep ? s->nkept[baseline][i] : 0;
	return s->p.keep ? s->kept[baseline][i] : NULL;
}

int det_state_done(const struct det_state *s, int i)
{
	return s->done[i];
}

float det_state_show(const struct det_state *s)
{
	return s->p.show;
}

int det_state_agree(const struct det_state *s, int i, struct det_agree *out)
{
	*out = s->agree[i];
	return s->done[i];
}

void det_state_map(struct det_state *s, int baseline, struct det_map *out)
{
	memset(out, 0, sizeof *out);
	if (!s->labelled) {
		out->map50 = out->map5095 = NAN;
		return;
	}
	det_set_map(baseline ? s->base : s->cur, s->p.interp, NULL, out);
}
