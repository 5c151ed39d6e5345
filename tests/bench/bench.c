/* bench.c - `make bench`: safer's engine against stock Darknet, measured side
 * by side in one run.  Each measurement runs in a forked child so that its
 * peak RSS is its own.  Prints a table; see README.md for a recorded run.
 *
 *   bench [--quick] PLAIN.cfg PLAIN.weights [RESNET.cfg RESNET.weights]
 *   bench --big [--quick] NAME CFG WEIGHTS [NAME CFG WEIGHTS ...]
 *   bench --profile CFG WEIGHTS BATCH
 *
 * --big: ImageNet-size networks on seeded random images (speed only): stock
 * network_predict at batch 1 against the engine, and the fast kernels'
 * outputs against network_predict on a few images.  --profile: time per
 * layer of the fast kernels at one batch size.
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/backend.h"
#include "formats/dataset.h"
#include "engine/engine.h"
#include "core/perturb.h"
#include "core/util.h"

#ifndef FMNIST_DIR
#define FMNIST_DIR "/usr/share/datasets/fashion-mnist"
#endif

struct result {
	double v[8];
};

/* Runs fn in a child; returns its doubles and its peak RSS in MiB. */
static int in_child(void (*fn)(void *, struct result *), void *arg, struct result *r, double *rss_mb)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		struct result out;
		memset(&out, 0, sizeof out);
		fn(arg, &out);
		ssize_t w = write(fds[1], &out, sizeof out);
		_exit(w == (ssize_t)sizeof out ? 0 : 1);
	}
	close(fds[1]);
	ssize_t got = read(fds[0], r, sizeof *r);
	close(fds[0]);
	int status;
	struct rusage ru;
	wait4(pid, &status, 0, &ru);
	*rss_mb = ru.ru_maxrss / 1024.0;
	return got == (ssize_t)sizeof *r && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void die(char *cause)
{
	fprintf(stderr, "bench: %s\n", cause);
	exit(2);
}

struct model_arg {
	const char *cfg, *weights;
	int images;
};

static void load_data(const struct model_arg *a, struct dataset *d)
{
	char *cause = NULL;
	struct dataset_options o = { .resize = backend_resize_crop, .limit = a->images };
	struct backend_net *net = backend_load(a->cfg, a->weights, 1, &cause);
	if (net == NULL)
		die(cause);
	struct shape in = backend_model(net)->input;
	backend_free(net);
	if (dataset_load_idx(FMNIST_DIR "/t10k-images-idx3-ubyte.gz", FMNIST_DIR "/t10k-labels-idx1-ubyte.gz",
	    NULL, in, &o, d, &cause) != 0)
		die(cause);
}

/* 1. Stock Darknet: network_predict, batch 1, one thread. */
static void run_stock(void *arg, struct result *r)
{
	const struct model_arg *a = arg;
	struct dataset d;
	load_data(a, &d);
	char *cause = NULL;
	struct backend_net *net = backend_load(a->cfg, a->weights, 1, &cause);
	if (net == NULL)
		die(cause);
	int correct = 0;
	double t0 = now_seconds();
	for (int i = 0; i < d.count; i++) {
		const float *out = backend_predict_stock(net, d.x + (size_t)i * d.image_size);
		int best = 0;
		for (int k = 1; k < d.classes; k++)
			best = out[k] > out[best] ? k : best;
		correct += best == d.labels[i];
	}
	double t = now_seconds() - t0;
	r->v[0] = d.count / t;
	r->v[1] = (double)correct / d.count;
	r->v[2] = 2.0 * (double)backend_model(net)->total_macs * d.count / t / 1e9;
	backend_free(net);
	dataset_free(&d);
}

/* 1. safer's engine, default threads: a full pass (no perturbation, no cache). */
static void run_engine(void *arg, struct result *r)
{
	const struct model_arg *a = arg;
	struct dataset d;
	load_data(a, &d);
	char *cause = NULL;
	struct engine_config ec = { .cache_mb = 0 };
	struct engine *e = engine_new(a->cfg, a->weights, &d, &ec, &cause);
	if (e == NULL)
		die(cause);
	struct engine_job job = { 0 };
	struct engine_progress p;
	double best = 0;
	for (int rep = 0; rep < 3; rep++) {	/* best of three: the machine is shared */
		if (engine_run(e, &job, &p, NULL, &cause) != 0)
			die(cause);
		best = fmax(best, p.done / p.seconds);
	}
	r->v[0] = best;
	r->v[1] = progress_top1(&p);
	r->v[2] = 2.0 * (double)engine_model(e)->total_macs * best / 1e9;
	r->v[3] = engine_threads(e);
	engine_free(e);
	dataset_free(&d);
}

