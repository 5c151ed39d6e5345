/* layer_time.h - each layer's forward time on this machine (`safer info
 * --time`): through the engine's kernels at its batch and through stock
 * Darknet's layer code at batch 1 (as `classifier valid` runs it), on one
 * thread, seeded random inputs; each layer's fastest pass.  Weights are not needed: without them the
 * batch-norm variances Darknet leaves at 0 are set to 1 so that no layer
 * runs on infinities. */
#ifndef SAFER_LAYER_TIME_H
#define SAFER_LAYER_TIME_H

struct layer_times {
	int n;			/* layers */
	double *engine_ms;	/* owned: n entries, ms per image */
	double *stock_ms;	/* owned: n entries, ms per image */
	double engine_total, stock_total;	/* ms per image, whole pass */
	int batch;		/* the engine's images per pass */
	int engine_passes, stock_passes;	/* timed passes after a warm-up */
};

/* Times both paths for at least min_seconds each (and 3 passes).  0, or -1
 * with *cause (the cfg or weights did not load). */
int layer_times_measure(const char *cfg, const char *weights, int batch, double min_seconds, struct layer_times *out,
    char **cause);
void layer_times_free(struct layer_times *t);

#endif
