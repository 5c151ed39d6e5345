/* darknet.c - a loaded Darknet network: load (checks first), clones that
 * share the owner's weights, free, and running it (stock, or from layer k
 * with the installed forward functions).  What the other files of the
 * backend own is listed in internal.h. */
#include "backend/internal.h"
#include "core/util.h"
#include "formats/cfgcheck.h"
#include "formats/weights_check.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

/* A worker thread's stack and malloc arena reserve this much address space. */
#define THREAD_RESERVE (72.0 * 1024 * 1024)
/* OpenBLAS maps a buffer this large for each thread that calls it (its own
 * and every engine worker), and retries a refused mmap forever: a worker
 * that hits the limit inside cblas_sgemm hangs the run (measured: a scan
 * under ulimit -v 1.1-1.25 GB).  Every load reserves one per thread. */
#define OPENBLAS_BUFFER (128.0 * 1024 * 1024)

/* Exits 1 ("safer: out of memory: ...") unless a network of est bytes fits
 * in what is left; a clone is for a worker thread. */
static void reserve_network(double est, const char *cfg_path, int batch, int clone)
{
	char *what = xasprintf("%s %s at batch %d%s", clone ? "another copy of" : "the network of",
	    cfg_path, batch, clone ? " for a worker thread" : " with OpenBLAS's buffers");
	mem_reserve(est + (clone ? THREAD_RESERVE + OPENBLAS_BUFFER : OPENBLAS_BUFFER * openblas_get_num_threads()), what);
	free(what);
}

struct backend_net *backend_load(const char *cfg_path, const char *weights_path, int batch, char **cause)
{
	struct cfg_info info;
	if (cfgcheck_file_at(cfg_path, batch, &info, cause) != 0)
		return NULL;
	/* Darknet's callocs are unchecked: a parse that runs out crashes */
	double est = cfg_info_est_bytes(&info, batch);
	cfg_info_free(&info);
	reserve_network(est, cfg_path, batch, 0);
	size_t len;
	char *text = file_read_all(cfg_path, 16u << 20, &len, cause);
	if (text == NULL)
		return NULL;
	struct backend_net *bn = xcalloc(1, sizeof *bn);
	bn->cfg_path = xstrdup(cfg_path);
	bn->cfg_text = cfgcheck_with_batch(text, len, batch);
	bn->est_bytes = est;
	free(text);
	bn->dn = backend_parse(bn->cfg_text, cfg_path, 1, cause);
	if (bn->dn == NULL)
		goto fail;
	if (backend_describe(bn, cause) != 0)
		goto fail;
	if (weights_path != NULL) {
		size_t bytes;
		if (weights_check_file(weights_path, backend_weights_floats(bn->dn), cfg_path, &bytes, cause) != 0)
			goto fail;
		backend_log_begin();
		load_weights(bn->dn, (char *)weights_path);
		backend_log_end();
	}
	return bn;
fail:
	backend_free(bn);
	return NULL;
}

/* Darknet allocates weight-like arrays per layer; these are the ones a clone shares. */
#define SHARED_ARRAYS 5
static float **shared_slot(layer *l, int k)
{
	switch (k) {
	case 0: return &l->weights;
	case 1: return &l->biases;
	case 2: return &l->scales;
	case 3: return &l->rolling_mean;
	default: return &l->rolling_variance;
	}
}

struct backend_net *backend_clone_shared(const struct backend_net *owner, char **cause)
{
	struct backend_net *bn = xcalloc(1, sizeof *bn);
	bn->cfg_path = xstrdup(owner->cfg_path);
	bn->cfg_text = xstrdup(owner->cfg_text);
	bn->est_bytes = owner->est_bytes;
	reserve_network(bn->est_bytes, bn->cfg_path, owner->dn->batch, 1);
	bn->dn = backend_parse(bn->cfg_text, bn->cfg_path, 0, cause);
	if (bn->dn == NULL) {
		backend_free(bn);
		return NULL;
	}
	bn->own = xcalloc((size_t)bn->dn->n * SHARED_ARRAYS, sizeof *bn->own);
	for (int i = 0; i < bn->dn->n; i++)
		for (int k = 0; k < SHARED_ARRAYS; k++) {
			float **slot = shared_slot(&bn->dn->layers[i], k);
			bn->own[i * SHARED_ARRAYS + k] = *slot;
			*slot = *shared_slot(&owner->dn->layers[i], k);
		}
	if (backend_describe(bn, cause) != 0) {
		backend_free(bn);
		return NULL;
	}
	return bn;
}

void backend_free(struct backend_net *bn)
{
	if (bn == NULL)
		return;
	if (bn->dn != NULL) {
		if (bn->own != NULL)
			for (int i = 0; i < bn->dn->n; i++)
				for (int k = 0; k < SHARED_ARRAYS; k++)
					*shared_slot(&bn->dn->layers[i], k) = bn->own[i * SHARED_ARRAYS + k];
		backend_parse_free(bn->dn);
	}
	free(bn->own);
	free(bn->blas_ws);
	free(bn->det_view);
	free(bn->model.layers);
	free(bn->cfg_path);
	free(bn->cfg_text);
	free(bn);
}

const struct model *backend_model(const struct backend_net *bn)
{
	return &bn->model;
}

const float *backend_predict_stock(struct backend_net *bn, const float *input)
{
	return network_predict(bn->dn, (float *)input);
}

size_t backend_layer_size(const struct backend_net *bn, int layer_index)
{
	if (layer_index < 0)
		return (size_t)bn->dn->inputs;
	return (size_t)bn->dn->layers[layer_index].outputs;
}

float *backend_layer_output(struct backend_net *bn, int layer_index)
{
	if (layer_index < 0)
		return bn->dn->input;
	return bn->dn->layers[layer_index].output;
}

const float *backend_forward_from(struct backend_net *bn, int from, const float *in,
    backend_layer_hook hook, void *hook_ctx)
{
	network net = *bn->dn;
	net.train = 0;
	net.truth = NULL;
	net.delta = NULL;
	net.input = (float *)in;
	if (bn->blas_ws != NULL)
		net.workspace = bn->blas_ws;
	for (int i = from; i < net.n; i++) {
		layer l = net.layers[i];
		net.index = i;
		/* At inference a dropout layer is the identity and its output buffer is
		 * its input layer's: keep reading from where we are. */
		if (l.type == DROPOUT)
			continue;
		l.forward(l, net);
		if (hook != NULL)
			hook(i, l.output, (size_t)l.outputs * l.batch, hook_ctx);
		net.input = l.output;
	}
	/* Darknet's output is its last layer that is not [cost] */
	return bn->dn->output;
}

/* Adds ref to out[0..*count) unless it is there or not before `from`. */
static void needed_add(int ref, int from, int *out, int *count, int max)
{
	if (ref >= from)
		return;
	for (int k = 0; k < *count; k++)
		if (out[k] == ref)
			return;
	if (*count < max)
		out[(*count)++] = ref;
}

int backend_needed_before(const struct backend_net *bn, int from, int *out, int max)
{
	int count = 0;
	const network *dn = bn->dn;
	for (int i = from; i < dn->n; i++) {
		const layer *l = &dn->layers[i];
		if (l->type == SHORTCUT)
			needed_add(l->index, from, out, &count, max);
		else if (l->type == ROUTE)	/* every input, however many a [route] names */
			for (int j = 0; j < l->n; j++)
				needed_add(l->input_layers[j], from, out, &count, max);
	}
	return count;
}