/* 2. The practical ceiling: a large OpenBLAS sgemm with as many threads as the engine. */
static void run_sgemm(void *arg, struct result *r)
{
	(void)arg;
	int n = 2048;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	openblas_set_num_threads((int)(cpus > 0 ? cpus : 1));
	float *a = xmalloc((size_t)n * n * sizeof *a), *b = xmalloc((size_t)n * n * sizeof *b);
	float *c = xmalloc((size_t)n * n * sizeof *c);
	for (size_t i = 0; i < (size_t)n * n; i++)
		a[i] = b[i] = (float)(i % 7) * 0.1f;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
	double best = 0;
	for (int rep = 0; rep < 3; rep++) {
		double t0 = now_seconds();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
		best = fmax(best, 2.0 * n * n * (double)n / (now_seconds() - t0) / 1e9);
	}
	r->v[0] = best;
	r->v[1] = (double)cpus;
	free(a);
	free(b);
	free(c);
}

/* The scan grid of the issue: prune 0.1..0.9 step 0.1 and quant 8,6,4,3,2. */
static int grid_items(const struct model *m, struct job_item *items, int max)
{
	static const double qbits[] = { 8, 6, 4, 3, 2 };
	int n = 0;
	for (int l = 0; l < m->n; l++) {
		if (!m->layers[l].has_weights)
			continue;
		for (int k = 1; k <= 9 && n < max; k++)
			items[n++] = (struct job_item){ l, { PERTURB_PRUNE, k / 10.0, 0.001, 0 } };
		for (int k = 0; k < 5 && n < max; k++)
			items[n++] = (struct job_item){ l, { PERTURB_QUANT, qbits[k], 0.001, 0 } };
	}
	return n;
}

/* 3. The naive loop, libdarknet alone: perturb in place, network_predict every image, restore. */
static void run_naive_scan(void *arg, struct result *r)
{
	const struct model_arg *a = arg;
	struct dataset d;
	load_data(a, &d);
	char *cause = NULL;
	struct backend_net *net = backend_load(a->cfg, a->weights, 1, &cause);
	if (net == NULL)
		die(cause);
	const struct model *m = backend_model(net);
	struct job_item items[2048];
	int n = grid_items(m, items, 2048);
	double t0 = now_seconds();
	for (int i = 0; i < n; i++) {
		struct weight_tensor t = m->layers[items[i].layer].wt;
		struct perturb_undo u = { 0 };
		if (perturb_apply(&items[i].p, &t, &u, &cause) != 0)
			die(cause);
		for (int k = 0; k < d.count; k++)
			backend_predict_stock(net, d.x + (size_t)k * d.image_size);
		perturb_restore(&t, &u);
	}
	r->v[0] = now_seconds() - t0;
	r->v[1] = n;
	backend_free(net);
	dataset_free(&d);
}

/* 3 and 4. The engine on the same grid, exact then adaptive (EPS 0.5 points). */
static void run_engine_scan(void *arg, struct result *r)
{
	const struct model_arg *a = arg;
	struct dataset d;
	load_data(a, &d);
	char *cause = NULL;
	struct engine_config ec = { .cache_mb = 1024 };
	struct engine *e = engine_new(a->cfg, a->weights, &d, &ec, &cause);
	if (e == NULL)
		die(cause);
	struct job_item items[2048];
	int n = grid_items(engine_model(e), items, 2048);
	double exact_drop[2048], t_exact = 0, t_adapt = 0, worst = 0;
	int outside = 0;
	for (int pass = 0; pass < 2; pass++) {
		double t0 = now_seconds();
		for (int i = 0; i < n; i++) {
			struct engine_job job = { .nitems = 1, .items = &items[i], .adaptive_eps = pass ? 0.5 : 0 };
			struct engine_progress p;
			if (engine_run(e, &job, &p, NULL, &cause) != 0)
				die(cause);
			double drop, lo, hi;
			progress_drop(&p, &drop, &lo, &hi);
			if (pass == 0) {
				exact_drop[i] = drop;
				continue;
			}
			worst = fmax(worst, fabs(drop - exact_drop[i]));
			outside += exact_drop[i] < lo || exact_drop[i] > hi;
		}
		*(pass ? &t_adapt : &t_exact) = now_seconds() - t0;
	}
	r->v[0] = t_exact;
	r->v[1] = t_adapt;
	r->v[2] = worst;
	r->v[3] = outside;
	r->v[4] = n;
	engine_free(e);
	dataset_free(&d);
}

