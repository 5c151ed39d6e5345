/* levels.h - the level ladder of each perturbation kind: the values +/- step
 * through, the curve's x axis and the heatmap's columns.  Levels are always
 * produced here, from an integer position on a ladder, so the same level
 * computed twice is the same double and results can be looked up by value. */
#ifndef SAFER_TUI_LEVELS_H
#define SAFER_TUI_LEVELS_H

#include <stddef.h>

#include "core/perturb.h"

double tui_levels_default(enum perturb_kind k);
double tui_levels_default_step(enum perturb_kind k);
/* Next/previous level from `level` (dir +1/-1), snapped to the ladder. */
double tui_levels_move(enum perturb_kind k, double step, double level, int dir);
/* Coarser (+1) or finer (-1) step; returns the new step. */
double tui_levels_step_change(enum perturb_kind k, double step, int dir);
/* Snap a level to the ladder of `step`. */
double tui_levels_snap(enum perturb_kind k, double step, double level);
/* The curve's x axis: ladder levels within the kind's window. */
int tui_levels_ladder(enum perturb_kind k, double step, double *out, int max);
/* The heatmap's columns: the ladder without the identity level. */
int tui_levels_columns(enum perturb_kind k, double step, double *out, int max);
char *tui_levels_format(enum perturb_kind k, double level, char *buf, size_t size);
char *tui_levels_format_step(enum perturb_kind k, double step, char *buf, size_t size);
int tui_levels_same(double a, double b);
/* What a level counts, in words: "bits", "probability" or "fraction". */
const char *tui_levels_unit(enum perturb_kind k);

#endif
