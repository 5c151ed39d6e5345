/* detection.h - the engine's measures for detectors: each image's boxes as
 * `darknet detector valid` computes them, the mAP of a job against the
 * data set's ground truth, and the agreement of a job's boxes with the
 * unperturbed detector's (for data without ground truth).
 *
 * Used by engine.c (engine.h shows struct det_progress).  Threads: det_boxes and det_agree_batch run on a
 * worker without the engine lock (they touch only the worker's buffers and
 * the job's per-image slots of their own batch); det_commit, det_job_start,
 * det_snapshot and det_finish run with the engine lock held. */
#ifndef SAFER_ENGINE_DETECTION_H
#define SAFER_ENGINE_DETECTION_H

#include "core/detmap.h"
#include "formats/dataset.h"

struct backend_net;

/* A job's detection figures, in its engine_progress. */
struct det_progress {
	double map50, map5095;	/* of the images done (fractions) */
	double base_map50;	/* the unperturbed detector's on the same images */
	double map_lo, map_hi, drop_lo, drop_hi;
	long ref, test, matched;	/* boxes above the display threshold */
	double iou_sum;		/* over matched pairs */
	double f1_lo, f1_hi, iou_lo, iou_hi;
};

struct det_params {
	float thresh;		/* evaluation threshold (validate_detector: .005) */
	float nms;		/* do_nms_sort threshold; 0: no NMS */
	float show;		/* display threshold of the agreement (.25) */
	enum det_interp interp;
	int rounds;		/* bootstrap resamples at the end of a job */
	uint64_t seed;
	int keep;		/* keep every image's boxes (det_state_boxes) */
};

/* One worker's boxes for the images of its current batch. */
struct det_worker {
	struct det_pred *box;
	int n, cap;
	int *first;		/* batch + 1 offsets into box */
};

struct det_state;

struct det_state *det_state_new(const struct dataset *d, int classes, const struct det_params *p);
void det_state_free(struct det_state *s);
int det_state_labelled(const struct det_state *s);

void det_worker_init(struct det_worker *w, int batch);
void det_worker_free(struct det_worker *w);

/* Boxes of images start..start+m-1 from the network's last pass. */
void det_boxes(struct det_state *s, struct det_worker *w, struct backend_net *net, int start, int m);
/* Their agreement with the baseline's boxes (a perturbed job only). */
void det_agree_batch(struct det_state *s, const struct det_worker *w, int start, int m, long *ref, long *test,
    long *matched, double *iou_sum);
/* Records the batch into the baseline's or the current job's measure. */
void det_commit(struct det_state *s, const struct det_worker *w, int start, int m, int baseline);
/* A new perturbed job starts: forget the last one's boxes. */
void det_job_start(struct det_state *s);
/* mAP of the images done so far into p (at most every 100 ms unless
 * `force`); with `final`, also the bootstrap intervals. */
void det_snapshot(struct det_state *s, struct det_progress *p, int done, int baseline, int force, int final);
/* Image i's boxes of the baseline or the last job, when kept (else NULL). */
const struct det_pred *det_state_boxes(const struct det_state *s, int baseline, int i, int *n);
/* Image i's agreement in the last job; 0 when the job did not reach it. */
int det_state_agree(const struct det_state *s, int i, struct det_agree *out);
/* Whether the current (or last) job has committed image i. */
int det_state_done(const struct det_state *s, int i);
/* The display threshold of the agreement (det_params.show). */
float det_state_show(const struct det_state *s);
/* Per-class AP of the baseline or the last job (call when idle). */
void det_state_map(struct det_state *s, int baseline, struct det_map *out);

#endif
