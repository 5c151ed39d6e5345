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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canvas.h"
#include "core/detmap.h"
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

/* ---- measuring: mAP (core/detmap), recall and precision at score .25 ------------ */

/* Darknet's detections of one canvas (pixels) as detmap's predictions: one per
 * class with a non-zero probability, as validate_detector writes them. */
static int to_preds(const detection *d, int nd, int classes, struct det_pred *out)
{
	int n = 0;
	for (int i = 0; i < nd; i++)
		for (int k = 0; k < classes; k++)
			if (d[i].prob[k] > 0)
				out[n++] = (struct det_pred){ { d[i].bbox.x, d[i].bbox.y, d[i].bbox.w, d[i].bbox.h }, k,
				    d[i].prob[k] };
	return n;
}

static int to_truths(const struct canvas *c, struct det_truth *out, struct det_pred *as_pred)
{
	for (int i = 0; i < c->n; i++) {
		const struct canvas_box *b = &c->box[i];
		out[i] = (struct det_truth){ { b->cx * c->w, b->cy * c->h, b->w * c->w, b->h * c->h }, b->cls };
		as_pred[i] = (struct det_pred){ out[i].b, b->cls, 1 };
	}
	return c->n;
}

/* Runs the weights on `count` test canvases as validate_detector runs a file
 * (thresh .005, hier .5, do_nms_sort .45): mAP@.5 by VOC's rule and all-point
 * area (Darknet's voc_eval) and by COCO's, COCO's mAP@.5:.95, and at score
 * .25 the recall and precision of a one-to-one matching at IoU .5. */
static void validate(network *net, const struct idx_images *im, const struct idx_labels *lb, int count,
    size_t iter, double elapsed)
{
	int classes = net->layers[net->n - 1].classes;
	struct det_set *set = det_set_new(classes, count);
	struct det_agree agree = { 0 };
	long boxes = 0;
	for (int i = 0; i < count; i++) {
		struct canvas c;
		canvas_make(&c, im, lb, VAL_SEED, (uint64_t)i);
		image in = canvas_letterbox(&c, net);
		network_predict(net, in.data);
		int nd = 0;
		detection *d = get_network_boxes(net, c.w, c.h, .005f, .5f, 0, 0, &nd);
		do_nms_sort(d, nd, classes, .45f);
		struct det_pred *p = xcalloc((size_t)nd * classes + 1, sizeof *p), tp[CANVAS_MAX_OBJECTS];
		struct det_truth t[CANVAS_MAX_OBJECTS];
		int np = to_preds(d, nd, classes, p), nt = to_truths(&c, t, tp);
		det_set_put(set, i, p, np, t, nt);
		struct det_agree a;
		det_agree_image(tp, nt, p, np, .25f, .5f, &a);
		agree.ref += a.ref;
		agree.test += a.test;
		agree.matched += a.matched;
		boxes += nt;
		free(p);
		free_detections(d, nd);
		free_image(in);
		canvas_free(&c);
	}
	struct det_map voc, coco;
	det_set_map(set, DET_VOC_ALL, NULL, &voc);
	det_set_map(set, DET_COCO101, NULL, &coco);
	printf("validate iter %zu: %d test canvases, %ld boxes: mAP@.5 %.4f (VOC; COCO %.4f), mAP@.5:.95 %.4f,"
	    " at score .25 recall %.4f precision %.4f (elapsed %.0fs)\n", iter, count, boxes, voc.map50,
	    coco.map50, coco.map5095, agree.ref ? (double)agree.matched / agree.ref : 0.0,
	    agree.test ? (double)agree.matched / agree.test : 0.0, elapsed);
	printf("  AP@.5 per class (VOC):");
	for (int k = 0; k < classes; k++)
		printf(" %s %.3f", canvas_names[k], voc.ap50[k]);
	printf("\n");
	fflush(stdout);
	det_map_free(&voc);
	det_map_free(&coco);
	det_set_free(set);
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
