/* select.h - the selection (layer, kind, level, step, seed, trials) and what
 * the user wants measured for it.  Every setter asks for a new live
 * measurement and sets t->resched; none calls the scheduler. */
#ifndef SAFER_TUI_SELECT_H
#define SAFER_TUI_SELECT_H

#include "tui/state/types.h"

#define TUI_TRIALS_MAX 20

/* The key of the current selection (layer, kind, level, seed). */
struct result_key tui_select_key(const struct tui *t);
/* Clamped to the model's layers (layers without weights can be selected:
 * they show their shape, and nothing is measured). */
void tui_select_layer(struct tui *t, int layer);
void tui_select_kind(struct tui *t, enum perturb_kind k);
void tui_select_level(struct tui *t, double level);
/* One perturbation field one step up or down (kind cycles, trials 1..20). */
void tui_select_change(struct tui *t, enum perturb_field f, int dir);
/* The selection is wanted measured (force: forget its cached result).  No
 * job for a layer without weights. */
void tui_select_measure(struct tui *t, int force);

#endif
