/* test_detmap.c - detmap.c against precision/recall curves worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/detmap.h"
#include "core/rng.h"

#define EPS 1e-12

static void assert_close(double got, double want, double eps)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("got %.15g, want %.15g (eps %g)", got, want, eps);
}

/* A 20x20 box with its top-left corner at (x0, y0). */
static struct det_box box_at(float x0, float y0)
{
	return (struct det_box){ x0 + 10, y0 + 10, 20, 20 };
}

static struct det_pred pred(struct det_box b, int cls, float prob)
{
	return (struct det_pred){ b, cls, prob };
}

static struct det_truth truth(struct det_box b, int cls)
{
	return (struct det_truth){ b, cls };
}

/* Far from every ground truth in these tests: always a false positive. */
static struct det_box far_box(int k)
{
	return box_at(1000 + 30 * k, 1000);
}

struct maps {
	double coco50, coco5095, voc50;
	int classes_with_gt;
	double ap_coco[4], ap_voc[4];
};

static struct maps maps_of(const struct det_set *s, const int *weight, int classes)
{
	struct det_map m;
	struct maps r;

	det_set_map(s, DET_COCO101, weight, &m);
	r.coco50 = m.map50;
	r.coco5095 = m.map5095;
	r.classes_with_gt = m.classes_with_gt;
	for (int c = 0; c < classes && c < 4; c++)
		r.ap_coco[c] = m.ap50[c];
	det_map_free(&m);
	det_set_map(s, DET_VOC_ALL, weight, &m);
	r.voc50 = m.map50;
	assert_true(isnan(m.map5095));
	assert_int_equal(m.classes_with_gt, r.classes_with_gt);
	for (int c = 0; c < classes && c < 4; c++)
		r.ap_voc[c] = m.ap50[c];
	det_map_free(&m);
	return r;
}

/* ---- IoU ------------------------------------------------------------------ */

/* Two 20x20 boxes shifted by 4 in x: overlap 16x20 = 320, union 800 - 320 = 480. */
static void test_iou(void **state)
{
	(void)state;
	struct det_box a = box_at(40, 40), b = box_at(44, 40), c = box_at(100, 100);

	assert_close(det_iou(&a, &b), 320.0 / 480.0, 1e-7);
	assert_close(det_iou(&a, &a), 1.0, 1e-7);
	assert_true(det_iou(&a, &c) == 0.0f);
}

/* ---- the hand-worked curve -------------------------------------------------- */

/* One class, 3 ground truth boxes in one image, 4 detections:
 *   .9 on GT0 -> TP: tp 1 fp 0  recall 1/3  precision 1
 *   .8 far    -> FP: tp 1 fp 1  recall 1/3  precision 1/2
 *   .7 on GT1 -> TP: tp 2 fp 1  recall 2/3  precision 2/3
 *   .6 far    -> FP: tp 2 fp 2  recall 2/3  precision 1/2
 * envelope from the right: 1, 2/3, 2/3, 1/2.
 * COCO 101: r = .00 ... .33 (34 points, first index 0) take 1;
 *           r = .34 ... .66 (33 points, first index 2) take 2/3;
 *           r = .67 ... 1 (34 points) are past the last recall: 0.
 *           AP = (34 + 33 * 2/3) / 101 = 56/101.
 * VOC all-point: mrec 0, 1/3, 1/3, 2/3, 2/3, 1; area = 1/3 * 1 + 1/3 * 2/3 = 5/9.
 * The detections are given out of order: the put sorts them. */
