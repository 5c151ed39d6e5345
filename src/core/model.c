/* model.c - helpers over safer's view of a network (see model.h). */
#include "core/model.h"
#include "core/util.h"

const char *layer_kind_name(enum layer_kind k)
{
	static const char *const names[] = {
		[LAYER_CONV] = "conv", [LAYER_CONNECTED] = "connected",
		[LAYER_MAXPOOL] = "maxpool", [LAYER_AVGPOOL] = "avgpool",
		[LAYER_DROPOUT] = "dropout", [LAYER_SOFTMAX] = "softmax",
		[LAYER_SHORTCUT] = "shortcut", [LAYER_ROUTE] = "route",
		[LAYER_BATCHNORM] = "batchnorm", [LAYER_COST] = "cost", [LAYER_CROP] = "crop",
		[LAYER_YOLO] = "yolo", [LAYER_REGION] = "region",
		[LAYER_UPSAMPLE] = "upsample", [LAYER_REORG] = "reorg",
	};
	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

int model_weight_layers(const struct model *m)
{
	int count = 0;
	for (int i = 0; i < m->n; i++)
		count += m->layers[i].has_weights;
	return count;
}

static uint64_t hash_floats(uint64_t h, const float *x, size_t n)
{
	return x ? hash_fnv1a(x, n * sizeof *x, h) : h;
}

uint64_t model_checksum(const struct model *m)
{
	uint64_t h = HASH_FNV1A_INIT;
	for (int i = 0; i < m->n; i++) {
		const struct weight_tensor *t = &m->layers[i].wt;
		if (!m->layers[i].has_weights)
			continue;
		h = hash_floats(h, t->biases, (size_t)t->filters);
		h = hash_floats(h, t->scales, (size_t)t->filters);
		h = hash_floats(h, t->rolling_mean, (size_t)t->filters);
		h = hash_floats(h, t->rolling_variance, (size_t)t->filters);
		h = hash_floats(h, t->weights, t->nweights);
	}
	return h;
}