static double wait_until(struct engine *e, uint64_t id, int want_finished, double t0)
{
	struct engine_progress p;
	for (;;) {
		memset(&p, 0, sizeof p);
		uint64_t got = engine_poll(e, &p);
		free(p.error);
		if (got == id && (want_finished ? p.finished : p.done > 0))
			return now_seconds() - t0;
		usleep(200);
	}
}

/* 5. Latency from submitting a perturbation to the first estimate and to the exact result. */
static void run_latency(void *arg, struct result *r)
{
	const struct model_arg *a = arg;
	struct dataset d;
	load_data(a, &d);
	char *cause = NULL;
	struct engine_config ec = { .cache_mb = 1024 };
	struct engine *e = engine_new(a->cfg, a->weights, &d, &ec, &cause);
	if (e == NULL)
		die(cause);
	const struct model *m = engine_model(e);
	double first_max = 0, full_max = 0, first_sum = 0, full_sum = 0;
	int runs = 0;
	for (int l = 0; l < m->n; l++) {
		if (!m->layers[l].has_weights)
			continue;
		struct job_item it = { l, { PERTURB_PRUNE, 0.5, 0.001, 0 } };
		struct engine_job job = { .nitems = 1, .items = &it };
		double t0 = now_seconds();
		uint64_t id = engine_submit(e, &job, &cause);
		if (id == 0)
			die(cause);
		double first = wait_until(e, id, 0, t0), full = wait_until(e, id, 1, t0);
		first_max = fmax(first_max, first);
		full_max = fmax(full_max, full);
		first_sum += first;
		full_sum += full;
		runs++;
	}
	r->v[0] = first_sum / runs;
	r->v[1] = first_max;
	r->v[2] = full_sum / runs;
	r->v[3] = full_max;
	r->v[4] = d.count;
	engine_free(e);
	dataset_free(&d);
}


/* ---- ImageNet-size networks (--big, --profile) ------------------------------------ */

struct big_arg {
	const char *cfg, *weights;
	int images;		/* stock and engine runs */
	int check;		/* images in the equality check (one batch) */
};

/* count random images in [0,1) for the network's input, seeded: speed only */
static void random_data(const char *cfg, int count, struct dataset *d)
{
	char *cause = NULL;
	struct backend_net *net = backend_load(cfg, NULL, 1, &cause);
	if (net == NULL)
		die(cause);
	const struct model *m = backend_model(net);
	memset(d, 0, sizeof *d);
	d->count = count;
	d->shape = m->input;
	d->image_size = (size_t)m->input.w * m->input.h * m->input.c;
	d->classes = m->detector ? m->classes : m->outputs;
	d->topk = m->detector ? 1 : 5;
	d->detection = m->detector;
	backend_free(net);
	d->x = xmalloc((size_t)count * d->image_size * sizeof *d->x);
	d->labels = xmalloc((size_t)count * sizeof *d->labels);
	if (d->detection) {	/* images of the network's size, no ground truth */
		d->img_w = xmalloc((size_t)count * sizeof *d->img_w);
		d->img_h = xmalloc((size_t)count * sizeof *d->img_h);
		for (int i = 0; i < count; i++)
			d->img_w[i] = d->shape.w, d->img_h[i] = d->shape.h;
	}
	uint64_t s = 0x2545f4914f6cdd1dull;
	for (size_t i = 0; i < (size_t)count * d->image_size; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		d->x[i] = (float)((s >> 40) / 16777216.0);
	}
	for (int i = 0; i < count; i++)
		d->labels[i] = d->detection ? -1 : i % d->classes;
	d->source = xstrdup("random images");
}

static int argmax(const float *v, int n)
{
	int best = 0;
	for (int k = 1; k < n; k++)
		best = v[k] > v[best] ? k : best;
	return best;
}

