/* detmap.c - mAP (COCO and VOC rules), agreement, paired bootstrap.
 *
 * det_set_put marks each detection once (TP or FP at every threshold);
 * the first det_set_map after a put gathers the marks of all images into
 * per-class runs sorted by score, so every later call (a bootstrap round)
 * is a sweep without sorting.  Grouping the one score-sorted list by class
 * changes nothing: AP only ever compares detections of one class. */
#include "core/detmap.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/util.h"

/* Mark bits: bit t (0..9) TP at COCO threshold t; then VOC TP; then "among
 * the first DET_MAX_PER_CLASS of its class in its image" (COCO counts only
 * those). */
#define MARK_VOC_TP (1u << DET_IOU_STEPS)
#define MARK_COCO_KEPT (1u << (DET_IOU_STEPS + 1))

struct mark {
	float score;
	int cls;
	unsigned flags;
};

struct gt_count {
	int cls, n;
};

struct image {
	int put;
	int nm, ngc;
	struct mark *m;		/* per class, then descending score (stable) */
	struct gt_count *gc;	/* ground truth boxes per class */
};

struct det_set {
	int classes, images;
	struct image *img;
	int nput;		/* atomic: puts may run at once */
	int dirty;		/* atomic: the runs below are stale */
	pthread_mutex_t lock;	/* builds the runs once for concurrent readers */
	/* Per-class runs: class c owns [start[c], start[c+1]). */
	int *start;
	int *run_img;
	unsigned short *run_flags;
	int run_len;		/* longest run (scratch size) */
	/* Ground truth counts of all images, flattened (image, class, count). */
	int ngt;
	int *gt_img, *gt_cls, *gt_n;
};

/* ---- boxes ---------------------------------------------------------------- */

/* Double precision, as COCO's IoU; det_iou rounds it. */
static double iou_d(const struct det_box *a, const struct det_box *b)
{
	double ax0 = a->x - a->w / 2.0, ax1 = a->x + a->w / 2.0;
	double ay0 = a->y - a->h / 2.0, ay1 = a->y + a->h / 2.0;
	double bx0 = b->x - b->w / 2.0, bx1 = b->x + b->w / 2.0;
	double by0 = b->y - b->h / 2.0, by1 = b->y + b->h / 2.0;
	double iw = fmin(ax1, bx1) - fmax(ax0, bx0);
	double ih = fmin(ay1, by1) - fmax(ay0, by0);

	if (!(iw > 0) || !(ih > 0))
		return 0;
	double inter = iw * ih;
	double uni = (double)a->w * a->h + (double)b->w * b->h - inter;
	return uni > 0 ? inter / uni : 0;
}

float det_iou(const struct det_box *a, const struct det_box *b)
{
	return (float)iou_d(a, b);
}

/* numpy.linspace(.5, .95, 10), value for value. */
static double iou_threshold(int t)
{
	if (t == DET_IOU_STEPS - 1)
		return 0.95;
	return t * ((0.95 - 0.5) / (DET_IOU_STEPS - 1)) + 0.5;
}

/* ---- the set -------------------------------------------------------------- */

struct det_set *det_set_new(int classes, int images)
{
	struct det_set *s = xcalloc(1, sizeof(*s));

