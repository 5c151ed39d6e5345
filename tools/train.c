/* train_weights.c - reproduces the bundled weights: trains a Darknet classifier cfg
 * on the Fashion-MNIST training set with libdarknet's own training functions.
 *
 *   safer-train CFG OUT.weights EPOCHS SEED [IDX_DIR [MAX_TRAIN_IMAGES]]
 *
 * Darknet's GEMM in Debian's build is a scalar loop; the training tools (and only
 * they) supply `gemm`/`gemm_cpu` through OpenBLAS (gemm_blas.c), which libdarknet's
 * internal calls reach through the PLT.  Training math is otherwise Darknet's, unchanged.
 * Determinism: weights are initialised with rand() (seeded with SEED) and the epoch
 * shuffles use a private generator from the same seed; OpenBLAS with one thread. */
#include <darknet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/idx.h"
#include "core/util.h"
#include "gemm_blas.h"

static uint64_t rng_state;
static uint64_t rng_next(void)
{
	/* splitmix64: tiny, good enough for shuffling */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static float *to_floats(const struct idx_images *im)
{
	size_t n = (size_t)im->count * im->rows * im->cols;
	float *x = xmalloc(n * sizeof *x);
	for (size_t i = 0; i < n; i++)
		x[i] = im->pixels[i] / 255.0f;
	return x;
}

static double test_accuracy(network *net, const float *x, const unsigned char *y, int count, int inputs)
{
	int b = net->batch, correct = 0;
	float *in = xcalloc((size_t)b * inputs, sizeof *in);
	for (int start = 0; start < count; start += b) {
		int m = count - start < b ? count - start : b;
		memcpy(in, x + (size_t)start * inputs, (size_t)m * inputs * sizeof *in);
		float *out = network_predict(net, in);
		for (int i = 0; i < m; i++) {
			int best = 0;
			for (int k = 1; k < net->outputs; k++)
				if (out[i * net->outputs + k] > out[i * net->outputs + best])
					best = k;
			correct += best == y[start + i];
		}
	}
	free(in);
	return (double)correct / count;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s CFG OUT.weights EPOCHS SEED [IDX_DIR [MAX_TRAIN_IMAGES]]\n", argv[0]);
		return 2;
	}
	const char *dir = argc > 5 ? argv[5] : "/usr/share/datasets/fashion-mnist";
	int epochs = atoi(argv[3]);
	unsigned seed = (unsigned)strtoul(argv[4], NULL, 10);
	gemm_blas_init();
	srand(seed);
	rng_state = seed;

	char *cause = NULL, *p;
	struct idx_images tr_im, te_im;
	struct idx_labels tr_lb, te_lb;
	p = xasprintf("%s/train-images-idx3-ubyte.gz", dir);
	if (idx_load_images(p, &tr_im, &cause) != 0) goto fail;
	free(p);
	p = xasprintf("%s/train-labels-idx1-ubyte.gz", dir);
	if (idx_load_labels(p, &tr_lb, &cause) != 0) goto fail;
	free(p);
	p = xasprintf("%s/t10k-images-idx3-ubyte.gz", dir);
	if (idx_load_images(p, &te_im, &cause) != 0) goto fail;
	free(p);
	p = xasprintf("%s/t10k-labels-idx1-ubyte.gz", dir);
	if (idx_load_labels(p, &te_lb, &cause) != 0) goto fail;
	free(p);

	network *net = parse_network_cfg(argv[1]);
	int inputs = tr_im.rows * tr_im.cols, classes = net->outputs;
	if (net->inputs != inputs) {
		fprintf(stderr, "%s: network takes %d inputs, data has %d\n", argv[1], net->inputs, inputs);
		return 2;
	}
	float *xtr = to_floats(&tr_im), *xte = to_floats(&te_im);
	int avail = tr_im.count;
	if (argc > 6 && atoi(argv[6]) > 0 && atoi(argv[6]) < avail)
		avail = atoi(argv[6]);	/* tests train tiny models on a slice */
	int n = avail - avail % net->batch;
	data d = {0};
	d.shallow = 1;
	d.X.rows = d.y.rows = n;
	d.X.cols = inputs;
	d.y.cols = classes;
	d.X.vals = xcalloc((size_t)n, sizeof(float *));
	d.y.vals = xcalloc((size_t)n, sizeof(float *));
	float *onehot = xcalloc((size_t)tr_im.count * classes, sizeof *onehot);
	int *order = xmalloc((size_t)tr_im.count * sizeof *order);
	for (int i = 0; i < tr_im.count; i++) {
		onehot[(size_t)i * classes + tr_lb.labels[i]] = 1;
		order[i] = i;
	}
	double t0 = now_seconds();
	for (int e = 0; e < epochs; e++) {
		for (int i = avail - 1; i > 0; i--) {
			int j = (int)(rng_next() % (uint64_t)(i + 1)), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (int i = 0; i < n; i++) {
			d.X.vals[i] = xtr + (size_t)order[i] * inputs;
			d.y.vals[i] = onehot + (size_t)order[i] * classes;
		}
		float loss = train_network(net, d);
		double acc = test_accuracy(net, xte, te_lb.labels, te_im.count, inputs);
		printf("epoch %d loss %.4f lr %.5f test top-1 %.4f elapsed %.0fs\n", e + 1, loss,
		    get_current_rate(net), acc, now_seconds() - t0);
		fflush(stdout);
	}
	save_weights(net, argv[2]);
	free(d.X.vals);
	free(d.y.vals);
	free(onehot);
	free(order);
	free(xtr);
	free(xte);
	free_network(net);
	idx_images_free(&tr_im);
	idx_images_free(&te_im);
	idx_labels_free(&tr_lb);
	idx_labels_free(&te_lb);
	return 0;
fail:
	fprintf(stderr, "safer-train: %s\n", cause);
	free(cause);
	free(p);
	return 2;
}