/* Stock Darknet as a user runs it: network_predict, batch 1. */
static void run_big_stock(void *arg, struct result *r)
{
	const struct big_arg *a = arg;
	struct dataset d;
	random_data(a->cfg, a->images, &d);
	char *cause = NULL;
	struct backend_net *net = backend_load(a->cfg, a->weights, 1, &cause);
	if (net == NULL)
		die(cause);
	backend_predict_stock(net, d.x);	/* first touch of every buffer */
	struct det_pred *box = NULL;
	int nbox = 0, cap = 0;
	long boxes = 0;
	double t0 = now_seconds(), t_boxes = 0;
	for (int i = 0; i < d.count; i++) {
		backend_predict_stock(net, d.x + (size_t)i * d.image_size);
		if (!d.detection)
			continue;
		/* `darknet detector valid`'s boxes, thresh .005 and NMS .45, as the engine's pass computes them */
		double tb = now_seconds();
		nbox = 0;
		backend_detections(net, 0, d.img_w[i], d.img_h[i], .005f, .45f, &box, &nbox, &cap);
		t_boxes += now_seconds() - tb;
		boxes += nbox;
	}
	double t = now_seconds() - t0;
	free(box);
	r->v[0] = d.count / t;	/* with the boxes of a detector */
	r->v[1] = d.count / (t - t_boxes);	/* network_predict alone */
	r->v[2] = 2.0 * (double)backend_model(net)->total_macs * r->v[1] / 1e9;
	r->v[3] = (double)boxes / d.count;
	backend_free(net);
	dataset_free(&d);
}

/* The engine's full pass (no perturbation, no cache), best of two. */
static void run_big_engine(void *arg, struct result *r)
{
	const struct big_arg *a = arg;
	struct dataset d;
	random_data(a->cfg, a->images, &d);
	char *cause = NULL;
	struct engine_config ec = { .cache_mb = 0 };
	struct engine *e = engine_new(a->cfg, a->weights, &d, &ec, &cause);
	if (e == NULL)
		die(cause);
	struct engine_job job = { 0 };
	struct engine_progress p;
	double best = 0;
	for (int rep = 0; rep < 2; rep++) {
		if (engine_run(e, &job, &p, NULL, &cause) != 0)
			die(cause);
		best = fmax(best, p.done / p.seconds);
	}
	r->v[0] = best;
	r->v[2] = 2.0 * (double)engine_model(e)->total_macs * best / 1e9;
	r->v[3] = engine_threads(e);
	r->v[4] = engine_batch(e);
	engine_free(e);
	dataset_free(&d);
}

/* The fast kernels at the engine's batch size against network_predict on
 * the same batch: largest |difference| of the outputs, top-1 agreement. */
static void run_big_check(void *arg, struct result *r)
{
	const struct big_arg *a = arg;
	struct dataset d;
	random_data(a->cfg, a->check, &d);
	char *cause = NULL;
	struct backend_net *stock = backend_load(a->cfg, a->weights, a->check, &cause);
	if (stock == NULL)
		die(cause);
	struct backend_net *fast = backend_clone_shared(stock, &cause);
	if (fast == NULL)
		die(cause);
	backend_use_blas(fast);
	openblas_set_num_threads(1);
	int classes = backend_model(stock)->outputs, same = 0;
	size_t n = (size_t)a->check * classes;
	float *ref = xmalloc(n * sizeof *ref);
	memcpy(ref, backend_predict_stock(stock, d.x), n * sizeof *ref);
	const float *got = backend_forward_from(fast, 0, d.x, NULL, NULL);
	double worst = 0, scale = 0, rel = 0, head_rel = 0, head_scale = 0;
	for (size_t i = 0; i < n; i++) {
		double diff = fabs((double)ref[i] - got[i]);
		worst = diff > worst || diff != diff ? diff : worst;
		scale = fmax(scale, fabs(ref[i]));
	}
	/* every layer, as the kernel-shape test does: |a - b| / max(1, |a|) */
	const struct model *m = backend_model(stock);
	for (int l = 0; l < m->n; l++) {
		const float *x = backend_layer_output(stock, l), *y = backend_layer_output(fast, l);
		size_t k = backend_layer_size(stock, l) * (size_t)a->check;
		if (m->layers[l].kind == LAYER_DROPOUT || m->layers[l].kind == LAYER_COST)
			continue;
		int head = m->layers[l].kind == LAYER_YOLO || m->layers[l].kind == LAYER_REGION;
		for (size_t i = 0; i < k; i++) {
			double q = fabs((double)x[i] - y[i]) / fmax(1.0, fabs((double)x[i]));
			rel = q > rel || q != q ? q : rel;
			if (head) {
				head_rel = q > head_rel || q != q ? q : head_rel;
				head_scale = fmax(head_scale, fabs(x[i]));
			}
		}
	}
	r->v[3] = rel;
	if (m->detector) {	/* the heads' outputs, not a class vector */
		r->v[0] = head_rel;
		r->v[1] = a->check;
		r->v[2] = head_scale;
		goto done;
	}
	for (int i = 0; i < a->check; i++)
		same += argmax(ref + (size_t)i * classes, classes) == argmax(got + (size_t)i * classes, classes);
	r->v[0] = worst;
	r->v[1] = same;
	r->v[2] = scale;
done:
	free(ref);
	backend_free(fast);
	backend_free(stock);
	dataset_free(&d);
}

