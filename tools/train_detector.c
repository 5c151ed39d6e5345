/* train_detector.c - reproduces the bundled detector: trains a Darknet YOLO cfg on
 * canvases composed from the Fashion-MNIST training images (tools/canvas.c), with
 * libdarknet's own train_network.
 *
 *   safer-train-det CFG OUT.weights ITERATIONS SEED [IDX_DIR]
 *
 * Every iteration (batch x subdivisions images) gets fresh canvases: canvas
 * number it*B+k of the training stream SEED, so the data never repeats and an
 * interrupted run that resumes sees the same data.  Each canvas goes through
 * Darknet's letterbox_image, as `darknet detector valid` does to a file; its
 * boxes become the rows Darknet's fill_truth_detection writes: x y w h class,
 * normalised to the letterboxed network input, at most the yolo layer's 90.
 *
 * Every CKPT_EVERY iterations the weights go to OUT.ckpt (written under a
 * temporary name, fsynced and renamed: an interrupted run never loses it) and
 * are measured on test canvases (stream 1 of the t10k images: the canvases
 * `safer-canvas --seed 1 --split test` writes).  A run finding OUT.ckpt
 * resumes from it (its `seen` count says where); the end writes OUT the same
 * way and removes OUT.ckpt.  Weights are initialised with rand() seeded by
 * SEED; OpenBLAS with one thread (gemm_blas.c). */
#include <darknet.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canvas.h"
#include "core/util.h"
#include "gemm_blas.h"

#ifndef FMNIST_DIR
#define FMNIST_DIR "/usr/share/datasets/fashion-mnist"
#endif

#define PRINT_EVERY 20
#define CKPT_EVERY 250
#define VAL_SEED 1
#define VAL_QUICK 500	/* canvases per periodic measure */
#define VAL_FINAL 1000	/* canvases for the final one */

/* ---- canvases as Darknet sees them ------------------------------------------------ */

static image canvas_image(const struct canvas *c)
{
	image im = make_image(c->w, c->h, 3);
	size_t plane = (size_t)c->w * c->h;
	for (size_t i = 0; i < plane; i++)
		for (int k = 0; k < 3; k++)
			im.data[k * plane + i] = c->rgb[i * 3 + k] / 255.0f;
	return im;
}

/* The letterboxed input of a canvas (what validate_detector computes from its
 * PNG file); the caller frees it. */
static image canvas_letterbox(const struct canvas *c, const network *net)
{
	image im = canvas_image(c);
	image lb = letterbox_image(im, net->w, net->h);
	free_image(im);
	return lb;
}

/* A canvas's boxes in the letterboxed input's coordinates: the scale and the
 * integer offsets letterbox_image uses. */
static void truth_row(const struct canvas *c, const network *net, float *truth)
{
	int nw = c->w, nh = c->h;
	if ((float)net->w / c->w < (float)net->h / c->h) {
		nw = net->w;
		nh = c->h * net->w / c->w;
	} else {
		nh = net->h;
		nw = c->w * net->h / c->h;
	}
	int dx = (net->w - nw) / 2, dy = (net->h - nh) / 2;
	memset(truth, 0, (size_t)net->truths * sizeof *truth);
	for (int i = 0; i < c->n && (i + 1) * 5 <= net->truths; i++) {
		const struct canvas_box *b = &c->box[i];
		float *t = truth + i * 5;
		t[0] = (b->cx * nw + dx) / net->w;
		t[1] = (b->cy * nh + dy) / net->h;
		t[2] = b->w * nw / net->w;
		t[3] = b->h * nh / net->h;
		t[4] = (float)b->cls;
	}
}

/* ---- measuring: VOC mAP at IoU .5, recall and precision at score .25 -------------- */

struct pred {
	int cls, tp;
	float prob;
};

struct measure {
	struct pred *p;		/* owned */
	int np, cap;
	int gt[CANVAS_CLASSES];
	int tp25, det25, gt_all;
};

static int pred_by_prob(const void *a, const void *b)
{
	float x = ((const struct pred *)a)->prob, y = ((const struct pred *)b)->prob;
	return (x < y) - (x > y);
}

static float rel_iou(box a, const struct canvas_box *b)
{
	float ix = fminf(a.x + a.w / 2, b->cx + b->w / 2) - fmaxf(a.x - a.w / 2, b->cx - b->w / 2);
	float iy = fminf(a.y + a.h / 2, b->cy + b->h / 2) - fmaxf(a.y - a.h / 2, b->cy - b->h / 2);
	if (ix <= 0 || iy <= 0)
		return 0;
	float inter = ix * iy;
	return inter / (a.w * a.h + b->w * b->h - inter);
}

/* One canvas's detections (boxes relative to the canvas), per class in
 * descending score: each takes the best-IoU truth of its class, a true
 * positive when IoU > .5 and that truth is not taken yet (VOC). */