static void test_hand_curve(void **state)
{
	(void)state;
	struct det_truth t[3] = { truth(box_at(40, 40), 0), truth(box_at(140, 40), 0), truth(box_at(240, 40), 0) };
	struct det_pred p[4] = {
		pred(far_box(1), 0, .6f), pred(box_at(40, 40), 0, .9f),
		pred(box_at(140, 40), 0, .7f), pred(far_box(0), 0, .8f),
	};
	struct det_set *s = det_set_new(1, 1);

	det_set_put(s, 0, p, 4, t, 3);
	struct maps m = maps_of(s, NULL, 1);
	assert_close(m.coco50, 56.0 / 101.0, EPS);
	assert_close(m.ap_coco[0], 56.0 / 101.0, EPS);
	assert_close(m.voc50, 5.0 / 9.0, EPS);
	assert_int_equal(m.classes_with_gt, 1);
	/* Exact boxes: TP at every threshold, so mAP@.5:.95 = mAP@.5. */
	assert_close(m.coco5095, 56.0 / 101.0, EPS);
	assert_int_equal(det_set_images(s), 1);

	/* Replacing the image: only the first detection is left -> AP 1/3 of the way.
	 * COCO: r = 0 ... .33 take 1: 34/101.  VOC: 1/3. */
	det_set_put(s, 0, p + 1, 1, t, 3);
	m = maps_of(s, NULL, 1);
	assert_close(m.coco50, 34.0 / 101.0, EPS);
	assert_close(m.voc50, 1.0 / 3.0, EPS);
	assert_int_equal(det_set_images(s), 1);

	det_set_clear(s);
	assert_int_equal(det_set_images(s), 0);
	m = maps_of(s, NULL, 1);
	assert_true(isnan(m.coco50) && isnan(m.coco5095) && isnan(m.voc50));
	assert_true(isnan(m.ap_coco[0]));
	assert_int_equal(m.classes_with_gt, 0);
	det_set_free(s);
}

/* ---- ties across images --------------------------------------------------- */

/* Image 0: GT A, .9 on A (TP), .5 far (FP).  Image 1: GT B, .5 on B (TP).
 * The two .5 detections tie; image order puts image 0's FP first:
 *   TP rec .5 prec 1; FP rec .5 prec 1/2; TP rec 1 prec 2/3.
 * VOC: .5 * 1 + .5 * 2/3 = 5/6.  COCO: r = 0 ... .5 (51 points) take 1,
 * r = .51 ... 1 (50 points) take 2/3: (51 + 100/3)/101 = 253/303.
 * With the images swapped the TP comes first: AP 1 both ways. */
static void test_ties_follow_image_order(void **state)
{
	(void)state;
	struct det_truth ta = truth(box_at(40, 40), 0), tb = truth(box_at(140, 40), 0);
	struct det_pred p0[2] = { pred(far_box(0), 0, .5f), pred(box_at(40, 40), 0, .9f) };
	struct det_pred p1[1] = { pred(box_at(140, 40), 0, .5f) };
	struct det_set *s = det_set_new(1, 2);

	det_set_put(s, 0, p0, 2, &ta, 1);
	det_set_put(s, 1, p1, 1, &tb, 1);
	struct maps m = maps_of(s, NULL, 1);
	assert_close(m.voc50, 5.0 / 6.0, EPS);
	assert_close(m.coco50, 253.0 / 303.0, EPS);

	det_set_put(s, 0, p1, 1, &tb, 1);
	det_set_put(s, 1, p0, 2, &ta, 1);
	m = maps_of(s, NULL, 1);
	assert_close(m.voc50, 1.0, EPS);
	assert_close(m.coco50, 1.0, EPS);
	det_set_free(s);
}

/* ---- empty images, classes without ground truth or detections ------------- */

static void test_empty_images_change_nothing(void **state)
{
	(void)state;
	struct det_truth ta = truth(box_at(40, 40), 0), tb = truth(box_at(140, 40), 0);
	struct det_pred p0[2] = { pred(far_box(0), 0, .5f), pred(box_at(40, 40), 0, .9f) };
	struct det_pred p1[1] = { pred(box_at(140, 40), 0, .5f) };
	struct det_set *s = det_set_new(1, 5);

	det_set_put(s, 0, NULL, 0, NULL, 0);
	det_set_put(s, 1, p0, 2, &ta, 1);
	det_set_put(s, 2, NULL, 0, NULL, 0);
	det_set_put(s, 3, p1, 1, &tb, 1);
	det_set_put(s, 4, NULL, 0, NULL, 0);
	assert_int_equal(det_set_images(s), 5);
	struct maps m = maps_of(s, NULL, 1);
	assert_close(m.voc50, 5.0 / 6.0, EPS);
	assert_close(m.coco50, 253.0 / 303.0, EPS);
	det_set_free(s);

	/* Only empty images: no ground truth, NAN. */
	s = det_set_new(2, 2);
	det_set_put(s, 0, NULL, 0, NULL, 0);
	m = maps_of(s, NULL, 2);
	assert_true(isnan(m.coco50) && isnan(m.voc50));
	assert_int_equal(m.classes_with_gt, 0);
	det_set_free(s);
}

