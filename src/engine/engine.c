/* engine.c - see engine.h.
 *
 * Threads: one dispatcher applies a job's perturbations to the shared master
 * weights while the workers are idle, publishes the job, waits until it is
 * done or superseded, then restores the weights.  Workers take batches from
 * the published job and add their counts into it under the engine mutex.
 * Nobody else touches weights while a job runs.  Background tasks run on
 * threads of their own and share nothing with the jobs but the mutex that
 * guards the task list and their done flags. */
#include "engine/engine.h"
#include "engine/detection.h"
#include "formats/cfgcheck.h"
#include "backend/backend.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/util.h"

#include <cblas.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_BATCH 32
#define CALIBRATION_IMAGES 256
#define DEFAULT_MIN_IMAGES 500

struct job {
	uint64_t id;
	int nitems;
	struct job_item *items;
	struct perturb_undo *undo;
	double eps;
	int min_images;
	int from;		/* first layer the forward pass runs */
	int baseline;		/* the unperturbed pass that fills caches */
	int next, inflight, batches_done, nbatches;
	int stop;		/* no more batches: cancelled, superseded or adaptive stop */
	int *order;		/* batch order */
	double *batch_kl;	/* per batch, summed in index order at the end */
	struct engine_progress prog;
	double t0;
};

struct worker {
	struct engine *e;
	struct backend_net *net;
	pthread_t thread;
	float *inbuf;		/* batch × largest input, zero-padded tail */
	float *prob;		/* classes floats */
	int *top;		/* data->topk class indexes, engine_top_k's list */
	int *pred;		/* classifiers: its batch's top-1 classes, committed under mu */
	struct det_worker det;	/* detectors: the boxes of its batch */
};

struct engine {
	const struct dataset *data;
	char *weights_name;	/* owned: the weights file (or the cfg), for messages */
	struct backend_net *master;
	const struct model *model;
	int nworkers, batch, nbatches, classes, out_is_prob;
	struct det_state *det;	/* detectors only: boxes, mAP, agreement */
	int det_voc;
	struct worker *workers;

	/* the last job's top-1 per image (classifiers), -1 where it has not
	 * been evaluated; under mu (engine_preds_copy) */
	int *job_pred;

	/* baseline, per image */
	int *base_pred;
	unsigned char *base_correct;
	float *base_prob;
	struct engine_progress baseline;
	float *act_lo, *act_hi;
	struct weight_tensor *pristine;	/* arrays owned */

	/* prefix cache: per layer index, that layer's outputs for every image */
	float **cache;
	unsigned char *cut_ok;
	/* per cut layer k (cut_ok[k], k > 0): the earlier outputs a run from k
	 * reads besides its input (backend_needed_before), as many as there are */
	int **cut_refs;
	int *cut_nrefs;

	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done, cv_dispatch;
	pthread_t dispatcher;
	int quit;
	uint64_t next_id;
	struct job *pending, *cur;
	struct engine_progress latest;
	int wake[2];
	struct engine_task *tasks;	/* started and not yet waited for */
};

struct engine_task {
	struct engine *e;
	engine_task_fn fn;
	void *arg;
	pthread_t thread;
	volatile sig_atomic_t stop;
	int done;		/* under e->mu */
	int rc;			/* fn's result, read once done */
	int fd[2];		/* a byte once fn has returned */
	struct engine_task *next;
};

/* ---- small helpers ------------------------------------------------------------ */

static void post_wake(struct engine *e)
{
	char c = 1;
	ssize_t r = write(e->wake[1], &c, 1);
	(void)r;	/* a full pipe already means "wake up" */
}

int engine_wake_fd(const struct engine *e)
{
	return e->wake[0];
}

void engine_drain_wake(struct engine *e)
{
	char buf[256];
	while (read(e->wake[0], buf, sizeof buf) > 0)
		;
}

static void job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->undo)
		for (int i = 0; i < j->nitems; i++)
			perturb_undo_free(&j->undo[i]);
	free(j->undo);
	free(j->items);
	free(j->order);
	free(j->batch_kl);
	free(j->prog.error);
	free(j);
}

static void softmax_row(const float *x, int n, float *out)
{
	float mx = x[0];
	for (int i = 1; i < n; i++)
		mx = x[i] > mx ? x[i] : mx;
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += out[i] = expf(x[i] - mx);
	for (int i = 0; i < n; i++)
		out[i] = (float)(out[i] / sum);
}

/* Darknet's top_k (src/utils.c), the list `classifier valid` counts hits in:
 * each class i in turn is carried down the k slots; an empty slot takes it,
 * and a slot whose holder it strictly beats takes it and hands the holder on
 * down.  So ties keep the lower class ahead, and a NaN neither displaces
 * anyone nor is displaced: it stays in the slot it first reached.  Once the
 * carried value is an empty slot's -1, every later slot is empty too (they
 * fill in order), so stopping there changes nothing and never reads x[-1]. */
void engine_top_k(const float *x, int n, int k, int *index)
{
	for (int j = 0; j < k; j++)
		index[j] = -1;
	for (int i = 0; i < n; i++) {
		int carry = i;
		for (int j = 0; j < k && carry >= 0; j++)
			if (index[j] < 0 || x[carry] > x[index[j]]) {
				int held = index[j];
				index[j] = carry;
				carry = held;
			}
	}
}

/* ---- one batch ------------------------------------------------------------------ */

struct hook_ctx {
	struct engine *e;
	const struct job *job;
	int start, m;		/* first image of the batch, real images in it */
	int calibrate;
};