static void measure_image(struct measure *m, const struct canvas *c, detection *d, int nd)
{
	for (int i = 0; i < c->n; i++)
		m->gt[c->box[i].cls]++;
	m->gt_all += c->n;
	int taken25[CANVAS_MAX_OBJECTS] = { 0 };
	for (int k = 0; k < CANVAS_CLASSES; k++) {
		int taken[CANVAS_MAX_OBJECTS] = { 0 };
		int start = m->np;
		for (int i = 0; i < nd; i++) {
			if (d[i].prob[k] <= 0)
				continue;
			if (m->np == m->cap) {
				m->cap = m->cap ? 2 * m->cap : 4096;
				m->p = xreallocarray(m->p, (size_t)m->cap, sizeof *m->p);
			}
			m->p[m->np++] = (struct pred){ k, i, d[i].prob[k] };	/* tp holds the index for now */
		}
		qsort(m->p + start, (size_t)(m->np - start), sizeof *m->p, pred_by_prob);
		for (int j = start; j < m->np; j++) {
			box b = d[m->p[j].tp].bbox;
			int best = -1;
			float best_iou = 0;
			for (int g = 0; g < c->n; g++) {
				float iou = c->box[g].cls == k ? rel_iou(b, &c->box[g]) : 0;
				if (iou > best_iou) {
					best_iou = iou;
					best = g;
				}
			}
			int tp = best >= 0 && best_iou > .5f && !taken[best];
			if (tp)
				taken[best] = 1;
			m->p[j].tp = tp;
			if (m->p[j].prob >= .25f) {
				m->det25++;
				if (tp && !taken25[best]) {
					taken25[best] = 1;
					m->tp25++;
				}
			}
		}
	}
}

/* VOC all-point AP of class k: area under the precision envelope. */
static double class_ap(const struct measure *m, const struct pred *sorted, int k)
{
	int n = 0, tp = 0;
	double *prec = xmalloc((size_t)(m->np + 1) * sizeof *prec), *rec = xmalloc((size_t)(m->np + 1) * sizeof *rec);
	for (int i = 0; i < m->np; i++) {
		if (sorted[i].cls != k)
			continue;
		tp += sorted[i].tp;
		n++;
		prec[n - 1] = (double)tp / n;
		rec[n - 1] = (double)tp / m->gt[k];
	}
	double ap = 0, prev_rec = 0;
	for (int i = n - 2; i >= 0; i--)
		prec[i] = fmax(prec[i], prec[i + 1]);
	for (int i = 0; i < n; i++) {
		ap += (rec[i] - prev_rec) * prec[i];
		prev_rec = rec[i];
	}
	free(prec);
	free(rec);
	return ap;
}

static double measure_map(struct measure *m)
{
	qsort(m->p, (size_t)m->np, sizeof *m->p, pred_by_prob);
	double sum = 0;
	int classes = 0;
	for (int k = 0; k < CANVAS_CLASSES; k++)
		if (m->gt[k] > 0) {
			sum += class_ap(m, m->p, k);
			classes++;
		}
	return classes ? sum / classes : NAN;
}

/* Runs the checkpoint on `count` test canvases, as validate_detector would
 * (thresh .005, hier .5, do_nms_sort .45). */
static void validate(network *net, const struct idx_images *im, const struct idx_labels *lb, int count,
    size_t iter, double elapsed)
{
	struct measure m = { 0 };
	int classes = net->layers[net->n - 1].classes;
	for (int i = 0; i < count; i++) {
		struct canvas c;
		canvas_make(&c, im, lb, VAL_SEED, (uint64_t)i);
		image in = canvas_letterbox(&c, net);
		network_predict(net, in.data);
		int nd = 0;
		detection *d = get_network_boxes(net, c.w, c.h, .005f, .5f, 0, 1, &nd);
		do_nms_sort(d, nd, classes, .45f);
		measure_image(&m, &c, d, nd);
		free_detections(d, nd);
		free_image(in);
		canvas_free(&c);
	}
	double map = measure_map(&m);
	printf("validate iter %zu: %d test canvases, %d boxes: mAP@.5 %.4f, at score .25 recall %.4f precision %.4f"
	    " (elapsed %.0fs)\n", iter, count, m.gt_all, map, (double)m.tp25 / m.gt_all,
	    m.det25 ? (double)m.tp25 / m.det25 : 0.0, elapsed);
	fflush(stdout);
	free(m.p);
}

/* ---- weights files that survive an interruption ----------------------------------- */