static int bench_big(const char *name, const char *cfg, const char *weights, int quick, double ceiling)
{
	char *cause = NULL;
	struct backend_net *net = backend_load(cfg, weights, 1, &cause);
	if (net == NULL) {
		printf("\n== %s: %s\n", name, cause);
		return 1;
	}
	double gmacs = backend_model(net)->total_macs / 1e9;
	int detector = backend_model(net)->detector;
	struct shape in = backend_model(net)->input;
	double in_floats = (double)in.w * in.h * in.c;
	backend_free(net);
	/* ~1 s of stock time per GFLOP and image: fewer images for larger nets */
	int stock_images = (int)fmax(3, (quick ? 10 : 40) / (2 * gmacs));
	/* the engine's images are held in memory: at most 512 MiB of them (yolov3-tiny at 416x416: 2 MiB each) */
	int engine_images = (int)fmin(quick ? 128 : 512, 512.0 * (1 << 20) / (in_floats * sizeof(float)));
	struct big_arg st_arg = { cfg, weights, stock_images, 0 }, en_arg = { cfg, weights, engine_images, 0 };
	struct result st, en, ck;
	double rss_st, rss_en, rss_ck;
	printf("\n== %s (%s, %.2f GFLOP per image)\n", name, cfg, 2 * gmacs);
	if (in_child(run_big_stock, &st_arg, &st, &rss_st) || in_child(run_big_engine, &en_arg, &en, &rss_en)) {
		printf("  inference run failed\n");
		return 1;
	}
	if (detector) {
		printf("1. inference   stock Darknet (batch 1, 1 thread, %d images): network_predict %7.2f images/s  %6.2f GFLOP/s;"
		    " with detector valid's boxes (thresh .005, NMS .45; %.1f per image) %7.2f images/s  RSS %.0f MiB\n",
		    stock_images, st.v[1], st.v[2], st.v[3], st.v[0], rss_st);
		printf("               safer engine, forward and the same boxes (%d threads, batch %d, %d images):  %7.2f images/s"
		    "  %6.2f GFLOP/s  RSS %.0f MiB\n", (int)en.v[3], (int)en.v[4], en_arg.images, en.v[0], en.v[2], rss_en);
		printf("               ratio %.1fx against network_predict with the boxes, %.1fx against network_predict alone"
		    " (target >= 8x)\n", en.v[0] / st.v[0], en.v[0] / st.v[1]);
	} else {
		printf("1. inference   stock Darknet (batch 1, 1 thread, %d images): %7.2f images/s  %6.2f GFLOP/s  RSS %.0f MiB\n",
		    stock_images, st.v[0], st.v[2], rss_st);
		printf("               safer engine (%d threads, batch %d, %d images):  %7.2f images/s  %6.2f GFLOP/s  RSS %.0f MiB\n",
		    (int)en.v[3], (int)en.v[4], en_arg.images, en.v[0], en.v[2], rss_en);
		printf("               ratio %.1fx (target >= 8x)\n", en.v[0] / st.v[0]);
	}
	printf("2. efficiency  %.2f GFLOP/s of %.1f GFLOP/s OpenBLAS sgemm 2048^3 = %.1f%% (target >= 40%%)\n",
	    en.v[2], ceiling, 100 * en.v[2] / ceiling);
	struct big_arg ck_arg = { cfg, weights, 0, (int)en.v[4] };
	if (in_child(run_big_check, &ck_arg, &ck, &rss_ck)) {
		printf("  equality check failed to run\n");
		return 1;
	}
	int ok = ck.v[0] <= 1e-4 && ck.v[3] <= 1e-4 && (int)ck.v[1] == ck_arg.check;
	if (detector) {
		printf("3. equality    fast kernels vs network_predict, %d random images at batch %d: the detection heads'"
		    " largest |difference|/max(1,|stock|) %.2g (outputs up to %.3g); every layer's %.2g: %s\n",
		    ck_arg.check, ck_arg.check, ck.v[0], ck.v[2], ck.v[3], ok ? "ok" : "FAILED");
		return ok ? 0 : 1;
	}
	printf("3. equality    fast kernels vs network_predict, %d random images at batch %d: output largest |difference|"
	    " %.2g (outputs up to %.3g); every layer's largest |difference|/max(1,|stock|) %.2g; same top-1 in %d of %d: %s\n",
	    ck_arg.check, ck_arg.check, ck.v[0], ck.v[2], ck.v[3], (int)ck.v[1], ck_arg.check, ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

struct profile_ctx {
	double t;
	double *per_layer;
};

static void profile_hook(int layer, float *out, size_t n, void *ctx)
{
	(void)out, (void)n;
	struct profile_ctx *p = ctx;
	double t = now_seconds();
	p->per_layer[layer] += t - p->t;
	p->t = t;
}

/* Time per layer of the fast kernels, one thread, best of three passes summed. */
static int profile(const char *cfg, const char *weights, int batch)
{
	char *cause = NULL;
	struct backend_net *net = backend_load(cfg, weights, batch, &cause);
	if (net == NULL)
		die(cause);
	backend_use_blas(net);
	openblas_set_num_threads(1);
	const struct model *m = backend_model(net);
	struct dataset d;
	random_data(cfg, batch, &d);
	double *best = xmalloc((size_t)m->n * sizeof *best), *cur = xcalloc((size_t)m->n, sizeof *cur);
	for (int l = 0; l < m->n; l++)
		best[l] = INFINITY;
	for (int rep = 0; rep < 3; rep++) {
		struct profile_ctx p = { now_seconds(), cur };
		memset(cur, 0, (size_t)m->n * sizeof *cur);
		backend_forward_from(net, 0, d.x, profile_hook, &p);
		for (int l = 0; l < m->n; l++)
			best[l] = fmin(best[l], cur[l]);
	}
	double total = 0, flops = 0;
	for (int l = 0; l < m->n; l++) {
		const struct layer_desc *ld = &m->layers[l];
		double gf = 2.0 * ld->macs * batch / 1e9;
		total += best[l];
		flops += gf;
		printf("%3d %-9s %4dx%4dx%4d -> %4dx%4dx%4d k%d s%d  %8.2f ms  %7.2f GFLOP/s\n", l, ld->kind_name,
		    ld->in.w, ld->in.h, ld->in.c, ld->out.w, ld->out.h, ld->out.c, ld->size, ld->stride,
		    1e3 * best[l], best[l] > 0 ? gf / best[l] : 0);
	}
	printf("total %.1f ms for %d images: %.2f images/s, %.2f GFLOP/s (1 thread)\n", 1e3 * total, batch,
	    batch / total, flops / total);
	free(best);
	free(cur);
	dataset_free(&d);
	backend_free(net);
	return 0;
}

static int main_big(int argc, char **argv)
{
	int quick = argc > 0 && strcmp(argv[0], "--quick") == 0;
	argv += quick;
	argc -= quick;
	if (argc < 3 || argc % 3 != 0) {
		fprintf(stderr, "usage: bench --big [--quick] NAME CFG WEIGHTS [NAME CFG WEIGHTS ...]\n");
		return 2;
	}
	struct result sg;
	double rss;
	if (in_child(run_sgemm, NULL, &sg, &rss) != 0)
		return 1;
	printf("machine: %d CPUs; OpenBLAS sgemm 2048^3 with %d threads: %.1f GFLOP/s (the ceiling below)\n",
	    (int)sg.v[1], (int)sg.v[1], sg.v[0]);
	int bad = 0;
	for (int i = 0; i < argc; i += 3)
		bad |= bench_big(argv[i], argv[i + 1], argv[i + 2], quick, sg.v[0]);
	return bad;
}

static void bench_model(const char *name, const char *cfg, const char *weights, int scan_images, double ceiling)
{
	int quick = scan_images < 2000;
	struct model_arg all = { cfg, weights, 10000 }, small = { cfg, weights, scan_images };
	struct result st, en, nv, es, la;
	double rss_st, rss_en, rss_nv, rss_es, rss_la;
	printf("\n== %s (%s)\n", name, cfg);
	if (in_child(run_stock, quick ? &small : &all, &st, &rss_st) || in_child(run_engine, &all, &en, &rss_en)) {
		printf("  inference run failed\n");
		return;
	}
	printf("1. inference   stock Darknet (batch 1, 1 thread): %8.0f images/s  %6.2f GFLOP/s  top-1 %.4f  RSS %.0f MiB\n",
	    st.v[0], st.v[2], st.v[1], rss_st);
	printf("               safer engine (%d threads):         %8.0f images/s  %6.2f GFLOP/s  top-1 %.4f  RSS %.0f MiB\n",
	    (int)en.v[3], en.v[0], en.v[2], en.v[1], rss_en);
	printf("               ratio %.1fx (target >= 8x)\n", en.v[0] / st.v[0]);
	printf("2. efficiency  %.2f GFLOP/s of %.1f GFLOP/s OpenBLAS sgemm 2048^3 = %.1f%% (target >= 35%%)\n",
	    en.v[2], ceiling, 100 * en.v[2] / ceiling);
	if (in_child(run_engine_scan, &small, &es, &rss_es) || in_child(run_naive_scan, &small, &nv, &rss_nv)) {
		printf("  scan run failed\n");
		return;
	}
	printf("3. scan        %d rows (prune 0.1..0.9, quant 8,6,4,3,2 x all weight layers), %d images, exact\n",
	    (int)es.v[4], small.images);
	printf("               naive libdarknet loop %8.2f s  RSS %.0f MiB\n", nv.v[0], rss_nv);
	printf("               safer engine          %8.2f s  RSS %.0f MiB\n", es.v[0], rss_es);
	printf("               ratio %.1fx (target >= 15x)\n", nv.v[0] / es.v[0]);
	printf("4. adaptive    EPS 0.5: %.2f s vs exact %.2f s = %.1fx faster; largest |drop difference| %.2f points;"
	    " exact drop outside the adaptive 95%% interval in %d of %d rows\n",
	    es.v[1], es.v[0], es.v[0] / es.v[1], es.v[2], (int)es.v[3], (int)es.v[4]);
	if (in_child(run_latency, &all, &la, &rss_la)) {
		printf("  latency run failed\n");
		return;
	}
	printf("5. latency     %d images, prune:0.5 on each weight layer: first estimate mean %.1f ms (max %.1f; target < 100);"
	    " exact result mean %.0f ms (max %.0f; target < 1000)  RSS %.0f MiB\n",
	    (int)la.v[4], 1e3 * la.v[0], 1e3 * la.v[1], 1e3 * la.v[2], 1e3 * la.v[3], rss_la);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--big") == 0)
		return main_big(argc - 2, argv + 2);
	if (argc == 5 && strcmp(argv[1], "--profile") == 0)
		return profile(argv[2], argv[3], atoi(argv[4]));
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	argv += quick;
	argc -= quick;
	if (argc < 3) {
		fprintf(stderr, "usage: bench [--quick] PLAIN.cfg PLAIN.weights [RESNET.cfg RESNET.weights]\n");
		return 2;
	}
	struct result sg;
	double rss;
	if (in_child(run_sgemm, NULL, &sg, &rss) != 0)
		return 1;
	printf("machine: %d CPUs; OpenBLAS sgemm 2048^3 with %d threads: %.1f GFLOP/s (the ceiling below)\n",
	    (int)sg.v[1], (int)sg.v[1], sg.v[0]);
	printf("6. peak memory (RSS) of each run is printed next to it\n");
	bench_model("plain CNN", argv[1], argv[2], quick ? 500 : 2000, sg.v[0]);
	/* the naive loop on the residual CNN runs ~300 images/s, so its scan of
	 * 140 rows x 2,000 images alone takes about 16 minutes; --quick uses 500 */
	if (argc >= 5 && access(argv[4], R_OK) == 0)
		bench_model("residual CNN", argv[3], argv[4], quick ? 500 : 2000, sg.v[0]);
	return 0;
}
