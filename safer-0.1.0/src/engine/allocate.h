/* allocate.h - automatic per-layer budgets for a target (average bits,
 * sparsity, size or accuracy drop), from measured sensitivity curves or from
 * an importance criterion.  Pure computation: measuring a budget (drop
 * targets) goes through a caller-supplied callback, so the engine stays out.
 *
 * From curves (a scan): an exact multiple-choice knapsack.  Each layer takes
 * one setting measured on its curve (every layer is quantized: the scan's
 * bit-widths; pruning may also leave a layer dense), minimising the sum of
 * the single-layer drops (additivity assumption) subject to the target's
 * cost; dynamic programming over costs rounded up to a grid of 1/4096 of the
 * slack, so the result always fits.  Chosen over greedy marginal cost
 * (cheapest drop per unit of cost saved, one step at a time), which
 * overshoots when one layer holds most weights: on the bundled model at
 * bits=3 greedy had to take the big connected layer to 2 bits and assumed
 * 31 points of drop where the knapsack finds 10.  Drop targets bisect the
 * cost limit for the cheapest knapsack choice whose drop - measured through
 * the callback when given, else the sum of single-layer drops - stays
 * within the target.
 *
 * From a criterion (no scan): a layer's importance s (its score, floored at
 * a millionth of the largest) per weight, rho = s / n, sets its share by the
 * textbook rate allocations that minimise sum s * distortion:
 *   quant: bits = round(c + log2(rho) / 2), clamped to 3..16 (2..16 when
 *          the target cannot be met with 3; quantization error ~ 4^-bits),
 *          c the largest value meeting the target, then single bits added
 *          back greedily where rho * 4^-bits is largest;
 *   prune: fraction = min(lambda / rho, 0.99) (loss ~ s * fraction^2), lambda
 *          the smallest value meeting the target.
 * More important layers get more bits and less sparsity.  Drop targets
 * bisect c or lambda on the measured drop.
 *
 * Uniform budgets give every layer the same setting: the cheapest one meeting
 * the target (bits, fraction to 0.001), for drop targets by measurement. */
#ifndef SAFER_ALLOCATE_H
#define SAFER_ALLOCATE_H

#include <stddef.h>

#include "core/budget.h"
#include "core/model.h"
#include "formats/scan_file.h"

enum alloc_target_kind {
	TARGET_BITS,		/* average weight bits (total weight bits / weights) <= value */
	TARGET_SPARSITY,	/* zeroed weights / weights >= value */
	TARGET_SIZE,		/* budget_cost bytes <= value */
	TARGET_DROP,		/* top-1 drop in points <= value */
};

enum alloc_knob {
	KNOB_QUANT,		/* bits=B (one scale per tensor), scan kind quant */
	KNOB_PRUNE,		/* prune=F (magnitude), scan kind prune */
};

struct alloc_target {
	enum alloc_target_kind kind;
	double value;
	int has_value;		/* "bits" alone (for --pareto) has none */
	enum alloc_knob knob;	/* bits -> quant, sparsity -> prune; size and drop: chosen */
};

/* "bits=4", "sparsity=0.6", "size=200KB" (B, KB, MB = 1000^n, KiB, MiB =
 * 1024^n), "drop=1.0"; or the kind alone.  -1 with *cause. */
int alloc_target_parse(const char *text, struct alloc_target *out, char **cause);
/* "bits=4" style (static-free: writes buf). */
char *alloc_target_text(const struct alloc_target *t, char *buf, size_t size);
const char *alloc_knob_name(enum alloc_knob k);
/* The budget's value in the target's unit: average bits, sparsity, bytes (NaN for drop). */
double alloc_target_measure(const struct alloc_target *t, const struct budget *b, const struct model *m);
/* Does the budget meet the target?  `drop` is the measured drop (drop targets). */
int alloc_target_met(const struct alloc_target *t, const struct budget *b, const struct model *m, double drop);

/* One layer's measured sensitivity: drop (points, trials averaged) per level
 * of the knob, sorted from least to most compressed. */
struct sens_curve {
	int layer;
	int n;
	double *level;		/* owned */
	double *drop;		/* owned */
};

struct sens_curves {
	enum alloc_knob knob;
	int n;
	struct sens_curve *c;	/* owned, by layer */
};

/* Curves of the knob's kind (quant or prune rows) for the model's weight
 * layers present in the scan.  -1 with *cause when there are none. */
int sens_curves_from_scan(const struct scan_file *s, const struct model *m, enum alloc_knob knob,
    struct sens_curves *out, char **cause);
void sens_curves_free(struct sens_curves *c);
/* Sum of the single-layer drops the curves give for the budget's settings;
 * NaN when a setting is not on a curve. */
double sens_curves_predict(const struct sens_curves *c, const struct budget *b);

/* Measures a budget's top-1 drop (points); 0 on success. */
typedef int (*alloc_measure_fn)(const struct budget *b, double *drop, void *ctx, char **cause);

struct alloc_info {
	double assumed_drop;	/* sum of single-layer drops (curves), else NaN */
	int evaluations;	/* measurements made (drop targets) */
};

/* From curves.  `measure` may be NULL (drop targets then trust additivity). */
int allocate_budget(const struct model *m, const struct sens_curves *c, const struct alloc_target *t,
    alloc_measure_fn measure, void *ctx, struct budget *out, struct alloc_info *info, char **cause);
/* From one criterion's scores over n layers (a larger score = more important).
 * Drop targets need `measure`. */
int allocate_from_scores(const struct model *m, const int *layers, const double *scores, int n,
    const struct alloc_target *t, alloc_measure_fn measure, void *ctx, struct budget *out,
    struct alloc_info *info, char **cause);
/* The target values of an accuracy/size front (`safer budget --pareto`, the
 * explorer's Pareto view): a range suited to t->kind (bits 2..8, sparsity
 * 0.1..0.9, sizes 1/4..1/14 of float32, drops 0.25..4), at most
 * ALLOC_PARETO_MAX, from the most to the least compressed or the reverse. */
#define ALLOC_PARETO_MAX 16
int alloc_pareto_targets(const struct alloc_target *t, const struct model *m, double *v);
/* The same setting for every weight layer. */
int allocate_uniform(const struct model *m, const struct alloc_target *t, alloc_measure_fn measure, void *ctx,
    struct budget *out, struct alloc_info *info, char **cause);

#endif
