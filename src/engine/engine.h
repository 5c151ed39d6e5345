/* engine.h - worker threads that evaluate (perturbed) networks on the data
 * set, with prefix caching and streaming paired estimates.  Images that the
 * data set does not keep in memory are decoded again by the worker that
 * runs their batch (dataset_fetch).
 *
 * Ownership and threads: the engine owns the master network (whose weights are
 * shared by every worker's network instance), the workers, a dispatcher thread,
 * the activation caches and the threads of background tasks: it starts every
 * thread of the process.  Callers (CLI, TUI) only submit jobs and tasks and
 * read progress snapshots; the TUI watches engine_wake_fd() in its poll() loop.
 * The data set is borrowed and must outlive the engine. */
#ifndef SAFER_ENGINE_H
#define SAFER_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/dataset.h"
#include "core/detmap.h"
#include "core/model.h"
#include "engine/detection.h"
#include "core/perturb.h"

struct engine;
struct backend_net;

struct engine_config {
	int threads;		/* workers; 0 = one per online CPU */
	int batch;		/* images per forward pass; 0 = default (32) */
	size_t cache_mb;	/* activation cache bound; 0 = no prefix reuse */
	int stock;		/* 1: Darknet's own forward functions (for comparisons) */
	/* detectors (0: the default in brackets) */
	float det_thresh;	/* evaluation threshold [.005, validate_detector's] */
	float det_nms;		/* NMS threshold [.45]; < 0: no NMS */
	float det_show;		/* display threshold of the agreement [.25] */
	int det_voc;		/* 1: VOC all-point AP instead of COCO's 101 points */
	int det_rounds;		/* bootstrap resamples of a finished job [200] */
	uint64_t seed;		/* of the bootstrap [1] */
	int det_keep;		/* keep every image's boxes (engine_det_boxes) */
};

struct engine_job {
	int nitems;
	const struct job_item *items;	/* copied by engine_submit */
	double adaptive_eps;		/* >0: stop when the drop's 95% half-width < eps points */
	int min_images;			/* adaptive: never stop before this many (default 500) */
	int exact_order;		/* 1: evaluate batches in file order (default: a fixed shuffle) */
};

struct engine_progress {
	uint64_t job;		/* id returned by engine_submit */
	int done, total;	/* images evaluated / in the set */
	long correct;		/* top-1 right (labelled images) */
	long topk_correct;
	long labelled;		/* images with a label */
	long n10, n01;		/* baseline right->wrong, wrong->right */
	long agree;		/* same top-1 as the unperturbed network */
	double kl_sum;		/* sum over images of KL(baseline || perturbed) */
	double decode_seconds;	/* CPU seconds of the workers decoding images again (past --data-mb) */
	double infer_seconds;	/* CPU seconds of the workers in forward passes and counting */
	double seconds;		/* since the job started */
	double first_seconds;	/* time to the first batch's estimate */
	int finished;		/* all images, or adaptive stop */
	int stopped_early;	/* adaptive stop */
	int cancelled;
	char *error;		/* a copy from engine_poll is its caller's to free */
	/* detectors: mAP against the ground truth (labelled sets; fractions)
	 * and agreement with the unperturbed boxes.  Intervals are NAN until
	 * the job has finished (95% paired bootstrap over images). */
	int detector;
	struct det_progress det;
};

struct engine *engine_new(const char *cfg_path, const char *weights_path, const struct dataset *data,
    const struct engine_config *cfg, char **cause);
void engine_free(struct engine *e);

/* The master network: its model's weight tensors hold the current weights
 * (perturbed while a job runs).  For export and reports, call when idle. */
const struct model *engine_model(const struct engine *e);
int engine_threads(const struct engine *e);
/* Images per forward pass (engine_config.batch, or the default chosen for the network). */
int engine_batch(const struct engine *e);
/* A layer's unperturbed weights (pristine copy kept by the engine; read-only). */
const struct weight_tensor *engine_pristine(const struct engine *e, int layer);

/* The unperturbed network's results (computed in engine_new). */
const struct engine_progress *engine_baseline(const struct engine *e);
/* The layer index a job on `layer` starts its forward pass from. */
int engine_start_layer(const struct engine *e, int layer);

/* Start a job, cancelling the one running (its partial result stays readable
 * until the new job posts).  Never blocks on inference.  Returns the job id,
 * or 0 with *cause when a spec does not fit a layer. */
