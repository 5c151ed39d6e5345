/* gradients.c - backend_gradients: the cross-entropy loss's gradient with
 * respect to the weights through Darknet's own forward and backward passes in
 * training mode, leaving the network as it was (running statistics, dropout).
 * One layer's backward is replaced: max-pool's, which writes out of bounds
 * for an output that took no input (backward_maxpool_guarded). */
#include "backend/internal.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

/* Darknet's backward_maxpool_layer, except that an output which took no
 * input writes nothing.  forward_maxpool_layer leaves its index at -1 when
 * no value in the window beats -FLT_MAX: a window wholly in the padding
 * (padding larger than size, e.g. size=2 stride=2 padding=7, which Darknet
 * parses and runs), or one holding only NaN (comparisons with NaN fail).
 * Stock backward then adds to net.delta[-1], just before the previous
 * layer's delta array: heap corruption ("double free or corruption" later,
 * in free_network).  Such an output is a constant, so its gradient reaching
 * nothing is the true gradient; every other index is Darknet's own. */
static void backward_maxpool_guarded(layer l, network net)
{
	size_t n = (size_t)l.out_h * l.out_w * l.c * l.batch;
	if (net.delta == NULL)	/* the first layer: no input gradient wanted */
		return;
	for (size_t i = 0; i < n; i++) {
		int index = l.indexes[i];
		if (index >= 0)
			net.delta[index] += l.delta[i];
	}
}

static int has_weights(const layer *l)
{
	return l->type == CONVOLUTIONAL || l->type == CONNECTED;
}

static size_t weights_of(const layer *l)
{
	return l->type == CONVOLUTIONAL ? (size_t)l->nweights : (size_t)l->outputs * l->inputs;
}

size_t backend_truths(const struct backend_net *bn)
{
	return (size_t)bn->dn->truths;
}

/* letterbox_image's placement of a w×h image in the network's input, as
 * fractions of it: scale (sx, sy) and offset (dx, dy); integer sizes and
 * offsets as letterbox_image computes them. */
static void letterbox_frame(int w, int h, int netw, int neth, float *sx, float *sy, float *dx, float *dy)
{
	int new_w, new_h;
	if ((float)netw / w < (float)neth / h) {
		new_w = netw;
		new_h = (h * netw) / w;
	} else {
		new_h = neth;
		new_w = (w * neth) / h;
	}
	*sx = (float)new_w / netw;
	*sy = (float)new_h / neth;
	*dx = (float)((netw - new_w) / 2) / netw;
	*dy = (float)((neth - new_h) / 2) / neth;
}

void backend_det_truth(const struct backend_net *bn, const struct det_truth *t, int nt, int w, int h, float *row)
{
	network *dn = bn->dn;
	size_t max = (size_t)dn->truths / 5;
	float sx, sy, dx, dy;
	letterbox_frame(w, h, dn->w, dn->h, &sx, &sy, &dx, &dy);
	memset(row, 0, (size_t)dn->truths * sizeof *row);
	size_t k = 0;
	for (int i = 0; i < nt && k < max; i++) {
		/* Darknet's fill_truth_detection order: x y w h class; it drops
		 * boxes narrower or lower than .001 of the input */
		float bw = t[i].b.w / w * sx, bh = t[i].b.h / h * sy;
		if (bw < .001f || bh < .001f)
			continue;
		float *r = row + 5 * k++;
		r[0] = t[i].b.x / w * sx + dx;
		r[1] = t[i].b.y / h * sy + dy;
		r[2] = bw;
		r[3] = bh;
		r[4] = (float)t[i].cls;
	}
}

