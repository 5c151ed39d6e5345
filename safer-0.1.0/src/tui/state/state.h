/* state.h - the explorer's model made from what was loaded, and given back. */
#ifndef SAFER_TUI_STATE_H
#define SAFER_TUI_STATE_H

#include "tui/state/types.h"

/* Borrows o, d and e (the caller keeps them alive); computes the weight
 * criteria from the pristine weights, so before any job runs.  Selects the
 * first weight layer, prune at its default level, the curve shown. */
void tui_state_init(struct tui *t, const struct setup_opts *o, const struct dataset *d, struct engine *e);
void tui_state_free(struct tui *t);
/* Brings the caches the panes draw from up to date (histograms, criteria
 * agreement); each recomputes only when what it depends on changed. */
void tui_state_refresh(struct tui *t);

#endif
