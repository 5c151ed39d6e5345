/* results.h - every measurement of the session by (layer, kind, level, seed):
 * the averages the panes draw and the per-trial rows a heatmap save writes.
 * Every change bumps results.gen. */
#ifndef SAFER_TUI_RESULTS_H
#define SAFER_TUI_RESULTS_H

#include "tui/state/types.h"

struct result_key tui_results_key(int layer, enum perturb_kind kind, double level, uint64_t seed);
int tui_results_same(const struct result_key *a, const struct result_key *b);
const struct result *tui_results_find(const struct results *r, const struct result_key *k);
/* iou: a detector's mean IoU of matched boxes (not in scan rows), else NAN;
 * total: the images in the set (row->images fewer: an estimate). */
void tui_results_add(struct results *r, const struct result_key *k, const struct scan_row *row, double iou, long total);
/* Enter on a measured cell: measure it again from scratch. */
void tui_results_forget(struct results *r, const struct result_key *k);
void tui_results_free(struct results *r);
double tui_results_top1(const struct result *r);
double tui_results_drop(const struct result *r);
void tui_results_interval(const struct result *r, double *lo, double *hi);
/* The drop's spread over trials: sample standard deviation (0 for one
 * trial), smallest and largest. */
void tui_results_spread(const struct result *r, double *sd, double *min, double *max);
/* Whether every trial saw every image of the set. */
int tui_results_exact(const struct result *r);
/* Each trial's row of key k, in the order measured: up to max into out;
 * returns how many there are. */
int tui_results_trial_rows(const struct results *r, const struct result_key *k, const struct scan_row **out, int max);
/* Trials a complete measurement of this kind needs. */
int tui_results_trials_wanted(const struct tui *t, enum perturb_kind k);
/* Trials of key k that count as measured: none when exact measuring (E) is
 * on and a trial is an early-stopped estimate (it is measured again). */
int tui_results_have(const struct tui *t, const struct result_key *k);

#endif
