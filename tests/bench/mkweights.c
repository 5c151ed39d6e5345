/* mkweights.c - seeded random weights for a Darknet cfg, for `make bench`
 * (speed only: the network computes nothing meaningful).
 *
 *   mkweights CFG OUT.weights [SEED]
 *
 * He-scaled normal weights, small biases, batch-norm statistics near the
 * identity but not equal to it (so the benchmark's equality checks see real
 * arithmetic); a convolution whose output feeds a [shortcut] gets batch-norm
 * scales of 0.2 so that residual sums do not grow with depth; one that feeds
 * a [yolo] head lets few boxes through (HEAD_*).  Darknet's own
 * random initialisation leaves rolling variances at 0, which blows the
 * activations up to inf after a few layers.  Written by safer's writer. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"

/* A [yolo] head's logits.  With random ones near 0 every box of every
 * class passes validate_detector's .005 threshold and do_nms_sort's pairs
 * (classes x boxes^2: 10,000 boxes per image for yolov3-tiny) cost more
 * than the forward pass, which no trained detector does.  So the head's
 * weights are a tenth of He's and its biases decide: the first anchor of
 * every cell has objectness .88 and one class (the anchor's index modulo the
 * classes) .5, everything else logit -8. */
#define HEAD_SCALE 0.1
#define HEAD_ON 2.0
#define HEAD_OFF (-8.0)

static uint64_t rng_state;static uint64_t rng_state;

/* xorshift64*: the same numbers on every machine and C library */
static double rng_uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static double rng_normal(void)
{
	double u = rng_uniform(), v = rng_uniform();
	return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

/* Bias of channel f of the convolution before a [yolo] head: per anchor,
 * coords box channels, objectness, then the classes. */
static double head_bias(const struct head_desc *h, int f)
{
	int block = h->coords + 1 + h->classes, anchor = f / block, c = f % block;
	if (c < h->coords)
		return 0;
	if (c == h->coords)
		return anchor == 0 ? HEAD_ON : HEAD_OFF;
	return c - h->coords - 1 == anchor % h->classes ? 0 : HEAD_OFF;
}

static void fill_layer(const struct model *m, int l)
{
	const struct weight_tensor *t = &m->layers[l].wt;
	double sd = sqrt(2.0 / (double)(t->per_filter ? t->per_filter : 1));
	const struct head_desc *head = l + 1 < m->n && m->layers[l + 1].kind == LAYER_YOLO ? &m->layers[l + 1].head : NULL;
	if (head != NULL)
		sd *= HEAD_SCALE;
	for (size_t i = 0; i < t->nweights; i++)
		t->weights[i] = (float)(sd * rng_normal());
	int feeds_shortcut = l + 1 < m->n && m->layers[l + 1].kind == LAYER_SHORTCUT;
	for (int f = 0; f < t->filters; f++) {
		t->biases[f] = (float)(0.01 * rng_normal());
		if (head != NULL)
			t->biases[f] += head_bias(head, f);
		if (t->scales == NULL)
			continue;
		t->scales[f] = (float)((feeds_shortcut ? 0.2 : 1.0) * (1.0 + 0.1 * rng_normal()));
		t->rolling_mean[f] = (float)(0.05 * rng_normal());
		t->rolling_variance[f] = (float)(0.8 + 0.4 * rng_uniform());
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkweights CFG OUT.weights [SEED]\n");
		return 2;
	}
	rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	rng_state = rng_state * 0x9e3779b97f4a7c15ull + 1;
	char *cause = NULL;
	struct backend_net *net = backend_load(argv[1], NULL, 1, &cause);
	if (net == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 2;
	}
	const struct model *m = backend_model(net);
	for (int l = 0; l < m->n; l++)
		if (m->layers[l].has_weights)
			fill_layer(m, l);
	FILE *f = fopen(argv[2], "wb");
	if (f == NULL) {
		perror(argv[2]);
		return 2;
	}
	if (backend_write_weights(net, f, &cause) != 0 || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", argv[2], cause ? cause : "write failed");
		return 2;
	}
	backend_free(net);
	return 0;
}