/* Class 0: the hand curve (56/101, 5/9).  Class 1: detections, no ground
 * truth: NAN, out of the mean.  Class 2: ground truth, no detection: AP 0,
 * in the mean.  Class 3: nothing. */
static void test_classes_without_truth_or_detections(void **state)
{
	(void)state;
	struct det_truth t[4] = { truth(box_at(40, 40), 0), truth(box_at(140, 40), 0), truth(box_at(240, 40), 0),
		truth(box_at(340, 40), 2) };
	struct det_pred p[6] = {
		pred(far_box(1), 0, .6f), pred(box_at(40, 40), 0, .9f),
		pred(box_at(140, 40), 0, .7f), pred(far_box(0), 0, .8f),
		pred(box_at(340, 40), 1, .95f), pred(far_box(3), 1, .4f),
	};
	struct det_set *s = det_set_new(4, 1);

	det_set_put(s, 0, p, 4, t, 3);
	struct maps only0 = maps_of(s, NULL, 4);
	det_set_put(s, 0, p, 6, t, 3);
	struct maps with1 = maps_of(s, NULL, 4);
	assert_int_equal(with1.classes_with_gt, 1);
	assert_true(isnan(with1.ap_coco[1]) && isnan(with1.ap_voc[1]));
	assert_true(isnan(with1.ap_coco[3]));
	assert_close(with1.coco50, only0.coco50, EPS);
	assert_close(with1.voc50, 5.0 / 9.0, EPS);

	det_set_put(s, 0, p, 6, t, 4);
	struct maps m = maps_of(s, NULL, 4);
	assert_int_equal(m.classes_with_gt, 2);
	assert_true(m.ap_coco[2] == 0.0 && m.ap_voc[2] == 0.0);
	assert_close(m.coco50, 56.0 / 101.0 / 2, EPS);
	assert_close(m.voc50, 5.0 / 9.0 / 2, EPS);
	assert_close(m.coco5095, 56.0 / 101.0 / 2, EPS);
	det_set_free(s);
}

/* ---- matching rules ---------------------------------------------------------- */

/* GT A, B; .9 on A (TP), .8 on A again (duplicate: FP), .7 on B (TP):
 * the tie case's curve, 5/6 (VOC) and 253/303 (COCO). */
static void test_duplicate_is_fp(void **state)
{
	(void)state;
	struct det_truth t[2] = { truth(box_at(40, 40), 0), truth(box_at(140, 40), 0) };
	struct det_pred p[3] = { pred(box_at(40, 40), 0, .9f), pred(box_at(40, 40), 0, .8f),
		pred(box_at(140, 40), 0, .7f) };
	struct det_set *s = det_set_new(1, 1);

	det_set_put(s, 0, p, 3, t, 2);
	struct maps m = maps_of(s, NULL, 1);
	assert_close(m.voc50, 5.0 / 6.0, EPS);
	assert_close(m.coco50, 253.0 / 303.0, EPS);
	det_set_free(s);
}

/* GT A at x 40..60, GT B at 46..66; .9 exactly on A; .8 at 42..62:
 *   IoU(.8, A) = 18*20 / (800 - 360) = 360/440 = .818
 *   IoU(.8, B) = 16*20 / (800 - 320) = 320/480 = .667
 * COCO at .5: A is taken, so .8 takes B: TP, TP, AP 1.  At .70 and above
 * .667 is too low: FP, AP .5 (VOC's curve below) at the 6 thresholds .70 ... .95.
 * COCO 101 with TP, FP: r = 0 ... .5 take 1 -> 51/101.
 * mAP@.5:.95 = (4 * 1 + 6 * 51/101) / 10.
 * VOC: .8's best GT is A, already matched: FP.  TP rec .5 prec 1, FP: AP .5. */
