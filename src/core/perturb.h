/* perturb.h - SAfER perturbations of one layer's weights, with exact undo.
 *
 * Every perturbation is a pure function of (weights, spec, seed): applying the
 * same spec with the same seed to the same weights gives the same result, and
 * perturb_restore() puts back the original bits exactly (the undo record holds
 * byte copies, never recomputed values). */
#ifndef SAFER_PERTURB_H
#define SAFER_PERTURB_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

enum perturb_kind {
	PERTURB_PRUNE,		/* prune:F         smallest-|w| fraction F set to 0 */
	PERTURB_PRUNE_RANDOM,	/* prune-random:F  random fraction F set to 0 */
	PERTURB_PRUNE_FILTER,	/* prune-filter:F  fraction F of filters with smallest L1 removed */
	PERTURB_QUANT,		/* quant:B         symmetric uniform, one scale per tensor */
	PERTURB_QUANT_PC,	/* quant-pc:B      symmetric uniform, one scale per output channel */
	PERTURB_ACTQUANT,	/* actquant:B      output activations quantized (applied by the engine) */
	PERTURB_BITFLIP,	/* bitflip:P       each bit of each float flips with probability P */
	PERTURB_BITFLIP_EXP,	/* bitflip-exp:P   exponent bits only */
	PERTURB_BITFLIP_SIGN,	/* bitflip-sign:P  sign bit only */
	PERTURB_BITFLIP_INT8,	/* bitflip-int8:P  bits of the int8-quantized value */
	PERTURB_NOISE,		/* noise:S         Gaussian, sd = S * sd(weights) */
	PERTURB_BITPOS,		/* bitpos:K        flip bit K in a fraction `rate` of weights */
	PERTURB_STUCK0,		/* stuck0:P        each bit stuck at 0 with probability P */
	PERTURB_STUCK1,		/* stuck1:P        each bit stuck at 1 with probability P */
	PERTURB_KIND_COUNT
};

/* The fraction of weights bitpos hits unless told otherwise (--rate). */
#define PERTURB_DEFAULT_RATE 0.001

struct perturb {
	enum perturb_kind kind;
	double level;		/* fraction, bits, probability, sigma or bit index */
	double rate;		/* bitpos only: fraction of weights hit (PERTURB_DEFAULT_RATE) */
	uint64_t seed;
};

/* Saved bytes of everything an apply touched; owned by the caller, filled by
 * perturb_apply, emptied by perturb_restore or perturb_undo_free.  Start it
 * zeroed ({0}).  biases/scales are saved by prune-filter only; rolling_mean is
 * never modified by any kind and stays NULL. */
struct perturb_undo {
	float *weights, *biases, *scales, *rolling_mean;
	size_t nweights;
	int filters;
	int active;
};

/* One perturbation on one layer; an engine job or a budget is a list of them. */
struct job_item {
	int layer;
	struct perturb p;
};

const char *perturb_kind_name(enum perturb_kind k);
int perturb_kind_from_name(const char *name, enum perturb_kind *out);
/* Stochastic kinds depend on the seed and are run for several trials. */
int perturb_kind_is_stochastic(enum perturb_kind k);
/* Activation quantization changes outputs, not weights. */
int perturb_kind_is_activation(enum perturb_kind k);
/* Valid level range for a kind, and whether levels are integers. */
void perturb_kind_range(enum perturb_kind k, double *lo, double *hi, int *integer);
/* Plain-language two-line explanation (static string) for teaching. */
const char *perturb_kind_explain(enum perturb_kind k);

/* "KIND:LEVEL" -> spec (seed 0, rate PERTURB_DEFAULT_RATE).  -1 with *cause on error. */
int perturb_parse(const char *text, struct perturb *out, char **cause);

/* A scan grid "KIND:L1,L2,..." or "KIND:FROM:TO:STEP". */
struct perturb_grid {
	enum perturb_kind kind;
	int nlevels;
	double *levels;		/* owned */
};
int perturb_grid_parse(const char *text, struct perturb_grid *out, char **cause);
void perturb_grid_free(struct perturb_grid *g);

/* Apply to one layer's tensor in place, recording an undo.  Activation kinds
 * leave the weights untouched (the engine quantizes outputs).  -1 with *cause
 * if the spec does not fit the layer. */
int perturb_apply(const struct perturb *p, struct weight_tensor *t, struct perturb_undo *undo, char **cause);
/* perturb_apply on layer `layer` of m, whose weights come from `file`: the
 * message says where ("FILE: layer N (kind): problem"). */
int perturb_apply_layer(const struct perturb *p, const struct model *m, int layer, const char *file,
    struct weight_tensor *t, struct perturb_undo *undo, char **cause);
void perturb_restore(struct weight_tensor *t, struct perturb_undo *undo);
void perturb_undo_free(struct perturb_undo *undo);

/* Uniform symmetric quantization of activations to `bits` over [-absmax, absmax]
 * (or [0, max] when lo >= 0, as after ReLU-like activations). */
void perturb_quantize_activations(float *x, size_t n, int bits, float lo, float hi);

/* Seed of trial t derived from a base seed (splitmix64 mixing). */
uint64_t perturb_trial_seed(uint64_t base, int layer, int kind, double level, int trial);

#endif
