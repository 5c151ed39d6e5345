/* describe.c - safer's view of a Darknet network (core/model.h): layer kinds,
 * shapes, activations, parameter and MAC counts, and weight tensors that
 * alias Darknet's arrays. */
#include "backend/internal.h"
#include "core/util.h"

#include <string.h>

static const char *activation_name(ACTIVATION a)
{
	static const char *const names[] = {
		"logistic", "relu", "relie", "linear", "ramp", "tanh", "plse",
		"leaky", "elu", "loggy", "stair", "hardtan", "lhtan", "selu",
	};
	return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

static int kind_of(LAYER_TYPE t, enum layer_kind *k)
{
	switch (t) {
	case CONVOLUTIONAL: *k = LAYER_CONV; return 0;
	case CONNECTED: *k = LAYER_CONNECTED; return 0;
	case MAXPOOL: *k = LAYER_MAXPOOL; return 0;
	case AVGPOOL: *k = LAYER_AVGPOOL; return 0;
	case DROPOUT: *k = LAYER_DROPOUT; return 0;
	case SOFTMAX: *k = LAYER_SOFTMAX; return 0;
	case SHORTCUT: *k = LAYER_SHORTCUT; return 0;
	case ROUTE: *k = LAYER_ROUTE; return 0;
	case BATCHNORM: *k = LAYER_BATCHNORM; return 0;
	case COST: *k = LAYER_COST; return 0;
	case CROP: *k = LAYER_CROP; return 0;
	case YOLO: *k = LAYER_YOLO; return 0;
	case REGION: *k = LAYER_REGION; return 0;
	case UPSAMPLE: *k = LAYER_UPSAMPLE; return 0;
	case REORG: *k = LAYER_REORG; return 0;
	default: return -1;
	}
}

static void describe_layer(layer *l, int i, struct layer_desc *d)
{
	memset(d, 0, sizeof *d);
	d->index = i;
	kind_of(l->type, &d->kind);
	d->kind_name = layer_kind_name(d->kind);
	d->in = (struct shape){ l->w, l->h, l->c };
	d->out = (struct shape){ l->out_w, l->out_h, l->out_c };
	if (d->in.w == 0 || d->in.h == 0 || d->in.c == 0)
		d->in = (struct shape){ 1, 1, l->inputs };
	if (d->out.w == 0 || d->out.h == 0 || d->out.c == 0)
		d->out = (struct shape){ 1, 1, l->outputs };
	d->from = -1;
	d->activation = "-";
	switch (l->type) {
	case CONVOLUTIONAL:
	case CONNECTED: {
		int conv = l->type == CONVOLUTIONAL;
		int filters = conv ? l->n : l->outputs;
		size_t nw = conv ? (size_t)l->nweights : (size_t)l->outputs * l->inputs;
		d->activation = activation_name(l->activation);
		d->size = conv ? l->size : 1;
		d->stride = conv ? l->stride : 1;
		d->groups = conv ? l->groups : 1;
		d->batch_normalize = l->batch_normalize;
		d->has_weights = 1;
		d->params = backend_weights_layer_floats(l);
		d->macs = conv ? (uint64_t)l->out_w * l->out_h * nw : nw;
		d->wt = (struct weight_tensor){
			.weights = l->weights, .nweights = nw, .filters = filters,
			.per_filter = nw / (size_t)filters, .biases = l->biases,
			.scales = l->batch_normalize ? l->scales : NULL,
			.rolling_mean = l->batch_normalize ? l->rolling_mean : NULL,
			.rolling_variance = l->batch_normalize ? l->rolling_variance : NULL,
		};
		break;
	}
	case SHORTCUT:
		d->activation = activation_name(l->activation);
		d->from = l->index;
		break;
	case ROUTE:
		d->ninputs = l->n;
		d->inputs = l->input_layers;
		break;
	case MAXPOOL:
		d->size = l->size;
		d->stride = l->stride;
		break;
	case BATCHNORM:
		d->params = backend_weights_layer_floats(l);
		break;
	case UPSAMPLE:
	case REORG:
		d->stride = l->reverse && l->type == UPSAMPLE ? -l->stride : l->stride;
		break;
	case YOLO:
	case REGION:
		/* anchors are cfg text, not .weights floats: no params */
		d->head = (struct head_desc){
			.classes = l->classes, .coords = l->type == YOLO ? 4 : l->coords,
			.anchors = l->n, .total = l->type == YOLO ? l->total : l->n,
			.mask = l->type == YOLO ? l->mask : NULL, .biases = l->biases,
			.softmax = l->softmax, .background = l->background,
		};
		break;
	default:
		break;
	}
}

int backend_describe(struct backend_net *bn, char **cause)
{
	network *dn = bn->dn;
	struct model *m = &bn->model;
	m->n = dn->n;
	m->layers = xcalloc((size_t)dn->n, sizeof *m->layers);
	m->input = (struct shape){ dn->w, dn->h, dn->c };
	m->outputs = dn->outputs;
	m->classes = dn->outputs;
	for (int i = 0; i < dn->n; i++) {
		layer *l = &dn->layers[i];
		enum layer_kind k;
		if (kind_of(l->type, &k) != 0) {
			*cause = xasprintf("%s: layer %d: kind not supported by safer", bn->cfg_path, i);
			return -1;
		}
		describe_layer(l, i, &m->layers[i]);
		if (k == LAYER_YOLO || k == LAYER_REGION) {
			m->detector = 1;
			m->classes = l->classes;	/* cfgcheck: every head's alike */
		}
		m->total_params += m->layers[i].params;
		m->total_macs += m->layers[i].macs;
	}
	m->weight_bytes = m->total_params * sizeof(float);
	return 0;
}
