/* gradients.c - backend_gradients: the cross-entropy loss's gradient with
 * respect to the weights through Darknet's own forward and backward passes in
 * training mode, leaving the network as it was (running statistics, dropout). */
#include "backend/internal.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static int has_weights(const layer *l)
{
	return l->type == CONVOLUTIONAL || l->type == CONNECTED;
}

static size_t weights_of(const layer *l)
{
	return l->type == CONVOLUTIONAL ? (size_t)l->nweights : (size_t)l->outputs * l->inputs;
}

int backend_gradients(struct backend_net *bn, const float *x, const int *labels, int n,
    float **grads, double *loss, char **cause)
{
	network *dn = bn->dn;
	int b = dn->batch, classes = dn->outputs;
	size_t in = (size_t)dn->inputs;
	if (dn->truths < classes || dn->truth == NULL) {
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
	}
	double total = 0;
	backend_log_begin();
	for (int start = 0; start + b <= n; start += b) {
		memset(dn->truth, 0, (size_t)b * dn->truths * sizeof(float));
		memcpy(dn->input, x + (size_t)start * in, (size_t)b * in * sizeof(float));
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