static void test_coco_takes_second_gt_voc_does_not(void **state)
{
	(void)state;
	struct det_truth t[2] = { truth(box_at(40, 40), 0), truth(box_at(46, 40), 0) };
	struct det_pred p[2] = { pred(box_at(40, 40), 0, .9f), pred(box_at(42, 40), 0, .8f) };
	struct det_set *s = det_set_new(1, 1);

	det_set_put(s, 0, p, 2, t, 2);
	struct maps m = maps_of(s, NULL, 1);
	assert_close(m.coco50, 1.0, EPS);
	assert_close(m.voc50, 0.5, EPS);
	assert_close(m.coco5095, (4 + 6 * 51.0 / 101.0) / 10, EPS);
	det_set_free(s);
}

/* 100 false positives scored .9 ... .405, then one TP at .1: COCO keeps only
 * the first 100 of the class in the image, so AP 0; VOC sees the TP at
 * recall 1, precision 1/101.  Keeping 100 (dropping one FP) lets COCO see
 * the TP at precision 1/100: every r takes it, AP 1/100. */
static void test_max_dets(void **state)
{
	(void)state;
	struct det_truth t = truth(box_at(40, 40), 0);
	struct det_pred p[101];
	struct det_set *s = det_set_new(1, 1);

	for (int i = 0; i < 100; i++)
		p[i] = pred(far_box(i), 0, .9f - .005f * i);
	p[100] = pred(box_at(40, 40), 0, .1f);
	det_set_put(s, 0, p, 101, &t, 1);
	struct maps m = maps_of(s, NULL, 1);
	assert_true(m.coco50 == 0.0);
	assert_close(m.voc50, 1.0 / 101, EPS);

	det_set_put(s, 0, p + 1, 100, &t, 1);
	m = maps_of(s, NULL, 1);
	assert_close(m.coco50, 1.0 / 100, EPS);
	assert_close(m.voc50, 1.0 / 100, EPS);
	det_set_free(s);
}

/* A 20x14.4 detection centred in a 20x20 GT: IoU .72: TP at .50 ... .70
 * (5 thresholds), FP at .75 ... .95 (5): mAP@.5:.95 = .5. */
static void test_map5095_thresholds(void **state)
{
	(void)state;
	struct det_truth t = truth(box_at(40, 40), 0);
	struct det_pred p = pred((struct det_box){ 50, 50, 20, 14.4f }, 0, .9f);
	struct det_set *s = det_set_new(1, 1);

	det_set_put(s, 0, &p, 1, &t, 1);
	struct maps m = maps_of(s, NULL, 1);
	assert_close(m.coco50, 1.0, EPS);
	assert_close(m.coco5095, 0.5, EPS);
	assert_close(m.voc50, 1.0, EPS);

	/* IoU .45: FP everywhere. */
	p.b.h = 9;
	det_set_put(s, 0, &p, 1, &t, 1);
	m = maps_of(s, NULL, 1);
	assert_true(m.coco50 == 0.0 && m.coco5095 == 0.0 && m.voc50 == 0.0);
	det_set_free(s);
}

/* ---- weights ------------------------------------------------------------------- */

/* Continuous scores: no ties within an image.  (Tied detections of one
 * image stay together in the weighted sweep, where a duplicated image would
 * interleave them with the copy's: the one case where weight 2 and two
 * copies differ.) */
static float score(struct rng *r)
{
	return (float)(0.05 + 0.95 * rng_uniform(r));
}

/* A random image: up to 4 GT of 3 classes, detections near them and stray. */
static int random_image(struct rng *r, struct det_pred *p, struct det_truth *t, int *nt)
{
	int np = 0;

	*nt = (int)rng_below(r, 5);
	for (int i = 0; i < *nt; i++) {
		t[i] = truth(box_at((float)rng_below(r, 200), (float)rng_below(r, 200)), (int)rng_below(r, 3));
		int k = (int)rng_below(r, 3);
		for (int j = 0; j < k; j++) {
			struct det_box b = t[i].b;
			b.x += (float)(rng_uniform(r) * 8 - 4);
			b.w += (float)(rng_uniform(r) * 8 - 4);
			p[np++] = pred(b, rng_below(r, 5) ? t[i].cls : (int)rng_below(r, 3), score(r));
		}
	}
	int stray = (int)rng_below(r, 3);
	for (int j = 0; j < stray; j++)
		p[np++] = pred(box_at((float)rng_below(r, 200), (float)rng_below(r, 200)), (int)rng_below(r, 3),
		    score(r));
	return np;
}

