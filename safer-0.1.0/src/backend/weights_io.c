/* weights_io.c - Darknet's .weights layout: how many floats each layer takes
 * (for the size check before load_weights, which accepts short or long files
 * silently) and the writer. */
#include "backend/internal.h"
#include "core/util.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

size_t backend_weights_layer_floats(const layer *l)
{
	switch (l->type) {
	case CONVOLUTIONAL:
		return (size_t)l->n * (l->batch_normalize ? 4 : 1) + (size_t)l->nweights;
	case CONNECTED:
		return (size_t)l->outputs * (l->batch_normalize ? 4 : 1) + (size_t)l->outputs * l->inputs;
	case BATCHNORM:
		return (size_t)l->c * 3;
	default:
		return 0;
	}
}

size_t backend_weights_floats(const network *dn)
{
	size_t n = 0;
	for (int i = 0; i < dn->n; i++)
		n += backend_weights_layer_floats(&dn->layers[i]);
	return n;
}

static int put(FILE *f, const void *p, size_t size, size_t n)
{
	return fwrite(p, size, n, f) == n ? 0 : -1;
}

/* The order is load_weights's: per layer, biases, then the batch norm
 * triple, then the weights, except [connected], whose weights come before
 * its batch norm triple. */
int backend_write_weights(const struct backend_net *bn, FILE *f, char **cause)
{
	const network *dn = bn->dn;
	int32_t hdr[3] = { 0, 2, 0 };
	uint64_t seen = dn->seen ? (uint64_t)*dn->seen : 0;
	int bad = put(f, hdr, sizeof hdr[0], 3) || put(f, &seen, sizeof seen, 1);
	for (int i = 0; i < dn->n && !bad; i++) {
		const layer *l = &dn->layers[i];
		if (l->type == CONVOLUTIONAL) {
			bad |= put(f, l->biases, sizeof(float), (size_t)l->n);
			if (l->batch_normalize) {
				bad |= put(f, l->scales, sizeof(float), (size_t)l->n);
				bad |= put(f, l->rolling_mean, sizeof(float), (size_t)l->n);
				bad |= put(f, l->rolling_variance, sizeof(float), (size_t)l->n);
			}
			bad |= put(f, l->weights, sizeof(float), (size_t)l->nweights);
		} else if (l->type == CONNECTED) {
			bad |= put(f, l->biases, sizeof(float), (size_t)l->outputs);
			bad |= put(f, l->weights, sizeof(float), (size_t)l->outputs * l->inputs);
			if (l->batch_normalize) {
				bad |= put(f, l->scales, sizeof(float), (size_t)l->outputs);
				bad |= put(f, l->rolling_mean, sizeof(float), (size_t)l->outputs);
				bad |= put(f, l->rolling_variance, sizeof(float), (size_t)l->outputs);
			}
		} else if (l->type == BATCHNORM) {
			bad |= put(f, l->scales, sizeof(float), (size_t)l->c);
			bad |= put(f, l->rolling_mean, sizeof(float), (size_t)l->c);
			bad |= put(f, l->rolling_variance, sizeof(float), (size_t)l->c);
		}
	}
	if (bad) {
		*cause = xasprintf("write failed: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