int backend_gradients(struct backend_net *bn, const float *x, const int *labels, const float *truth, int n,
    float **grads, double *loss, char **cause)
{
	network *dn = bn->dn;
	int b = dn->batch, classes = dn->outputs;
	size_t in = (size_t)dn->inputs;
	if (truth == NULL && (dn->truths < classes || dn->truth == NULL)) {
		*cause = xasprintf("%s: network has no truth buffer for gradients", bn->cfg_path);
		return -1;
	}
	for (int i = 0; i < dn->n; i++)
		if (dn->layers[i].type == BATCHNORM) {
			/* Darknet's CPU code cannot run a standalone batch norm layer */
			*cause = xasprintf("%s: layer %d: gradients through a standalone [batchnorm] are not supported",
			    bn->cfg_path, i);
			return -1;
		}
	if (n <= 0 || n % b != 0) {
		/* batch norm in training mode sees whole batches: no padding rows */
		*cause = xasprintf("%s: %d images is not a multiple of the batch (%d)", bn->cfg_path, n, b);
		return -1;
	}
	/* training mode moves the running statistics and samples dropout masks:
	 * save the former, switch off the latter */
	float **saved = xcalloc((size_t)dn->n * 2, sizeof *saved);
	float *prob = xcalloc((size_t)dn->n, sizeof *prob);
	for (int i = 0; i < dn->n; i++) {
		layer *l = &dn->layers[i];
		if (l->batch_normalize && l->rolling_mean) {
			size_t c = (size_t)(l->type == CONNECTED ? l->outputs : l->out_c);
			saved[2 * i] = xmalloc(c * sizeof(float));
			saved[2 * i + 1] = xmalloc(c * sizeof(float));
			memcpy(saved[2 * i], l->rolling_mean, c * sizeof(float));
			memcpy(saved[2 * i + 1], l->rolling_variance, c * sizeof(float));
		}
		if (l->type == DROPOUT) {
			prob[i] = l->probability;
			l->probability = 0;
			l->scale = 1;
		}
		if (has_weights(l) && grads[i])
			memset(grads[i], 0, weights_of(l) * sizeof(float));
		if (l->type == MAXPOOL)
			l->backward = backward_maxpool_guarded;
	}
	double total = 0;
	backend_log_begin();
	for (int start = 0; start + b <= n; start += b) {
		memset(dn->truth, 0, (size_t)b * dn->truths * sizeof(float));
		memcpy(dn->input, x + (size_t)start * in, (size_t)b * in * sizeof(float));
		if (truth != NULL)	/* a detector: its boxes, as Darknet's training reads them */
			memcpy(dn->truth, truth + (size_t)start * dn->truths, (size_t)b * dn->truths * sizeof(float));
		else
			for (int i = 0; i < b; i++)
				if (labels[start + i] >= 0 && labels[start + i] < classes)
					dn->truth[(size_t)i * dn->truths + labels[start + i]] = 1;
		for (int i = 0; i < dn->n; i++) {
			layer *l = &dn->layers[i];
			if (has_weights(l))
				memset(l->weight_updates, 0, weights_of(l) * sizeof(float));
		}
		dn->train = 1;
		forward_network(dn);
		backward_network(dn);
		dn->train = 0;
		if (dn->cost)
			total += *dn->cost;
		for (int i = 0; i < dn->n; i++) {
			layer *l = &dn->layers[i];
			if (!has_weights(l) || grads[i] == NULL)
				continue;
			/* Darknet accumulates -dL/dw (its deltas are truth - output) */
			size_t nw = weights_of(l);
			for (size_t k = 0; k < nw; k++)
				grads[i][k] -= l->weight_updates[k];
		}
	}
	backend_log_end();
	for (int i = 0; i < dn->n; i++) {
		layer *l = &dn->layers[i];
		if (saved[2 * i]) {
			size_t c = (size_t)(l->type == CONNECTED ? l->outputs : l->out_c);
			memcpy(l->rolling_mean, saved[2 * i], c * sizeof(float));
			memcpy(l->rolling_variance, saved[2 * i + 1], c * sizeof(float));
			free(saved[2 * i]);
			free(saved[2 * i + 1]);
		}
		if (l->type == DROPOUT) {
			l->probability = prob[i];
			l->scale = 1.f / (1.f - prob[i]);
		}
	}
	free(saved);
	free(prob);
	*loss = total;
	return 0;
}