struct case_data {
	int n;
	int np[60], nt[60];
	struct det_pred p[60][20];
	struct det_truth t[60][4];
};

static void make_case(struct case_data *c, int n, uint64_t seed)
{
	struct rng r;

	rng_seed(&r, seed);
	c->n = n;
	for (int i = 0; i < n; i++)
		c->np[i] = random_image(&r, c->p[i], c->t[i], &c->nt[i]);
}

/* Weight 2 on image 3 equals image 3 put twice, as images 3 and 4 (the copy
 * next to it keeps the order of scores tied across images); weight 0 on
 * image 8 equals leaving it out. */
static void same_maps(const struct maps *x, const struct maps *y)
{
	assert_close(x->coco50, y->coco50, EPS);
	assert_close(x->coco5095, y->coco5095, EPS);
	assert_close(x->voc50, y->voc50, EPS);
	assert_int_equal(x->classes_with_gt, y->classes_with_gt);
	for (int k = 0; k < 3; k++) {
		if (isnan(y->ap_coco[k]))
			assert_true(isnan(x->ap_coco[k]) && isnan(x->ap_voc[k]));
		else {
			assert_close(x->ap_coco[k], y->ap_coco[k], EPS);
			assert_close(x->ap_voc[k], y->ap_voc[k], EPS);
		}
	}
}

static void test_weight_equals_duplicate(void **state)
{
	(void)state;
	static struct case_data c;
	make_case(&c, 12, 7);
	struct det_set *a = det_set_new(3, 12), *b = det_set_new(3, 13), *z = det_set_new(3, 11);
	int twice[12], without[12];

	for (int i = 0; i < 12; i++) {
		twice[i] = i == 3 ? 2 : 1;
		without[i] = i == 8 ? 0 : 1;
		det_set_put(a, i, c.p[i], c.np[i], c.t[i], c.nt[i]);
		det_set_put(b, i < 4 ? i : i + 1, c.p[i], c.np[i], c.t[i], c.nt[i]);
		if (i != 8)
			det_set_put(z, i < 8 ? i : i - 1, c.p[i], c.np[i], c.t[i], c.nt[i]);
	}
	det_set_put(b, 4, c.p[3], c.np[3], c.t[3], c.nt[3]);

	struct maps ma = maps_of(a, twice, 3), mb = maps_of(b, NULL, 3);
	same_maps(&ma, &mb);
	/* The duplicate changes the measure, or this test proves little. */
	struct maps plain = maps_of(a, NULL, 3);
	assert_true(fabs(plain.coco50 - mb.coco50) > 1e-6 && fabs(plain.voc50 - mb.voc50) > 1e-6);

	ma = maps_of(a, without, 3);
	struct maps mz = maps_of(z, NULL, 3);
	same_maps(&ma, &mz);
	assert_true(fabs(plain.coco50 - mz.coco50) > 1e-6);
	det_set_free(a);
	det_set_free(b);
	det_set_free(z);
}

/* Image 0 (weight 0) holds the only detection, a TP; image 1 a missed GT:
 * the class has 1 positive and no TP counted, AP 0 (not 0/0). */
static void test_weight_zero_hides_tp(void **state)
{
	(void)state;
	struct det_truth ta = truth(box_at(40, 40), 0), tb = truth(box_at(140, 40), 0);
	struct det_pred p = pred(box_at(40, 40), 0, .9f);
	struct det_set *s = det_set_new(1, 2);
	int weight[2] = { 0, 1 };

	det_set_put(s, 0, &p, 1, &ta, 1);
	det_set_put(s, 1, NULL, 0, &tb, 1);
	struct maps m = maps_of(s, weight, 1);
	assert_true(m.coco50 == 0.0 && m.coco5095 == 0.0 && m.voc50 == 0.0);
	assert_int_equal(m.classes_with_gt, 1);
	m = maps_of(s, NULL, 1);
	assert_close(m.voc50, 0.5, EPS);
	det_set_free(s);
}