static void layer_hook(int layer, float *out, size_t n, void *vctx)
{
	struct hook_ctx *c = vctx;
	struct engine *e = c->e;
	if (c->calibrate && c->start < CALIBRATION_IMAGES) {
		int rows = c->m < CALIBRATION_IMAGES - c->start ? c->m : CALIBRATION_IMAGES - c->start;
		size_t cnt = (size_t)rows * (n / (size_t)e->batch);
		float lo = INFINITY, hi = -INFINITY;
		for (size_t i = 0; i < cnt; i++) {
			lo = out[i] < lo ? out[i] : lo;
			hi = out[i] > hi ? out[i] : hi;
		}
		/* caller holds no lock: ranges are merged under the mutex */
		pthread_mutex_lock(&e->mu);
		if (lo < e->act_lo[layer])
			e->act_lo[layer] = lo;
		if (hi > e->act_hi[layer])
			e->act_hi[layer] = hi;
		pthread_mutex_unlock(&e->mu);
	}
	if (c->job != NULL)
		for (int i = 0; i < c->job->nitems; i++) {
			const struct job_item *it = &c->job->items[i];
			if (it->layer == layer && perturb_kind_is_activation(it->p.kind))
				perturb_quantize_activations(out, n, (int)it->p.level,
				    e->act_lo[layer], e->act_hi[layer]);
		}
}

struct batch_counts {
	long correct, topk_correct, labelled, n10, n01, agree;
	long det_ref, det_test, det_matched;
	double det_iou_sum;
	double kl;
	double decode_seconds, infer_seconds;
};

/* The batch's input: from the prefix cache, the cached images or, past
 * those, decoded again here into the worker's own buffer (workers decode
 * in parallel, each its own batch).  NULL with *cause when an image
 * changed since it was loaded. */
static const float *batch_input(struct worker *w, int from, int start, int m, struct batch_counts *bc,
    char **cause)
{
	struct engine *e = w->e;
	const struct dataset *d = e->data;
	size_t insize = backend_layer_size(w->net, from - 1);
	if (from == 0 && start + m > dataset_cached(d)) {
		double t0 = thread_cpu_seconds();
		if (dataset_fetch(d, start, m, w->inbuf, cause) != 0)
			return NULL;
		if (m < e->batch)	/* a short last batch: pad with zeros */
			memset(w->inbuf + (size_t)m * insize, 0, (size_t)(e->batch - m) * insize * sizeof(float));
		bc->decode_seconds = thread_cpu_seconds() - t0;
		return w->inbuf;
	}
	const float *src = from == 0 ? d->x + (size_t)start * insize : e->cache[from - 1] + (size_t)start * insize;
	if (m == e->batch)
		return src;
	memset(w->inbuf, 0, (size_t)e->batch * insize * sizeof(float));
	memcpy(w->inbuf, src, (size_t)m * insize * sizeof(float));
	return w->inbuf;
}

static int batch_run(struct worker *w, struct job *job, int b, struct batch_counts *bc, char **cause)
{
	struct engine *e = w->e;
	const struct dataset *d = e->data;
	int start = b * e->batch, m = d->count - start < e->batch ? d->count - start : e->batch;
	int from = job->from;
	memset(bc, 0, sizeof *bc);
	const float *in = batch_input(w, from, start, m, bc, cause);
	if (in == NULL)
		return -1;
	double t0 = thread_cpu_seconds();
	const int *refs = from > 0 ? e->cut_refs[from] : NULL;
	int nrefs = from > 0 ? e->cut_nrefs[from] : 0;
	for (int r = 0; r < nrefs; r++) {
		size_t sz = backend_layer_size(w->net, refs[r]);
		memcpy(backend_layer_output(w->net, refs[r]), e->cache[refs[r]] + (size_t)start * sz,
		    (size_t)m * sz * sizeof(float));
	}
	struct hook_ctx hc = { e, job->baseline ? NULL : job, start, m, job->baseline };
	int hooks = job->baseline;
	for (int i = 0; i < job->nitems && !hooks; i++)
		hooks = perturb_kind_is_activation(job->items[i].p.kind);
	const float *out = backend_forward_from(w->net, from, in, hooks ? layer_hook : NULL, &hc);

	if (job->baseline)	/* keep the prefix activations for later jobs */
		for (int l = 0; l < e->model->n; l++)
			if (e->cache[l] != NULL) {
				size_t sz = backend_layer_size(w->net, l);
				memcpy(e->cache[l] + (size_t)start * sz, backend_layer_output(w->net, l),
				    (size_t)m * sz * sizeof(float));
			}
	if (e->det != NULL) {	/* a detector: boxes now, counted under the lock */
		det_boxes(e->det, &w->det, w->net, start, m);
		bc->labelled = det_state_labelled(e->det) ? m : 0;
		if (!job->baseline)
			det_agree_batch(e->det, &w->det, start, m, &bc->det_ref, &bc->det_test, &bc->det_matched,
			    &bc->det_iou_sum);
		bc->infer_seconds = thread_cpu_seconds() - t0;
		return 0;
	}
	for (int i = 0; i < m; i++) {
		const float *row = out + (size_t)i * e->classes;
		int idx = start + i, label = d->labels[idx];
		/* Darknet's validate_classifier: top_k over the data's classes,
		 * top-1 is its first entry, a top-k hit is the label in the list */
		engine_top_k(row, d->classes, d->topk, w->top);
		int pred = w->top[0], hit = 0;
		for (int j = 0; j < d->topk; j++)
			hit |= w->top[j] == label;
		int right = label >= 0 && pred == label;
		const float *p = row;
		if (!e->out_is_prob) {
			softmax_row(row, e->classes, w->prob);
			p = w->prob;
		}
		if (label >= 0) {
			bc->labelled++;
			bc->correct += right;
			bc->topk_correct += hit;
		}
		if (job->baseline) {
			e->base_pred[idx] = pred;
			e->base_correct[idx] = (unsigned char)right;
			memcpy(e->base_prob + (size_t)idx * e->classes, p, (size_t)e->classes * sizeof(float));
			bc->agree++;
			continue;
		}
		w->pred[i] = pred;
		bc->agree += pred == e->base_pred[idx];
		bc->n10 += e->base_correct[idx] && !right;
		bc->n01 += !e->base_correct[idx] && right;
		const float *q = e->base_prob + (size_t)idx * e->classes;
		double kl = 0;
		for (int k = 0; k < e->classes; k++)
			if (q[k] > 0)
				kl += q[k] * (log((double)q[k]) - log(fmax((double)p[k], 1e-30)));
		bc->kl += kl;
	}
	bc->infer_seconds = thread_cpu_seconds() - t0;
	return 0;
}

