/* budget.h - per-layer compression budgets: the file format, the perturbations
 * a budget stands for, and its cost (storage, compression, MACs, BOPs).
 *
 * File format, in the spirit of Darknet's cfg:
 *     # comment
 *     [layer 4]
 *     prune=0.5        magnitude pruning fraction (0..1)
 *     prune-filter=0.25  structured: fraction of filters removed (0..1)
 *     bits=4           weight bits, one scale per tensor (2..16)
 *     bits-pc=4        weight bits, one scale per output channel (2..16)
 *     actbits=8        output activation bits (2..16)
 * Several keys in one section combine: pruning first, then quantization of
 * the survivors.  Layers are Darknet's 0-based indexes and must have weights. */
#ifndef SAFER_BUDGET_H
#define SAFER_BUDGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/model.h"
#include "core/perturb.h"

struct budget_layer {
	int layer;
	double prune;		/* 0 = none */
	double prune_filter;	/* 0 = none */
	int bits;		/* 0 = float32 */
	int bits_pc;		/* 0 = none; bits and bits_pc are exclusive */
	int actbits;		/* 0 = float32 activations */
	int line;		/* section line in the file, 0 when built in memory */
};

struct budget {
	int n;
	struct budget_layer *layers;	/* owned, sorted by layer, one per layer */
};

/* Parse budget text.  With a model, layers and kinds are checked against it.
 * Errors: "NAME:LINE: problem" (-1, *cause). */
int budget_parse(const char *name, const char *text, size_t len, const struct model *m,
    struct budget *out, char **cause);
int budget_load(const char *path, const struct model *m, struct budget *out, char **cause);
/* Writes the budget in the file format (with a header comment). */
int budget_write(FILE *f, const struct budget *b, const struct model *m);
void budget_free(struct budget *b);

/* The entry for a layer, created (all zero) when absent. */
struct budget_layer *budget_get(struct budget *b, int layer);
/* The entry for a layer or NULL. */
const struct budget_layer *budget_find(const struct budget *b, int layer);
/* Drops entries that set nothing. */
void budget_compact(struct budget *b);
/* "p0.50 q4" style short text of one entry for tables and the TUI. */
char *budget_layer_summary(const struct budget_layer *l, char *buf, size_t size);

/* The perturbations the budget applies, in order (per layer: prune,
 * prune-filter, quant/quant-pc, actquant).  *items is allocated. */
int budget_items(const struct budget *b, struct job_item **items);

struct budget_cost {
	double bytes;		/* storage of all parameters under the budget */
	double float_bytes;	/* the same network in float32 */
	double ratio;		/* float_bytes / bytes */
	uint64_t macs;		/* per image, all layers */
	double effective_macs;	/* MACs that remain after pruning */
	double bops;		/* bit operations per image */
	double float_bops;	/* the same in float32 (32x32 per MAC) */
	double avg_bits;	/* weight bits per weight, weighted by parameter count */
	double sparsity;	/* zeroed weights / all weights */
};
/* Storage assumes, per weight layer: quantized weights at b bits (float32 if
 * unquantized) plus one float32 scale per tensor or per channel; pruned
 * layers stored as a 1-bit-per-weight mask plus the surviving values when
 * that is smaller than dense; biases and batch-norm parameters as float32.
 * BOPs = sum over layers of MACs × (1 − sparsity) × weight bits × activation
 * bits (32 when not quantized). */
void budget_cost(const struct budget *b, const struct model *m, struct budget_cost *out);

#endif
