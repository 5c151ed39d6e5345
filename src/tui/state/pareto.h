/* pareto.h - the accuracy/size front: one sensitivity budget per target of
 * `safer budget --pareto`'s range, allocated at once (autobudget.h), each
 * then measured by the engine (the scheduler pulls tui_pareto_next), sorted
 * by size.  A cursor moves along the points; one can become the budget. */
#ifndef SAFER_TUI_PARETO_H
#define SAFER_TUI_PARETO_H

#include "tui/state/types.h"

/* A new front over the targets of one kind ("bits", "sparsity", "size", "drop"). */
void tui_pareto_start(struct tui *t, const char *kind);
int tui_pareto_next(const struct tui *t, struct job_ref *out);
void tui_pareto_record(struct tui *t, const struct job_ref *ref, const struct engine_progress *p);
void tui_pareto_failed(struct tui *t, const struct job_ref *ref);
void tui_pareto_move(struct tui *t, int dir);
void tui_pareto_apply(struct tui *t);
void tui_pareto_free(struct tui_pareto *p);
/* The measured points of the front on screen as `safer plot --figure
 * pareto` draws them (formats/figure), written atomically to path.  0, or
 * -1 with *cause (nothing measured yet, a write error). */
int tui_pareto_save_svg(struct tui *t, const char *path, char **cause);

#endif
