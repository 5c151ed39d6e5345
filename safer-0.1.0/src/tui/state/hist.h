/* hist.h - what a perturbation does to the selected layer's weights:
 * histograms of the pristine weights and of a private perturbed copy, zeros
 * and distinct values.  The engine's weights are never touched. */
#ifndef SAFER_TUI_HIST_H
#define SAFER_TUI_HIST_H

struct tui;

/* Recomputes t->hist when the selection (layer, kind, level, seed) changed. */
void tui_hist_update(struct tui *t);

#endif
