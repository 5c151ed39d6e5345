/* criteria.h - layer importance without a perturbation sweep.
 *
 * Each criterion gives every weight layer one score; a higher score means a
 * more important (more sensitive) layer, and rank 1 is the highest score.
 * Sign and normalisation choices (the scores are only compared within one
 * criterion, so global factors such as 1/B never change a ranking):
 *   magnitude  mean |w| over the layer's weights (biases and batch norm left out)
 *   l2         ||w||_2
 *   l2pp       ||w||_2 / sqrt(n): the L2 norm per parameter, i.e. the RMS weight
 *   params     stored floats of the layer (weights, biases, batch norm)
 *   macs       multiply-accumulates per image
 *   grad       mean over mini-batches of ||g_b||_2, g_b the gradient of the
 *              batch's mean cross-entropy w.r.t. the layer's weights
 *   taylor     mean over mini-batches of sum_k |w_k g_b,k| (first-order loss
 *              change of removing each weight, absolute per weight)
 *   fisher     mean over mini-batches of sum_k g_b,k^2: the empirical Fisher
 *              trace with mini-batch gradients (B images each)
 *   hessian    trace of the layer's diagonal Hessian block of the mean loss,
 *              Hutchinson's estimator with Rademacher probes and central
 *              finite differences of gradients; signed (a negative estimate
 *              ranks last)
 *   ig         sum_k |w_k * mean_alpha g_k(alpha w)|: integrated gradients on
 *              the path that scales the layer from 0 to its weights (midpoint
 *              rule), the other layers fixed
 *   quick      measured top-1 drop in points for one perturbation of the
 *              layer (default prune:0.5) on the first --samples images
 * Gradients come from Darknet's backward pass in training mode (batch
 * statistics in batch norm, dropout off) with the true labels. */
#ifndef SAFER_CRITERIA_H
#define SAFER_CRITERIA_H

#include <signal.h>
#include <stdint.h>

#include "core/criterion.h"
#include "formats/dataset.h"
#include "core/model.h"
#include "core/perturb.h"

struct backend_net;

/* The criteria (enum criterion, their names) and struct criteria_table are
 * in core/criterion.h. */

/* "magnitude,l2,..." or "all" -> bit mask of (1u << criterion); l2 brings
 * l2pp along.  -1 with *cause on an unknown name. */
int criteria_parse(const char *text, unsigned *mask, char **cause);

struct criteria_opts {
	unsigned mask;		/* criteria to compute */
	int samples;		/* first N images for gradients and quick (default 512) */
	int batch;		/* images per gradient pass, <= 32 (0: min(32, samples)) */
	int probes;		/* Hutchinson probes per layer (default 4) */
	int ig_steps;		/* integrated-gradient steps (default 8) */
	double hvp_eps;		/* finite-difference step relative to the layer's RMS weight
				 * (default 0.1: curvature at the scale of real perturbations;
				 * much smaller steps meet leaky/maxpool kinks one at a time
				 * and make the estimate noisy) */
	uint64_t seed;		/* probes and stochastic quick perturbations */
	struct perturb quick;	/* the perturbation quick measures (default prune:0.5) */
	int threads;		/* engine threads for quick (0: one per CPU) */
	volatile sig_atomic_t *interrupt;	/* checked between passes; may be NULL */
	void (*progress)(const char *what, int done, int total, void *ctx);
	void *progress_ctx;
};

void criteria_opts_init(struct criteria_opts *o);

/* Ranks from scores, column by column: 1 = highest score, ties share the
 * mean of their positions, NaN scores get NaN ranks and count for nothing. */
void criteria_rank(struct criteria_table *t);

/* Every criterion of o->mask for the network cfg/weights on the first
 * o->samples images of d (labels needed for gradient criteria and quick).
 * -1 with *cause on an error, 1 when interrupted. */
int criteria_compute(const char *cfg, const char *weights, const struct dataset *d,
    const struct criteria_opts *o, struct criteria_table *out, char **cause);
/* The weight-statistic criteria of mask (magnitude, l2, l2pp, params, macs;
 * others are ignored) from the model's weights as they are now, ranked.
 * Instant: no data, no network passes (the explorer computes them at start). */
#define CRITERIA_STATIC_MASK ((1u << CRIT_MAGNITUDE) | (1u << CRIT_L2) | (1u << CRIT_L2PP) | \
	(1u << CRIT_PARAMS) | (1u << CRIT_MACS))
void criteria_static(const struct model *m, unsigned mask, struct criteria_table *out);

/* The building blocks, exposed for tests.  x/labels hold n images, n a
 * multiple of the network's batch; loss is the mean over images.  The layer's
 * weights are modified during the call and restored bit for bit. */
int criteria_hessian_trace(struct backend_net *net, const float *x, const int *labels, int n,
    int layer, int probes, double eps, uint64_t seed, double *trace, char **cause);
/* *abs_sum = sum_k |IG_k|, *signed_sum = sum_k IG_k (completeness: close to
 * L(w) - L(0) for many steps). */
int criteria_integrated_gradients(struct backend_net *net, const float *x, const int *labels, int n,
    int layer, int steps, double *abs_sum, double *signed_sum, char **cause);

/* Agreement of one criterion's scores with a measured ground truth (drop per
 * layer; larger = more critical) over n layers. */
struct criteria_agreement {
	double spearman, kendall;	/* NaN when undefined (constant input, n < 2) */
	int topk, k;			/* overlap of the k most critical layers */
};
void criteria_agree(const double *score, const double *truth, int n, int k, struct criteria_agreement *out);
/* Index of the largest finite value of v[0..n-1] (-1 if none) and, in
 * *second (may be NULL), of the next largest: which criterion predicts best. */
int criteria_best(const double *v, int n, int *second);

#endif
