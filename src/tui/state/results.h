/* results.h - every measurement of the session by (layer, kind, level, seed):
 * the averages the panes draw and the per-trial rows a heatmap save writes.
 * Every change bumps results.gen. */
#ifndef SAFER_TUI_RESULTS_H
#define SAFER_TUI_RESULTS_H

#include "tui/state/types.h"

struct result_key tui_results_key(int layer, enum perturb_kind kind, double level, uint64_t seed);
int tui_results_same(const struct result_key *a, const struct result_key *b);
const struct result *tui_results_find(const struct results *r, const struct result_key *k);
/* iou: a detector's mean IoU of matched boxes (not in scan rows), else NAN. */
void tui_results_add(struct results *r, const struct result_key *k, const struct scan_row *row, double iou);
/* Enter on a measured cell: measure it again from scratch. */
void tui_results_forget(struct results *r, const struct result_key *k);
void tui_results_free(struct results *r);
double tui_results_top1(const struct result *r);
double tui_results_drop(const struct result *r);
void tui_results_interval(const struct result *r, double *lo, double *hi);
/* Trials a complete measurement of this kind needs. */
int tui_results_trials_wanted(const struct tui *t, enum perturb_kind k);

#endif
