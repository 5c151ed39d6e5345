/* panes.h - the panes (one pane_NAME.c each) and the view tabs in order. */
#ifndef SAFER_TUI_PANES_H
#define SAFER_TUI_PANES_H

#include "tui/view/view.h"

extern const struct tui_pane tui_pane_layers, tui_pane_perturb, tui_pane_accuracy, tui_pane_detail;
extern const struct tui_pane tui_pane_curve, tui_pane_heatmap, tui_pane_budget, tui_pane_criteria, tui_pane_pareto;
extern const struct tui_pane tui_pane_picture, tui_pane_tour, tui_pane_classes;

/* The layer row at screen position (y, x), -1 if none (mouse clicks). */
int tui_pane_layers_hit(const struct tui_view *v, const struct tui *t, int y, int x);
/* The budget's totals (size, BOPs) and, on a second line, its accuracy. */
void tui_pane_budget_totals(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y, int lines);

#endif
