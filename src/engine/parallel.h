/* parallel.h - run a numbered list of independent tasks on a few threads.
 *
 * The engine starts every thread of the process; this is how code below it
 * (the data set loader) gets its work run in parallel: it passes
 * parallel_run as a callback.  Tasks are handed out in index order, one at a
 * time, so task 0 starts first; each task must touch only what is its own. */
#ifndef SAFER_PARALLEL_H
#define SAFER_PARALLEL_H

/* Runs task(ctx, 0..ntasks-1) on up to nthreads threads (0: one per online
 * CPU; the calling thread is one of them) and returns when all are done. */
void parallel_run(int nthreads, int ntasks, void (*task)(void *ctx, int i), void *ctx);

/* Online CPUs (at least 1). */
int parallel_cpus(void);

#endif