/* ---- bootstrap ---------------------------------------------------------------- */

static void test_bootstrap(void **state)
{
	(void)state;
	static struct case_data c;
	make_case(&c, 60, 11);
	struct det_set *b = det_set_new(3, 60), *p = det_set_new(3, 60);

	for (int i = 0; i < 60; i++) {
		det_set_put(b, i, c.p[i], c.np[i], c.t[i], c.nt[i]);
		/* The perturbed detector loses its last detection on every third image. */
		int np = c.np[i] - (i % 3 == 0 && c.np[i] > 0);
		det_set_put(p, i, c.p[i], np, c.t[i], c.nt[i]);
	}
	for (int interp = DET_COCO101; interp <= DET_VOC_ALL; interp++) {
		struct det_map mb, mp;
		double lo, hi, dlo, dhi, lo2, hi2, dlo2, dhi2;

		det_set_map(b, interp, NULL, &mb);
		det_set_map(p, interp, NULL, &mp);
		det_bootstrap(b, p, interp, 500, 42, &lo, &hi, &dlo, &dhi);
		assert_true(lo <= mp.map50 && mp.map50 <= hi && lo < hi);
		double drop = mb.map50 - mp.map50;
		assert_true(dlo <= drop && drop <= dhi && dlo < dhi);
		/* The same seed gives the same intervals. */
		det_bootstrap(b, p, interp, 500, 42, &lo2, &hi2, &dlo2, &dhi2);
		assert_true(lo == lo2 && hi == hi2 && dlo == dlo2 && dhi == dhi2);

		/* b against itself: every round's drop is 0. */
		det_bootstrap(b, b, interp, 200, 1, &lo, &hi, &dlo, &dhi);
		assert_true(dlo == 0.0 && dhi == 0.0);
		assert_true(lo <= mb.map50 && mb.map50 <= hi);
		det_map_free(&mb);
		det_map_free(&mp);
	}
	det_set_free(b);
	det_set_free(p);

	/* Nothing put: NAN. */
	b = det_set_new(3, 4);
	double lo, hi, dlo, dhi;
	det_bootstrap(b, b, DET_COCO101, 10, 1, &lo, &hi, &dlo, &dhi);
	assert_true(isnan(lo) && isnan(hi) && isnan(dlo) && isnan(dhi));
	det_set_free(b);
}

/* ---- agreement ------------------------------------------------------------------ */

static void test_agree_identical_and_disjoint(void **state)
{
	(void)state;
	struct det_pred r[3] = { pred(box_at(40, 40), 0, .9f), pred(box_at(140, 40), 1, .8f),
		pred(box_at(240, 40), 0, .7f) };
	struct det_pred t[3];
	struct det_agree a;

	det_agree_image(r, 3, r, 3, .5f, .5f, &a);
	assert_int_equal(a.ref, 3);
	assert_int_equal(a.test, 3);
	assert_int_equal(a.matched, 3);
	assert_close(det_agree_f1(&a), 1.0, EPS);
	assert_close(det_agree_iou(&a), 1.0, 1e-9);

	/* Same boxes, other classes: nothing matches. */
	for (int i = 0; i < 3; i++) {
		t[i] = r[i];
		t[i].cls = 2;
	}
	det_agree_image(r, 3, t, 3, .5f, .5f, &a);
	assert_int_equal(a.matched, 0);
	assert_true(det_agree_f1(&a) == 0.0);
	assert_true(isnan(det_agree_iou(&a)));

	/* Both empty: F1 1. */
	det_agree_image(NULL, 0, NULL, 0, .5f, .5f, &a);
	assert_true(det_agree_f1(&a) == 1.0);
}

/* Threshold .75 leaves the reference 2 boxes (.9, .8) and the test 1 (the .8
 * one at .85): matched 1, F1 = 2/(2+1).  The test's .6 box on the first
 * reference box does not count.  A test box shifted by 4 (IoU 2/3) matches
 * with iou_min .5, not with .7. */