uint64_t engine_submit(struct engine *e, const struct engine_job *job, char **cause);
void engine_cancel(struct engine *e);
/* Readable whenever a new snapshot is posted; drain with engine_drain_wake. */
int engine_wake_fd(const struct engine *e);
void engine_drain_wake(struct engine *e);
/* Copy the latest snapshot of the most recent job.  Returns its id (0: none). */
uint64_t engine_poll(struct engine *e, struct engine_progress *out);
/* Submit and wait for the end.  Stops early (cancelled) when *interrupt is set. */
int engine_run(struct engine *e, const struct engine_job *job, struct engine_progress *out,
    volatile sig_atomic_t *interrupt, char **cause);

/* Background tasks: work beside the jobs that is not an evaluation (the
 * explorer's gradient criteria), each on a thread the engine starts.
 * fn(arg, stop) runs once; it should return soon after *stop turns non-zero.
 * A task must not use the engine's networks (the master's weights are
 * perturbed while jobs run): it loads its own.  engine_task_fd turns readable
 * when fn has returned, for the caller's poll() loop, as engine_task_done
 * tells without blocking; engine_task_wait joins the thread, frees the task
 * and returns fn's result; engine_task_cancel sets *stop, then waits.  Each
 * task is waited for once, by the thread that started it; tasks still there
 * at engine_free are cancelled and waited for. */
struct engine_task;
typedef int (*engine_task_fn)(void *arg, volatile sig_atomic_t *stop);
/* NULL with *cause when no thread can be started. */
struct engine_task *engine_task_start(struct engine *e, engine_task_fn fn, void *arg, char **cause);
int engine_task_fd(const struct engine_task *t);
int engine_task_done(const struct engine_task *t);
int engine_task_wait(struct engine_task *t);
int engine_task_cancel(struct engine_task *t);

/* The k-entry list Darknet's top_k (src/utils.c) makes of x[0..n-1], which
 * `darknet classifier valid` counts hits in and which the engine counts the
 * same way: index[0] is the top-1 class, the label anywhere in index[0..k-1]
 * is a top-k hit.  Ties keep the lower class first; NaN is never "larger"
 * nor beaten (a NaN keeps the place it first takes), so all-NaN or
 * all-equal outputs give 0, 1, ..., k-1.  Entries past n stay
 * -1 (k > n). */
void engine_top_k(const float *x, int n, int k, int *index);

/* Whether the network is a detector; then these give its per-class AP
 * (baseline: the unperturbed network's, else the last job's; call when
 * idle; free with det_map_free). */
int engine_detector(const struct engine *e);
/* What "top-1" means for this engine, as result files name it: "top1",
 * or "map50" / "map50_voc" (mAP@.5, COCO 101-point or VOC all-point). */
const char *engine_metric(const struct engine *e);
/* The same for people: "top-1" or "mAP@.5". */
const char *engine_metric_label(const struct engine *e);
void engine_det_map(struct engine *e, int baseline, struct det_map *out);
/* Image i's boxes (engine_config.det_keep), of the baseline or the last job.
 * The pointer is the engine's: a running job replaces it, so call when idle. */
const struct det_pred *engine_det_boxes(struct engine *e, int baseline, int i, int *n);
/* The same copied while a job may run (the explorer): image i's boxes with
 * prob >= min_prob into *out (allocated, the caller's to free; NULL when
 * none).  Returns their count, or -1 when boxes are not kept, or (baseline
 * 0) when the last job has not evaluated image i. */
int engine_det_boxes_copy(struct engine *e, int baseline, int i, float min_prob, struct det_pred **out);
/* A classifier's top-1 class per image into out (data->count ints, the
 * caller's): the unperturbed network's (baseline), else the last job's,
 * -1 for images it has not evaluated (yet, or stopped early).  Copied
 * under the engine's lock, so it may be called while a job runs (its
 * images so far); to get one whole job, call once it has finished and
 * before the next is submitted.  Returns data->count, or -1 for a detector. */
int engine_preds_copy(struct engine *e, int baseline, int *out);
/* The display threshold of the detectors' agreement (engine_config.det_show). */
float engine_det_show(const struct engine *e);
/* Image i's agreement with the unperturbed boxes in the last job (call
 * when idle); 0 when that job did not evaluate it. */
int engine_det_agree(struct engine *e, int i, struct det_agree *out);

/* Derived numbers.  For a detector, "top-1" is mAP@.5, the drop is in mAP
 * points, agreement is the F1 of the boxes' matching and KL is NAN. */
double progress_top1(const struct engine_progress *p);
double progress_topk(const struct engine_progress *p);
/* Drop against the baseline on the images done so far (percentage points). */
void progress_drop(const struct engine_progress *p, double *drop, double *lo, double *hi);
double progress_agree(const struct engine_progress *p);
double progress_kl(const struct engine_progress *p);
/* Detectors: mean IoU of the matched boxes (NAN otherwise). */
double progress_det_iou(const struct engine_progress *p);

#endif
