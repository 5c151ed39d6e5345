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

/* Scratch for one sweep: positive counts per class, the TP points of a run. */
struct work {
	double *npos;
	double *rc, *env;
};

static void work_init(struct work *w, const struct det_set *s)
{
	w->npos = xcalloc((size_t)s->classes + 1, sizeof(double));
	w->rc = xcalloc((size_t)s->run_len + 1, sizeof(double));
	w->env = xcalloc((size_t)s->run_len + 1, sizeof(double));
}

static void work_free(struct work *w)
{
	free(w->npos);
	free(w->rc);
	free(w->env);
}

static int weight_of(const struct det_set *s, const int *weight, int i)
{
	if (!s->img[i].put)
		return 0;
	if (!weight)
		return 1;
	return weight[i] > 0 ? weight[i] : 0;
}

static void count_positives(const struct det_set *s, const int *weight, double *npos)
{
	memset(npos, 0, (size_t)s->classes * sizeof(*npos));
	for (int i = 0; i < s->images; i++) {
		int w = weight_of(s, weight, i);
		if (!w)
			continue;
		for (int j = 0; j < s->img[i].ngc; j++)
			npos[s->img[i].gc[j].cls] += (double)w * s->img[i].gc[j].n;
	}
}

/* Only TP points matter to both interpolations: the envelope at any point is
 * the best precision of the TP points at or after it (an FP point's own
 * precision is below that of the TP point before it), recall only changes
 * at TP points, and searchsorted(rc, r) for r > 0 lands on a TP point
 * (for r = 0 on index 0, whose envelope is that of the first TP point). */
static double class_ap(const struct det_set *s, const int *weight, int c, unsigned tp_bit, unsigned need,
    double npos, enum det_interp interp, struct work *w)
{
	double tp = 0, fp = 0;
	int m = 0;

	for (int k = s->start[c]; k < s->start[c + 1]; k++) {
		unsigned f = s->run_flags[k];
		if ((f & need) != need)
			continue;
		int wt = weight_of(s, weight, s->run_img[k]);
		if (!wt)
			continue;
		if (f & tp_bit) {
			tp += wt;
			w->rc[m] = tp / npos;
			w->env[m] = tp / (tp + fp);
			m++;
		} else {
			fp += wt;
		}
	}
	for (int j = m - 2; j >= 0; j--)
		if (w->env[j] < w->env[j + 1])
			w->env[j] = w->env[j + 1];

	double sum = 0;
	if (interp == DET_VOC_ALL) {
		double prev = 0;
		for (int j = 0; j < m; j++) {
			sum += (w->rc[j] - prev) * w->env[j];
			prev = w->rc[j];
		}
		return sum;
	}
	int j = 0;
	for (int r = 0; r <= 100; r++) {
		double thr = r == 100 ? 1.0 : r * 0.01;	/* numpy.linspace(0, 1, 101) */
		while (j < m && w->rc[j] < thr)
			j++;
		if (j == m)
			break;
		sum += w->env[j];
	}
	return sum / 101;
}

/* mAP at threshold bit `bit`, per-class APs into ap (may be NULL); NAN without ground truth. */
static double mean_ap(const struct det_set *s, const int *weight, enum det_interp interp, unsigned bit,
    struct work *w, double *ap, int *with_gt)
{
	unsigned need = interp == DET_COCO101 ? MARK_COCO_KEPT : 0;
	double sum = 0;
	int n = 0;

	for (int c = 0; c < s->classes; c++) {
		double a = NAN;
		if (w->npos[c] > 0) {
			a = class_ap(s, weight, c, bit, need, w->npos[c], interp, w);
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

void det_set_map(const struct det_set *s, enum det_interp interp, const int *weight, struct det_map *out)
{
	struct work w;

	ensure_runs(s);
	work_init(&w, s);
	count_positives(s, weight, w.npos);
	out->ap50 = xcalloc((size_t)s->classes + 1, sizeof(double));
	if (interp == DET_VOC_ALL) {
		out->map50 = mean_ap(s, weight, interp, MARK_VOC_TP, &w, out->ap50, &out->classes_with_gt);
		out->map5095 = NAN;
	} else {
		out->map50 = mean_ap(s, weight, interp, 1u, &w, out->ap50, &out->classes_with_gt);
		double sum = out->map50;
		for (int t = 1; t < DET_IOU_STEPS; t++)
			sum += mean_ap(s, weight, interp, 1u << t, &w, NULL, NULL);
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
	int *weight = xcalloc((size_t)images + 1, sizeof(*weight));
	double *maps = xcalloc((size_t)rounds, sizeof(double));
	double *drops = xcalloc((size_t)rounds, sizeof(double));
	unsigned bit = interp == DET_VOC_ALL ? MARK_VOC_TP : 1u;
	struct rng r;

	rng_seed(&r, seed);
	for (int k = 0; k < rounds; k++) {
		resample(&r, pool, n, weight, images);
		count_positives(b, weight, wb.npos);
		count_positives(p, weight, wp.npos);
		double mb = mean_ap(b, weight, interp, bit, &wb, NULL, NULL);
		double mp = mean_ap(p, weight, interp, bit, &wp, NULL, NULL);
		maps[k] = mp;
		drops[k] = mb - mp;
	}
	percentile_interval(maps, rounds, map_lo, map_hi);
	percentile_interval(drops, rounds, drop_lo, drop_hi);
	free(drops);
	free(maps);
	free(weight);
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
