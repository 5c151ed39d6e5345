/* export.h - "apply budget, save": a Darknet weights file with a budget's
 * weight settings baked in (pruned weights zero, quantized weights replaced by
 * their dequantized values), written atomically. */
#ifndef SAFER_EXPORT_H
#define SAFER_EXPORT_H

#include "core/budget.h"

struct export_result {
	int applied;		/* weight perturbations baked in */
	int activation_skipped;	/* actbits entries a weights file cannot carry */
	size_t bytes;		/* size of the written file */
};

/* Loads cfg+weights afresh, applies the budget's weight items and writes
 * out_path atomically; refuses to overwrite cfg or weights.  0, or an exit
 * status with *cause: EXIT_BAD_INPUT (a budget for another model, a refused
 * target) or EXIT_FAILURE_RUNTIME (the write failed). */
int export_budget(const char *cfg, const char *weights, const struct budget *b, const char *out_path,
    struct export_result *res, char **cause);

struct backend_net;
/* The budget's weight items applied to net for good (export_budget and
 * export_compact); activation items are counted in res, not applied.
 * `origin` names the weights in messages.  0 or EXIT_BAD_INPUT. */
int export_apply(struct backend_net *net, const char *origin, const struct budget *b, struct export_result *res,
    char **cause);

#endif
