/* compact.h - `safer export --compact`: a budget's prune-filter settings as
 * a smaller network that runs faster in stock Darknet.
 *
 * The budget is applied as `export` applies it; then every filter (or
 * connected output) of a prune-filter layer whose output is exactly zero -
 * weights, bias and batch-norm scale all 0, an activation that keeps 0 at 0 -
 * is removed, and the layers reading that output lose the matching input
 * channels: through the chain, [route] concatenations, [maxpool],
 * [avgpool], [upsample] and [dropout].  The compact network computes what
 * the zero-filled one does, up to summation order.  Refused with the reason:
 * a narrowed output that reaches a [shortcut], a grouped convolution, a
 * standalone [batchnorm], [reorg], [crop] or an output layer, and a layer
 * that would lose every filter. */
#ifndef SAFER_COMPACT_H
#define SAFER_COMPACT_H

#include "core/budget.h"

#include <stddef.h>
#include <stdint.h>

struct compact_result {
	int layers_narrowed;
	long removed;			/* filters and connected outputs */
	uint64_t params_before, params_after;
	uint64_t macs_before, macs_after;
	size_t cfg_bytes, weights_bytes;
};

/* Writes out_cfg and out_weights (each atomically; neither may be an
 * input); budget_name names the budget in messages.  0, or an exit status with *cause: EXIT_BAD_INPUT for a budget
 * for another model or a network the compaction refuses, EXIT_FAILURE_RUNTIME
 * when a write failed. */
int export_compact(const char *cfg, const char *weights, const struct budget *b, const char *budget_name,
    const char *out_cfg, const char *out_weights, struct compact_result *res, char **cause);

#endif
