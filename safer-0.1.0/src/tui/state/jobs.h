/* jobs.h - what the one engine runs, and what it measured.
 *
 * Declarative: the state says what is wanted (the live selection, the
 * budget, the next Pareto point, the next heatmap scan cell, then the rest of
 * the selected layer's curve while it is shown, in that order);
 * tui_jobs_schedule pulls the first wanted job from those producers and
 * submits it when it differs from what runs.  Only the loop calls it, once
 * per iteration, when t->resched is set. */
#ifndef SAFER_TUI_JOBS_H
#define SAFER_TUI_JOBS_H

#include <stddef.h>

#include "tui/state/types.h"

/* The job the state wants now (0: none); may advance the scan past cells
 * already measured.  Exposed for the tests. */
int tui_jobs_pick(struct tui *t, struct job_ref *out);
void tui_jobs_schedule(struct tui *t);
/* The engine's wake fd was readable: takes its progress, records a finished
 * measurement, and sets t->resched. */
void tui_jobs_on_wake(struct tui *t);
/* The running job's progress when it measures key k (NULL otherwise). */
const struct engine_progress *tui_jobs_progress_for(const struct tui *t, const struct result_key *k, int *trial);
const char *tui_jobs_activity(const struct tui *t, char *buf, size_t size);

#endif
