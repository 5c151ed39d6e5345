/* model.h - safer's own view of a loaded network: layers, shapes, weight tensors.
 *
 * Nothing here mentions Darknet.  The backend (src/backend/) fills these
 * structs; everything above it (perturbations, budgets, the engine's callers,
 * the TUI) speaks only in these terms.  Layer numbers are Darknet's: 0-based. */
#ifndef SAFER_MODEL_H
#define SAFER_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum layer_kind {
	LAYER_CONV,
	LAYER_CONNECTED,
	LAYER_MAXPOOL,
	LAYER_AVGPOOL,
	LAYER_DROPOUT,
	LAYER_SOFTMAX,
	LAYER_SHORTCUT,
	LAYER_ROUTE,
	LAYER_BATCHNORM,
	LAYER_COST,
	LAYER_CROP,
	LAYER_YOLO,	/* detection head: logistic on x, y, objectness, classes */
	LAYER_REGION,	/* detection head (YOLOv2): logistic/softmax */
	LAYER_UPSAMPLE,
	LAYER_REORG,
};

struct shape {
	int w, h, c;
};

/* Views into the weights of one layer.  The arrays belong to the backend's
 * network; a weight_tensor never owns memory.
 * Layout: `weights` holds `filters` rows of `per_filter` floats each
 * (conv: [n][c/groups][size][size]; connected: [outputs][inputs]). */
struct weight_tensor {
	float *weights;
	size_t nweights;
	int filters;
	size_t per_filter;
	float *biases;		/* filters entries */
	float *scales;		/* batch-norm gamma, or NULL */
	float *rolling_mean;	/* batch-norm running mean, or NULL */
	float *rolling_variance; /* batch-norm running variance, or NULL */
};

/* A [yolo] or [region] head as Darknet parsed it (arrays alias the
 * network's).  Its output is `anchors` blocks of (coords + 1 + classes)
 * planes of out.w × out.h: x, y, w, h, (more coords,) objectness, classes. */
struct head_desc {
	int classes;
	int coords;		/* 4 for [yolo] */
	int anchors;		/* boxes per cell: [yolo] mask entries, [region] num */
	int total;		/* anchors listed: [yolo] num=, [region] num= */
	const int *mask;	/* [yolo]: `anchors` indexes into biases pairs; NULL for [region] */
	const float *biases;	/* 2 × total anchor sizes (w, h), .5 where the cfg gives none */
	int softmax, background;	/* [region] only */
};

struct layer_desc {
	int index;
	enum layer_kind kind;
	const char *kind_name;	/* "conv", "connected", ... (static string) */
	const char *activation;	/* "leaky", "linear", ... (static string), "-" if none */
	struct shape in, out;
	int size, stride, groups, batch_normalize;
	int from;		/* shortcut: absolute index of the layer it adds; else -1 */
	int ninputs;		/* route: the layers it concatenates, in order */
	const int *inputs;	/* (alias the network's array); else 0, NULL */
	uint64_t params;	/* stored floats (weights, biases, bn) */
	uint64_t macs;		/* multiply-accumulates per image */
	int has_weights;	/* conv or connected */
	struct weight_tensor wt;
	struct head_desc head;	/* LAYER_YOLO, LAYER_REGION; zeroed otherwise */
};

struct model {
	int n;
	struct layer_desc *layers;	/* owned, n entries */
	struct shape input;
	int outputs;			/* width of the final output vector (classes;
					 * a detector: its last head's size) */
	int detector;			/* 1: the network has [yolo] or [region] heads */
	int classes;			/* a detector's head classes; else outputs */
	uint64_t total_params;
	uint64_t total_macs;
	uint64_t weight_bytes;		/* float32 bytes of all stored parameters */
};

const char *layer_kind_name(enum layer_kind k);

/* Count of layers with weights. */
int model_weight_layers(const struct model *m);

/* Checksum over every stored parameter of every layer, in file order. */
uint64_t model_checksum(const struct model *m);

#endif