/* ---- workers and dispatcher -------------------------------------------------------- */

static void snapshot(struct engine *e, struct job *j)
{
	free(e->latest.error);
	e->latest = j->prog;
	e->latest.error = j->prog.error ? xstrdup(j->prog.error) : NULL;
}

/* Adaptive mode: enough images and a narrow enough interval. */
static int adaptive_done(const struct job *j)
{
	if (j->eps <= 0 || j->prog.detector || j->prog.done < j->min_images)
		return 0;
	double drop, lo, hi;
	progress_drop(&j->prog, &drop, &lo, &hi);
	return (hi - lo) / 2 < j->eps;
}

/* With e->mu held, after j changed: the snapshot the UI reads, the waiters
 * and the wake-up pipe learn of it (a baseline job only wakes when `always`).
 * Whether to wake is decided under the lock, since j may be freed once it
 * is dropped; returns with e->mu held again. */
static void publish(struct engine *e, struct job *j, int always)
{
	int wake = always || !j->baseline;
	if (e->det != NULL && !j->prog.finished)
		det_snapshot(e->det, &j->prog.det, j->prog.done, j->baseline, 0, 0);
	if (!j->baseline)
		snapshot(e, j);
	pthread_cond_broadcast(&e->cv_done);
	pthread_mutex_unlock(&e->mu);
	if (wake)
		post_wake(e);
	pthread_mutex_lock(&e->mu);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct engine *e = w->e;
	pthread_mutex_lock(&e->mu);
	while (!e->quit) {
		struct job *j = e->cur;
		if (j == NULL || j->stop || j->next >= j->nbatches) {
			pthread_cond_wait(&e->cv_work, &e->mu);
			continue;
		}
		int b = j->order[j->next++];
		j->inflight++;
		pthread_mutex_unlock(&e->mu);

		struct batch_counts bc;
		char *cause = NULL;
		int failed = batch_run(w, j, b, &bc, &cause) != 0;

		pthread_mutex_lock(&e->mu);
		if (failed) {	/* the job ends with the first error; its counts stay partial */
			if (j->prog.error == NULL)
				j->prog.error = cause;
			else
				free(cause);
			j->stop = 1;
			j->inflight--;
			publish(e, j, 1);
			continue;
		}
		int m = e->data->count - b * e->batch < e->batch ? e->data->count - b * e->batch : e->batch;
		struct engine_progress *p = &j->prog;
		p->done += m;
		p->correct += bc.correct;
		p->topk_correct += bc.topk_correct;
		p->labelled += bc.labelled;
		p->n10 += bc.n10;
		p->n01 += bc.n01;
		p->agree += bc.agree;
		p->kl_sum += bc.kl;
		p->det.ref += bc.det_ref;
		p->det.test += bc.det_test;
		p->det.matched += bc.det_matched;
		p->det.iou_sum += bc.det_iou_sum;
		if (e->det != NULL)
			det_commit(e->det, &w->det, b * e->batch, m, j->baseline);
		else if (!j->baseline)
			memcpy(e->job_pred + (size_t)b * e->batch, w->pred, (size_t)m * sizeof *w->pred);
		p->decode_seconds += bc.decode_seconds;
		p->infer_seconds += bc.infer_seconds;
		j->batch_kl[b] = bc.kl;
		p->seconds = now_seconds() - j->t0;
		if (p->first_seconds == 0)
			p->first_seconds = p->seconds;
		j->inflight--;
		j->batches_done++;
		if (!j->baseline && adaptive_done(j)) {
			j->stop = 1;
			p->stopped_early = 1;
		}
		publish(e, j, 0);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

static struct weight_tensor *master_tensor(struct engine *e, int layer)
{
	return (struct weight_tensor *)&e->model->layers[layer].wt;
}

static int job_apply(struct engine *e, struct job *j, char **cause)
{
	for (int i = 0; i < j->nitems; i++) {
		struct job_item *it = &j->items[i];
		if (perturb_apply_layer(&it->p, e->model, it->layer, e->weights_name, master_tensor(e, it->layer),
		    &j->undo[i], cause) != 0) {
			while (--i >= 0)
				perturb_restore(master_tensor(e, j->items[i].layer), &j->undo[i]);
			return -1;
		}
	}
	return 0;
}

/* Restores in reverse order (several items may touch one layer) and checks the
 * bits came back: a failed restore would silently poison every later result. */
static void job_restore(struct engine *e, struct job *j)
{
	for (int i = j->nitems - 1; i >= 0; i--)
		perturb_restore(master_tensor(e, j->items[i].layer), &j->undo[i]);
	for (int i = 0; i < j->nitems; i++) {
		int l = j->items[i].layer;
		const struct weight_tensor *a = master_tensor(e, l), *p = &e->pristine[l];
		if (memcmp(a->weights, p->weights, a->nweights * sizeof(float)) != 0 ||
		    memcmp(a->biases, p->biases, (size_t)a->filters * sizeof(float)) != 0) {
			fprintf(stderr, "safer: internal error: layer %d not restored bit-identically\n", l);
			abort();
		}
	}
}

static void *dispatcher_main(void *arg)
{
	struct engine *e = arg;
	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (e->pending == NULL && !e->quit)
			pthread_cond_wait(&e->cv_dispatch, &e->mu);
		if (e->quit)
			break;
		struct job *j = e->pending;
		e->pending = NULL;
		pthread_mutex_unlock(&e->mu);

		char *cause = NULL;
		int ok = job_apply(e, j, &cause) == 0;
		pthread_mutex_lock(&e->mu);
		struct job *old = e->cur;
		e->cur = j;
		job_free(old);
		if (e->det != NULL && !j->baseline)
			det_job_start(e->det);
		if (!j->baseline)	/* a new job: no image evaluated yet */
			for (int i = 0; i < e->data->count; i++)
				e->job_pred[i] = -1;
		j->t0 = now_seconds();
		if (!ok) {
			j->prog.error = cause;
			j->prog.finished = 1;
			snapshot(e, j);
			pthread_mutex_unlock(&e->mu);
			post_wake(e);
			pthread_mutex_lock(&e->mu);
			continue;
		}
		pthread_cond_broadcast(&e->cv_work);
		while (!(j->stop || j->batches_done == j->nbatches) && e->pending == NULL && !e->quit)
			pthread_cond_wait(&e->cv_done, &e->mu);
		if (j->batches_done < j->nbatches)
			j->stop = 1;
		while (j->inflight > 0)
			pthread_cond_wait(&e->cv_done, &e->mu);
		pthread_mutex_unlock(&e->mu);

		job_restore(e, j);

		pthread_mutex_lock(&e->mu);
		if (j->batches_done == j->nbatches || j->prog.stopped_early) {
			j->prog.finished = 1;
			double kl = 0;	/* in batch order: the same sum whatever the thread timing */
			for (int b = 0; b < j->nbatches; b++)
				kl += j->batch_kl[b];
			j->prog.kl_sum = kl;
		} else {
			j->prog.cancelled = 1;
		}
		if (e->det != NULL)
			det_snapshot(e->det, &j->prog.det, j->prog.done, j->baseline, 1, 1);
		j->prog.seconds = now_seconds() - j->t0;
		publish(e, j, 1);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* ---- jobs ------------------------------------------------------------------------------ */

static struct job *job_new(struct engine *e, const struct engine_job *spec, int baseline, char **cause)
{
	int from = e->model->n;
	for (int i = 0; i < spec->nitems; i++) {
		int l = spec->items[i].layer;
		if (l < 0 || l >= e->model->n) {
			*cause = xasprintf("layer %d does not exist (the network has layers 0..%d)", l, e->model->n - 1);
			return NULL;
		}
		if (!e->model->layers[l].has_weights) {
			*cause = xasprintf("layer %d (%s) has no weights to perturb", l, e->model->layers[l].kind_name);
			return NULL;
		}
		from = l < from ? l : from;
	}
	if (baseline || spec->nitems == 0)
		from = 0;
	while (from > 0 && !e->cut_ok[from])
		from--;
	struct job *j = xcalloc(1, sizeof *j);
	j->nitems = spec->nitems;
	j->items = xmalloc((size_t)(j->nitems ? j->nitems : 1) * sizeof *j->items);
	if (j->nitems > 0)
		memcpy(j->items, spec->items, (size_t)j->nitems * sizeof *j->items);
	j->undo = xcalloc((size_t)(j->nitems ? j->nitems : 1), sizeof *j->undo);
	j->eps = spec->adaptive_eps;
	j->min_images = spec->min_images > 0 ? spec->min_images : DEFAULT_MIN_IMAGES;
	j->from = from;
	j->baseline = baseline;
	j->nbatches = e->nbatches;
	j->order = xmalloc((size_t)e->nbatches * sizeof *j->order);
	j->batch_kl = xcalloc((size_t)e->nbatches, sizeof *j->batch_kl);
	for (int b = 0; b < e->nbatches; b++)
		j->order[b] = b;
	if (!spec->exact_order && !baseline) {
		/* a fixed shuffle, so early estimates do not see one class first in sorted lists */
		struct rng r;
		rng_seed(&r, 0x5afe5afeULL);
		for (int b = e->nbatches - 1; b > 0; b--) {
			int k = (int)rng_below(&r, (uint64_t)b + 1), t = j->order[b];
			j->order[b] = j->order[k];
			j->order[k] = t;
		}
	}
	j->prog.total = e->data->count;
	j->prog.detector = e->det != NULL;
	return j;
}

uint64_t engine_submit(struct engine *e, const struct engine_job *spec, char **cause)
{
	struct job *j = job_new(e, spec, 0, cause);
	if (j == NULL)
		return 0;
	pthread_mutex_lock(&e->mu);
	j->id = j->prog.job = ++e->next_id;
	job_free(e->pending);	/* a job superseded before it started never runs */
	e->pending = j;
	if (e->cur)
		e->cur->stop = 1;
	pthread_cond_broadcast(&e->cv_dispatch);
	pthread_cond_broadcast(&e->cv_done);
	pthread_mutex_unlock(&e->mu);
	return j->id;
}

void engine_cancel(struct engine *e)
{
	pthread_mutex_lock(&e->mu);
	job_free(e->pending);
	e->pending = NULL;
	if (e->cur)
		e->cur->stop = 1;
	pthread_cond_broadcast(&e->cv_done);
	pthread_mutex_unlock(&e->mu);
}

uint64_t engine_poll(struct engine *e, struct engine_progress *out)
{
	pthread_mutex_lock(&e->mu);
	*out = e->latest;
	out->error = e->latest.error ? xstrdup(e->latest.error) : NULL;
	pthread_mutex_unlock(&e->mu);
	return out->job;
}

int engine_run(struct engine *e, const struct engine_job *spec, struct engine_progress *out,
    volatile sig_atomic_t *interrupt, char **cause)
{
	uint64_t id = engine_submit(e, spec, cause);
	if (id == 0)
		return -1;
	pthread_mutex_lock(&e->mu);
	for (;;) {
		if (e->latest.job == id && (e->latest.finished || e->latest.cancelled))
			break;
		if (interrupt && *interrupt && e->cur && e->cur->id == id && !e->cur->stop) {
			e->cur->stop = 1;
			pthread_cond_broadcast(&e->cv_done);	/* the dispatcher may wait with no batch in flight */
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000L;	/* wake now and then to notice *interrupt */
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&e->cv_done, &e->mu, &ts);
	}
	*out = e->latest;
	out->error = NULL;
	int rc = 0;
	if (e->latest.error) {
		*cause = xstrdup(e->latest.error);
		rc = -1;
	}
	pthread_mutex_unlock(&e->mu);
	return rc;
}

/* ---- background tasks ------------------------------------------------------------------ */

static void *task_main(void *arg)
{
	struct engine_task *t = arg;
	int rc = t->fn(t->arg, &t->stop);
	pthread_mutex_lock(&t->e->mu);
	t->rc = rc;
	t->done = 1;
	pthread_mutex_unlock(&t->e->mu);
	char c = 1;
	while (write(t->fd[1], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

struct engine_task *engine_task_start(struct engine *e, engine_task_fn fn, void *arg, char **cause)
{
	struct engine_task *t = xcalloc(1, sizeof *t);
	t->e = e;
	t->fn = fn;
	t->arg = arg;
	if (pipe(t->fd) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		free(t);
		return NULL;
	}
	fcntl(t->fd[0], F_SETFL, fcntl(t->fd[0], F_GETFL) | O_NONBLOCK);
	pthread_mutex_lock(&e->mu);
	int err = pthread_create(&t->thread, NULL, task_main, t);
	if (err == 0) {
		t->next = e->tasks;
		e->tasks = t;
	}
	pthread_mutex_unlock(&e->mu);
	if (err != 0) {
		*cause = xasprintf("cannot start a thread: %s", strerror(err));
		close(t->fd[0]);
		close(t->fd[1]);
		free(t);
		return NULL;
	}
	return t;
}

int engine_task_fd(const struct engine_task *t)
{
	return t->fd[0];
}

int engine_task_done(const struct engine_task *t)
{
	pthread_mutex_lock(&t->e->mu);
	int done = t->done;
	pthread_mutex_unlock(&t->e->mu);
	return done;
}

int engine_task_wait(struct engine_task *t)
{
	struct engine *e = t->e;
	pthread_join(t->thread, NULL);
	pthread_mutex_lock(&e->mu);
	for (struct engine_task **p = &e->tasks; *p != NULL; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	pthread_mutex_unlock(&e->mu);
	int rc = t->rc;
	close(t->fd[0]);
	close(t->fd[1]);
	free(t);
	return rc;
}

int engine_task_cancel(struct engine_task *t)
{
	t->stop = 1;
	return engine_task_wait(t);
}

/* ---- setup ----------------------------------------------------------------------------- */

static void keep_pristine(struct engine *e)
{
	e->pristine = xcalloc((size_t)e->model->n, sizeof *e->pristine);
	for (int l = 0; l < e->model->n; l++) {
		const struct weight_tensor *t = &e->model->layers[l].wt;
		if (!e->model->layers[l].has_weights)
			continue;
		struct weight_tensor *p = &e->pristine[l];
		*p = *t;
		p->weights = xdup_floats(t->weights, t->nweights);
		p->biases = xdup_floats(t->biases, (size_t)t->filters);
		p->scales = xdup_floats(t->scales, (size_t)t->filters);
		p->rolling_mean = xdup_floats(t->rolling_mean, (size_t)t->filters);
		p->rolling_variance = xdup_floats(t->rolling_variance, (size_t)t->filters);
	}
}

/* Chooses the cut layers whose inputs fit in the cache, latest cuts first
 * (they save the most recomputation). */
static void plan_cache(struct engine *e, size_t budget)
{
	int n = e->model->n;
	e->cache = xcalloc((size_t)n, sizeof *e->cache);
	e->cut_ok = xcalloc((size_t)n, 1);
	e->cut_refs = xcalloc((size_t)n, sizeof *e->cut_refs);
	e->cut_nrefs = xcalloc((size_t)n, sizeof *e->cut_nrefs);
	e->cut_ok[0] = 1;
	unsigned char *want = xcalloc((size_t)n, 1);
	/* a cut at k reads at most the k layers before it, plus its input */
	int *refs = xmalloc((size_t)n * sizeof *refs + sizeof *refs);
	size_t used = 0, per_image;
	for (int k = n - 1; k > 0; k--) {
		if (!e->model->layers[k].has_weights)
			continue;
		int nbefore = backend_needed_before(e->master, k, refs, k), nrefs = nbefore;
		refs[nrefs++] = k - 1;
		per_image = 0;
		for (int r = 0; r < nrefs; r++)
			if (!want[refs[r]])
				per_image += backend_layer_size(e->master, refs[r]) * sizeof(float);
		size_t cost = per_image * (size_t)e->data->count;
		if (used + cost > budget)
			continue;
		used += cost;
		e->cut_ok[k] = 1;
		for (int r = 0; r < nrefs; r++)
			want[refs[r]] = 1;
		e->cut_nrefs[k] = nbefore;
		e->cut_refs[k] = xmalloc((size_t)(nbefore ? nbefore : 1) * sizeof *refs);
		memcpy(e->cut_refs[k], refs, (size_t)nbefore * sizeof *refs);
	}
	free(refs);
	for (int l = 0; l < n; l++)
		if (want[l])
			e->cache[l] = xmalloc(backend_layer_size(e->master, l) * (size_t)e->data->count * sizeof(float));
	free(want);
}

static int last_is_softmax(const struct model *m)
{
	int l = m->n - 1;
	while (l > 0 && m->layers[l].kind == LAYER_COST)
		l--;
	return m->layers[l].kind == LAYER_SOFTMAX;
}

static int run_baseline(struct engine *e, char **cause)
{
	struct engine_job spec = { 0 };
	struct job *j = job_new(e, &spec, 1, cause);
	if (j == NULL)
		return -1;
	pthread_mutex_lock(&e->mu);
	j->id = ++e->next_id;
	e->pending = j;
	pthread_cond_broadcast(&e->cv_dispatch);
	while (!(e->cur == j && (j->prog.finished || j->prog.cancelled)))
		pthread_cond_wait(&e->cv_done, &e->mu);
	e->baseline = j->prog;
	e->baseline.error = NULL;
	int rc = 0;
	if (j->prog.error) {
		*cause = xstrdup(j->prog.error);
		rc = -1;
	}
	pthread_mutex_unlock(&e->mu);
	return rc;
}

/* Darknet's buffers for one worker's batch, by cfgcheck's estimate (about
 * three times what a pass touches): 32 images of a 28x28 network take a few
 * MiB, of an ImageNet-size one tens of GiB.  At that size a product per
 * image is already large, so fewer images per pass lose nothing. */
#define BATCH_BUDGET (768.0 * 1024 * 1024)

/* engine_config.batch 0: DEFAULT_BATCH, or fewer when that passes BATCH_BUDGET. */
static int default_batch(const char *cfg_path)
{
	struct cfg_info info;
	char *cause = NULL;
	if (cfgcheck_file(cfg_path, &info, &cause) != 0) {
		free(cause);	/* backend_load reports it */
		return DEFAULT_BATCH;
	}
	double b = BATCH_BUDGET / (info.est_image > 0 ? info.est_image : 1);
	cfg_info_free(&info);
	return b < 1 ? 1 : b > DEFAULT_BATCH ? DEFAULT_BATCH : (int)b;
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

struct engine *engine_new(const char *cfg_path, const char *weights_path, const struct dataset *data,
    const struct engine_config *cfg, char **cause)
{
	struct engine *e = xcalloc(1, sizeof *e);
	e->data = data;
	e->weights_name = xstrdup(weights_path ? weights_path : cfg_path);
	e->batch = cfg->batch > 0 ? cfg->batch : default_batch(cfg_path);
	e->nworkers = cfg->threads > 0 ? cfg->threads : online_cpus();
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv_work, NULL);
	pthread_cond_init(&e->cv_done, NULL);
	pthread_cond_init(&e->cv_dispatch, NULL);
	e->wake[0] = e->wake[1] = -1;
	if (pipe(e->wake) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		goto fail;
	}
	for (int i = 0; i < 2; i++)
		fcntl(e->wake[i], F_SETFL, fcntl(e->wake[i], F_GETFL) | O_NONBLOCK);
	e->master = backend_load(cfg_path, weights_path, e->batch, cause);
	if (e->master == NULL)
		goto fail;
	e->model = backend_model(e->master);
	struct shape in = e->model->input;
	if (in.w != data->shape.w || in.h != data->shape.h || in.c != data->shape.c) {
		*cause = xasprintf("%s: network input %dx%dx%d does not match the data (%dx%dx%d)", cfg_path,
		    in.w, in.h, in.c, data->shape.w, data->shape.h, data->shape.c);
		goto fail;
	}
	e->classes = e->model->outputs;
	if (backend_is_detector(e->master) != data->detection) {
		*cause = data->detection
		    ? xasprintf("%s: not a detector, but the data is a detection set", cfg_path)
		    : xasprintf("%s: a detector needs a detection data set (--data FILE.data with valid= and "
			"names=; the label files are found as Darknet finds them)", cfg_path);
		goto fail;
	}
	if (data->detection) {
		e->classes = backend_det_classes(e->master);
		if (data->classes != e->classes) {
			*cause = xasprintf("%s: the detector has %d classes but %s names %d", cfg_path, e->classes,
			    data->source, data->classes);
			goto fail;
		}
		struct det_params dp = {
			.thresh = cfg->det_thresh > 0 ? cfg->det_thresh : .005f,
			.nms = cfg->det_nms < 0 ? 0 : cfg->det_nms > 0 ? cfg->det_nms : .45f,
			.show = cfg->det_show > 0 ? cfg->det_show : .25f,
			.interp = cfg->det_voc ? DET_VOC_ALL : DET_COCO101,
			.rounds = cfg->det_rounds > 0 ? cfg->det_rounds : 200,
			.seed = cfg->seed ? cfg->seed : 1,
			.keep = cfg->det_keep,
		};
		e->det = det_state_new(data, e->classes, &dp);
		e->det_voc = cfg->det_voc;
	}
	if (data->classes > e->classes) {
		*cause = xasprintf("%s: the network has %d outputs but the data has %d classes", cfg_path,
		    e->classes, data->classes);
		goto fail;
	}
	e->out_is_prob = last_is_softmax(e->model);
	e->nbatches = (data->count + e->batch - 1) / e->batch;
	openblas_set_num_threads(1);	/* our workers are the parallelism; OpenBLAS's would fight them */
	keep_pristine(e);
	plan_cache(e, cfg->cache_mb << 20);
	e->act_lo = xmalloc((size_t)e->model->n * sizeof *e->act_lo);
	e->act_hi = xmalloc((size_t)e->model->n * sizeof *e->act_hi);
	for (int l = 0; l < e->model->n; l++) {
		e->act_lo[l] = INFINITY;
		e->act_hi[l] = -INFINITY;
	}
	e->base_pred = xmalloc((size_t)data->count * sizeof *e->base_pred);
	e->job_pred = xmalloc((size_t)data->count * sizeof *e->job_pred);
	for (int i = 0; i < data->count; i++)
		e->job_pred[i] = -1;
	e->base_correct = xmalloc((size_t)data->count);
	e->base_prob = xmalloc((size_t)data->count * (e->det ? 1 : e->classes) * sizeof *e->base_prob);
	e->workers = xcalloc((size_t)e->nworkers, sizeof *e->workers);
	size_t maxin = backend_layer_size(e->master, -1);
	for (int l = 0; l < e->model->n; l++)
		if (backend_layer_size(e->master, l) > maxin)
			maxin = backend_layer_size(e->master, l);
	for (int i = 0; i < e->nworkers; i++) {
		struct worker *w = &e->workers[i];
		w->e = e;
		w->net = backend_clone_shared(e->master, cause);
		if (w->net == NULL)
			goto fail;
		if (!cfg->stock)
			backend_use_blas(w->net);
		w->inbuf = xmalloc(maxin * (size_t)e->batch * sizeof *w->inbuf);
		w->prob = xmalloc((size_t)e->classes * sizeof *w->prob);
		w->top = xmalloc((size_t)data->topk * sizeof *w->top);
		w->pred = xmalloc((size_t)e->batch * sizeof *w->pred);
		det_worker_init(&w->det, e->batch);
	}
	for (int i = 0; i < e->nworkers; i++)
		pthread_create(&e->workers[i].thread, NULL, worker_main, &e->workers[i]);
	pthread_create(&e->dispatcher, NULL, dispatcher_main, e);
	if (run_baseline(e, cause) != 0)
		goto fail;
	return e;
fail:
	engine_free(e);
	return NULL;
}

void engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	while (e->tasks != NULL)
		engine_task_cancel(e->tasks);
	pthread_mutex_lock(&e->mu);
	e->quit = 1;
	if (e->cur)
		e->cur->stop = 1;
	pthread_cond_broadcast(&e->cv_work);
	pthread_cond_broadcast(&e->cv_done);
	pthread_cond_broadcast(&e->cv_dispatch);
	pthread_mutex_unlock(&e->mu);
	if (e->workers) {
		for (int i = 0; i < e->nworkers; i++)
			if (e->workers[i].thread)
				pthread_join(e->workers[i].thread, NULL);
		if (e->dispatcher)
			pthread_join(e->dispatcher, NULL);
		for (int i = 0; i < e->nworkers; i++) {
			backend_free(e->workers[i].net);
			free(e->workers[i].inbuf);
			free(e->workers[i].prob);
			free(e->workers[i].top);
			free(e->workers[i].pred);
			det_worker_free(&e->workers[i].det);
		}
	}
	/* a job stopped by quit may still hold perturbed weights */
	if (e->cur && e->master)
		for (int i = e->cur->nitems - 1; i >= 0; i--)
			if (e->cur->undo[i].active)
				perturb_restore(master_tensor(e, e->cur->items[i].layer), &e->cur->undo[i]);
	job_free(e->cur);
	job_free(e->pending);
	free(e->workers);
	if (e->model && e->cache)
		for (int l = 0; l < e->model->n; l++)
			free(e->cache[l]);
	if (e->model && e->pristine)
		for (int l = 0; l < e->model->n; l++) {
			free(e->pristine[l].weights);
			free(e->pristine[l].biases);
			free(e->pristine[l].scales);
			free(e->pristine[l].rolling_mean);
			free(e->pristine[l].rolling_variance);
		}
	free(e->pristine);
	free(e->cache);
	free(e->cut_ok);
	if (e->model && e->cut_refs)
		for (int l = 0; l < e->model->n; l++)
			free(e->cut_refs[l]);
	free(e->cut_refs);
	free(e->cut_nrefs);
	free(e->act_lo);
	free(e->act_hi);
	free(e->base_pred);
	free(e->job_pred);
	free(e->base_correct);
	free(e->base_prob);
	det_state_free(e->det);
	free(e->latest.error);
	backend_free(e->master);
	for (int i = 0; i < 2; i++)
		if (e->wake[i] >= 0)
			close(e->wake[i]);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv_work);
	pthread_cond_destroy(&e->cv_done);
	pthread_cond_destroy(&e->cv_dispatch);
	free(e->weights_name);
	free(e);
}

/* ---- accessors and derived numbers ---------------------------------------------------- */

const struct model *engine_model(const struct engine *e) { return e->model; }
int engine_threads(const struct engine *e) { return e->nworkers; }
int engine_batch(const struct engine *e) { return e->batch; }
const struct weight_tensor *engine_pristine(const struct engine *e, int layer) { return &e->pristine[layer]; }
const struct engine_progress *engine_baseline(const struct engine *e) { return &e->baseline; }

int engine_start_layer(const struct engine *e, int layer)
{
	while (layer > 0 && !e->cut_ok[layer])
		layer--;
	return layer;
}

int engine_detector(const struct engine *e)
{
	return e->det != NULL;
}

const char *engine_metric_label(const struct engine *e)
{
	return e->det == NULL ? "top-1" : "mAP@.5";
}

const char *engine_metric(const struct engine *e)
{
	return e->det == NULL ? "top1" : e->det_voc ? "map50_voc" : "map50";
}

void engine_det_map(struct engine *e, int baseline, struct det_map *out)
{
	pthread_mutex_lock(&e->mu);
	det_state_map(e->det, baseline, out);
	pthread_mutex_unlock(&e->mu);
}

const struct det_pred *engine_det_boxes(struct engine *e, int baseline, int i, int *n)
{
	pthread_mutex_lock(&e->mu);
	const struct det_pred *b = det_state_boxes(e->det, baseline, i, n);
	pthread_mutex_unlock(&e->mu);
	return b;
}

int engine_det_boxes_copy(struct engine *e, int baseline, int i, float min_prob, struct det_pred **out)
{
	int n = -1, k = 0;
	*out = NULL;
	if (e->det == NULL || i < 0 || i >= e->data->count)
		return -1;
	pthread_mutex_lock(&e->mu);
	const struct det_pred *b = det_state_boxes(e->det, baseline, i, &n);
	if (b == NULL || (!baseline && !det_state_done(e->det, i))) {
		n = -1;
	} else {
		*out = n ? xmalloc((size_t)n * sizeof **out) : NULL;
		for (int j = 0; j < n; j++)
			if (b[j].prob >= min_prob)
				(*out)[k++] = b[j];
		n = k;
	}
	pthread_mutex_unlock(&e->mu);
	if (n <= 0) {
		free(*out);
		*out = NULL;
	}
	return n;
}

int engine_preds_copy(struct engine *e, int baseline, int *out)
{
	if (e->det != NULL)
		return -1;
	pthread_mutex_lock(&e->mu);
	memcpy(out, baseline ? e->base_pred : e->job_pred, (size_t)e->data->count * sizeof *out);
	pthread_mutex_unlock(&e->mu);
	return e->data->count;
}

float engine_det_show(const struct engine *e)
{
	return e->det ? det_state_show(e->det) : .25f;
}

int engine_det_agree(struct engine *e, int i, struct det_agree *out)
{
	pthread_mutex_lock(&e->mu);
	int done = det_state_agree(e->det, i, out);
	pthread_mutex_unlock(&e->mu);
	return done;
}

double progress_top1(const struct engine_progress *p)
{
	if (p->detector)
		return p->labelled ? p->det.map50 : NAN;
	return p->labelled ? (double)p->correct / (double)p->labelled : NAN;
}

double progress_topk(const struct engine_progress *p)
{
	if (p->detector)
		return NAN;
	return p->labelled ? (double)p->topk_correct / (double)p->labelled : NAN;
}

void progress_drop(const struct engine_progress *p, double *drop, double *lo, double *hi)
{
	if (p->detector) {	/* in mAP points, the interval from the paired bootstrap */
		*drop = p->labelled ? 100 * (p->det.base_map50 - p->det.map50) : NAN;
		*lo = 100 * p->det.drop_lo;
		*hi = 100 * p->det.drop_hi;
		return;
	}
	stats_paired_drop(p->labelled, p->n10, p->n01, drop, lo, hi);
}

double progress_agree(const struct engine_progress *p)
{
	if (p->detector) {
		struct det_agree a = { p->det.ref, p->det.test, p->det.matched, p->det.iou_sum };
		return p->done ? det_agree_f1(&a) : NAN;
	}
	return p->done ? (double)p->agree / p->done : NAN;
}

double progress_det_iou(const struct engine_progress *p)
{
	struct det_agree a = { p->det.ref, p->det.test, p->det.matched, p->det.iou_sum };
	return p->detector ? det_agree_iou(&a) : NAN;
}

double progress_kl(const struct engine_progress *p)
{
	if (p->detector)
		return NAN;
	double kl = p->done ? p->kl_sum / p->done : NAN;
	return kl < 0 ? 0 : kl;	/* KL >= 0: a negative mean is rounding (-1.4e-08); NaN stays */
}
