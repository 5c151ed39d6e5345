/* detmap.h - detection measures: mAP against ground truth, agreement between
 * two detectors on the same images, and their paired bootstrap intervals.
 *
 * Nothing here knows Darknet.  Boxes are Darknet's `box`: centre x, y and
 * width, height in pixels of the original image (what get_network_boxes
 * gives with relative=0; label files' normalised boxes times the image
 * size).  IoU is the continuous overlap (no +1 pixel convention).
 *
 * mAP works in two steps so that intervals cost little:
 *  1. det_set_put marks each image's detections, once: per class, in
 *     descending score order, each detection against the ground truth of
 *     its class in that image.  COCO rule at each of the ten IoU thresholds
 *     .50:.05:.95 (the best-IoU ground truth not yet matched, IoU >= t;
 *     at most DET_MAX_PER_CLASS detections per class and image, as COCO's
 *     maxDets=100); VOC rule at .5 (the best-IoU ground truth of the class
 *     whether matched or not, IoU > .5, TP only if it was not yet matched).
 *  2. det_set_map sorts nothing: the detections of all images are kept in
 *     one list sorted by score (stable: image order, then within-image
 *     order), and AP is a sweep over it in which image i counts weight[i]
 *     times (1 for the plain measure, bootstrap multiplicities otherwise).
 *
 * Interpolation: COCO's 101 recall points (the precision envelope, taken at
 * the first index whose recall reaches r, 0 past the last), or VOC's
 * all-point area under the envelope (VOC 2010 and later).  The mean is over
 * the classes that have ground truth in the images counted; a class with
 * ground truth and no detection has AP 0; detections of a class without
 * ground truth change no AP.
 *
 * Ownership: a det_set owns its marks; det_set_put copies what it needs.
 * Threads: det_set_put on distinct images may run at once; nothing else
 * may run beside it on the same set. */
#ifndef SAFER_DETMAP_H
#define SAFER_DETMAP_H

#include <stdint.h>

#define DET_IOU_STEPS 10	/* .50, .55, ..., .95 */
#define DET_MAX_PER_CLASS 100	/* COCO's maxDets */

struct det_box {
	float x, y, w, h;	/* centre, size; pixels */
};

struct det_pred {
	struct det_box b;
	int cls;
	float prob;		/* > 0 */
};

struct det_truth {
	struct det_box b;
	int cls;
};

float det_iou(const struct det_box *a, const struct det_box *b);

enum det_interp {
	DET_COCO101,
	DET_VOC_ALL,
};

struct det_set;

struct det_set *det_set_new(int classes, int images);
void det_set_free(struct det_set *s);
/* Image `image`'s detections (any order; prob > 0, 0 <= cls < classes) and
 * ground truth.  Replaces what the image had. */
void det_set_put(struct det_set *s, int image, const struct det_pred *p, int np, const struct det_truth *t, int nt);
/* Forget every image (the set is reused by the next job). */
void det_set_clear(struct det_set *s);
/* Images put so far. */
int det_set_images(const struct det_set *s);

struct det_map {
	double map50;		/* mAP at IoU .5 (COCO101 or VOC rule, as asked) */
	double map5095;		/* COCO101: mean over the ten thresholds; VOC: NAN */
	int classes_with_gt;	/* classes the mean runs over */
	double *ap50;		/* owned, `classes` entries: per-class AP at .5, NAN without ground truth */
};

/* mAP over the images put, image i counting weight[i] times (weight NULL:
 * every put image once; images never put count 0).  out->ap50 is
 * allocated (free with det_map_free).  With no ground truth at all, map50
 * and map5095 are NAN. */
void det_set_map(const struct det_set *s, enum det_interp interp, const int *weight, struct det_map *out);
void det_map_free(struct det_map *m);

/* Paired bootstrap over the images put in both sets (same images, same
 * ground truth; b is the baseline, p the perturbed): `rounds` resamples
 * from `seed`, the same image multiplicities for both.  95% percentile
 * intervals of p's mAP@.5 and of the drop (b - p) in mAP@.5, both in the
 * units of det_map (fractions, not percent).  b == p (a baseline's own
 * interval) resamples one set: half the work, drops 0. */
void det_bootstrap(const struct det_set *b, const struct det_set *p, enum det_interp interp, int rounds,
    uint64_t seed, double *map_lo, double *map_hi, double *drop_lo, double *drop_hi);

/* ---- agreement without ground truth ----------------------------------------
 * Detections with prob >= thresh of the reference (unperturbed) and of the
 * test detector on one image, matched one to one: in descending reference
 * score order, each takes the unmatched test detection of its class with
 * the highest IoU, if that IoU >= iou_min (.5). */
struct det_agree {
	long ref, test, matched;	/* boxes counted, boxes matched */
	double iou_sum;			/* over matched pairs */
};
void det_agree_image(const struct det_pred *ref, int nr, const struct det_pred *test, int nt, float thresh,
    float iou_min, struct det_agree *out);
/* F1 = 2 matched / (ref + test); 1 when both are empty. */
double det_agree_f1(const struct det_agree *a);
/* Mean IoU of matched pairs; NAN with none. */
double det_agree_iou(const struct det_agree *a);
/* Pooled F1 and mean IoU over n images with 95% bootstrap intervals
 * (resampling images; `rounds` from `seed`). */
void det_agree_bootstrap(const struct det_agree *per_image, int n, int rounds, uint64_t seed,
    double *f1, double *f1_lo, double *f1_hi, double *iou, double *iou_lo, double *iou_hi);

#endif