static void test_agree_thresh_and_iou(void **state)
{
	(void)state;
	struct det_pred r[3] = { pred(box_at(40, 40), 0, .9f), pred(box_at(140, 40), 1, .8f),
		pred(box_at(240, 40), 0, .7f) };
	struct det_pred t[2] = { pred(box_at(40, 40), 0, .6f), pred(box_at(144, 40), 1, .85f) };
	struct det_agree a;

	det_agree_image(r, 3, t, 2, .75f, .5f, &a);
	assert_int_equal(a.ref, 2);
	assert_int_equal(a.test, 1);
	assert_int_equal(a.matched, 1);
	assert_close(det_agree_f1(&a), 2.0 / 3.0, EPS);
	assert_close(det_agree_iou(&a), 320.0 / 480.0, 1e-7);

	det_agree_image(r, 3, t, 2, .75f, .7f, &a);
	assert_int_equal(a.matched, 0);
}

/* One to one: two reference boxes on one spot, one test box there: the
 * higher-scored reference takes it, the other finds none.  Two test boxes
 * against one reference: one matched, F1 = 2/3. */
static void test_agree_one_to_one(void **state)
{
	(void)state;
	struct det_pred r2[2] = { pred(box_at(40, 40), 0, .6f), pred(box_at(41, 40), 0, .9f) };
	struct det_pred t1[1] = { pred(box_at(41, 40), 0, .9f) };
	struct det_agree a;

	det_agree_image(r2, 2, t1, 1, .1f, .5f, &a);
	assert_int_equal(a.matched, 1);
	assert_close(det_agree_iou(&a), 1.0, 1e-9);	/* the .9 reference, same box */
	assert_close(det_agree_f1(&a), 2.0 / 3.0, EPS);

	det_agree_image(t1, 1, r2, 2, .1f, .5f, &a);
	assert_int_equal(a.matched, 1);
	assert_close(det_agree_iou(&a), 1.0, 1e-9);	/* takes the exact box, not the shifted one */
	assert_close(det_agree_f1(&a), 2.0 / 3.0, EPS);
}

/* Pooled over images: image 0 3 of 3 matched, image 1 0 of 1+1:
 * F1 = 2*3 / (4 + 4) = .75.  All images alike: degenerate intervals. */
static void test_agree_bootstrap(void **state)
{
	(void)state;
	struct det_agree per[2] = { { 3, 3, 3, 2.7 }, { 1, 1, 0, 0 } };
	double f1, lo, hi, iou, ilo, ihi;

	det_agree_bootstrap(per, 2, 300, 5, &f1, &lo, &hi, &iou, &ilo, &ihi);
	assert_close(f1, 0.75, EPS);
	assert_close(iou, 0.9, EPS);
	assert_true(lo <= f1 && f1 <= hi && lo < hi);
	assert_true(lo >= 0 && hi <= 1);
	/* Resamples of image 1 alone have no matched pair: IoU over the others. */
	assert_close(ilo, 0.9, EPS);
	assert_close(ihi, 0.9, EPS);

	struct det_agree same[4] = { { 2, 2, 1, .8 }, { 2, 2, 1, .8 }, { 2, 2, 1, .8 }, { 2, 2, 1, .8 } };
	det_agree_bootstrap(same, 4, 100, 5, &f1, &lo, &hi, &iou, &ilo, &ihi);
	assert_close(f1, 0.5, EPS);
	assert_close(lo, 0.5, EPS);
	assert_close(hi, 0.5, EPS);
	assert_close(iou, 0.8, EPS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iou),
		cmocka_unit_test(test_hand_curve),
		cmocka_unit_test(test_ties_follow_image_order),
		cmocka_unit_test(test_empty_images_change_nothing),
		cmocka_unit_test(test_classes_without_truth_or_detections),
		cmocka_unit_test(test_duplicate_is_fp),
		cmocka_unit_test(test_coco_takes_second_gt_voc_does_not),
		cmocka_unit_test(test_max_dets),
		cmocka_unit_test(test_map5095_thresholds),
		cmocka_unit_test(test_weight_equals_duplicate),
		cmocka_unit_test(test_weight_zero_hides_tp),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_agree_identical_and_disjoint),
		cmocka_unit_test(test_agree_thresh_and_iou),
		cmocka_unit_test(test_agree_one_to_one),
		cmocka_unit_test(test_agree_bootstrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
