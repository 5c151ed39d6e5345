/* curves.h - the measured cells as sensitivity curves (as from a scan file),
 * for the allocators and for a budget's assumed drop. */
#ifndef SAFER_TUI_CURVES_H
#define SAFER_TUI_CURVES_H

#include "tui/state/types.h"

/* The measured cells of the knob's kind (trials averaged); returns the
 * number of layers with a curve.  The caller frees *out. */
int tui_curves_from_results(const struct tui *t, enum alloc_knob knob, struct sens_curves *out);
/* Sum of single-layer drops measured for the budget's settings, NaN if unknown. */
double tui_curves_assumed(const struct tui *t, const struct budget *b);

#endif