	s->classes = classes > 0 ? classes : 0;
	s->images = images > 0 ? images : 0;
	s->img = xcalloc((size_t)s->images + 1, sizeof(*s->img));
	s->start = xcalloc((size_t)s->classes + 1, sizeof(*s->start));
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

static void image_reset(struct image *im)
{
	free(im->m);
	free(im->gc);
	memset(im, 0, sizeof(*im));
}

void det_set_clear(struct det_set *s)
{
	for (int i = 0; i < s->images; i++)
		image_reset(&s->img[i]);
	__atomic_store_n(&s->nput, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&s->dirty, 1, __ATOMIC_RELEASE);
}

void det_set_free(struct det_set *s)
{
	if (!s)
		return;
	det_set_clear(s);
	free(s->img);
	free(s->start);
	free(s->run_img);
	free(s->run_flags);
	free(s->gt_img);
	free(s->gt_cls);
	free(s->gt_n);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int det_set_images(const struct det_set *s)
{
	return __atomic_load_n(&s->nput, __ATOMIC_RELAXED);
}

/* ---- marking one image ------------------------------------------------------ */

struct pred_ref {
	const struct det_pred *p;
	int idx;
};

/* Class, then descending score, then input order: the stable sort. */
static int pred_ref_cmp(const void *a, const void *b)
{
	const struct pred_ref *x = a, *y = b;

	if (x->p->cls != y->p->cls)
		return x->p->cls < y->p->cls ? -1 : 1;
	if (x->p->prob != y->p->prob)
		return x->p->prob > y->p->prob ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* COCO: the detection takes the not yet matched ground truth of highest
 * IoU >= t, a later one winning a tie (cocoeval's `if iou < best: continue`). */
static int match_coco(const double *iou, const char *taken, int ng, double t)
{
	double best = fmin(t, 1 - 1e-10);
	int m = -1;

	for (int g = 0; g < ng; g++) {
		if (taken[g] || iou[g] < best)
			continue;
		best = iou[g];
		m = g;
	}
	return m;
}

/* VOC: the ground truth of highest IoU (first on a tie), matched or not. */
static int match_voc(const double *iou, int ng)
{
	int m = -1;
	double best = -1;

	for (int g = 0; g < ng; g++)
		if (iou[g] > best) {
			best = iou[g];
			m = g;
		}
	return m >= 0 && best > 0.5 ? m : -1;
}

/* Marks the detections of one class (sorted) against that class's ground truth. */
static void mark_class(struct mark *out, const struct pred_ref *pr, int n, const struct det_truth **gt, int ng,
    double *iou, char *taken)
{
	memset(taken, 0, (size_t)(DET_IOU_STEPS + 1) * ng);
	for (int d = 0; d < n; d++) {
		unsigned f = 0;
		for (int g = 0; g < ng; g++)
			iou[g] = iou_d(&pr[d].p->b, &gt[g]->b);
		if (d < DET_MAX_PER_CLASS) {
			f |= MARK_COCO_KEPT;
			for (int t = 0; t < DET_IOU_STEPS; t++) {
				int m = match_coco(iou, taken + (size_t)t * ng, ng, iou_threshold(t));
				if (m >= 0) {
					taken[(size_t)t * ng + m] = 1;
					f |= 1u << t;
				}
			}
		}
		int v = match_voc(iou, ng);
		char *vt = taken + (size_t)DET_IOU_STEPS * ng;
		if (v >= 0 && !vt[v]) {
			vt[v] = 1;
			f |= MARK_VOC_TP;
		}
		out[d].score = pr[d].p->prob;
		out[d].cls = pr[d].p->cls;
		out[d].flags = f;
	}
}

static int valid_pred(const struct det_set *s, const struct det_pred *p)
{
	return p->cls >= 0 && p->cls < s->classes && p->prob > 0 && isfinite(p->prob);
}

/* Ground truth of class c, in input order. */
static int gather_truth(const struct det_truth *t, int nt, int c, const struct det_truth **out)
{
	int n = 0;

	for (int i = 0; i < nt; i++)
		if (t[i].cls == c)
			out[n++] = &t[i];
	return n;
}

static void put_truth_counts(const struct det_set *s, struct image *im, const struct det_truth *t, int nt)
{
	int *count = xcalloc((size_t)s->classes + 1, sizeof(*count));

	for (int i = 0; i < nt; i++)
		if (t[i].cls >= 0 && t[i].cls < s->classes)
			count[t[i].cls]++;
	im->gc = xcalloc((size_t)nt + 1, sizeof(*im->gc));
	for (int c = 0; c < s->classes; c++)
		if (count[c])
			im->gc[im->ngc++] = (struct gt_count){ c, count[c] };
	free(count);
}

void det_set_put(struct det_set *s, int image, const struct det_pred *p, int np, const struct det_truth *t, int nt)
{
	if (image < 0 || image >= s->images)
		return;
	struct image *im = &s->img[image];
	int was_put = im->put;

	np = p ? (np > 0 ? np : 0) : 0;
	nt = t ? (nt > 0 ? nt : 0) : 0;
	image_reset(im);

	struct pred_ref *pr = xcalloc((size_t)np + 1, sizeof(*pr));
	int n = 0;
	for (int i = 0; i < np; i++)
		if (valid_pred(s, &p[i]))
			pr[n++] = (struct pred_ref){ &p[i], i };
	qsort(pr, (size_t)n, sizeof(*pr), pred_ref_cmp);

	const struct det_truth **gt = xcalloc((size_t)nt + 1, sizeof(*gt));
	double *iou = xcalloc((size_t)nt + 1, sizeof(*iou));
	char *taken = xcalloc((size_t)(DET_IOU_STEPS + 1) * nt + 1, 1);
	im->m = xcalloc((size_t)n + 1, sizeof(*im->m));
	for (int a = 0, b; a < n; a = b) {
		int c = pr[a].p->cls;
		for (b = a; b < n && pr[b].p->cls == c; b++)
			;
		int ng = gather_truth(t, nt, c, gt);
		mark_class(im->m + a, pr + a, b - a, gt, ng, iou, taken);
	}
	im->nm = n;
	put_truth_counts(s, im, t, nt);
	im->put = 1;
	free(taken);
	free(iou);
	free(gt);
	free(pr);

	if (!was_put)
		__atomic_fetch_add(&s->nput, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->dirty, 1, __ATOMIC_RELEASE);
}

/* ---- the runs: all marks by class, then score, image, within-image order -- */

struct gmark {
	float score;
	int cls, img, idx;
	unsigned flags;
};

static int gmark_cmp(const void *a, const void *b)
{
	const struct gmark *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->img != y->img)
		return x->img < y->img ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static void build_truth(struct det_set *s)
{
	int n = 0;

	for (int i = 0; i < s->images; i++)
		n += s->img[i].ngc;
	free(s->gt_img);
	free(s->gt_cls);
	free(s->gt_n);
	s->gt_img = xcalloc((size_t)n + 1, sizeof(*s->gt_img));
	s->gt_cls = xcalloc((size_t)n + 1, sizeof(*s->gt_cls));
	s->gt_n = xcalloc((size_t)n + 1, sizeof(*s->gt_n));
	s->ngt = 0;
	for (int i = 0; i < s->images; i++)
		for (int j = 0; j < s->img[i].ngc; j++) {
			s->gt_img[s->ngt] = i;
			s->gt_cls[s->ngt] = s->img[i].gc[j].cls;
			s->gt_n[s->ngt++] = s->img[i].gc[j].n;
		}
}

static void build_runs(struct det_set *s)
{
	size_t n = 0;

	for (int i = 0; i < s->images; i++)
		n += (size_t)s->img[i].nm;
	struct gmark *g = xcalloc(n + 1, sizeof(*g));
	size_t k = 0;
	for (int i = 0; i < s->images; i++)
		for (int j = 0; j < s->img[i].nm; j++) {
			const struct mark *m = &s->img[i].m[j];
			g[k++] = (struct gmark){ m->score, m->cls, i, j, m->flags };
		}
	qsort(g, n, sizeof(*g), gmark_cmp);

	free(s->run_img);
	free(s->run_flags);
	s->run_img = xcalloc(n + 1, sizeof(*s->run_img));
	s->run_flags = xcalloc(n + 1, sizeof(*s->run_flags));
	memset(s->start, 0, ((size_t)s->classes + 1) * sizeof(*s->start));
	for (size_t i = 0; i < n; i++) {
		s->run_img[i] = g[i].img;
		s->run_flags[i] = (unsigned short)g[i].flags;
		s->start[g[i].cls + 1]++;
	}
	s->run_len = 0;
	for (int c = 0; c < s->classes; c++) {
		if (s->start[c + 1] > s->run_len)
			s->run_len = s->start[c + 1];
		s->start[c + 1] += s->start[c];
	}
	free(g);
	build_truth(s);
}

/* The set is logically const to readers; the runs are a cache built once
 * after the last put (under the lock, so parallel readers are safe). */
static void ensure_runs(const struct det_set *cs)
{
	struct det_set *s = (struct det_set *)cs;

	if (!__atomic_load_n(&s->dirty, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&s->lock);
	if (__atomic_load_n(&s->dirty, __ATOMIC_ACQUIRE)) {
		build_runs(s);
		__atomic_store_n(&s->dirty, 0, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&s->lock);
}

/* ---- the sweep -------------------------------------------------------------- */

/* Scratch for sweeps over one set: effective weights (0 for images never
 * put), positive counts per class, and the TP points of a run. */
struct work {
	int *w;
	double *npos;
	uint32_t *code;		/* image * 2 + TP bit of the detections swept, by class */
	int *start;		/* class c owns code[start[c] .. start[c + 1]) */
	int64_t *tp, *fp;	/* cumulative at each TP point */
	int *best;		/* the TP point whose precision is the envelope there */
};

static void work_init(struct work *w, const struct det_set *s)
{
	w->w = xcalloc((size_t)s->images + 1, sizeof(*w->w));
	w->npos = xcalloc((size_t)s->classes + 1, sizeof(*w->npos));
	w->code = xcalloc((size_t)s->start[s->classes] + 1, sizeof(*w->code));
	w->start = xcalloc((size_t)s->classes + 1, sizeof(*w->start));
	w->tp = xcalloc((size_t)s->run_len + 1, sizeof(*w->tp));
	w->fp = xcalloc((size_t)s->run_len + 1, sizeof(*w->fp));
	w->best = xcalloc((size_t)s->run_len + 1, sizeof(*w->best));
}

static void work_free(struct work *w)
{
	free(w->w);
	free(w->npos);
	free(w->code);
	free(w->start);
	free(w->tp);
	free(w->fp);
	free(w->best);
}

/* Effective weights from the caller's (NULL: 1 for every put image). */
static void work_weights(const struct det_set *s, const int *weight, struct work *w)
{
	for (int i = 0; i < s->images; i++)
		w->w[i] = !s->img[i].put ? 0 : !weight ? 1 : weight[i] > 0 ? weight[i] : 0;
}

static void count_positives(const struct det_set *s, struct work *w)
{
	memset(w->npos, 0, (size_t)s->classes * sizeof(*w->npos));
	for (int k = 0; k < s->ngt; k++)
		w->npos[s->gt_cls[k]] += (double)w->w[s->gt_img[k]] * s->gt_n[k];
}

/* The detections one AP looks at (all `need` bits set), each as its image
 * and whether it is TP at bit `shift`: built once per threshold, so the
 * sweeps (a bootstrap's thousands) read 4 bytes a detection. */
static void work_codes(const struct det_set *s, int shift, unsigned need, struct work *w)
{
	int n = 0;

	for (int c = 0; c < s->classes; c++) {
		w->start[c] = n;
		for (int k = s->start[c]; k < s->start[c + 1]; k++) {
			unsigned f = s->run_flags[k];
			if ((f & need) == need)
				w->code[n++] = (uint32_t)s->run_img[k] * 2 + ((f >> shift) & 1);
		}
	}
	w->start[s->classes] = n;
}

/* Forward sweep of class c: the cumulative tp, fp at each TP point.
 * Branch-free (TP or FP, weight 0 or not, are coin flips in a bootstrap). */
static int sweep_class(int c, struct work *w)
{
	const uint32_t *code = w->code;
	const int *wt = w->w;
	int64_t *tpa = w->tp, *fpa = w->fp;
	int64_t tp = 0, fp = 0;
	size_t m = 0;

	for (int k = w->start[c]; k < w->start[c + 1]; k++) {
		uint32_t cd = code[k];
		int64_t x = wt[cd >> 1];
		int64_t bit = cd & 1;
		tp += x & -bit;
		fp += x & (bit - 1);
		tpa[m] = tp;
		fpa[m] = fp;
		m += (size_t)(bit & (x != 0));
	}
	return (int)m;
}

static double precision_at(const struct work *w, int j)
{
	return (double)w->tp[j] / (double)(w->tp[j] + w->fp[j]);
}

/* The envelope from the right, as the index of the best TP point at or
 * after each one; fractions compared by cross-multiplication (exact in
 * integers; in doubles, for counts below 2^26, beyond any real case), so a
 * sweep divides only where it samples. */
static void envelope(struct work *w, int m)
{
	const int64_t *tp = w->tp, *fp = w->fp;
	int b = m - 1;

	if (m > 0 && tp[m - 1] + fp[m - 1] < INT32_MAX) {
		/* Counts below 2^31: the products fit in 64 bits. */
		for (int j = m - 1; j >= 0; j--) {
			if (tp[j] * (tp[b] + fp[b]) > tp[b] * (tp[j] + fp[j]))
				b = j;
			w->best[j] = b;
		}
		return;
	}
	for (int j = m - 1; j >= 0; j--) {
		if ((double)tp[j] * (double)(tp[b] + fp[b]) > (double)tp[b] * (double)(tp[j] + fp[j]))
			b = j;
		w->best[j] = b;
	}
}

/* Smallest count k with k / npos >= thr in floating point, as numpy's
 * tp / npos compared with recThrs (the quotient is monotone in k). */
static double recall_count(double thr, double npos)
{
	double x = thr * npos, k = ceil(x);

	/* Far from an integer, rounding cannot move the answer: skip the
	 * divisions (a bootstrap makes millions of these calls). */
	if (k - x > 1e-6 && k - x < 1 - 1e-6)
		return k;

	while (k > 0 && (k - 1) / npos >= thr)
		k--;
	while (k / npos < thr)
		k++;
	return k;
}

/* Only TP points matter to both interpolations: the envelope at any point is
 * the best precision of the TP points at or after it (an FP point's own
 * precision is below that of the TP point before it), recall only changes
 * at TP points, and searchsorted(rc, r) for r > 0 lands on a TP point
 * (for r = 0 on index 0, whose envelope is that of the first TP point). */
static double ap_coco(const struct work *w, int m, double npos)
{
	double sum = 0, pr = 0;
	int j = 0, last = -1;

	for (int r = 0; r <= 100; r++) {
		double thr = r == 100 ? 1.0 : r * 0.01;	/* numpy.linspace(0, 1, 101) */
		double k = recall_count(thr, npos);
		while (j < m && (double)w->tp[j] < k)
			j++;
		if (j == m)
			break;
		if (w->best[j] != last) {
			last = w->best[j];
			pr = precision_at(w, last);
		}
		sum += pr;
	}
	return sum / 101;
}

/* Area under the envelope: recall steps times the envelope, one division
 * per stretch of TP points that share their envelope point. */
static double ap_voc(const struct work *w, int m, double npos)
{
	double sum = 0;
	int64_t before = 0;

	for (int j = 0; j < m; j++) {
		if (j + 1 < m && w->best[j + 1] == w->best[j])
			continue;
		sum += (double)(w->tp[j] - before) * precision_at(w, w->best[j]);
		before = w->tp[j];
	}
	return sum / npos;
}

static double class_ap(int c, enum det_interp interp, struct work *w)
{
	int m = sweep_class(c, w);

	envelope(w, m);
	return interp == DET_VOC_ALL ? ap_voc(w, m, w->npos[c]) : ap_coco(w, m, w->npos[c]);
}

/* mAP over the classes with ground truth (w->npos and w->code set);
 * per-class APs into ap (may be NULL); NAN without ground truth. */
static double mean_ap(const struct det_set *s, enum det_interp interp, struct work *w, double *ap, int *with_gt)
{
	double sum = 0;
	int n = 0;

	for (int c = 0; c < s->classes; c++) {
		double a = NAN;
		if (w->npos[c] > 0) {
			a = class_ap(c, interp, w);
			sum += a;
			n++;
		}
		if (ap)
			ap[c] = a;
	}
	if (with_gt)
		*with_gt = n;
	return n ? sum / n : NAN;
}

#define SHIFT_VOC DET_IOU_STEPS	/* MARK_VOC_TP's bit */

void det_set_map(const struct det_set *s, enum det_interp interp, const int *weight, struct det_map *out)
{
	struct work w;

	ensure_runs(s);
	work_init(&w, s);
	work_weights(s, weight, &w);
	count_positives(s, &w);
	out->ap50 = xcalloc((size_t)s->classes + 1, sizeof(double));
	if (interp == DET_VOC_ALL) {
		work_codes(s, SHIFT_VOC, 0, &w);
		out->map50 = mean_ap(s, interp, &w, out->ap50, &out->classes_with_gt);
		out->map5095 = NAN;
	} else {
		work_codes(s, 0, MARK_COCO_KEPT, &w);
		out->map50 = mean_ap(s, interp, &w, out->ap50, &out->classes_with_gt);
		double sum = out->map50;
		for (int t = 1; t < DET_IOU_STEPS; t++) {
			work_codes(s, t, MARK_COCO_KEPT, &w);
			sum += mean_ap(s, interp, &w, NULL, NULL);
		}
		out->map5095 = sum / DET_IOU_STEPS;
	}
	work_free(&w);
}

void det_map_free(struct det_map *m)
{
	if (!m)
		return;
	free(m->ap50);
	m->ap50 = NULL;
}

/* ---- bootstrap ---------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* numpy.percentile's default (linear between order statistics) of the
 * finite values of x (sorted in place); NAN if none. */
static void percentile_interval(double *x, int n, double *lo, double *hi)
{
	int m = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(x[i]))
			x[m++] = x[i];
	if (m == 0) {
		*lo = *hi = NAN;
		return;
	}
	qsort(x, (size_t)m, sizeof(*x), cmp_double);
	const double q[2] = { 0.025, 0.975 };
	double *out[2] = { lo, hi };
	for (int k = 0; k < 2; k++) {
		double pos = q[k] * (m - 1);
		int i = (int)floor(pos);
		double f = pos - i;
		*out[k] = i + 1 < m ? x[i] + f * (x[i + 1] - x[i]) : x[i];
	}
}

/* Draws n of the images listed in `pool` with replacement into weight (multiplicities). */
static void resample(struct rng *r, const int *pool, int n, int *weight, int images)
{
	memset(weight, 0, (size_t)images * sizeof(*weight));
	for (int i = 0; i < n; i++)
		weight[pool[rng_below(r, (uint64_t)n)]]++;
}

void det_bootstrap(const struct det_set *b, const struct det_set *p, enum det_interp interp, int rounds,
    uint64_t seed, double *map_lo, double *map_hi, double *drop_lo, double *drop_hi)
{
	int images = b->images < p->images ? b->images : p->images;
	int *pool = xcalloc((size_t)images + 1, sizeof(*pool));
	int n = 0;

	*map_lo = *map_hi = *drop_lo = *drop_hi = NAN;
	for (int i = 0; i < images; i++)
		if (b->img[i].put && p->img[i].put)
			pool[n++] = i;
	if (n == 0 || rounds <= 0 || b->classes != p->classes) {
		free(pool);
		return;
	}
	ensure_runs(b);
	ensure_runs(p);

	struct work wb, wp;
	work_init(&wb, b);
	work_init(&wp, p);
	double *maps = xcalloc((size_t)rounds, sizeof(double));
	double *drops = xcalloc((size_t)rounds, sizeof(double));
	int shift = interp == DET_VOC_ALL ? SHIFT_VOC : 0;
	unsigned need = interp == DET_VOC_ALL ? 0 : MARK_COCO_KEPT;
	struct rng r;

	work_codes(b, shift, need, &wb);
	if (b != p)
		work_codes(p, shift, need, &wp);

	rng_seed(&r, seed);
	int same = b == p;	/* a baseline's own interval: one set, drops all 0 */
	for (int k = 0; k < rounds; k++) {
		/* Only images put in both are drawn: the weights need no put check. */
		resample(&r, pool, n, wb.w, b->images);
		count_positives(b, &wb);
		double mb = mean_ap(b, interp, &wb, NULL, NULL), mp = mb;
		if (!same) {
			memset(wp.w, 0, (size_t)p->images * sizeof(*wp.w));
			memcpy(wp.w, wb.w, (size_t)images * sizeof(*wp.w));
			count_positives(p, &wp);
			mp = mean_ap(p, interp, &wp, NULL, NULL);
		}
		maps[k] = mp;
		drops[k] = mb - mp;
	}
	percentile_interval(maps, rounds, map_lo, map_hi);
	percentile_interval(drops, rounds, drop_lo, drop_hi);
	free(drops);
	free(maps);
	work_free(&wp);
	work_free(&wb);
	free(pool);
}

/* ---- agreement ---------------------------------------------------------------- */

static int cmp_pred_desc(const void *a, const void *b)
{
	const struct pred_ref *x = a, *y = b;

	if (x->p->prob != y->p->prob)
		return x->p->prob > y->p->prob ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static int keep_above(const struct det_pred *p, int n, float thresh, struct pred_ref *out)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if (p[i].prob >= thresh)
			out[k++] = (struct pred_ref){ &p[i], i };
	return k;
}

void det_agree_image(const struct det_pred *ref, int nr, const struct det_pred *test, int nt, float thresh,
    float iou_min, struct det_agree *out)
{
	nr = ref && nr > 0 ? nr : 0;
	nt = test && nt > 0 ? nt : 0;
	struct pred_ref *r = xcalloc((size_t)nr + 1, sizeof(*r));
	struct pred_ref *t = xcalloc((size_t)nt + 1, sizeof(*t));
	char *taken = xcalloc((size_t)nt + 1, 1);

	memset(out, 0, sizeof(*out));
	out->ref = keep_above(ref, nr, thresh, r);
	out->test = keep_above(test, nt, thresh, t);
	qsort(r, (size_t)out->ref, sizeof(*r), cmp_pred_desc);
	for (long i = 0; i < out->ref; i++) {
		int best = -1;
		double biou = -1;
		for (long j = 0; j < out->test; j++) {
			if (taken[j] || t[j].p->cls != r[i].p->cls)
				continue;
			double v = iou_d(&r[i].p->b, &t[j].p->b);
			if (v > biou) {
				biou = v;
				best = (int)j;
			}
		}
		if (best >= 0 && biou >= iou_min) {
			taken[best] = 1;
			out->matched++;
			out->iou_sum += biou;
		}
	}
	free(taken);
	free(t);
	free(r);
}

double det_agree_f1(const struct det_agree *a)
{
	if (a->ref + a->test == 0)
		return 1.0;
	return 2.0 * a->matched / (double)(a->ref + a->test);
}

double det_agree_iou(const struct det_agree *a)
{
	return a->matched > 0 ? a->iou_sum / a->matched : NAN;
}

/* Pools the images with multiplicity weight[i] (NULL: once each). */
static void agree_pool(const struct det_agree *per_image, int n, const int *weight, struct det_agree *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < n; i++) {
		long w = weight ? weight[i] : 1;
		sum->ref += w * per_image[i].ref;
		sum->test += w * per_image[i].test;
		sum->matched += w * per_image[i].matched;
		sum->iou_sum += w * per_image[i].iou_sum;
	}
}

void det_agree_bootstrap(const struct det_agree *per_image, int n, int rounds, uint64_t seed,
    double *f1, double *f1_lo, double *f1_hi, double *iou, double *iou_lo, double *iou_hi)
{
	struct det_agree all;

	n = per_image && n > 0 ? n : 0;
	agree_pool(per_image, n, NULL, &all);
	*f1 = n ? det_agree_f1(&all) : NAN;
	*iou = det_agree_iou(&all);
	*f1_lo = *f1_hi = *iou_lo = *iou_hi = NAN;
	if (n == 0 || rounds <= 0)
		return;

	int *weight = xcalloc((size_t)n, sizeof(*weight));
	double *fs = xcalloc((size_t)rounds, sizeof(double));
	double *is = xcalloc((size_t)rounds, sizeof(double));
	struct rng r;

	rng_seed(&r, seed);
	for (int k = 0; k < rounds; k++) {
		memset(weight, 0, (size_t)n * sizeof(*weight));
		for (int i = 0; i < n; i++)
			weight[rng_below(&r, (uint64_t)n)]++;
		struct det_agree sum;
		agree_pool(per_image, n, weight, &sum);
		fs[k] = det_agree_f1(&sum);
		is[k] = det_agree_iou(&sum);
	}
	percentile_interval(fs, rounds, f1_lo, f1_hi);
	percentile_interval(is, rounds, iou_lo, iou_hi);
	free(is);
	free(fs);
	free(weight);
}