static int save_atomic(network *net, const char *path)
{
	char *tmp = xasprintf("%s.tmp", path);
	save_weights(net, tmp);	/* Darknet exits on an open failure */
	int fd = open(tmp, O_RDONLY), rc = -1;
	if (fd >= 0 && fsync(fd) == 0 && close(fd) == 0 && rename(tmp, path) == 0)
		rc = 0;
	else if (fd >= 0)
		close(fd);
	if (rc != 0) {
		perror(path);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* ---- training ---------------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr, "usage: safer-train-det CFG OUT.weights ITERATIONS SEED [IDX_DIR]\n");
	return 2;
}

static int check_net(const network *net, const char *cfg)
{
	const layer *l = &net->layers[net->n - 1];
	if (l->type != YOLO || net->c != 3 || net->truths < 5 || l->classes != CANVAS_CLASSES) {
		fprintf(stderr, "%s: not a 3-channel detector ending in a [yolo] layer of %d classes\n", cfg,
		    CANVAS_CLASSES);
		return -1;
	}
	return 0;
}

static void fill_batch(data *d, const network *net, const struct idx_images *im, const struct idx_labels *lb,
    uint64_t seed, size_t iter)
{
	for (int k = 0; k < d->X.rows; k++) {
		struct canvas c;
		canvas_make(&c, im, lb, seed, (uint64_t)iter * d->X.rows + k);
		image in = canvas_letterbox(&c, net);
		memcpy(d->X.vals[k], in.data, (size_t)net->inputs * sizeof(float));
		truth_row(&c, net, d->y.vals[k]);
		free_image(in);
		canvas_free(&c);
	}
}

int main(int argc, char **argv)
{
	if (argc < 5 || argc > 6)
		return usage();
	const char *cfg = argv[1], *out = argv[2], *dir = argc > 5 ? argv[5] : FMNIST_DIR;
	size_t iterations = strtoul(argv[3], NULL, 10);
	uint64_t seed = strtoull(argv[4], NULL, 10);
	gemm_blas_init();
	srand((unsigned)seed);

	char *cause = NULL;
	struct idx_images tr_im, te_im;
	struct idx_labels tr_lb, te_lb;
	if (canvas_load_split(dir, "train", &tr_im, &tr_lb, &cause) != 0 ||
	    canvas_load_split(dir, "test", &te_im, &te_lb, &cause) != 0) {
		fprintf(stderr, "safer-train-det: %s\n", cause);
		free(cause);
		return 2;
	}
	network *net = parse_network_cfg((char *)cfg);
	network *val = parse_network_cfg((char *)cfg);
	if (check_net(net, cfg) != 0)
		return 2;
	set_batch_network(val, 1);	/* shrinking is safe; get_network_boxes reads image 0 */
	char *ckpt = xasprintf("%s.ckpt", out);
	struct stat st;
	if (stat(ckpt, &st) == 0) {
		load_weights(net, ckpt);
		printf("resuming from %s at iteration %zu\n", ckpt, get_current_batch(net));
	}

	data d = { 0 };
	int rows = net->batch * net->subdivisions;
	d.X = make_matrix(rows, net->inputs);
	d.y = make_matrix(rows, net->truths);
	printf("%s: %dx%dx%d input, %d canvases per iteration, %zu iterations, seed %llu\n", cfg, net->w, net->h,
	    net->c, rows, iterations, (unsigned long long)seed);
	double t0 = now_seconds(), loss_sum = 0;
	int loss_n = 0;
	size_t iter = get_current_batch(net), first = iter;
	while (iter < iterations) {
		fill_batch(&d, net, &tr_im, &tr_lb, seed, iter);
		loss_sum += train_network(net, d);
		loss_n++;
		iter = get_current_batch(net);
		double el = now_seconds() - t0;
		if (iter % PRINT_EVERY == 0) {
			printf("iter %zu loss %.4f lr %.5f %.1f images/s elapsed %.0fs\n", iter, loss_sum / loss_n,
			    get_current_rate(net), (iter - first) * rows / el, el);
			fflush(stdout);
			loss_sum = 0;	/* the loss printed is the mean over the last PRINT_EVERY */
			loss_n = 0;
		}
		if (iter % CKPT_EVERY == 0 && iter < iterations) {
			if (save_atomic(net, ckpt) != 0)
				return 1;
			load_weights(val, ckpt);
			validate(val, &te_im, &te_lb, VAL_QUICK, iter, now_seconds() - t0);
		}
	}
	if (save_atomic(net, out) != 0)
		return 1;
	unlink(ckpt);
	load_weights(val, (char *)out);
	validate(val, &te_im, &te_lb, VAL_FINAL, iter, now_seconds() - t0);
	free_matrix(d.X);
	free_matrix(d.y);
	free(ckpt);
	free_network(net);
	free_network(val);
	idx_images_free(&tr_im);
	idx_images_free(&te_im);
	idx_labels_free(&tr_lb);
	idx_labels_free(&te_lb);
	return 0;
}
